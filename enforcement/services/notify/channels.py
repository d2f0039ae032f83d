"""Sending reminders outside the app: email (SMTP) and the group robots of 企业微信 (WeCom) and
钉钉 (DingTalk). Each channel is optional (configured or not) and each officer chooses his own.

Deliveries are written ``pending`` in the run's transaction and sent after it commits; a failed
send is retried a few times in the run, then at the next runs, and logged: it never stops the
run nor the other deliveries."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import smtplib
import time
import urllib.parse
from collections import defaultdict
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

import requests
from sqlalchemy import select

from enforcement.extensions import db
from enforcement.models import CHANNELS, Delivery, Notification, User
from enforcement.services.notify import messages

log = logging.getLogger("enforcement.notify")


class SendError(Exception):
    pass


def configured(config) -> set[str]:
    """The channels this server can use."""
    found = set()
    if config.get("SMTP_HOST") and config.get("MAIL_FROM"):
        found.add("email")
    if config.get("WECOM_WEBHOOK_URL"):
        found.add("wecom")
    if config.get("DINGTALK_WEBHOOK_URL"):
        found.add("dingtalk")
    return found


def plan(new: list[Notification], *, as_of: date, now: datetime, config) -> list[Delivery]:
    """One pending delivery per officer and chosen channel, holding the run's new notifications."""
    if not new:
        return []
    available = configured(config)
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for n in new:
        by_user[n.user_id].append(n)
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(by_user))))}
    locale = str(config.get("LANGUAGES", ("zh_CN",))[0])
    out = []
    for user_id, items in by_user.items():
        user = people.get(user_id)
        if user is None:
            continue
        chosen = [c for c in (user.notify_channels or []) if c in CHANNELS]
        for channel in chosen:
            if channel not in available or (channel == "email" and not user.email):
                continue
            subject, body = messages.digest(
                [(n.kind, n.params) for n in items],
                as_of=as_of,
                bureau=config.get("BUREAU_NAME", ""),
                locale=locale,
                site_url=config.get("SITE_URL", ""),
            )
            delivery = Delivery(
                user_id=user_id,
                channel=channel,
                on=as_of,
                notification_ids=[n.id for n in items],
                subject=subject[:200],
                body=body,
                status="pending",
                attempts=0,
                last_error="",
                created_at=now,
            )
            db.session.add(delivery)
            out.append(delivery)
    db.session.flush()
    return out


def due(config) -> list[int]:
    """Deliveries to (re)try: pending, or failed fewer times than allowed."""
    limit = int(config.get("REMINDER_MAX_ATTEMPTS", 9))
    return list(
        db.session.scalars(
            select(Delivery.id)
            .where(Delivery.status.in_(("pending", "failed")), Delivery.attempts < limit)
            .order_by(Delivery.id)
        )
    )


def attempt(delivery: Delivery, *, config, now: datetime, sleep=time.sleep) -> bool:
    """Send one delivery, retrying in place; record the outcome (the caller commits)."""
    user = db.session.get(User, delivery.user_id)
    tries = max(1, int(config.get("REMINDER_TRIES_PER_RUN", 3)))
    delays = list(config.get("REMINDER_RETRY_SECONDS", (2, 10)))
    for index in range(tries):
        delivery.attempts += 1
        try:
            send(delivery, user, config, now=now)
        except Exception as exc:  # any failure of the other side is logged, never raised
            delivery.status = "failed"
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:500]
            log.warning(
                "reminder delivery failed",
                extra={
                    "delivery_id": delivery.id,
                    "channel": delivery.channel,
                    "user_id": delivery.user_id,
                    "attempt": delivery.attempts,
                    "error": delivery.last_error,
                },
            )
            if index + 1 < tries:
                sleep(delays[min(index, len(delays) - 1)] if delays else 0)
            continue
        delivery.status, delivery.sent_at, delivery.last_error = "sent", now, ""
        log.info(
            "reminder delivered",
            extra={
                "delivery_id": delivery.id,
                "channel": delivery.channel,
                "user_id": delivery.user_id,
            },
        )
        return True
    return False


def send(delivery: Delivery, user: User | None, config, *, now: datetime) -> None:
    if delivery.channel == "email":
        send_email(delivery, user, config)
    elif delivery.channel == "wecom":
        send_wecom(delivery.body, user, config)
    elif delivery.channel == "dingtalk":
        send_dingtalk(delivery.body, user, config, now=now)
    else:
        raise SendError(f"unknown channel {delivery.channel!r}")


def send_email(delivery: Delivery, user: User | None, config) -> None:
    if user is None or not user.email:
        raise SendError("no email address")
    msg = EmailMessage()
    msg["Subject"] = delivery.subject
    msg["From"] = config["MAIL_FROM"]
    msg["To"] = formataddr((user.label, user.email))
    msg["Message-ID"] = make_msgid(domain="enforcement.local")
    msg.set_content(delivery.body)
    security = str(config.get("SMTP_SECURITY", "")).lower()
    host, port = config["SMTP_HOST"], int(config.get("SMTP_PORT", 25))
    timeout = float(config.get("REMINDER_TIMEOUT_SECONDS", 10))
    smtp_class = smtplib.SMTP_SSL if security == "ssl" else smtplib.SMTP
    with smtp_class(host, port, timeout=timeout) as smtp:
        if security == "starttls":
            smtp.starttls()
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD", ""))
        smtp.send_message(msg)


def _post(url: str, payload: dict, config) -> None:
    response = requests.post(
        url, json=payload, timeout=float(config.get("REMINDER_TIMEOUT_SECONDS", 10))
    )
    if response.status_code != 200:
        raise SendError(f"HTTP {response.status_code}")
    try:
        answer = response.json()
    except ValueError:
        raise SendError("not a JSON answer") from None
    # Both robots answer {"errcode": 0, "errmsg": "ok"} when the message was accepted.
    if answer.get("errcode") != 0:
        raise SendError(f"errcode {answer.get('errcode')}: {answer.get('errmsg')}")


def wecom_payload(body: str, user: User | None) -> dict:
    """企业微信 group robot, text message; the officer is @-mentioned by his mobile number."""
    content: dict[str, str | list[str]] = {"content": body}
    if user is not None and user.phone:
        content["mentioned_mobile_list"] = [user.phone]
    return {"msgtype": "text", "text": content}


def send_wecom(body: str, user: User | None, config) -> None:
    _post(config["WECOM_WEBHOOK_URL"], wecom_payload(body, user), config)


def dingtalk_payload(body: str, user: User | None) -> dict:
    """钉钉 custom robot, text message with @ by mobile number."""
    mobiles = [user.phone] if user is not None and user.phone else []
    return {
        "msgtype": "text",
        "text": {"content": body},
        "at": {"atMobiles": mobiles, "isAtAll": False},
    }


def dingtalk_url(url: str, secret: str, *, now_ms: int) -> str:
    """A robot with 加签 security: timestamp and HMAC-SHA256 signature in the query string."""
    if not secret:
        return url
    to_sign = f"{now_ms}\n{secret}".encode()
    sign = base64.b64encode(hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()).decode()
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}timestamp={now_ms}&sign={urllib.parse.quote_plus(sign)}"


def send_dingtalk(body: str, user: User | None, config, *, now: datetime) -> None:
    url = dingtalk_url(
        config["DINGTALK_WEBHOOK_URL"],
        config.get("DINGTALK_SECRET", ""),
        now_ms=int(now.timestamp() * 1000),
    )
    _post(url, dingtalk_payload(body, user), config)

"""Reminders leave the app: an email reaches a local SMTP server (aiosmtpd), messages in the
企业微信 and 钉钉 group robots' JSON formats reach a local HTTP receiver; a failed send is
retried and logged and never blocks the run; each officer chooses his channels; the bell counts
unread notifications on the phone and the desk."""
from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from enforcement.cli import run_daily
from enforcement.extensions import db
from enforcement.models import Delivery, Notification
from servers import SMTPServer, WebhookReceiver
from support_app import PASSWORD

DAY = date(2026, 11, 5)  # the rectify deadline of 11-04 went overdue
NOW = datetime(2026, 11, 5, 0, 30, tzinfo=timezone.utc)


@pytest.fixture
def smtp():
    with SMTPServer() as server:
        yield server


@pytest.fixture
def robot():
    with WebhookReceiver() as server:
        yield server


@pytest.fixture
def officer_case(app, make_user, make_enterprise):
    from enforcement.services.casework import cases
    from enforcement.services.core.actor import SYSTEM
    officer = make_user("zhangwei", "inspector")
    officer.display_name, officer.phone = "张伟", "13800000001"
    enterprise = make_enterprise(name="三河市某塑料加工厂")
    case = cases.open_case(SYSTEM, {"enterprise_id": enterprise.id, "action": "rectify",
                                    "served_on": date(2026, 10, 20), "rectify_days": 15,
                                    "violation": "v", "legal_basis": "b",
                                    "assignee_id": officer.id},
                           now=datetime(2026, 10, 20, tzinfo=timezone.utc)).case
    db.session.commit()
    return officer, case


def _configure(app, smtp=None, robot=None, **extra):
    app.config.update(REMINDER_RETRY_SECONDS=(0,), REMINDER_TIMEOUT_SECONDS=5,
                      AUDIT_ANCHOR_FILE=app.instance_path + "/anchor.jsonl", **extra)
    if smtp is not None:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port,
                          MAIL_FROM="提醒 <reminders@bureau.example>")
    if robot is not None:
        app.config.update(WECOM_WEBHOOK_URL=robot.url + "/cgi-bin/webhook/send?key=K1",
                          DINGTALK_WEBHOOK_URL=robot.url + "/robot/send?access_token=T1",
                          DINGTALK_SECRET="SEC-test")


def test_a_reminder_reaches_the_smtp_server_and_both_group_robots(app, officer_case, smtp, robot):
    officer, case = officer_case
    _configure(app, smtp, robot)
    officer.email, officer.notify_channels = "zhangwei@bureau.example", ["email", "wecom", "dingtalk"]
    db.session.commit()
    assert run_daily(DAY, NOW, echo=lambda *a, **k: None)

    (rcpts, mail), = smtp.messages
    assert rcpts == ["zhangwei@bureau.example"]
    assert "执法提醒" in mail["Subject"] and "2026-11-05" in mail["Subject"]
    body = mail.get_content()
    assert "三河市某塑料加工厂" in body and "逾期" in body and "2026-11-04" in body

    wecom = [r for r in robot.requests if r["path"].startswith("/cgi-bin/webhook/send")]
    ding = [r for r in robot.requests if r["path"].startswith("/robot/send")]
    assert len(wecom) == 1 and len(ding) == 1
    assert wecom[0]["json"]["msgtype"] == "text"
    assert wecom[0]["json"]["text"]["mentioned_mobile_list"] == ["13800000001"]
    assert "三河市某塑料加工厂" in wecom[0]["json"]["text"]["content"]
    assert ding[0]["json"]["msgtype"] == "text"
    assert ding[0]["json"]["at"] == {"atMobiles": ["13800000001"], "isAtAll": False}
    assert "三河市某塑料加工厂" in ding[0]["json"]["text"]["content"]
    # 加签: the signature is HMAC-SHA256 of "timestamp\nsecret", base64, in the query string.
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(ding[0]["path"]).query)
    stamp = query["timestamp"][0]
    expected = base64.b64encode(hmac.new(b"SEC-test", f"{stamp}\nSEC-test".encode(),
                                         hashlib.sha256).digest()).decode()
    assert query["sign"][0] == expected and query["access_token"] == ["T1"]
    statuses = {d.channel: d.status for d in db.session.scalars(select(Delivery))}
    assert statuses == {"email": "sent", "wecom": "sent", "dingtalk": "sent"}
    # A second run the same day sends nothing again.
    assert run_daily(DAY, NOW, echo=lambda *a, **k: None)
    assert len(smtp.messages) == 1 and len(robot.requests) == 2


def test_an_officer_who_chose_no_channel_only_gets_the_bell(app, officer_case, smtp, robot):
    officer, _case = officer_case
    _configure(app, smtp, robot)
    officer.email, officer.notify_channels = "zhangwei@bureau.example", []
    db.session.commit()
    assert run_daily(DAY, NOW, echo=lambda *a, **k: None)
    assert smtp.messages == [] and robot.requests == []
    assert db.session.scalars(select(Notification).where(
        Notification.user_id == officer.id)).all()


def test_a_failed_send_is_retried_logged_and_never_blocks_the_run(app, officer_case, robot,
                                                                     caplog):
    officer, _case = officer_case
    # SMTP points at a port where nothing listens; the WeCom robot fails twice, then accepts.
    from servers import free_port
    _configure(app, robot=robot, SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(),
               MAIL_FROM="reminders@bureau.example", REMINDER_TRIES_PER_RUN=2)
    officer.email, officer.notify_channels = "zhangwei@bureau.example", ["email", "wecom"]
    db.session.commit()
    robot.failures = 2
    out = []
    assert run_daily(DAY, NOW, echo=lambda msg, err=False: out.append(msg))
    rows = {d.channel: d for d in db.session.scalars(select(Delivery))}
    assert rows["email"].status == "failed" and rows["email"].attempts == 2
    assert "ConnectionRefusedError" in rows["email"].last_error
    assert rows["wecom"].status == "failed" and rows["wecom"].attempts == 2
    assert any("reminder delivery failed" in r.getMessage() for r in caplog.records)
    assert "audit anchor" in out[-1]  # the run went on to its end
    # The next run retries what failed: the robot now answers.
    assert run_daily(date(2026, 11, 6), NOW.replace(day=6), echo=lambda *a, **k: None)
    db.session.expire_all()
    rows = {d.channel: d for d in db.session.scalars(select(Delivery).where(
        Delivery.on == DAY))}
    assert rows["wecom"].status == "sent" and rows["wecom"].attempts == 3
    assert rows["email"].status == "failed" and rows["email"].attempts == 4


def test_officers_choose_their_channels_and_read_the_bell(app, client, auth, officer_case):
    officer, _case = officer_case
    _configure(app)
    assert run_daily(DAY, NOW, echo=lambda *a, **k: None)
    auth.login("zhangwei", PASSWORD)
    unread = db.session.scalar(select(db.func.count()).select_from(Notification).where(
        Notification.user_id == officer.id))
    assert unread >= 1
    for path in ("/", "/m/worklist"):
        page = client.get(path, follow_redirects=True).get_data(as_text=True)
        assert 'class="bell' in page and f'data-unread="{unread}"' in page
    listing = client.get("/notifications").get_data(as_text=True)
    assert "三河市某塑料加工厂" in listing and "逾期" in listing
    token = auth.csrf("/notifications")
    assert client.post("/notifications/read", data={"csrf_token": token}).status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert 'data-unread="0"' in page
    form = client.get("/account/reminders").get_data(as_text=True)
    assert "企业微信" in form and "钉钉" in form
    token = auth.csrf("/account/reminders")
    done = client.post("/account/reminders", data={
        "csrf_token": token, "email": "zw@bureau.example", "channels": ["email", "dingtalk"]})
    assert done.status_code == 302
    db.session.expire_all()
    db.session.refresh(officer)
    assert officer.email == "zw@bureau.example"
    assert sorted(officer.notify_channels) == ["dingtalk", "email"]
    bad = client.post("/account/reminders", data={"csrf_token": token, "email": "not-an-address",
                                                   "channels": ["email"]})
    assert bad.status_code == 422


def test_a_follow_up_reassigned_at_the_desk_reaches_its_new_officer(app, officer_case,
                                                                    make_user):
    from enforcement.services.core.actor import Actor
    from enforcement.services.desk import review
    officer, case = officer_case
    other = make_user("liuyang", "inspector")
    reviewer = make_user("rev", "reviewer")
    _configure(app)
    assert run_daily(date(2026, 11, 3), NOW.replace(day=3), echo=lambda *a, **k: None)
    followup = case.followups[0]
    review.reassign_followups(Actor.of(reviewer), case, {str(followup.id): "liuyang"},
                              now=NOW.replace(day=3, hour=5))
    db.session.commit()
    assert run_daily(date(2026, 11, 4), NOW.replace(day=4), echo=lambda *a, **k: None)
    told = db.session.scalars(select(Notification).where(
        Notification.user_id == other.id, Notification.kind == "assigned")).all()
    assert [n.key for n in told] == [f"assigned:followup:{followup.id}:{other.id}"]
    from enforcement.services.notify.messages import text
    assert "已分派给您" in text(told[0].kind, told[0].params, "zh_CN")

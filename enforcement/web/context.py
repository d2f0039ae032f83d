"""Helpers every template gets: the locale and the labels of the single state definitions."""

from __future__ import annotations

from datetime import date

from flask import Flask, current_app
from flask_babel import get_locale

from .. import workflow as wf
from ..clock import bureau_today
from ..domain import (
    DEADLINE_LABELS,
    EVENT_LABELS,
    GATE_LABELS,
    INDUSTRIES,
    LINK_REASONS,
    PURPOSE_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    followup_label,
    label,
)


def today() -> date:
    """The bureau's today. A training or test instance may pin it (AS_OF_OVERRIDE)."""
    pinned = current_app.config.get("AS_OF_OVERRIDE")
    if pinned:
        return date.fromisoformat(str(pinned))
    return bureau_today(current_app.config["BUREAU_TIMEZONE"])


def register(app: Flask) -> None:
    @app.context_processor
    def _helpers():
        locale = str(get_locale() or "zh_CN")
        zh = locale.startswith("zh")

        def state_info(action, state):
            try:
                return wf.state_info(action, state)
            except KeyError:
                return None

        def sev_class(action, state):
            # The state's colour as a class of app.css (no inline style under the CSP).
            info = state_info(action, state)
            return f"sev-{info.severity}" if info else "sev-none"

        def state_label(action, state):
            info = state_info(action, state)
            return (info.zh if zh else info.en) if info else state

        def action_label(action, measure=None):
            # A stop case is named by its measure (限制生产 / 停产整治, issue #15).
            info = wf.STOP_MEASURES.get(measure) if action == "stop" and measure else None
            if info is not None:
                return info.zh if zh else info.en
            for a in wf.ACTIONS:
                if a.value == action:
                    return a.zh if zh else a.en
            return action

        return {
            "nav_url": _nav_url,
            "current_locale": locale,
            "role_label": lambda r: label(ROLE_LABELS, r, locale),
            "industry_label": lambda i: label(INDUSTRIES, i, locale),
            "purpose_label": lambda p: label(PURPOSE_LABELS, p, locale),
            "deadline_label": lambda n: _deadline_label(n, locale),
            "status_label": lambda s: label(STATUS_LABELS, s, locale),
            "event_label": lambda t: label(EVENT_LABELS, t, locale),
            "reason_label": lambda r: label(LINK_REASONS, r, locale),
            "followup_label": lambda k: followup_label(k, locale),
            "state_info": state_info,
            "sev_class": sev_class,
            "state_label": state_label,
            "action_label": action_label,
            "error_message": lambda code, message: _messages().say(message, code),
            "payload_label": lambda k: _messages().payload_label(k),
            "payload_value": lambda v: _messages().payload_value(v),
            "payload_hidden": lambda k: k in _messages().PAYLOAD_HIDDEN,
            "yuan": lambda fen: f"{(fen or 0) // 100:,}.{(fen or 0) % 100:02d}",
        }


def _messages():
    from . import messages

    return messages


def _deadline_label(name: str, locale: str) -> str:
    if name.startswith("gate_") and name.endswith("_by"):
        gate = label(GATE_LABELS, name[5:-3], locale)
        return f"{gate}整改期限" if locale.startswith("zh") else f"Fix {gate} by"
    return label(DEADLINE_LABELS, name, locale)


def _nav_url(endpoint: str, **values) -> str | None:
    """The URL of a page, or None while that page does not exist yet (the nav hides it)."""
    if endpoint not in current_app.view_functions:
        return None
    from flask import url_for

    return url_for(endpoint, **values)

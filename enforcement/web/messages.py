"""What a person reads when something is refused: the text for a domain error's stable code, in
the interface language, with amounts in yuan and field names as their labels.

Services raise errors with a stable ``code`` and an English sentence for logs and integrators;
they never pick a language. Pages, the phone (through the API's ``message``) and the desk's
conflict queue turn code and sentence into text here:

1. the sentence itself, when the catalogue has it (services mark known sentences below);
2. a sentence pattern that carries values (amounts, characters), re-said in the catalogue;
3. otherwise the text of the code, so that no English sentence reaches a Chinese screen.
"""

from __future__ import annotations

import re

from flask_babel import get_locale, gettext, lazy_gettext as _l

from .. import workflow as wf
from ..domain import EVENT_LABELS, label

#: The text of each stable error code (errors.py), used when the sentence is not in the catalogue.
CODE_TEXT = {
    "error": _l("The request could not be completed."),
    "validation_failed": _l("Some values need correcting: see the marked fields."),
    "not_found": _l("This record does not exist (or no longer exists)."),
    "forbidden": _l("You may not do this."),
    "outside_township": _l(
        "You serve orders only at sites in your own township, or at a firm the 双随机 draw assigned to you."
    ),
    "not_on_case": _l(
        "You are not on this case: only its officers and the desk record what happens on it."
    ),
    "unauthorized": _l("Please log in."),
    "conflict": _l("This conflicts with what the bureau already holds."),
    "duplicate": _l("This record already exists."),
    "client_uuid_reused": _l(
        "This record was already sent with other content; the bureau keeps it for a reviewer."
    ),
    "impossible_transition": _l("This step is not possible in the case's current state."),
    "forbidden_by_law": _l("The law does not allow this step now."),
    "too_large": _l("The file is too large."),
    "unsupported_media_type": _l(
        "This file type is not accepted: send a JPEG, PNG, WebP or HEIC photo."
    ),
    "csrf_failed": _l("The form expired or was not sent from this site. Please try again."),
}

#: Sentences services and forms say, marked here so that the catalogue has them.
KNOWN = (
    _l("Inspectors open cases in their own township only."),
    _l("You are not on this case."),
    _l("at least two officers must be named"),
    _l("its SHA-256 was not published for this period"),
    _l("too common: a well-known word with digits or symbols added"),
    _l("mix letters with digits or symbols"),
    _l("too few different characters"),
    _l("required"),
    _l("Please log in to access this page."),
    _l("You may not issue papers."),
    _l("The event carries fields its type does not use."),
    # branches (分局) and oversight references (issue 20)
    _l("not your branch"),
    _l("no such unit"),
    _l("no such task"),
    _l("no such case"),
    _l("no such township"),
    _l("no such enterprise"),
    _l("name the task or case in your branch"),
    _l("no such branch"),
    _l("before the day it is assigned"),
    _l("before the decision"),
    _l("before the task was assigned"),
    _l("is in the future"),
    _l("the host unit is not also a co-unit"),
    _l("a township government or park committee names its township"),
    _l("lowercase letters, digits, - or _ (at most 40)"),
)

#: Field names as a person knows them.
FIELD_LABELS = {
    "amount_fen": _l("Fine amount"),
    "amount_yuan": _l("Fine amount"),
    "max_amount_fen": _l("Statutory maximum"),
    "max_amount_yuan": _l("Statutory maximum"),
    "legal_basis": _l("Legal basis"),
    "violation": _l("Violation"),
    "inspectors": _l("Officers"),
    "served_on": _l("Served on"),
    "credit_code": _l("Unified social credit code"),
    "seed": _l("Seed"),
    "password": _l("Password"),
    "on": _l("Date"),
    "action": _l("Action"),
}


#: What the keys of a kept submission mean (the conflict queue shows them to a reviewer).
PAYLOAD_LABELS = {
    "type": _l("Event"),
    "on": _l("Date"),
    "checklist": _l("Checklist"),
    "water_cut": _l("Water cut"),
    "power_cut": _l("Power cut"),
    "materials_cleared": _l("Raw materials cleared"),
    "equipment_cleared": _l("Equipment cleared"),
    "products_cleared": _l("Products cleared"),
    "enterprise_id": _l("Enterprise"),
    "visited_at": _l("Visited at"),
    "lat": _l("Latitude"),
    "lon": _l("Longitude"),
    "accuracy_m": _l("Accuracy (m)"),
    "purpose": _l("Purpose"),
    "unannounced": _l("Unannounced"),
    "inspectors": _l("Officers"),
    "findings": _l("Findings"),
    "action": _l("Action"),
    "served_on": _l("Served on"),
    "violation": _l("Violation"),
    "legal_basis": _l("Legal basis"),
    "amount_fen": _l("Amount"),
    "compliant": _l("Compliant"),
    "visit_id": _l("Visit"),
    "rectify_days": _l("Days to rectify"),
    "months": _l("Months"),
    "approved_by": _l("Approved by"),
    "gate": _l("Gate"),
    "status": _l("Status"),
    "followup_id": _l("Follow-up"),
    "approval_ref": _l("Approval reference"),
    "geofence_reason": _l("Reason"),
    "result": _l("Result"),
    "display_state": _l("State"),
    "state": _l("State"),
    "distance_m": _l("Distance (m)"),
    "geofence_ok": _l("Within the geofence"),
    "id": "ID",
    "photos": _l("Photos"),
}
#: Keys a reviewer does not need to read (idempotency keys, internal times).
PAYLOAD_HIDDEN = {"client_uuid", "recorded_at", "visit_client_uuid", "payload_hash"}


def payload_label(key: str) -> str:
    return str(PAYLOAD_LABELS[key]) if key in PAYLOAD_LABELS else key


def payload_value(value) -> str:
    if value is True:
        return gettext("yes")
    if value is False:
        return gettext("no")
    if isinstance(value, list):
        return "、".join(payload_value(v) for v in value)
    return str(value)


def _yuan(fen: str) -> str:
    value = int(fen)
    return f"{value // 100:,}" + (f".{value % 100:02d}" if value % 100 else "")


#: English sentences that carry a value, re-said in the interface language.
PATTERNS = (
    (
        re.compile(r"must not exceed max_amount_fen \((\d+)\)"),
        lambda m: gettext(
            "must not exceed the statutory maximum of ¥%(yuan)s", yuan=_yuan(m.group(1))
        ),
    ),
    (
        re.compile(r"must not exceed the maximum (\d+) fen"),
        lambda m: gettext(
            "must not exceed the statutory maximum of ¥%(yuan)s", yuan=_yuan(m.group(1))
        ),
    ),
    (
        re.compile(r"check character is wrong \(expected (\w)\)"),
        lambda m: gettext("the check character is wrong (it should be %(c)s)", c=m.group(1)),
    ),
    (
        re.compile(r"at least (\d+) characters"),
        lambda m: gettext("at least %(n)s characters", n=m.group(1)),
    ),
    (
        re.compile(r"a (\w+) case in state '(\w+)' cannot take '(\w+)'.*"),
        lambda m: transition_text(m.group(1), m.group(2), m.group(3)),
    ),
)


def _zh() -> bool:
    return str(get_locale() or "zh_CN").startswith("zh")


def _catalogued(sentence: str) -> str | None:
    said = gettext(sentence)
    return said if said != sentence else None


def transition_text(action: str, state: str, event: str) -> str:
    locale = str(get_locale() or "zh_CN")
    try:
        info = wf.state_info(action, state)
        state_text = info.zh if _zh() else info.en
    except KeyError:
        state_text = state
    return gettext(
        "Not possible now: the case is “%(state)s”, so “%(event)s” cannot be recorded.",
        state=state_text,
        event=label(EVENT_LABELS, event, locale),
    )


def say(sentence: str | None, code: str = "error") -> str:
    """A refusal's sentence in the interface language."""
    sentence = (sentence or "").strip()
    if not _zh():
        return sentence or str(CODE_TEXT.get(code, CODE_TEXT["error"]))
    if sentence:
        found = _catalogued(sentence)
        if found:
            return found
        for pattern, render in PATTERNS:
            m = pattern.search(sentence)
            if m:
                return render(m)
    return str(CODE_TEXT.get(code, CODE_TEXT["error"]))


#: The laws the engine cites (workflow/*.py), as a Chinese reader names them.
LAW_NAMES_ZH = (
    ("Administrative Compulsion Law", "《行政强制法》"),
    ("Administrative Litigation Law", "《行政诉讼法》"),
    ("APL", "《行政处罚法》"),
    ("EPL", "《环境保护法》"),
    ("ALL", "《行政诉讼法》"),
    ("MEP Order No. 30 (2014)", "环境保护部令第30号"),
    ("MEP Order No. 29 (2014)", "环境保护部令第29号"),
    ("MEP Order No. 28 (2014)", "环境保护部令第28号"),
    ("(article to confirm)", "（条文待核）"),
)


def article_text(article: str) -> str:
    """An article reference ("APL Art. 64") in the interface language ("《行政处罚法》第64条")."""
    if not _zh():
        return article
    for en, zh in LAW_NAMES_ZH:
        article = article.replace(en, zh)
    article = re.sub(
        r"Arts?\. ([\d, –-]+\d)", lambda m: f"第{m.group(1).replace(', ', '、')}条", article
    )
    return article.replace("; ", "；").replace(" 第", "第")


def error_text(exc) -> str:
    """The text of a domain error for a person."""
    extra = getattr(exc, "extra", {}) or {}
    if exc.code == "forbidden_by_law" and extra.get("article"):
        return gettext(
            "The law does not allow this step now (%(article)s).",
            article=article_text(str(extra["article"])),
        )
    if exc.code == "impossible_transition" and extra.get("action") and extra.get("event"):
        return transition_text(extra["action"], extra.get("state", ""), extra["event"])
    return say(getattr(exc, "message", ""), exc.code)


def field_text(name: str, why: str) -> str:
    """A field's message in the interface language."""
    if not _zh():
        return why
    found = _catalogued(why) if why else None
    if found:
        return found
    for pattern, render in PATTERNS:
        m = pattern.search(why or "")
        if m:
            return render(m)
    return gettext("Check this value.")


def field_label(name: str) -> str:
    key = name.split(".")[-1]
    return str(FIELD_LABELS[key]) if key in FIELD_LABELS else key


def fields_text(fields: dict | None) -> dict:
    return {k: field_text(k, str(v)) for k, v in (fields or {}).items()}

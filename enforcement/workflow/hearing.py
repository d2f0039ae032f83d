"""The party's hearing before a stop, close or seal-up order (APL 2021 Arts. 63, 64).

Stop and close orders (责令停产停业、关闭) carry the right to request a hearing (APL Art. 63); the
papers say so. A hearing requested is notified to the party at least 7 days before it is held
(APL Art. 64(2)); a hearing recorded with less notice is refused with that article.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Mapping

from .casework import Change, Reader, iso
from .types import Event, ForbiddenByLaw

NOTICE_DAYS = 7  # APL Art. 64(2): notified 7 days before the hearing
ART_NOTICE = "APL Art. 64"


def notice_too_short(data: Mapping[str, Any] | None) -> bool:
    r = Reader(data)
    notified, held = r.date("notified_on"), r.date("held_on")
    return (
        notified is not None and held is not None and held < notified + timedelta(days=NOTICE_DAYS)
    )


def check(event: Event, allowed_now: list[str]) -> None:
    if event.type == "hearing" and notice_too_short(event.data):
        raise ForbiddenByLaw(
            f"a hearing is notified at least {NOTICE_DAYS} days before it is held",
            allowed_now,
            article=ART_NOTICE,
        )


def record_hearing(change: Change, event: Event) -> None:
    """``hearing``: requested_on, notified_on, held_on (dates, the last two optional until known)."""
    r = Reader(event.data)
    requested = r.date("requested_on", required=True)
    notified = r.date("notified_on")
    held = r.date("held_on")
    if held is not None and notified is None:
        r.fail("notified_on", "a hearing is held only after the party was notified (APL Art. 64)")
    if notified is not None and requested is not None and notified < requested:
        r.fail("notified_on", "before the request")
    r.done()
    # One entry per request: recording it again with the notice or the hearing day updates it.
    entry = {"requested_on": iso(requested), "notified_on": iso(notified), "held_on": iso(held)}
    others = [
        h for h in change.facts.get("hearings", []) if h["requested_on"] != entry["requested_on"]
    ]
    change.facts["hearings"] = sorted([*others, entry], key=lambda h: h["requested_on"])

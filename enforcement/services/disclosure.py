"""The public disclosure list: decided fines and close/stop orders, public fields only."""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Case

# A fine is public once decided, whatever happened after (payment, appeal).
FINE_DECIDED_STATES = ("decided", "paid", "closed", "reconsideration", "litigation",
                       "enforcement_requested")


def rows(as_of: date, limit: int = 500) -> list[dict]:
    cases = db.session.scalars(
        select(Case).options(joinedload(Case.enterprise))
        .where(or_(Case.action.in_(("close", "stop")),
                   (Case.action == "fine") & Case.state.in_(FINE_DECIDED_STATES)),
               Case.served_on <= as_of)
        .order_by(Case.served_on.desc(), Case.id.desc()).limit(limit)).all()
    out = []
    for case in cases:
        facts = case.facts or {}
        decided_on = facts.get("decided_on") if case.action == "fine" else case.served_on.isoformat()
        if decided_on and decided_on > as_of.isoformat():
            continue
        out.append({
            "case_id": case.id,
            # Individual businesses appear by trade name only: the enterprise name is the trade
            # name; contact people are never selected here.
            "enterprise_name": case.enterprise.name,
            "credit_code": case.enterprise.credit_code,
            "violation": case.violation,
            "action": case.action,
            "decision_date": decided_on,
            "amount_fen": facts.get("amount_fen") if case.action == "fine" else None,
        })
    return out

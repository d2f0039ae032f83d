"""双随机 draws: random enterprises and random inspector pairs, reproducible from a published
seed, stored with their result."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from enforcement import workflow as wf
from enforcement.errors import ValidationError
from enforcement.extensions import db
from enforcement.models import Draw, Enterprise, Township, User
from enforcement.services.core import audit
from enforcement.services.core.actor import Actor


def run_draw(
    actor: Actor,
    *,
    period: str,
    quotas: dict[str, int],
    seed: str,
    on: date,
    now: datetime,
    township_code: str | None = None,
) -> Draw:
    fields = {}
    if not seed or len(seed) > 80:
        fields["seed"] = "1-80 characters (publish it before the draw)"
    if not period or len(period) > 20:
        fields["period"] = "1-20 characters, e.g. 2026-Q4"
    township = None
    if township_code:
        township = db.session.scalar(select(Township).where(Township.code == township_code))
        if township is None:
            fields["township"] = "unknown township"
    if fields:
        raise ValidationError("The draw could not be made.", fields)
    stmt = select(Enterprise.id, Enterprise.risk_class).where(Enterprise.status == "operating")
    roster_stmt = select(User.username).where(User.role == "inspector", User.is_active_account)
    if township is not None:
        stmt = stmt.where(Enterprise.township_id == township.id)
        roster_stmt = roster_stmt.where(User.township_id == township.id)
    enterprises = [(row.id, row.risk_class) for row in db.session.execute(stmt)]
    roster = list(db.session.scalars(roster_stmt))
    try:
        result = wf.draw(enterprises, roster, quotas, seed)
    except (ValueError, wf.WorkflowError) as exc:
        raise ValidationError(f"The draw could not be made: {exc}", {"quotas": str(exc)}) from exc
    stored = {
        "assignments": [
            {
                "enterprise_id": a.enterprise_id,
                "risk_class": a.risk_class,
                "inspectors": list(a.inspectors),
            }
            for a in result.assignments
        ],
        "shortfall": dict(result.shortfall),
        "roster": sorted(roster),
    }
    record = Draw(
        seed=seed,
        period=period,
        township_id=township.id if township else None,
        quotas=dict(quotas),
        result=stored,
        created_by_id=actor.id,
        created_on=on,
    )
    db.session.add(record)
    db.session.flush()
    audit.record(
        actor,
        "draw.run",
        "draw",
        record.id,
        now=now,
        after={
            "seed": seed,
            "period": period,
            "quotas": quotas,
            "drawn": len(result.assignments),
            "shortfall": dict(result.shortfall),
        },
    )
    return record

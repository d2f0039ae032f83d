"""Publishing a 双随机 draw's seed before the draw: the seed's SHA-256 goes into the hash-chained
audit log first, so nobody can pick a seed after seeing which enterprises it draws. The draw
itself is ``services.draws.run_draw``; anyone can re-run it from the seed."""

from __future__ import annotations

import hashlib
import io
from datetime import date, datetime

from sqlalchemy import select

from enforcement import workflow as wf
from enforcement.errors import Forbidden, ValidationError
from enforcement.exports import csv  # the app's one CSV writer: text cells formula-guarded
from enforcement.extensions import db
from enforcement.models import AuditEvent, Draw, Enterprise, Township, User
from enforcement.services.core import audit
from enforcement.services.field import draws
from enforcement.services.core.actor import Actor
from enforcement.services.core.parsing import text
from enforcement.services.core.scope import TownshipFilter, township_allowed


def seed_hash(seed: str) -> str:
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def _reviewer(actor: Actor) -> None:
    if not actor.is_reviewer:
        raise Forbidden("Only reviewers and administrators run draws.")


def publish(actor: Actor, *, period: str, seed: str, now: datetime) -> str:
    _reviewer(actor)
    fields = {}
    try:
        period = text(period, "period", required=True, max_length=20)
        seed = text(seed, "seed", required=True, max_length=80)
    except ValidationError as exc:
        fields.update(exc.fields)
    if fields:
        raise ValidationError("The seed could not be published.", fields)
    digest = seed_hash(seed)
    # Only the hash is published: the seed stays secret until the draw reveals it.
    audit.record(
        actor,
        "draw.publish",
        "draw_seed",
        period,
        now=now,
        after={"period": period, "seed_sha256": digest},
    )
    return digest


def published(limit: int = 50) -> list[dict]:
    rows = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "draw.publish")
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    ).all()
    return [
        {
            "period": (r.after or {}).get("period"),
            "seed_sha256": (r.after or {}).get("seed_sha256"),
            "at": r.at,
            "by": r.actor,
            "event_id": r.id,
        }
        for r in rows
    ]


def run(
    actor: Actor,
    *,
    period: str,
    seed: str,
    quotas: dict,
    township_code: str | None,
    on: date,
    now: datetime,
) -> Draw:
    _reviewer(actor)
    if actor.branch_id:  # an officer of a branch draws among his branch's townships (issue 20)
        town = db.session.scalar(select(Township.id).where(Township.code == (township_code or "")))
        if not township_code or town is None or not township_allowed(actor, town):
            raise ValidationError(
                "The draw could not be run.",
                {"township": "required" if not township_code else "unknown township or park"},
            )
    digest = seed_hash(seed or "")
    hashes = {p["seed_sha256"] for p in published(500) if p["period"] == period}
    if digest not in hashes:
        raise ValidationError(
            "Publish this seed's hash for the period before drawing.",
            {"seed": "its SHA-256 was not published for this period"},
        )
    return draws.run_draw(
        actor, period=period, quotas=quotas, seed=seed, on=on, now=now, township_code=township_code
    )


def recent(limit: int = 20, townships_within: TownshipFilter = None) -> list[Draw]:
    """The last draws; with ``townships_within`` (a branch's, issue 20) its townships' only."""
    stmt = select(Draw)
    if townships_within is not None:
        stmt = stmt.where(Draw.township_id.in_(townships_within))
    return list(db.session.scalars(stmt.order_by(Draw.id.desc()).limit(limit)))


def rows(draw: Draw) -> list[dict]:
    """The result as a table: enterprise names and inspector names joined in."""
    assignments = (draw.result or {}).get("assignments", [])
    ids = [a["enterprise_id"] for a in assignments]
    names = {}
    for i in range(0, len(ids), 900):
        names.update(
            {
                eid: (name, code, town)
                for eid, name, code, town in db.session.execute(
                    select(Enterprise.id, Enterprise.name, Enterprise.credit_code, Township.name)
                    .outerjoin(Township, Enterprise.township_id == Township.id)
                    .where(Enterprise.id.in_(ids[i : i + 900]))
                )
            }
        )
    labels = dict(db.session.execute(select(User.username, User.display_name)).all())
    out = []
    for n, a in enumerate(assignments, 1):
        name, code, town = names.get(a["enterprise_id"], ("?", "", ""))
        out.append(
            {
                "n": n,
                "enterprise_id": a["enterprise_id"],
                "name": name,
                "credit_code": code or "",
                "township": town or "",
                "risk_class": a["risk_class"],
                "inspectors": [labels.get(u) or u for u in a["inspectors"]],
            }
        )
    return out


def roster_names(draw: Draw) -> list[str]:
    """The drawn-from roster by people's names."""
    roster = (draw.result or {}).get("roster", [])
    labels = (
        dict(
            db.session.execute(
                select(User.username, User.display_name).where(User.username.in_(roster))
            ).all()
        )
        if roster
        else {}
    )
    return [labels.get(u) or u for u in roster]


def csv_text(draw: Draw) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    # Headers for the people who read the published list (the CSV is a public record).
    writer.writerow(
        [
            "期次",
            "随机种子",
            "种子SHA-256",
            "序号",
            "企业编号",
            "企业名称",
            "统一社会信用代码",
            "乡镇/园区",
            "风险等级",
            "执法人员一",
            "执法人员二",
        ]
    )
    for r in rows(draw):
        writer.writerow(
            [
                draw.period,
                draw.seed,
                seed_hash(draw.seed),
                r["n"],
                r["enterprise_id"],
                r["name"],
                r["credit_code"],
                r["township"],
                r["risk_class"],
                *(r["inspectors"] + ["", ""])[:2],
            ]
        )
    return "\ufeff" + buf.getvalue()  # BOM: Excel in a Chinese locale reads UTF-8 with it


def rerun_matches(draw: Draw) -> bool:
    """Re-run the pure draw from the published seed with the stored roster and the current
    register; True when it gives the same list (False if the register changed since)."""
    stmt = select(Enterprise.id, Enterprise.risk_class).where(Enterprise.status == "operating")
    if draw.township_id:
        stmt = stmt.where(Enterprise.township_id == draw.township_id)
    enterprises = [(r.id, r.risk_class) for r in db.session.execute(stmt)]
    roster = (draw.result or {}).get("roster", [])
    try:
        again = wf.draw(enterprises, roster, dict(draw.quotas or {}), draw.seed)
    except (ValueError, wf.WorkflowError):
        return False
    mine = [
        (a["enterprise_id"], a["risk_class"], list(a["inspectors"]))
        for a in (draw.result or {}).get("assignments", [])
    ]
    theirs = [(a.enterprise_id, a.risk_class, list(a.inspectors)) for a in again.assignments]
    return mine == theirs

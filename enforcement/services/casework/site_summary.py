"""Each enterprise's map summary (workflow.site), written in the same transaction as the case
snapshot that changes it: ``store_snapshot`` calls ``refresh`` and nothing else writes these
columns except ``rebuild`` (bulk loads and the migration's backfill)."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, bindparam, select, update

from enforcement import workflow as wf
from enforcement.extensions import db
from enforcement.models import Case, Enterprise
from enforcement.workflow import site


def _columns(summary: site.SiteSummary) -> dict:
    return {
        "map_state": summary.state,
        "map_severity": summary.severity,
        "map_due_on": summary.due_on,
        "map_dues": summary.dues_text,
        "map_actions": ",".join(summary.actions),
    }


def refresh(case: Case) -> None:
    """Recompute the summary of ``case``'s enterprise from its cases as this session sees them.

    No autoflush: a case being opened is not yet complete when its snapshot is stored, so the
    stored rows are read as they are and the session's own (new or changed) cases of the site
    replace theirs."""
    enterprise = case.enterprise
    if enterprise is None:
        return
    with db.session.no_autoflush:
        rows = {}
        if enterprise.id is not None:
            rows = {
                r.id: (r.id, r.action, r.state, r.watched_due_on)
                for r in db.session.execute(
                    select(Case.id, Case.action, Case.state, Case.watched_due_on).where(
                        Case.enterprise_id == enterprise.id
                    )
                )
            }
        # Unflushed new cases have no id yet: they sort after every stored one.
        pending = 1 << 62
        for obj in list(db.session.new) + list(db.session.dirty) + [case]:
            if isinstance(obj, Case) and (
                obj is case
                or obj.enterprise_id == enterprise.id
                or (obj.enterprise_id is None and obj.enterprise is enterprise)
            ):
                key = obj.id if obj.id is not None else pending + len(rows)
                rows[obj.id if obj.id is not None else ("new", id(obj))] = (
                    key,
                    obj.action,
                    obj.state,
                    obj.watched_due_on,
                )
    for name, value in _columns(site.summarise(rows.values())).items():
        setattr(enterprise, name, value)


def rebuild(enterprise_ids: list[int] | None = None, *, batch: int = 5000) -> int:
    """Recompute the summaries of these enterprises (all when None) from the stored cases, in
    batches of plain rows and executemany updates; returns how many sites have open cases."""
    stmt = select(Case.enterprise_id, Case.id, Case.action, Case.state, Case.watched_due_on)
    if enterprise_ids is not None:
        stmt = stmt.where(Case.enterprise_id.in_(enterprise_ids))
    by_site: dict[int, list] = {}
    for eid, cid, action, state, due_on in db.session.execute(stmt):
        if not wf.state_info(action, state).terminal:
            by_site.setdefault(eid, []).append((cid, action, state, due_on))
    reset = update(Enterprise).values(
        map_state=None, map_severity=None, map_due_on=None, map_dues="", map_actions=""
    )
    if enterprise_ids is not None:
        reset = reset.where(Enterprise.id.in_(enterprise_ids))
    db.session.execute(reset.where(Enterprise.map_state.is_not(None)))
    params = [{"eid": eid, **_columns(site.summarise(cases))} for eid, cases in by_site.items()]
    table = cast(Table, Enterprise.__table__)
    write = (
        table.update()
        .where(table.c.id == bindparam("eid"))
        .values(
            **{
                k: bindparam(k)
                for k in ("map_state", "map_severity", "map_due_on", "map_dues", "map_actions")
            }
        )
    )
    for i in range(0, len(params), batch):
        db.session.connection().execute(write, params[i : i + batch])
    return len(by_site)

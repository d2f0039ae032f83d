"""The words of a reminder, in the reader's language (zh_CN unless he chose English). The
notification stores what happened; the text is made when it is shown or sent."""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale, gettext as _

from enforcement.domain import DEADLINE_LABELS, GATE_LABELS, PURPOSE_LABELS, label


def _deadline(name: str, locale: str) -> str:
    if name and name.startswith("gate_") and name.endswith("_by"):
        gate = label(GATE_LABELS, name[5:-3], locale)
        return f"{gate}整改期限" if locale.startswith("zh") else f"Fix {gate} by"
    return label(DEADLINE_LABELS, name or "", locale)


def _action(action: str, locale: str) -> str:
    from enforcement import workflow as wf

    for a in wf.ACTIONS:
        if a.value == action:
            return a.zh if locale.startswith("zh") else a.en
    return action


def text(kind: str, params: dict, locale: str) -> str:
    """One line saying what the notification is about."""
    p = params or {}
    with force_locale(locale):
        if kind in ("due", "missed", "overdue") and p.get("what") == "followup":
            what = label(PURPOSE_LABELS, p.get("purpose", ""), locale)
            if kind == "due":
                return _(
                    "%(enterprise)s: follow-up visit (%(what)s) due on %(due_on)s",
                    enterprise=p.get("enterprise", ""),
                    what=what,
                    due_on=p.get("due_on"),
                )
            return _(
                "%(enterprise)s: follow-up visit (%(what)s) was due on %(due_on)s and is "
                "not recorded",
                enterprise=p.get("enterprise", ""),
                what=what,
                due_on=p.get("due_on"),
            )
        if kind == "due":
            return _(
                "%(enterprise)s: %(deadline)s falls due on %(due_on)s",
                enterprise=p.get("enterprise", ""),
                deadline=_deadline(p.get("deadline", ""), locale),
                due_on=p.get("due_on"),
            )
        if kind == "overdue":
            return _(
                "%(enterprise)s: %(deadline)s (%(due_on)s) has passed: the case is overdue",
                enterprise=p.get("enterprise", ""),
                deadline=_deadline(p.get("deadline", ""), locale),
                due_on=p.get("due_on"),
            )
        if kind == "assigned" and p.get("what") == "followup":
            return _(
                "%(enterprise)s: a follow-up visit (%(what)s, due %(due_on)s) was assigned to you",
                enterprise=p.get("enterprise", ""),
                what=label(PURPOSE_LABELS, p.get("purpose", ""), locale),
                due_on=p.get("due_on"),
            )
        if kind == "assigned":
            return _(
                "%(enterprise)s: a %(action)s case was assigned to you",
                enterprise=p.get("enterprise", ""),
                action=_action(p.get("action", ""), locale),
            )
        if kind == "overdue_list":
            return _(
                "Overdue today: %(total)s cases, %(new)s of them new",
                total=p.get("total", 0),
                new=p.get("new", 0),
            )
        if kind == "holidays":
            return _(
                "The official holidays of %(year)s are not imported: deadlines in %(year)s "
                "are provisional. Import the State Council's notice (holidays import).",
                year=p.get("year"),
            )
    return kind


def digest(
    items: list[tuple[str, dict]], *, as_of: date, bureau: str, locale: str, site_url: str = ""
) -> tuple[str, str]:
    """Subject and body of the run's message to one officer (email, group robot)."""
    with force_locale(locale):
        subject = _(
            "Enforcement reminders for %(day)s (%(count)s)", day=as_of.isoformat(), count=len(items)
        )
        lines = [f"【{bureau}】" + subject, ""]
        for kind, params in items:
            lines.append("- " + text(kind, params, locale))
            for row in (params or {}).get("top", []) if kind == "overdue_list" else []:
                lines.append(
                    "    "
                    + _(
                        "%(enterprise)s (case %(case_id)s): %(deadline)s %(due_on)s",
                        enterprise=row.get("enterprise", ""),
                        case_id=row.get("case_id"),
                        deadline=_deadline(row.get("deadline", ""), locale),
                        due_on=row.get("due_on"),
                    )
                )
        if site_url:
            lines += ["", site_url.rstrip("/") + "/notifications"]
    return subject, "\n".join(lines)

"""Legal papers (法律文书): which paper each action needs, its serial number (文号) allocated once,
and everything printed on it, read from the case and its STORED deadlines (never recounted here:
the engine counted them once, the paper shows the same dates as every list)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from enforcement.errors import Conflict, Forbidden, NotFound
from enforcement.extensions import db
from enforcement.models import Branch, Case, PaperNumber, User, Visit
from enforcement.services.core import audit
from enforcement.services.core.actor import Actor

#: kind -> (zh title, en title). The titles are the names the law gives these papers.
KINDS = {
    "rectification_order": ("责令改正（限期整改）通知书", "Order to correct within a deadline"),
    "stop_decision": ("责令停产整治决定书", "Decision to stop production for rectification"),
    "closure_decision": ("取缔（关闭）决定书", "Decision to ban and close"),
    "penalty_notice": ("行政处罚事先告知书", "Advance notice of administrative penalty"),
    "penalty_decision": ("行政处罚决定书", "Administrative penalty decision"),
    "inspection_record": ("现场检查（勘察）笔录", "On-site inspection record"),
    # Issue #15: the second stop measure and the seal-up (with its list of items, ACL Art. 24).
    "limit_decision": ("责令限制生产决定书", "Decision to limit production"),
    "seal_decision": ("查封（扣押）决定书", "Decision to seal up or seize"),
}

#: The papers an action's case needs, in the order they are served. ``control`` has none of its
#: own: a gate not fixed in time opens a rectify case, whose order is printed there.
CASE_PAPERS = {
    "rectify": ("rectification_order",),
    "stop": ("stop_decision",),
    "close": ("closure_decision",),
    "fine": ("penalty_notice", "penalty_decision"),
    "control": (),
    "seal": ("seal_decision",),
}

#: A stop case prints the decision of its measure (MEP Order No. 30 Art. 12).
MEASURE_PAPERS = {"limit": ("limit_decision",), "stop": ("stop_decision",)}

#: A paper can only be printed once the engine has stored the deadline it announces.
NEEDS_DEADLINE = {
    "rectification_order": "rectify_by",
    "stop_decision": "plan_due",
    "closure_decision": "execute_by",
    "penalty_notice": "hearing_request_by",
    "penalty_decision": "pay_by",
    "limit_decision": "period_end",
    "seal_decision": "seal_end",
}


def papers_of(case: Case) -> tuple[str, ...]:
    """The papers a case needs; a stop case's depend on its measure."""
    if case.action == "stop":
        return MEASURE_PAPERS[(case.params or {}).get("measure") or "stop"]
    return CASE_PAPERS.get(case.action, ())


#: The deadlines each paper prints (templates/papers/_<kind>.html). A printed date counted without
#: the State Council's holiday notice for its year is marked 暂定 on the paper (issue #15).
PRINTED_DEADLINES = {
    "rectification_order": ("rectify_by",),
    "stop_decision": ("plan_due", "period_end"),
    "closure_decision": ("execute_by",),
    "penalty_notice": ("hearing_request_by",),
    "penalty_decision": ("pay_by", "reconsideration_by", "litigation_by"),
}


def title(kind: str, locale: str = "zh_CN") -> str:
    return KINDS[kind][0 if str(locale).startswith("zh") else 1]


@dataclass
class Officer:
    name: str
    credential_no: str


@dataclass
class Paper:
    kind: str
    number: str
    bureau_name: str
    case: Case | None
    visit: Visit | None
    enterprise: object
    #: Date in the paper's closing line (落款): the day the decision was made or served.
    dated: date
    officers: list[Officer]
    deadlines: dict = field(default_factory=dict)
    facts: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    surcharge_percent: str = "3"

    @property
    def zh_title(self) -> str:
        return KINDS[self.kind][0]

    @property
    def draft(self) -> bool:
        """Not issued yet: no 文号, printed with a visible 草稿 / 未编号 mark."""
        return not self.number

    @property
    def provisional_deadlines(self) -> list[str]:
        """Names of the printed deadlines that are provisional (no official 调休 for their year)."""
        return [
            n
            for n in PRINTED_DEADLINES.get(self.kind, ())
            if n in self.deadlines and self.deadlines[n].provisional
        ]


@dataclass
class PaperStatus:
    kind: str
    ready: bool
    number: str | None
    waiting_for: str | None  #: the deadline the engine has not stored yet


# ---------------------------------------------------------------- access


def may_print_case(actor: Actor, case: Case) -> bool:
    if actor.is_reviewer:
        return True
    if actor.id in (case.assignee_id, case.opened_by_id):
        return True
    if actor.township_id is not None and actor.township_id == case.township_id:
        return True
    return any(f.assignee_id == actor.id for f in case.followups)


def may_print_visit(actor: Actor, visit: Visit) -> bool:
    return (
        actor.is_reviewer
        or actor.id == visit.recorded_by_id
        or any(u.id == actor.id for u in visit.inspectors)
    )


def get_case_for(actor: Actor, case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None:
        raise NotFound(f"No case {case_id}.")
    if not may_print_case(actor, case):
        raise Forbidden("You may not print this case's papers.")
    return case


def get_visit_for(actor: Actor, visit_id: int) -> Visit:
    visit = db.session.get(Visit, visit_id)
    if visit is None:
        raise NotFound(f"No visit {visit_id}.")
    if not may_print_visit(actor, visit):
        raise Forbidden("You may not print this visit's record.")
    return visit


# ---------------------------------------------------------------- numbers

#: Roles that may ISSUE a paper (allocate its 文号): the officers who serve it and the desk. A
#: responsible unit's officer (``unit``) may read a draft where he may read the case, never issue.
ISSUING_ROLES = ("inspector", "reviewer", "admin")


def may_issue(actor: Actor) -> bool:
    return actor.role in ISSUING_ROLES


def _existing(kind: str, subject_type: str, subject_id: int) -> PaperNumber | None:
    return db.session.scalar(
        select(PaperNumber).where(
            PaperNumber.kind == kind,
            PaperNumber.subject_type == subject_type,
            PaperNumber.subject_id == subject_id,
        )
    )


def format_number(prefix: str, year: int, serial: int, digits: int) -> str:
    return f"{prefix}〔{year}〕第{serial:0{digits}d}号"


@dataclass(frozen=True)
class Series:
    """Whose register a number is taken from: the bureau's (``code`` empty) or a branch's (分局),
    each counting from 1 per kind and year, with its own prefix."""

    code: str
    prefix: str


def series_for(kind: str, township, config) -> Series:
    """A branch that has a paper prefix numbers its own papers (东环 + 责改 → 东环责改〔2026〕第0001号);
    everything else, and every installation without branches, keeps the bureau's PAPER_PREFIXES."""
    branch_id = getattr(township, "branch_id", None)
    branch = db.session.get(Branch, branch_id) if branch_id is not None else None
    if branch is not None and (branch.paper_prefix or "").strip():
        codes = config.get("PAPER_KIND_CODES") or {}
        return Series(branch.code, branch.paper_prefix.strip() + codes.get(kind, ""))
    return Series("", config["PAPER_PREFIXES"][kind])


def allocate(
    actor: Actor,
    kind: str,
    subject_type: str,
    subject_id: int,
    *,
    year: int,
    now: datetime,
    prefix: str,
    digits: int = 4,
    series: str = "",
) -> tuple[PaperNumber, bool]:
    """The paper's number: the stored one, else the next serial of its kind, year and series.
    Returns (record, newly allocated). Safe under concurrent issues (see PaperNumber): the loser
    of a race for a serial retries with the next one, so the register stays gap-free and unique."""
    found = _existing(kind, subject_type, subject_id)
    if found is not None:
        return found, False
    for _attempt in range(10):
        serial = (
            db.session.scalar(
                select(func.max(PaperNumber.serial)).where(
                    PaperNumber.kind == kind, PaperNumber.year == year, PaperNumber.series == series
                )
            )
            or 0
        ) + 1
        record = PaperNumber(
            kind=kind,
            subject_type=subject_type,
            subject_id=subject_id,
            year=year,
            series=series,
            serial=serial,
            number=format_number(prefix, year, serial, digits),
            allocated_at=now,
            allocated_by_id=actor.id,
        )
        try:
            with db.session.begin_nested():
                db.session.add(record)
        except IntegrityError:
            # Another issue won the race: for this very paper (use its number) or for the
            # serial (take the next one).
            found = _existing(kind, subject_type, subject_id)
            if found is not None:
                return found, False
            continue
        return record, True
    raise Conflict("Could not allocate a paper number; please issue again.")


def numbers_for(subject_type: str, subject_ids) -> dict[tuple[int, str], str]:
    ids = list(subject_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(PaperNumber.subject_id, PaperNumber.kind, PaperNumber.number).where(
            PaperNumber.subject_type == subject_type, PaperNumber.subject_id.in_(ids)
        )
    ).all()
    return {(sid, kind): number for sid, kind, number in rows}


# ---------------------------------------------------------------- what to print


def case_papers(case: Case) -> list[PaperStatus]:
    numbers = numbers_for("case", [case.id])
    stored = {d.name for d in case.deadlines}
    out = []
    for kind in papers_of(case):
        needed = NEEDS_DEADLINE[kind]
        ready = needed in stored
        out.append(
            PaperStatus(kind, ready, numbers.get((case.id, kind)), None if ready else needed)
        )
    return out


def case_visits(case: Case) -> list[Visit]:
    """The visits that belong to the case: the one that found the violation and the follow-ups."""
    ids = {case.visit_id} | {f.visit_id for f in case.followups}
    ids.discard(None)
    if not ids:
        return []
    return list(
        db.session.scalars(select(Visit).where(Visit.id.in_(ids)).order_by(Visit.visited_at))
    )


def _officers(people: list[User]) -> list[Officer]:
    seen, out = set(), []
    for user in people:
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        out.append(Officer(user.label, user.credential_no))
    # The law wants two officers; an empty line is left to be filled by hand rather than
    # printing a name that was never there.
    while len(out) < 2:
        out.append(Officer("", ""))
    return out[:2]


def _case_officers(case: Case) -> list[Officer]:
    people: list[User] = []
    if case.assignee is not None:
        people.append(case.assignee)
    if case.visit_id:
        visit = db.session.get(Visit, case.visit_id)
        if visit is not None:
            people.extend(visit.inspectors)
    if case.opened_by_id:
        people.append(db.session.get_one(User, case.opened_by_id))
    return _officers(people)


def _dated(case: Case, kind: str) -> date:
    facts = case.facts or {}
    key = {"penalty_notice": "notified_on", "penalty_decision": "decided_on"}.get(kind)
    if key and facts.get(key):
        return date.fromisoformat(facts[key])
    return case.served_on


def _check_case_paper(actor: Actor, case: Case, kind: str) -> None:
    if kind not in papers_of(case):
        raise NotFound(f"A {case.action} case has no {kind}.")
    if not may_print_case(actor, case):
        raise Forbidden("You may not print this case's papers.")
    needed = NEEDS_DEADLINE[kind]
    if needed not in {d.name for d in case.deadlines}:
        raise Conflict(
            "This paper cannot be printed yet: the case has no such step.",
            {"kind": f"waiting for {needed}"},
        )


def view_case_paper(actor: Actor, case: Case, kind: str, *, now: datetime, config) -> Paper:
    """The paper as it stands: issued (with its number; the print is audited) or a draft with no
    number, which consumes nothing and writes nothing (issue #17 item 10)."""
    _check_case_paper(actor, case, kind)
    record = _existing(kind, "case", case.id)
    if record is None:
        return build_case_paper(case, kind, "", config)
    audit.record(
        actor,
        "paper.print",
        "case",
        case.id,
        now=now,
        after={"kind": kind, "number": record.number},
    )
    return build_case_paper(case, kind, record.number, config)


def issue_case_paper(
    actor: Actor, case: Case, kind: str, *, now: datetime, year: int, config
) -> tuple[PaperNumber, bool]:
    """Issue the paper: allocate its 文号 once (issuing again answers the same number and writes
    nothing), from the branch's register where the case's township has one; audited."""
    _check_case_paper(actor, case, kind)
    if not may_issue(actor):
        raise Forbidden("You may not issue papers.")
    return _issue(actor, kind, "case", case.id, case.township, now=now, year=year, config=config)


def _issue(
    actor: Actor,
    kind: str,
    subject_type: str,
    subject_id: int,
    township,
    *,
    now: datetime,
    year: int,
    config,
) -> tuple[PaperNumber, bool]:
    """Allocate a paper's 文号 once, in the register of its township's branch where it has one,
    and audit the first issue (a second issue answers the same number and writes nothing)."""
    series = series_for(kind, township, config)
    record, new = allocate(
        actor,
        kind,
        subject_type,
        subject_id,
        year=year,
        now=now,
        prefix=series.prefix,
        series=series.code,
        digits=config.get("PAPER_SERIAL_DIGITS", 4),
    )
    if new:
        audit.record(
            actor,
            "paper.issue",
            subject_type,
            subject_id,
            now=now,
            after={"kind": kind, "number": record.number, "series": series.code},
        )
    return record, new


def build_case_paper(case: Case, kind: str, number: str, config) -> Paper:
    """The paper's content for a number already allocated (printing, the evidence pack)."""
    rules = None
    if case.action == "fine":
        from enforcement.services.casework import cases as case_service

        rules = case_service.rules().for_action(
            "fine", case.township.code if case.township else None
        )
    bp = rules.surcharge_bp_per_day if rules else 300
    return Paper(
        kind=kind,
        number=number,
        bureau_name=config["BUREAU_NAME"],
        case=case,
        visit=None,
        enterprise=case.enterprise,
        dated=_dated(case, kind),
        officers=_case_officers(case),
        deadlines={d.name: d for d in case.deadlines},
        facts=dict(case.facts or {}),
        params=dict(case.params or {}),
        surcharge_percent=f"{bp / 100:g}",
    )


def view_visit_record(actor: Actor, visit: Visit, *, now: datetime, config, timezone: str) -> Paper:
    """The inspection record: issued (numbered, the print audited) or a draft with no number."""
    if not may_print_visit(actor, visit):
        raise Forbidden("You may not print this visit's record.")
    kind = "inspection_record"
    record = _existing(kind, "visit", visit.id)
    if record is None:
        return build_visit_record(visit, "", config, timezone)
    audit.record(
        actor,
        "paper.print",
        "visit",
        visit.id,
        now=now,
        after={"kind": kind, "number": record.number},
    )
    return build_visit_record(visit, record.number, config, timezone)


def issue_visit_record(
    actor: Actor, visit: Visit, *, now: datetime, year: int, config
) -> tuple[PaperNumber, bool]:
    if not may_print_visit(actor, visit):
        raise Forbidden("You may not print this visit's record.")
    if not may_issue(actor):
        raise Forbidden("You may not issue papers.")
    enterprise = visit.enterprise
    township = enterprise.township if enterprise is not None else None
    return _issue(
        actor, "inspection_record", "visit", visit.id, township, now=now, year=year, config=config
    )


def build_visit_record(visit: Visit, number: str, config, timezone: str) -> Paper:
    from zoneinfo import ZoneInfo

    return Paper(
        kind="inspection_record",
        number=number,
        bureau_name=config["BUREAU_NAME"],
        case=None,
        visit=visit,
        enterprise=visit.enterprise,
        dated=visit.visited_at.astimezone(ZoneInfo(timezone)).date(),
        officers=_officers(list(visit.inspectors)),
    )


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL = ("", "拾", "佰", "仟")
_BIG = ("", "万", "亿", "兆")


def rmb_upper(fen: int | None) -> str:
    """An amount in capital numerals (大写), as financial documents write it so that it cannot
    be altered: 50,000.00 -> 伍万元整; 12,345.60 -> 壹万贰仟叁佰肆拾伍元陆角."""
    if fen is None:
        return "＿＿＿＿"
    fen = int(fen)
    yuan, rest = divmod(fen, 100)
    jiao, cents = divmod(rest, 10)
    out = ""
    if yuan:
        groups = []
        while yuan:
            yuan, group = divmod(yuan, 10000)
            groups.append(group)
        parts: list[str] = []
        zero_pending = False
        for index in range(len(groups) - 1, -1, -1):
            group = groups[index]
            if group == 0:
                zero_pending = bool(parts)
                continue
            text = ""
            digits = f"{group:04d}"
            started = False
            for pos, ch in enumerate(digits):
                d = int(ch)
                if d == 0:
                    if started or parts:
                        zero_pending = True
                    continue
                if zero_pending and (started or parts):
                    text += "零"
                zero_pending = False
                text += _DIGITS[d] + _SMALL[3 - pos]
                started = True
            parts.append(text + _BIG[index])
        out = "".join(parts) + "元"
    if jiao:
        out += ("零" if out and not out.endswith("元") else "") + _DIGITS[jiao] + "角"
    if cents:
        out += ("零" if out and not jiao and out else "") + _DIGITS[cents] + "分"
    if not out:
        return "零元整"
    return out if cents else out + ("整" if not jiao else "")

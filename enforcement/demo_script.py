"""Scripted case histories for the demo city: each target state is reached by the events and
visits that would lead there in real life, applied through the services on their dates."""

from __future__ import annotations

import logging
import random
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, true

from .errors import DomainError
from .extensions import db
from .models import Case, Enterprise, User
from .services.casework import cases
from .services.field import visits
from .services.core.actor import Actor
from .services.calendar.calendars import load_calendar

log = logging.getLogger(__name__)
TZ = ZoneInfo("Asia/Shanghai")
ALL_CLEAR = {
    "water_cut": True,
    "power_cut": True,
    "materials_cleared": True,
    "equipment_cleared": True,
    "products_cleared": True,
}

# step kinds: ("event", day offset from service, data) | ("visit", followup key, result)
# | ("after", days, step): the step placed `days` after the previous step.
SCRIPTS: dict[str, dict[str, tuple[tuple[int, int], list]]] = {
    "rectify": {
        "ordered": ((3, 25), []),
        "reported": ((14, 28), [("event", 10, {"type": "report_rectified"})]),
        "verified": (
            (25, 60),
            [
                ("event", 10, {"type": "report_rectified"}),
                ("visit", "reinspect", {"compliant": True}),
            ],
        ),
        "closed": (
            (40, 150),
            [
                ("event", 10, {"type": "report_rectified"}),
                ("visit", "reinspect", {"compliant": True}),
                ("after", 3, {"type": "close"}),
            ],
        ),
        "escalated": ((45, 120), [("visit", "reinspect", {"compliant": False})]),
        "overdue": ((40, 70), []),
    },
    "stop": {
        "ordered": ((1, 6), []),
        "plan_filed": (
            (12, 20),
            [
                ("visit", "stop_check_1", {"production_running": False}),
                ("event", 10, {"type": "file_plan"}),
            ],
        ),
        "rectifying": (
            (25, 80),
            [
                ("visit", "stop_check_1", {"production_running": False}),
                ("event", 10, {"type": "file_plan"}),
                ("event", 14, {"type": "accept_plan"}),
            ],
        ),
        "lifted": (
            (95, 150),
            [
                ("visit", "stop_check_1", {"production_running": False}),
                ("event", 10, {"type": "file_plan"}),
                ("event", 14, {"type": "accept_plan"}),
                ("event", 60, {"type": "report_completed", "disclosure_ref": "企业网站公示"}),
                ("visit", "*verification", {"compliant": True}),
            ],
        ),
        "closure_proposed": ((20, 60), [("visit", "stop_check_1", {"production_running": True})]),
        "escalated": (
            (20, 60),
            [
                ("visit", "stop_check_1", {"production_running": True}),
                ("after", 5, {"type": "approve_close", "approved_by": "县人民政府"}),
            ],
        ),
    },
    "seal": {
        "sealed": ((3, 25), [("visit", "seal_check_1", {"seals_intact": True})]),
        "released": (
            (30, 90),
            [
                ("visit", "seal_check_1", {"seals_intact": True}),
                ("event", 25, {"type": "release", "reason": "整改完成"}),
            ],
        ),
        "handled": (
            (30, 90),
            [
                ("visit", "seal_check_1", {"seals_intact": True}),
                ("event", 28, {"type": "handle", "decision": "依法没收"}),
            ],
        ),
    },
    "close": {
        "ordered": ((2, 12), []),
        "executed": ((14, 18), [("event", 10, {"type": "execute", "checklist": ALL_CLEAR})]),
        "verified": (
            (22, 30),
            [
                ("event", 10, {"type": "execute", "checklist": ALL_CLEAR}),
                ("visit", "*verification", {"compliant": True}),
            ],
        ),
        "monitoring": (
            (60, 90),
            [
                ("event", 10, {"type": "execute", "checklist": ALL_CLEAR}),
                ("visit", "*verification", {"compliant": True}),
                ("visit", "rebound_1m", {"running": False}),
            ],
        ),
        "closed": (
            (220, 300),
            [
                ("event", 10, {"type": "execute", "checklist": ALL_CLEAR}),
                ("visit", "*verification", {"compliant": True}),
                ("visit", "rebound_1m", {"running": False}),
                ("visit", "rebound_3m", {"running": False}),
                ("visit", "rebound_6m", {"running": False}),
            ],
        ),
        "rebounded": (
            (60, 150),
            [
                ("event", 10, {"type": "execute", "checklist": ALL_CLEAR}),
                ("visit", "*verification", {"compliant": True}),
                ("visit", "rebound_1m", {"running": True}),
            ],
        ),
    },
    "fine": {
        "filed": ((2, 20), []),
        "notified": ((5, 12), [("event", 2, {"type": "notify"})]),
        "hearing": (
            (8, 20),
            [("event", 2, {"type": "notify"}), ("event", 4, {"type": "request_hearing"})],
        ),
        "decided": (
            (22, 45),
            [
                ("event", 2, {"type": "notify"}),
                ("event", 20, {"type": "decide", "amount_fen": "$amount"}),
            ],
        ),
        "paid": (
            (32, 90),
            [
                ("event", 2, {"type": "notify"}),
                ("event", 20, {"type": "decide", "amount_fen": "$amount"}),
                ("event", 28, {"type": "pay", "amount_fen": "$amount"}),
            ],
        ),
        "closed": (
            (40, 200),
            [
                ("event", 2, {"type": "notify"}),
                ("event", 20, {"type": "decide", "amount_fen": "$amount"}),
                ("event", 24, {"type": "publish"}),
                ("event", 30, {"type": "pay", "amount_fen": "$amount"}),
                ("event", 34, {"type": "close"}),
            ],
        ),
        "reconsideration": (
            (36, 70),
            [
                ("event", 2, {"type": "notify"}),
                ("event", 20, {"type": "decide", "amount_fen": "$amount"}),
                ("event", 33, {"type": "appeal", "kind": "reconsideration"}),
            ],
        ),
        "litigation": (
            (50, 100),
            [
                ("event", 2, {"type": "notify"}),
                ("event", 20, {"type": "decide", "amount_fen": "$amount"}),
                ("event", 45, {"type": "appeal", "kind": "litigation"}),
            ],
        ),
        "enforcement_requested": (
            (220, 270),
            [
                ("event", 2, {"type": "notify"}),
                ("event", 20, {"type": "decide", "amount_fen": "$amount"}),
                # the written demand (催告) and 10 days first (Administrative Compulsion Law Art. 54)
                ("event", 60, {"type": "demand_served"}),
                ("event", 215, {"type": "request_enforcement"}),
            ],
        ),
    },
    "control": {
        "active": ((10, 200), []),
        "released": ((60, 200), [("event", 40, {"type": "release"})]),
    },
}

# How many cases per state for a 2,000-enterprise city.
PER_STATE = {"rectify": 6, "stop": 5, "close": 5, "fine": 4, "control": 20, "seal": 3}

TEXTS = {
    "rectify": [
        ("排污口未按规定设置标志牌", "《中华人民共和国水污染防治法》第二十二条、第八十四条"),
        ("危险废物贮存场所未设置识别标志", "《中华人民共和国固体废物污染环境防治法》第七十七条"),
        ("未按规定进行排污登记", "《排污许可管理条例》第二十四条"),
    ],
    "stop": [
        (
            "超标排放水污染物",
            "《中华人民共和国环境保护法》第六十条；《环境保护主管部门实施限制生产、停产整治办法》",
        ),
        (
            "废气治理设施不正常运行，超标排放大气污染物",
            "《中华人民共和国大气污染防治法》第九十九条",
        ),
    ],
    "close": [
        ("无证无照非法生产，工艺属国家明令淘汰", "《中华人民共和国环境保护法》第六十条"),
        ("未批先建且无污染防治设施的“散乱污”企业", "《中华人民共和国大气污染防治法》第一百零八条"),
    ],
    "fine": [
        ("通过暗管偷排生产废水，逃避监管", "《中华人民共和国水污染防治法》第八十三条"),
        ("治理设施完好但停运偷排（高限处罚）", "《中华人民共和国大气污染防治法》第九十九条"),
    ],
    "control": [("排污许可证后监管（四关）", "《排污许可管理条例》第十四条")],
    "seal": [
        (
            "通过暗管排放含重金属废水，设施用于违法排污",
            "《中华人民共和国环境保护法》第二十五条；《中华人民共和国行政强制法》第二十四条",
        )
    ],
}

INDUSTRIES_FOR = {
    "close": ("small_refinery", "stone_powder", "foundry", "plastics", "sand_washing"),
    "stop": ("electroplating", "chemical", "papermaking", "sand_washing", "foundry"),
    "fine": None,
    "rectify": None,
    "control": None,
    "seal": ("electroplating", "chemical", "papermaking"),
}


def _local(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), TZ)


class Runner:
    def __init__(self, rng: random.Random, people: dict[str, User], as_of: date, now: datetime):
        self.rng, self.as_of, self.now = rng, as_of, now
        self.calendar = load_calendar()
        self.reviewer = Actor.of(people["reviewer"])
        self.inspectors: dict[int | None, list[User]] = {}
        for user in people.values():
            if user.role == "inspector":
                self.inspectors.setdefault(user.township_id, []).append(user)
        self.used: set[int] = set()
        self.demo_pair = [people["zhangwei"], people["liuyang"]]
        self.stats = {"cases": 0, "visits": 0, "skipped_steps": 0}

    def pair(self, township_id) -> list[User]:
        pool = self.inspectors.get(township_id) or [
            u for us in self.inspectors.values() for u in us
        ]
        if len(pool) < 2:
            pool = [u for us in self.inspectors.values() for u in us]
        return self.rng.sample(pool, 2)

    def enterprise(self, action: str, township_id: int | None = None) -> Enterprise | None:
        stmt = select(Enterprise).where(Enterprise.id.not_in(self.used) if self.used else true())
        if township_id is not None:
            stmt = stmt.where(Enterprise.township_id == township_id)
        industries = INDUSTRIES_FOR[action]
        if industries:
            stmt = stmt.where(Enterprise.industry.in_(industries))
        if action == "control":
            stmt = stmt.where(Enterprise.permit_no != "")
        offset = self.rng.randint(0, 40)
        found = (
            db.session.scalars(stmt.order_by(Enterprise.id).offset(offset).limit(1)).first()
            or db.session.scalars(stmt.order_by(Enterprise.id).limit(1)).first()
        )
        if found:
            self.used.add(found.id)
        return found

    def run(self, action: str, target: str) -> None:
        (lo, hi), steps = SCRIPTS[action][target]
        # The demo inspector (zhangwei, the first demo account) gets a real week's work: fresh
        # orders whose first visits fall due now and overdue ones that were missed.
        demo = (
            self.demo_pair if target in ("ordered", "overdue") and self.rng.random() < 0.5 else None
        )
        enterprise = self.enterprise(action, demo[0].township_id if demo else None)
        if enterprise is None:
            return
        served = self.as_of - timedelta(days=self.rng.randint(lo, hi))
        violation, basis = self.rng.choice(TEXTS[action])
        pair = demo or self.pair(enterprise.township_id)
        amount = self.rng.choice((20_000, 50_000, 100_000, 200_000, 500_000)) * 100
        data = {
            "enterprise_id": enterprise.id,
            "action": action,
            "served_on": served,
            "violation": violation,
            "legal_basis": basis,
            "assignee_id": pair[0].id,
        }
        if action == "rectify":
            data["rectify_days"] = self.rng.choice((15, 30, 30, 30)) if target != "overdue" else 30
            data["illegal_discharge"] = self.rng.random() < 0.3
        elif action == "fine":
            data["amount_fen"] = amount
            if self.rng.random() < 0.3:
                data.update(maximum_penalty=True, max_amount_fen=amount)
        elif action == "stop":
            data["measure"] = self.rng.choice(("limit", "stop", "stop"))
            data["approved_by"] = "局长 王建国"
        elif action == "seal":
            data.update(
                approved_by="局长 王建国",
                kind="seal",
                items=["电镀生产线 1 条", "废水提升泵 2 台", "暗管阀门 1 个"],
            )
        elif action == "control":
            data["risk_class"] = enterprise.risk_class
            if self.rng.random() < 0.3:
                data["gates"] = {
                    self.rng.choice(
                        ("declaration", "acceptance", "monitoring", "tax")
                    ): self.rng.choice(("missing", "expired"))
                }
        try:
            case = cases.open_case(self.reviewer, data, now=self.now, calendar=self.calendar).case
        except DomainError as exc:
            log.warning("demo: could not open %s case: %s", action, exc.message)
            return
        self.stats["cases"] += 1
        last = served
        for step in steps:
            kind = step[0]
            if kind == "event":
                on, payload = served + timedelta(days=step[1]), step[2]
            elif kind == "after":
                on, payload = last + timedelta(days=step[1]), step[2]
            else:
                on, payload = None, None
            try:
                if kind == "visit":
                    done_on = self.visit(case, step[1], step[2], pair, last)
                    if done_on is None:
                        break
                    last = done_on
                    continue
                assert on is not None and payload is not None  # set for "event" and "after"
                if on > self.as_of:
                    break
                payload = {k: (amount if v == "$amount" else v) for k, v in payload.items()}
                cases.apply_event(
                    self.reviewer, case, {**payload, "on": on}, now=self.now, calendar=self.calendar
                )
                last = on
            except DomainError as exc:
                self.stats["skipped_steps"] += 1
                log.info("demo: %s case %s stopped at %s: %s", action, case.id, step, exc.message)
                break

    def visit(
        self, case: Case, key: str, result: dict, pair: list[User], after: date
    ) -> date | None:
        """Record the visit that completes a planned follow-up, on its first allowed day."""
        if key.startswith("*"):
            followup = next(
                (f for f in case.followups if f.purpose == key[1:] and f.done_on is None), None
            )
        else:
            followup = next((f for f in case.followups if f.key == key and f.done_on is None), None)
        if followup is None:
            return None
        day = max(followup.earliest_on, after + timedelta(days=1))
        while not self.calendar.is_working_day(day):
            day += timedelta(days=1)
        if day > self.as_of:
            return None
        enterprise = case.enterprise
        near = self.rng.random() < 0.9
        offset = 0.0004 if near else 0.004
        visit_data = {
            "client_uuid": str(uuid.UUID(int=self.rng.getrandbits(128))),
            "enterprise_id": enterprise.id,
            "visited_at": _local(day, self.rng.randint(9, 16)).isoformat(),
            "lat": round(enterprise.lat + self.rng.uniform(-offset, offset), 6),
            "lon": round(enterprise.lon + self.rng.uniform(-offset, offset), 6),
            "accuracy_m": self.rng.choice((5, 8, 12, 20, 35)),
            "purpose": followup.purpose if followup.purpose != "routine" else "routine",
            "unannounced": followup.unannounced,
            "inspectors": [u.username for u in pair],
            "findings": _finding(result),
            "followup_id": followup.id,
            "result": result,
            "geofence_reason": "" if near else "企业大门封闭，在路口观察",
        }
        visits.record_visit(Actor.of(pair[0]), visit_data, now=self.now, calendar=self.calendar)
        self.stats["visits"] += 1
        return day


def _finding(result: dict) -> str:
    if "seals_intact" in result:
        return "封条完好，设备未启用" if result["seals_intact"] else "封条被撕毁"
    if (
        result.get("production_running")
        or result.get("running")
        or result.get("discharge_continues")
    ):
        return "现场发现仍在生产，设备运转，有废气排放"
    if result.get("compliant") is False:
        return "现场核查，整改未完成"
    if result.get("compliant"):
        return "现场核查，问题已整改到位"
    return "现场未发现生产迹象，设备已断电"


def run_scripts(
    rng: random.Random, people: dict[str, User], as_of: date, now: datetime, scale: int
) -> dict:
    runner = Runner(rng, people, as_of, now)
    factor = max(scale / 2000, 0.05)
    for action, states in SCRIPTS.items():
        for target in states:
            for _ in range(max(1, round(PER_STATE[action] * factor))):
                runner.run(action, target)
    # A daily continuous penalty: decided with a correction order, re-inspected, still discharging.
    for _ in range(max(1, round(2 * factor))):
        _daily_penalty(runner)
    # Time-triggered events due by today (stop periods run out, control gates left open).
    opened = cases.tick(runner.reviewer, as_of=as_of, now=now, calendar=runner.calendar)
    runner.stats["escalated_by_time"] = len(opened)
    return runner.stats


def _daily_penalty(runner: Runner) -> None:
    enterprise = runner.enterprise("stop")
    if enterprise is None:
        return
    served = runner.as_of - timedelta(days=runner.rng.randint(45, 60))
    amount = 300_000 * 100
    pair = runner.pair(enterprise.township_id)
    case = cases.open_case(
        runner.reviewer,
        {
            "enterprise_id": enterprise.id,
            "action": "fine",
            "served_on": served,
            "violation": "超标排放水污染物，拒不改正",
            "legal_basis": "《中华人民共和国环境保护法》第五十九条",
            "amount_fen": amount,
            "daily_penalty": True,
            "illegal_discharge": True,
            "assignee_id": pair[0].id,
        },
        now=runner.now,
        calendar=runner.calendar,
    ).case
    runner.stats["cases"] += 1
    try:
        for offset, payload in (
            (2, {"type": "notify"}),
            (20, {"type": "decide", "amount_fen": amount}),
        ):
            cases.apply_event(
                runner.reviewer,
                case,
                {**payload, "on": served + timedelta(days=offset)},
                now=runner.now,
                calendar=runner.calendar,
            )
        runner.visit(
            case,
            "daily_reinspect",
            {"discharge_continues": True},
            pair,
            served + timedelta(days=21),
        )
    except DomainError as exc:
        log.info("demo: daily penalty case %s stopped: %s", case.id, exc.message)

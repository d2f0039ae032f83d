"""The demo city's oversight (issue 20): a responsible unit for every township and park, the
departments and the power company, a unit officer each, the responsibility table (delivered,
open and overdue tasks), supervision visits that find undelivered tasks, accountability records,
and, with ``branches``, the city bureau's three branches (分局) sharing the townships."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from .extensions import db
from .models import Case, Township, User
from .services.core.actor import SYSTEM
from .services.oversight import accountability, supervision, tasks, units
from .services.oversight import branches as branch_service
from .services.people import users

UNIT_PASSWORD = "Unit-demo-2026"

BRANCHES = [
    ("east", "东区分局", "East branch", "东环"),
    ("west", "西区分局", "West branch", "西环"),
    ("north", "北区分局", "North branch", "北环"),
]

DEPARTMENTS = [
    ("ziranziyuan", "自然资源和规划局", "department"),
    ("shichangjianguan", "市场监督管理局", "department"),
    ("gongdian", "国网供电公司", "utility"),
]

TASK_TITLES = (
    "清理辖区全部小塑料作坊",
    "关停取缔石粉加工散乱污企业",
    "完成铸造企业断电断水",
    "排查河道沿线排污口",
    "整改露天堆放工业固废",
    "落实企业宁静日停产检查",
)
LEADERS = ("李副市长", "王副市长", "张常务副市长")
POSTS = ("镇长", "副镇长", "主任", "副主任")


def generate(rng: random.Random, *, as_of: date, now: datetime, branches: bool = False) -> dict:
    towns = list(db.session.scalars(select(Township).order_by(Township.id)))
    if branches:
        made = [
            branch_service.create_branch(
                SYSTEM,
                {"code": code, "name": name, "name_en": name_en, "paper_prefix": prefix},
                now=now,
            )
            for code, name, name_en, prefix in BRANCHES
        ]
        for i, t in enumerate(towns):
            branch_service.place_township(
                SYSTEM, t.code, made[i * len(made) // max(len(towns), 1)].code, now=now
            )
    unit_list = []
    for t in towns:
        kind = "park_committee" if t.kind == "park" else "township_gov"
        name = f"{t.name}管委会" if t.kind == "park" else f"{t.name}人民政府"
        unit_list.append(
            units.create_unit(
                SYSTEM,
                {
                    "code": f"{t.code}-gov",
                    "name": name,
                    "kind": kind,
                    "township": t.code,
                    "contact_name": _person(rng),
                    "contact_phone": f"0316-{rng.randint(3000000, 3999999)}",
                },
                now=now,
            )
        )
    departments = [
        units.create_unit(
            SYSTEM,
            {"code": code, "name": name, "kind": kind, "contact_name": _person(rng)},
            now=now,
        )
        for code, name, kind in DEPARTMENTS
    ]
    for u in unit_list + departments:
        username = f"unit_{u.code.replace('-gov', '')}"
        users.create_user(
            SYSTEM,
            username=username,
            role="unit",
            password=UNIT_PASSWORD,
            now=now,
            display_name=f"{u.name}联络员",
        )
        units.assign_officer(SYSTEM, u.id, username, now=now)
    made_tasks = []
    year_start = as_of.replace(month=1, day=1)
    for u in unit_list:
        close_case = db.session.scalar(
            select(Case.id)
            .where(Case.township_id == u.township_id, Case.action == "close")
            .limit(1)
        )
        for n in range(rng.randint(2, 4)):
            assigned = year_start + timedelta(
                days=rng.randint(0, max((as_of - year_start).days - 60, 1))
            )
            deadline = assigned + timedelta(days=rng.choice((30, 45, 60, 90, 180)))
            co = [d.id for d in rng.sample(departments, rng.randint(0, 2))]
            task = tasks.create_task(
                SYSTEM,
                {
                    "title": f"{u.township.name}{rng.choice(TASK_TITLES)}",
                    "host_unit_id": u.id,
                    "co_unit_ids": co,
                    "lead_leader": rng.choice(LEADERS),
                    "responsible_person": u.contact_name,
                    "campaign": "关停改罚控专项行动",
                    "case_id": close_case if n == 0 else None,
                    "assigned_on": assigned.isoformat(),
                    "deadline": deadline.isoformat(),
                },
                now=now,
                as_of=as_of,
            )
            roll = rng.random()
            if deadline <= as_of and roll < 0.55:
                done = min(
                    as_of,
                    deadline - timedelta(days=rng.randint(0, 10))
                    if roll < 0.4
                    else deadline + timedelta(days=rng.randint(1, 20)),
                )
                tasks.report_delivery(
                    SYSTEM,
                    task.id,
                    {
                        "done_on": max(done, assigned).isoformat(),
                        "report": "已按要求完成并留存影像资料",
                    },
                    now=now,
                    as_of=as_of,
                )
            elif deadline > as_of and roll < 0.3:
                tasks.report_delivery(
                    SYSTEM,
                    task.id,
                    {"done_on": as_of.isoformat(), "report": "已提前完成"},
                    now=now,
                    as_of=as_of,
                )
            made_tasks.append(task)
        # The standing task of the campaign, open in every township; the first one also has an
        # overdue task, so that every screen has something to show.
        made_tasks.append(
            tasks.create_task(
                SYSTEM,
                {
                    "title": f"{u.township.name}清理全部小塑料作坊",
                    "host_unit_id": u.id,
                    "co_unit_ids": [departments[-1].id],
                    "lead_leader": LEADERS[0],
                    "responsible_person": u.contact_name,
                    "campaign": "关停改罚控专项行动",
                    "assigned_on": max(year_start, as_of - timedelta(days=30)).isoformat(),
                    "deadline": date(as_of.year + 1, 3, 31).isoformat(),
                },
                now=now,
                as_of=as_of,
            )
        )
        if u is unit_list[0]:
            made_tasks.append(
                tasks.create_task(
                    SYSTEM,
                    {
                        "title": f"{u.township.name}石粉加工企业断电",
                        "host_unit_id": u.id,
                        "co_unit_ids": [departments[-1].id],
                        "lead_leader": LEADERS[1],
                        "responsible_person": u.contact_name,
                        "campaign": "关停改罚控专项行动",
                        "assigned_on": (as_of - timedelta(days=40)).isoformat(),
                        "deadline": (as_of - timedelta(days=10)).isoformat(),
                    },
                    now=now,
                    as_of=as_of,
                )
            )
    overdue = [t for t in made_tasks if t.state(as_of) == "overdue"]
    visits = records = 0
    for task in overdue[: max(len(overdue) * 2 // 3, 1)] if overdue else []:
        day = max(task.deadline + timedelta(days=rng.randint(1, 10)), task.assigned_on)
        day = min(day, as_of)
        visit, _ = supervision.record_visit(
            SYSTEM,
            {
                "unit_id": task.host_unit_id,
                "visited_at": datetime.combine(day, time(10, 0)).isoformat() + "+08:00",
                "unannounced": rng.random() < 0.6,
                "members": "联合督查组 " + _person(rng) + "、" + _person(rng),
                "lat": round((task.township.center_lat or 39.96) + rng.gauss(0, 0.005), 6),
                "lon": round((task.township.center_lon or 116.83) + rng.gauss(0, 0.005), 6),
                "accuracy_m": rng.choice((5, 8, 12, 20)),
                "findings": "现场发现任务未完成，部分作坊仍在生产",
                "undelivered_task_ids": [task.id],
            },
            now=now,
        )
        visits += 1
        if rng.random() < 0.7:
            decided = min(as_of, day + timedelta(days=rng.randint(0, 5)))
            record = accountability.create_record(
                SYSTEM,
                {
                    "task_id": task.id,
                    "target_kind": rng.choice(("unit", "official")),
                    "official_name": task.responsible_person or _person(rng),
                    "official_post": rng.choice(POSTS),
                    "decision": rng.choice(("interview", "criticism", "written_review")),
                    "decided_on": decided.isoformat(),
                    "respond_by": (decided + timedelta(days=10)).isoformat(),
                    "ground_detail": f"督查发现：{task.title}逾期未完成",
                },
                now=now,
                as_of=as_of,
            )
            records += 1
            if decided + timedelta(days=3) <= as_of and rng.random() < 0.6:
                accountability.answer(
                    SYSTEM,
                    record.id,
                    {
                        "answer": "已作出书面检查，并制定整改方案",
                        "on": (decided + timedelta(days=3)).isoformat(),
                    },
                    now=now,
                    as_of=as_of,
                )
    db.session.flush()
    return {
        "units": len(unit_list) + len(departments),
        "tasks": len(made_tasks),
        "supervision_visits": visits,
        "accountability_records": records,
        "branches": len(BRANCHES) if branches else 0,
    }


def _person(rng: random.Random) -> str:
    from .demo import person

    return person(rng)


def unit_accounts() -> list[tuple[str, str, str]]:
    return [
        (u, UNIT_PASSWORD, "unit")
        for u in db.session.scalars(
            select(User.username).where(User.role == "unit").order_by(User.id).limit(2)
        )
    ]

"""A small city for the security tests: two townships, one officer of each kind, and one record
of every kind a URL can name (case, enterprise, visit, photo, follow-up, complaint, conflict,
user, draw, quiet day), built through the same services and API the app uses."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from PIL import Image
from sqlalchemy import select

from support_app import NOW, PASSWORD, new_uuid
from enforcement.extensions import db, write_intent

ROLES = ("anonymous", "inspector_on", "inspector_off", "reviewer", "admin")
USERNAMES = {"inspector_on": "zhangwei", "inspector_off": "wangfang", "reviewer": "reviewer",
             "admin": "admin"}


@dataclass
class City:
    ids: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return self.ids[key]


def jpeg(width=40, height=20, colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "JPEG")
    return out.getvalue()


def build_city(client, make_township, make_user, make_enterprise, make_case, api_token,
               *, enterprise_fields: dict | None = None, findings: str = "排污口未设标志",
               violation: str = "排污口标志不规范", complaint_text: str = "夜间异味",
               display_name: str | None = None) -> City:
    from enforcement.models import Complaint, Conflict, Draw
    from enforcement.services.field import draw_publication
    from enforcement.services.calendar import quiet_days
    from enforcement.services.people import users as user_service
    from enforcement.services.core.actor import Actor, SYSTEM

    city = City()
    make_township("yanjiao", "燕郊镇", "Yanjiao")
    make_township("gucheng", "古城镇", "Gucheng")
    on = make_user("zhangwei", "inspector", township_code="yanjiao")
    make_user("liuyang", "inspector", township_code="yanjiao")
    off = make_user("wangfang", "inspector", township_code="gucheng")
    rev = make_user("reviewer", "reviewer")
    adm = make_user("admin", "admin")
    target = make_user("zhaolei", "inspector", township_code="yanjiao")
    if display_name is not None:
        token = write_intent.set(True)
        try:
            user_service.update_user(SYSTEM, target, {"display_name": display_name}, now=NOW)
            db.session.commit()
        finally:
            write_intent.reset(token)
    city.users = {"inspector_on": on, "inspector_off": off, "reviewer": rev, "admin": adm,
                  "target": target}
    enterprise = make_enterprise(township="yanjiao", **(enterprise_fields or {}))
    case = make_case(action="close", served_on=date(2026, 11, 2), enterprise=enterprise,
                     assignee_id=on.id, violation=violation)
    headers = api_token(on)
    visit_uuid = new_uuid()
    response = client.post("/api/v1/visits", headers=headers, json={
        "client_uuid": visit_uuid, "enterprise_id": enterprise.id,
        "visited_at": "2026-11-20T10:00:00+08:00", "lat": enterprise.lat, "lon": enterprise.lon,
        "purpose": "routine", "inspectors": ["zhangwei", "liuyang"], "findings": findings})
    assert response.status_code == 201, response.get_json()
    visit_id = response.get_json()["id"]
    response = client.post(f"/api/v1/visits/{visit_id}/photos", headers=headers,
                           data={"file": (io.BytesIO(jpeg()), "p.jpg"), "client_uuid": new_uuid()},
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    photo_id = response.get_json()["id"]
    # An impossible event from the field is kept for the desk as a conflict.
    response = client.post(f"/api/v1/cases/{case.id}/events", headers=headers,
                           json={"type": "reopen", "on": "2026-11-20", "client_uuid": new_uuid()})
    assert response.status_code == 409, response.get_json()
    complaint = Complaint(channel="hotline", category="odour", text=complaint_text,
                          address="燕郊镇某村", received_at=datetime(2026, 11, 24, 2, tzinfo=timezone.utc),
                          received_on=date(2026, 11, 24), triage_by=date(2026, 11, 25),
                          answer_by=date(2026, 12, 15), status="new")
    db.session.add(complaint)
    db.session.commit()
    token = write_intent.set(True)
    try:
        desk = Actor.of(rev)
        draw_publication.publish(desk, period="2026-Q4", seed="现场抽签", now=NOW)
        draw = draw_publication.run(desk, period="2026-Q4", seed="现场抽签", quotas={"A": 1, "B": 1, "C": 1},
                                    township_code=None, on=date(2026, 11, 25), now=NOW)
        quiet = quiet_days.declare(desk, {"on": "2026-12-01", "township": "", "reason": "重污染应急"},
                                   now=NOW, today=date(2026, 11, 25))
        db.session.commit()
    finally:
        write_intent.reset(token)
    # Issue 20: responsible units, a unit officer of each township, tasks, a record, a visit.
    import oversight_city
    oversight = oversight_city.build(make_user)
    city.users.update(unit_on=oversight.pop("officer_on"), unit_off=oversight.pop("officer_off"))
    db.session.expire_all()
    case = db.session.get(type(case), case.id)
    city.ids = {
        "unit_id": oversight["unit_id"], "task_id": oversight["task_id"],
        "record_id": oversight["record_id"], "supervision_id": oversight["supervision_visit_id"],
        "supervision_photo_id": oversight["supervision_photo_id"],
        "case_id": case.id, "enterprise_id": enterprise.id, "visit_id": visit_id,
        "photo_id": photo_id, "client_uuid": visit_uuid,
        "followup_id": case.followups[0].id if case.followups else None,
        "complaint_id": complaint.id,
        "conflict_id": db.session.scalars(select(Conflict.id)).first(),
        "user_id": target.id, "draw_id": draw.id if isinstance(draw, Draw) else draw,
        "quiet_day_id": quiet.id, "kind": "closure_decision", "name": "overdue",
        "code": "en", "filename": "css/app.css", "token": "0" * 32,
        "township_id": enterprise.township_id or 1,
        "layer": "streets", "z": 12, "x": 3377, "y": 1550,
    }
    return city


def login(client, username: str) -> None:
    from support_app import Auth
    response = Auth(client).login(username, PASSWORD)
    assert response.status_code == 302, f"{username} could not log in"


def place_in_branches(make_user) -> dict:
    """Issue 20: 燕郊镇 becomes the east branch's and 古城镇 the west's; a reviewer of each branch
    (rev_east, rev_west), and the 古城镇 inspector placed in the west. Every record ``build_city``
    names is in 燕郊镇, so all of them are the east's."""
    from enforcement.models import User
    from enforcement.services.core.actor import SYSTEM
    from enforcement.services.oversight import branches
    west = make_user("rev_west", "reviewer")
    east = make_user("rev_east", "reviewer")
    token = write_intent.set(True)
    try:
        branches.create_branch(SYSTEM, {"code": "east", "name": "东区分局"}, now=NOW)
        branches.create_branch(SYSTEM, {"code": "west", "name": "西区分局"}, now=NOW)
        branches.place_township(SYSTEM, "yanjiao", "east", now=NOW)
        branches.place_township(SYSTEM, "gucheng", "west", now=NOW)
        branches.place_officer(SYSTEM, "rev_west", "west", now=NOW)
        branches.place_officer(SYSTEM, "rev_east", "east", now=NOW)
        branches.place_officer(SYSTEM, "wangfang", "west", now=NOW)  # the gucheng inspector
        db.session.commit()
    finally:
        write_intent.reset(token)
    return {"west": db.session.get(User, west.id), "east": db.session.get(User, east.id)}

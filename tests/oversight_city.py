"""Oversight records for tests (issue 20): two township governments and the power company as
responsible units, a unit officer for each township, tasks, an accountability record and a
supervision visit, built through the services."""
from __future__ import annotations

import io
import uuid
from datetime import date

from PIL import Image

from support_app import NOW
from enforcement.extensions import db, write_intent


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def build(make_user, *, townships=("yanjiao", "gucheng")) -> dict:
    from enforcement.services.core.actor import SYSTEM
    from enforcement.services.core.storage import photo_storage
    from enforcement.services.oversight import accountability, supervision, tasks, units

    token = write_intent.set(True)
    try:
        yj = units.create_unit(SYSTEM, {"code": "yanjiao-gov", "name": "燕郊镇人民政府",
                                        "kind": "township_gov", "township": townships[0],
                                        "contact_name": "王镇长"}, now=NOW)
        gc = units.create_unit(SYSTEM, {"code": "gucheng-gov", "name": "古城镇人民政府",
                                        "kind": "township_gov", "township": townships[1]}, now=NOW)
        power = units.create_unit(SYSTEM, {"code": "power", "name": "国网三河供电公司",
                                           "kind": "utility"}, now=NOW)
        db.session.commit()
    finally:
        write_intent.reset(token)
    officer_on = make_user("unit_yj", "unit")
    officer_off = make_user("unit_gc", "unit")
    token = write_intent.set(True)
    try:
        units.assign_officer(SYSTEM, yj.id, "unit_yj", now=NOW)
        units.assign_officer(SYSTEM, gc.id, "unit_gc", now=NOW)
        as_of = date(2026, 11, 25)
        overdue = tasks.create_task(SYSTEM, {
            "title": "清理燕郊镇全部小塑料", "host_unit_id": yj.id, "co_unit_ids": [power.id],
            "lead_leader": "李副市长", "responsible_person": "王镇长",
            "assigned_on": "2026-10-01", "deadline": "2026-11-10"}, now=NOW, as_of=as_of)
        open_task = tasks.create_task(SYSTEM, {
            "title": "燕郊镇小塑料断电", "host_unit_id": yj.id, "assigned_on": "2026-11-01",
            "deadline": "2027-03-31"}, now=NOW, as_of=as_of)
        other = tasks.create_task(SYSTEM, {
            "title": "古城镇铸造厂关停", "host_unit_id": gc.id, "assigned_on": "2026-11-01",
            "deadline": "2026-12-31"}, now=NOW, as_of=as_of)
        record = accountability.create_record(SYSTEM, {
            "task_id": overdue.id, "decision": "interview", "respond_by": "2026-12-05",
            "decided_on": "2026-11-20"}, now=NOW, as_of=as_of)
        other_record = accountability.create_record(SYSTEM, {
            "unit_id": gc.id, "ground": "slow_action", "decision": "criticism",
            "respond_by": "2026-12-05", "decided_on": "2026-11-20"}, now=NOW, as_of=as_of)
        visit, _ = supervision.record_visit(SYSTEM, {
            "unit_id": yj.id, "visited_at": "2026-11-24T10:00:00+08:00", "unannounced": True,
            "lat": 39.95, "lon": 116.82, "findings": "小塑料仍在生产",
            "undelivered_task_ids": [overdue.id]}, now=NOW)
        photo, _ = supervision.store_photo(SYSTEM, visit, data=_jpeg(), client_uuid=str(uuid.uuid4()),
                                           now=NOW, storage=photo_storage())
        db.session.commit()
    finally:
        write_intent.reset(token)
    return {"supervision_photo_id": photo.id, "unit_id": yj.id, "other_unit_id": gc.id, "power_unit_id": power.id,
            "task_id": overdue.id, "open_task_id": open_task.id, "other_task_id": other.id,
            "record_id": record.id, "other_record_id": other_record.id,
            "supervision_visit_id": visit.id, "officer_on": officer_on, "officer_off": officer_off}

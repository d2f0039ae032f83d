"""Captures the offline sync exchange of docs/api.md from the running app (real requests and
responses): ``.venv/bin/python tests/api_sync_exchange.py > /tmp/exchange.md``."""
from __future__ import annotations

import io
import json
import sys
import tempfile
import uuid
from datetime import datetime, timezone

sys.path.insert(0, ".")

from PIL import Image

from enforcement import create_app
from enforcement.extensions import db
from enforcement.services.registry import enterprises
from enforcement.services.people import users
from enforcement.services.core.actor import SYSTEM

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)
PASSWORD = "Inspect-demo-2026"


def show(method, path, response, body=None, note=""):
    out = [f"### {note}\n", "```http", f"{method} {path}"]
    if body is not None:
        out += ["Content-Type: application/json", "", json.dumps(body, ensure_ascii=False, indent=2)]
    out += ["```", "", "```http", f"HTTP/1.1 {response.status}"]
    if response.is_json:
        out += ["", json.dumps(response.get_json(), ensure_ascii=False, indent=2)]
    out += ["```", ""]
    print("\n".join(out))


def main():
    tmp = tempfile.mkdtemp()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/x.db", "SECRET_KEY": "x",
                      "PHOTO_DIR": f"{tmp}/photos", "INSTANCE_PATH": tmp,
                      "AS_OF_OVERRIDE": "2026-11-25"})
    with app.app_context():
        db.create_all()
        for name in ("zhangwei", "liuyang"):
            users.create_user(SYSTEM, username=name, role="inspector", password=PASSWORD, now=NOW)
        e = enterprises.create_enterprise(SYSTEM, {"name": "三河市某塑料加工厂", "lat": 39.9612,
                                                   "lon": 116.8301}, now=NOW)
        db.session.commit()
        eid = e.id
    client = app.test_client()
    login = {"username": "zhangwei", "password": PASSWORD}
    r = client.post("/api/v1/auth/token", json=login)
    show("POST", "/api/v1/auth/token", r, {**login, "password": "…"}, "1. Log in")
    auth = {"Authorization": f"Bearer {r.get_json()['token']}"}
    visit = {"client_uuid": str(uuid.uuid4()), "enterprise_id": eid,
             "visited_at": "2026-11-24T09:40:00+08:00", "lat": 39.9613, "lon": 116.8303,
             "accuracy_m": 8, "purpose": "routine", "unannounced": True,
             "inspectors": ["zhangwei", "liuyang"], "findings": "排污口标志不规范"}
    show("POST", "/api/v1/visits", client.post("/api/v1/visits", json=visit, headers=auth), visit,
         "2. The outbox sends the visit recorded offline (201)")
    r = client.post("/api/v1/visits", json=visit, headers=auth)
    show("POST", "/api/v1/visits", r, visit,
         "3. The connection dropped before the answer arrived: the outbox replays it (200, same record)")
    vid = r.get_json()["id"]
    img = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 120, 160)).save(img, "JPEG")
    key = str(uuid.uuid4())
    r = client.post(f"/api/v1/visits/{vid}/photos", headers=auth, content_type="multipart/form-data",
                    data={"file": (io.BytesIO(img.getvalue()), "IMG_0042.jpg"), "client_uuid": key})
    print(f"### 4. Its photo (multipart: `file`, `client_uuid={key}`)\n")
    show("POST", f"/api/v1/visits/{vid}/photos", r, None, "")
    case = {"client_uuid": str(uuid.uuid4()), "enterprise_id": eid, "action": "rectify",
            "served_on": "2026-11-24", "violation": "排污口标志不规范",
            "legal_basis": "《水污染防治法》第二十二条", "rectify_days": 30,
            "visit_client_uuid": visit["client_uuid"]}
    r = client.post("/api/v1/cases", json=case, headers=auth)
    show("POST", "/api/v1/cases", r, case, "5. The case the visit found, linked by the visit's UUID")
    cid = r.get_json()["id"]
    event = {"type": "report_rectified", "on": "2026-11-25", "client_uuid": str(uuid.uuid4()),
             "recorded_at": "2026-11-25T10:05:00+08:00"}
    show("POST", f"/api/v1/cases/{cid}/events",
         client.post(f"/api/v1/cases/{cid}/events", json=event, headers=auth), event,
         "6. An event recorded on the phone")
    late = {"type": "report_rectified", "on": "2026-11-25", "client_uuid": str(uuid.uuid4()),
            "recorded_at": "2026-11-25T10:30:00+08:00"}
    show("POST", f"/api/v1/cases/{cid}/events",
         client.post(f"/api/v1/cases/{cid}/events", json=late, headers=auth), late,
         "7. A second phone syncs the same report later: impossible now (409 with `allowed`, kept for a reviewer)")
    changed = {**visit, "findings": "改了内容"}
    show("POST", "/api/v1/visits", client.post("/api/v1/visits", json=changed, headers=auth),
         changed, "8. The same visit UUID with different content: 409 client_uuid_reused")


if __name__ == "__main__":
    main()

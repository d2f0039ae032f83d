"""Who may open what: every route of the app (read from the URL map, so a new route without a row
fails here) tried by an anonymous visitor, the inspector on the case, an inspector of another
township, a reviewer and an administrator, each status compared with ONE table.

Reading is open to every officer (on site they need a case's or an enterprise's history);
changing a case, an enterprise or a visit's evidence is for the officers on it and the desk;
the desk pages are for reviewers and administrators; people are for administrators."""
from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from security_city import ROLES, USERNAMES, build_city, jpeg, login
from support_app import PASSWORD, new_uuid
from enforcement.extensions import db

LOGIN = "login"  # pages: 302 to /login?next=...; API: 401
L = LOGIN

# (endpoint, method): statuses for (anonymous, inspector_on, inspector_off, reviewer, admin).
# Roles are tried in the order inspector_off, inspector_on, reviewer, admin, so a transition made
# by the one on the case answers 409 to those after (it applies once). POST forms are sent empty
# (CSRF switched off here; test_security_csrf checks it): 422/200 means "let in, form refused".
TABLE: dict[tuple[str, str], tuple] = {
    # public
    ("static", "GET"): (200, 200, 200, 200, 200),
    ("health.healthz", "GET"): (200, 200, 200, 200, 200),
    ("health.readyz", "GET"): (200, 200, 200, 200, 200),
    ("public.disclosure", "GET"): (200, 200, 200, 200, 200),
    ("inspector.service_worker", "GET"): (200, 200, 200, 200, 200),
    ("inspector.manifest", "GET"): (200, 200, 200, 200, 200),
    ("api.openapi_document", "GET"): (200, 200, 200, 200, 200),
    ("auth.login", "GET"): (200, 302, 302, 302, 302),
    ("auth.login", "POST"): (422, 302, 302, 302, 302),
    ("auth.set_language", "POST"): (302, 302, 302, 302, 302),
    ("auth.logout", "POST"): (302, 302, 302, 302, 302),
    # The code step only continues a login whose password was right: otherwise back to /login.
    ("auth.login_code", "GET"): (302, 302, 302, 302, 302),
    ("auth.login_code", "POST"): (302, 302, 302, 302, 302),
    ("auth.totp_setup", "GET"): (L, 200, 200, 200, 200),
    ("auth.totp_setup", "POST"): (L, 422, 422, 422, 422),
    ("api.token", "POST"): (200, 200, 200, 200, 200),
    # every officer
    ("home.index", "GET"): (L, 200, 200, 200, 200),
    ("admin.change_password", "GET"): (L, 200, 200, 200, 200),
    ("admin.change_password", "POST"): (L, 422, 422, 422, 422),
    # the bell and the reminder channels: each officer's own (issue 18)
    ("notify.index", "GET"): (L, 200, 200, 200, 200),
    ("notify.mark_read", "POST"): (L, 302, 302, 302, 302),
    ("notify.preferences", "GET"): (L, 200, 200, 200, 200),
    ("notify.preferences", "POST"): (L, 302, 302, 302, 302),
    ("bureau.cases", "GET"): (L, 200, 200, 200, 200),
    ("bureau.case", "GET"): (L, 200, 200, 200, 200),
    ("bureau.enterprises", "GET"): (L, 200, 200, 200, 200),
    ("bureau.enterprise", "GET"): (L, 200, 200, 200, 200),
    ("lists.index", "GET"): (L, 200, 200, 200, 200),
    ("lists.show", "GET"): (L, 200, 200, 200, 200),
    ("lists.print_view", "GET"): (L, 200, 200, 200, 200),
    ("inspector.home", "GET"): (L, 200, 200, 200, 200),
    ("inspector.worklist", "GET"): (L, 200, 200, 200, 200),
    ("inspector.find", "GET"): (L, 200, 200, 200, 200),
    ("inspector.find", "POST"): (L, 200, 200, 200, 200),
    ("inspector.near", "GET"): (L, 200, 200, 200, 200),
    ("inspector.outbox", "GET"): (L, 200, 200, 200, 200),
    ("inspector.visit", "GET"): (L, 200, 200, 200, 200),
    ("inspector.pinned_visit", "GET"): (L, 200, 200, 200, 200),
    ("inspector.visit", "POST"): (L, 200, 200, 200, 200),
    ("inspector.serve", "GET"): (L, 200, 200, 200, 200),
    ("inspector.serve", "POST"): (L, 200, 200, 200, 200),
    ("inspector.visit_detail", "GET"): (L, 200, 200, 200, 200),
    ("inspector.visit_by_uuid", "GET"): (L, 302, 302, 302, 302),
    ("api.get_case", "GET"): (L, 200, 200, 200, 200),
    ("api.list_enterprises", "GET"): (L, 200, 200, 200, 200),
    ("api.get_enterprise", "GET"): (L, 200, 200, 200, 200),
    ("api.create_enterprise", "POST"): (L, 201, 201, 201, 201),
    ("api.list_followups", "GET"): (L, 200, 200, 200, 200),
    ("api_lists.api_list", "GET"): (L, 200, 200, 200, 200),
    ("api.get_visit", "GET"): (L, 200, 200, 200, 200),
    ("api.get_photo", "GET"): (L, 200, 200, 200, 200),
    ("api.record_visit", "POST"): (L, 201, 201, 201, 201),
    ("api.record_complaint", "POST"): (L, 201, 201, 201, 201),
    # the officers on the case (or its township) and the desk
    ("inspector.execute", "GET"): (L, 200, 403, 200, 200),
    ("inspector.execute", "POST"): (L, 200, 403, 200, 200),
    ("papers.case_index", "GET"): (L, 200, 403, 200, 200),
    ("papers.case_paper", "GET"): (L, 200, 403, 200, 200),
    ("papers.evidence_pack", "GET"): (L, 200, 403, 200, 200),
    ("papers.visit_record", "GET"): (L, 200, 403, 200, 200),
    ("papers.case_paper_pdf", "GET"): (L, 200, 403, 200, 200),
    ("papers.visit_record_pdf", "GET"): (L, 200, 403, 200, 200),
    # issuing a paper allocates its number (issue #17 item 10): the same officers, by POST
    ("papers.issue_case_paper", "POST"): (L, 303, 403, 303, 303),
    ("papers.issue_visit_record", "POST"): (L, 303, 403, 303, 303),
    # maps (issue 19): the case's map exhibit like its papers; tiles and boundaries for every
    # officer (no basemap file in this city: the tile routes answer 404, never 500)
    ("maps.case_map", "GET"): (L, 200, 403, 200, 200),
    ("maps.case_map_script", "GET"): (L, 200, 403, 200, 200),
    ("maps.tile", "GET"): (L, 404, 404, 404, 404),
    ("maps.default_tile", "GET"): (L, 404, 404, 404, 404),
    ("maps.township_boundaries", "GET"): (L, 200, 200, 200, 200),
    ("maps.offline_plan", "GET"): (L, 200, 200, 200, 200),
    ("api.open_case", "POST"): (L, 201, 403, 201, 201),
    ("api.case_event", "POST"): (L, 200, 403, 409, 409),
    ("api.update_enterprise", "PATCH"): (L, 200, 403, 200, 200),
    ("api.upload_photo", "POST"): (L, 201, 403, 201, 201),
    # the desk: reviewers and administrators
    ("bureau.review_event", "POST"): (L, 403, 403, 422, 422),
    ("bureau.review_followups", "POST"): (L, 403, 403, 302, 302),
    ("bureau.review_responsibility", "POST"): (L, 403, 403, 302, 302),
    ("bureau.disclose", "POST"): (L, 403, 403, 302, 302),
    ("desk.index", "GET"): (L, 403, 403, 200, 200),
    ("desk.complaints", "GET"): (L, 403, 403, 200, 200),
    ("desk.complaints", "POST"): (L, 403, 403, 422, 422),
    ("desk.complaint_assign", "POST"): (L, 403, 403, 302, 302),
    ("desk.conflict_queue", "GET"): (L, 403, 403, 200, 200),
    ("desk.conflict_accept", "POST"): (L, 403, 403, 302, 302),
    ("desk.conflict_discard", "POST"): (L, 403, 403, 422, 422),
    ("desk.dashboard_page", "GET"): (L, 403, 403, 200, 200),
    ("desk.draws", "GET"): (L, 403, 403, 200, 200),
    ("desk.draw_run", "POST"): (L, 403, 403, 422, 422),
    ("desk.draw_detail", "GET"): (L, 403, 403, 200, 200),
    ("desk.draw_csv", "GET"): (L, 403, 403, 200, 200),
    ("desk.draw_publish", "POST"): (L, 403, 403, 422, 422),
    ("desk.map", "GET"): (L, 403, 403, 200, 200),
    ("desk.map_popup", "GET"): (L, 403, 403, 200, 200),
    ("desk.map_points", "GET"): (L, 403, 403, 200, 200),
    ("desk.quiet_day_list", "GET"): (L, 403, 403, 200, 200),
    ("desk.quiet_day_list", "POST"): (L, 403, 403, 422, 422),
    ("desk.quiet_day_delete", "POST"): (L, 403, 403, 302, 404),
    ("register.awaiting", "GET"): (L, 403, 403, 200, 200),
    ("register.geocode_start", "POST"): (L, 403, 403, 302, 302),
    ("register.geocode_progress", "GET"): (L, 403, 403, 200, 200),
    ("register.locate", "GET"): (L, 403, 403, 200, 200),
    ("register.locate", "POST"): (L, 403, 403, 422, 422),
    ("register.confirm", "POST"): (L, 403, 403, 302, 302),
    ("register.township_list", "GET"): (L, 403, 403, 200, 200),
    # Importing townships is for administrators; reviewers keep aliases.
    ("register.township_list", "POST"): (L, 403, 403, 403, 422),
    ("register.township_aliases", "POST"): (L, 403, 403, 302, 302),
    ("admin.import_upload", "GET"): (L, 403, 403, 200, 200),
    ("admin.import_upload", "POST"): (L, 403, 403, 422, 422),
    ("admin.import_map", "GET"): (L, 403, 403, 404, 404),
    ("admin.import_map", "POST"): (L, 403, 403, 404, 404),
    ("admin.import_preview", "GET"): (L, 403, 403, 404, 404),
    ("admin.import_apply", "POST"): (L, 403, 403, 404, 404),
    ("admin.import_rejected", "GET"): (L, 403, 403, 404, 404),
    # administrators only
    ("admin.users", "GET"): (L, 403, 403, 403, 200),
    ("admin.user_new", "GET"): (L, 403, 403, 403, 200),
    ("admin.user_new", "POST"): (L, 403, 403, 403, 422),
    ("admin.user_edit", "GET"): (L, 403, 403, 403, 200),
    ("admin.user_edit", "POST"): (L, 403, 403, 403, 422),
    ("admin.user_active", "POST"): (L, 403, 403, 403, 302),
    ("admin.user_reset_password", "POST"): (L, 403, 403, 403, 200),
    ("admin.user_revoke_tokens", "POST"): (L, 403, 403, 403, 302),
    ("admin.user_reset_totp", "POST"): (L, 403, 403, 403, 302),
    ("api.audit_verify", "GET"): (L, 403, 403, 403, 200),
    # oversight (issue 20): the desk; unit officers are tried in UNIT below
    ("oversight.index", "GET"): (L, 403, 403, 200, 200),
    ("oversight.unit_list", "GET"): (L, 403, 403, 200, 200),
    ("oversight.unit_list", "POST"): (L, 403, 403, 422, 422),
    ("oversight.unit", "GET"): (L, 403, 403, 200, 200),
    ("oversight.unit_officer", "POST"): (L, 403, 403, 302, 302),
    ("oversight.tasks", "GET"): (L, 403, 403, 200, 200),
    ("oversight.tasks", "POST"): (L, 403, 403, 422, 422),
    ("oversight.task", "GET"): (L, 403, 403, 200, 200),
    ("oversight.task_deliver", "POST"): (L, 403, 403, 422, 422),
    ("oversight.task_reopen", "POST"): (L, 403, 403, 302, 302),
    ("oversight.records", "GET"): (L, 403, 403, 200, 200),
    ("oversight.records", "POST"): (L, 403, 403, 422, 422),
    ("oversight.record", "GET"): (L, 403, 403, 200, 200),
    ("oversight.record_answer", "POST"): (L, 403, 403, 422, 422),
    ("oversight.record_close", "POST"): (L, 403, 403, 422, 422),
    ("oversight.record_publish", "POST"): (L, 403, 403, 302, 409),
    ("oversight.supervision_visits", "GET"): (L, 403, 403, 200, 200),
    ("oversight.supervision_visits", "POST"): (L, 403, 403, 422, 422),
    ("oversight.supervision_visit", "GET"): (L, 403, 403, 200, 200),
    ("oversight.supervision_photo", "POST"): (L, 403, 403, 302, 302),
    ("api.oversight_supervision_photo", "POST"): (L, 403, 403, 422, 422),
    ("api.oversight_get_supervision_photo", "GET"): (L, 403, 403, 200, 200),
    ("oversight.scoreboard_page", "GET"): (L, 403, 403, 200, 200),
    ("oversight.scoreboard_export", "GET"): (L, 403, 403, 200, 200),
    ("api.oversight_list_units", "GET"): (L, 403, 403, 200, 200),
    ("api.oversight_create_unit", "POST"): (L, 403, 403, 422, 422),
    ("api.oversight_list_tasks", "GET"): (L, 403, 403, 200, 200),
    ("api.oversight_create_task", "POST"): (L, 403, 403, 422, 422),
    ("api.oversight_get_task", "GET"): (L, 403, 403, 200, 200),
    ("api.oversight_deliver_task", "POST"): (L, 403, 403, 422, 422),
    ("api.oversight_list_supervision", "GET"): (L, 403, 403, 200, 200),
    ("api.oversight_record_supervision", "POST"): (L, 403, 403, 422, 422),
    ("api.oversight_overdue_units", "GET"): (L, 403, 403, 200, 200),
    ("api.oversight_list_records", "GET"): (L, 403, 403, 200, 200),
    ("api.oversight_create_record", "POST"): (L, 403, 403, 422, 422),
    ("api.oversight_get_record", "GET"): (L, 403, 403, 200, 200),
    ("api.oversight_answer_record", "POST"): (L, 403, 403, 422, 422),
    ("api.oversight_close_record", "POST"): (L, 403, 403, 422, 422),
    ("api.oversight_scoreboard", "GET"): (L, 403, 403, 200, 200),
}

# The unit officer (issue 20), the smallest rights of all: what he may open, with the status
# an empty form gets; every other route answers him 403.
UNIT: dict[tuple[str, str], int] = {
    ("static", "GET"): 200, ("public.disclosure", "GET"): 200,
    ("inspector.service_worker", "GET"): 200, ("api.openapi_document", "GET"): 200,
    ("auth.login", "GET"): 302, ("auth.login", "POST"): 302, ("auth.set_language", "POST"): 302,
    ("auth.logout", "POST"): 302, ("auth.login_code", "GET"): 302,
    ("auth.login_code", "POST"): 302, ("auth.totp_setup", "GET"): 200,
    ("auth.totp_setup", "POST"): 422, ("api.token", "POST"): 200,
    ("home.index", "GET"): 302, ("admin.change_password", "GET"): 200,
    ("admin.change_password", "POST"): 422,
    ("oversight.tasks", "GET"): 200, ("oversight.task", "GET"): 200,
    ("oversight.task_deliver", "POST"): 422, ("oversight.records", "GET"): 200,
    ("oversight.record", "GET"): 200, ("oversight.record_answer", "POST"): 422,
    ("api.oversight_list_tasks", "GET"): 200, ("api.oversight_get_task", "GET"): 200,
    ("api.oversight_deliver_task", "POST"): 422, ("api.oversight_list_records", "GET"): 200,
    ("api.oversight_get_record", "GET"): 200, ("api.oversight_answer_record", "POST"): 422,
}

ORDER = ("anonymous", "inspector_off", "inspector_on", "reviewer", "admin")


def routes(app) -> list[tuple[str, str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, rule.rule))
    return sorted(found, key=lambda r: (r[0] == "auth.logout", r[2], r[1]))


def fill(rule: str, ids: dict) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule)


def payload(endpoint: str, city, role: str) -> dict:
    """A valid request for the API writes, so that a refusal is the role's, not the body's."""
    e = city["enterprise_id"]
    bodies = {
        "api.token": {"json": {"username": "liuyang", "password": PASSWORD}},
        "api.create_enterprise": {"json": {"name": f"新企业{new_uuid()[:6]}", "lat": 39.97,
                                           "lon": 116.84}},
        "api.update_enterprise": {"json": {"address": "燕郊镇新址"}},
        "api.open_case": {"json": {"enterprise_id": e, "action": "rectify",
                                   "served_on": "2026-11-20", "violation": "未批先建",
                                   "legal_basis": "《环境影响评价法》第三十一条",
                                   "rectify_days": 30}},
        "api.case_event": {"json": {"type": "execute", "on": "2026-11-24",
                                    "client_uuid": new_uuid(),
                                    "checklist": {k: True for k in (
                                        "water_cut", "power_cut", "materials_cleared",
                                        "equipment_cleared", "products_cleared")}}},
        "api.record_visit": {"json": {"client_uuid": new_uuid(), "enterprise_id": e,
                                      "visited_at": "2026-11-24T10:00:00+08:00",
                                      "purpose": "routine", "findings": "正常",
                                      "inspectors": [USERNAMES.get(role, "zhangwei"), "liuyang"]}},
        "api.record_complaint": {"json": {"channel": "hotline", "category": "odour",
                                          "text": "异味", "address": "燕郊镇"}},
        "api.upload_photo": {"data": {"file": (io.BytesIO(jpeg(colour=(10, 200, 10))), "p.jpg"),
                                      "client_uuid": new_uuid()},
                             "content_type": "multipart/form-data"},
        "inspector.near": {"query_string": {"lat": 39.96, "lon": 116.83}},
        "desk.map_points": {"query_string": {"bbox": "116.7,39.9,116.9,40.0", "zoom": 14}},
    }
    return bodies.get(endpoint, {})


def expected_status(want, path: str):
    if want == LOGIN:
        return 401 if path.startswith("/api/") else 302
    return want


def test_every_route_has_a_row_and_nobody_gets_more_than_the_table_allows(
        app, client, make_township, make_user, make_enterprise, make_case, api_token):
    city = build_city(client, make_township, make_user, make_enterprise, make_case, api_token)
    app.config["WTF_CSRF_ENABLED"] = False
    all_routes = routes(app)
    missing = sorted({(ep, m) for ep, m, _ in all_routes} - set(TABLE))
    assert not missing, f"routes without a row in the authorization table: {missing}"
    stale = sorted(set(TABLE) - {(ep, m) for ep, m, _ in all_routes})
    assert not stale, f"rows for routes that no longer exist: {stale}"
    tokens = {r: api_token(city.users[r]) for r in ROLES if r != "anonymous"}
    wrong = []
    checked = 0
    for role in ORDER:
        officer = app.test_client()
        if role != "anonymous":
            login(officer, USERNAMES[role])
        for endpoint, method, rule in all_routes:
            path = fill(rule, city.ids)
            kwargs = payload(endpoint, city, role)
            if path.startswith("/api/") and role != "anonymous":
                kwargs["headers"] = tokens[role]
            response = officer.open(path, method=method, **kwargs)
            db.session.rollback()
            want = TABLE[(endpoint, method)][ROLES.index(role)]
            status = expected_status(want, path)
            got = response.status_code
            ok = got == status
            if ok and want == LOGIN and status == 302:
                ok = "/login" in response.headers["Location"]
            checked += 1
            if not ok:
                wrong.append(f"{role} {method} {path} ({endpoint}): {got}, table says {status}")
    assert not wrong, "\n".join(wrong)
    assert checked == len(all_routes) * len(ROLES)


def test_an_inspector_of_another_township_changes_nothing_on_the_case_or_the_enterprise(
        app, client, make_township, make_user, make_enterprise, make_case, api_token):
    from enforcement.models import Case, CaseEvent, Enterprise
    city = build_city(client, make_township, make_user, make_enterprise, make_case, api_token)
    app.config["WTF_CSRF_ENABLED"] = False
    stranger = app.test_client()
    login(stranger, USERNAMES["inspector_off"])

    def state():
        db.session.expire_all()
        return (db.session.scalar(select(func.count()).select_from(Case)),
                db.session.scalar(select(func.count()).select_from(CaseEvent)),
                db.session.get(Case, city["case_id"]).state,
                db.session.get(Enterprise, city["enterprise_id"]).address)

    before = state()
    checklist = {k: "y" for k in ("water_cut", "power_cut", "materials_cleared",
                                  "equipment_cleared", "products_cleared")}
    executed = stranger.post(f"/m/cases/{city['case_id']}/execute",
                             data={"client_uuid": new_uuid(), "on": "2026-11-24", **checklist})
    served = stranger.post("/m/serve", data={
        "client_uuid": new_uuid(), "enterprise_id": city["enterprise_id"], "action": "rectify",
        "served_on": "2026-11-24", "violation": "未批先建", "legal_basis": "第三十一条",
        "rectify_days": "30", "confirm": "1"})
    assert executed.status_code == 403
    assert served.status_code == 200 and "flash-error" in served.get_data(as_text=True)
    headers = api_token(city.users["inspector_off"])
    event = stranger.post(f"/api/v1/cases/{city['case_id']}/events", headers=headers,
                          json=payload("api.case_event", city, "inspector_off")["json"])
    patched = stranger.patch(f"/api/v1/enterprises/{city['enterprise_id']}", headers=headers,
                             json={"address": "被改的地址"})
    assert (event.status_code, patched.status_code) == (403, 403)
    assert state() == before


def test_a_unit_officer_reaches_his_units_tasks_and_records_and_nothing_else(
        app, client, make_township, make_user, make_enterprise, make_case, api_token):
    city = build_city(client, make_township, make_user, make_enterprise, make_case, api_token)
    app.config["WTF_CSRF_ENABLED"] = False
    officer = app.test_client()
    login(officer, "unit_yj")
    headers = api_token(city.users["unit_on"])
    wrong = []
    for endpoint, method, rule in routes(app):
        path = fill(rule, city.ids)
        kwargs = payload(endpoint, city, "unit_on")
        if path.startswith("/api/"):
            kwargs["headers"] = headers
        got = officer.open(path, method=method, **kwargs).status_code
        db.session.rollback()
        want = UNIT.get((endpoint, method), 403)
        if got != want:
            wrong.append(f"unit {method} {path} ({endpoint}): {got}, table says {want}")
    assert not wrong, "\n".join(wrong)


def test_a_unit_officer_cannot_read_or_report_another_units_task_nor_answer_its_record(
        app, client, make_township, make_user, make_enterprise, make_case, api_token):
    from enforcement.models import AccountabilityRecord, Task
    import oversight_city  # noqa: F401
    city = build_city(client, make_township, make_user, make_enterprise, make_case, api_token)
    other = db.session.scalar(select(Task).where(Task.title == "古城镇铸造厂关停"))
    other_record = db.session.scalar(select(AccountabilityRecord)
                                     .where(AccountabilityRecord.ground == "slow_action"))
    headers = api_token(city.users["unit_on"])
    read = client.get(f"/api/v1/tasks/{other.id}", headers=headers)
    listed = client.get(f"/api/v1/tasks?unit_id={other.host_unit_id}", headers=headers)
    report = client.post(f"/api/v1/tasks/{other.id}/delivery", headers=headers,
                         json={"done_on": "2026-11-24", "report": "冒名办结"})
    answer = client.post(f"/api/v1/accountability/{other_record.id}/answer", headers=headers,
                         json={"answer": "冒名说明"})
    mine = client.get("/api/v1/tasks", headers=headers).get_json()["items"]
    assert (read.status_code, listed.status_code, report.status_code, answer.status_code) == (
        404, 403, 404, 404)
    assert listed.get_json()["error"]["fields"] == {"unit": "not your unit"}
    assert all(t["host_unit_id"] == city["unit_id"] or city["unit_id"] in t["co_unit_ids"]
               for t in mine) and mine
    db.session.expire_all()
    assert db.session.get(Task, other.id).done_on is None
    assert db.session.get(AccountabilityRecord, other_record.id).answered_on is None


def test_an_inspector_cannot_write_an_accountability_record(
        app, client, make_township, make_user, make_enterprise, make_case, api_token):
    from enforcement.models import AccountabilityRecord
    city = build_city(client, make_township, make_user, make_enterprise, make_case, api_token)
    before = db.session.scalar(select(func.count()).select_from(AccountabilityRecord))
    response = client.post("/api/v1/accountability", headers=api_token(city.users["inspector_on"]),
                           json={"unit_id": city["unit_id"], "ground": "inaction",
                                 "decision": "interview", "respond_by": "2026-12-05"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(AccountabilityRecord)) == before


# Branches (分局, issue 20): the reviewer of the west branch (rev_west) and the west's inspector
# (wangfang) try every route whose URL names a record by id: the case, enterprise, visit, photo,
# task, record, supervision visit, photo and unit of build_city are all in 燕郊镇, the east's.
# Each row: (endpoint, method): (west reviewer, west inspector). 404: another branch's record
# is not found; 403: refused before (the inspector's role), so nothing leaks either way.
BY_ID = ("case_id", "enterprise_id", "visit_id", "photo_id", "client_uuid", "task_id",
         "record_id", "supervision_id", "supervision_photo_id", "unit_id", "complaint_id",
         "conflict_id", "quiet_day_id", "draw_id")
# An API write whose body is refused first answers 422 to anyone (an empty body is sent here);
# with a valid body it answers 404 (tests/test_branch_scope.py).
BRANCH: dict[tuple[str, str], tuple[int, int]] = {
    ('api.case_event', 'POST'): (404, 404),
    ('api.get_case', 'GET'): (404, 404),
    ('api.get_enterprise', 'GET'): (404, 404),
    ('api.get_photo', 'GET'): (404, 404),
    ('api.get_visit', 'GET'): (404, 404),
    ('api.oversight_answer_record', 'POST'): (422, 403),
    ('api.oversight_close_record', 'POST'): (422, 403),
    ('api.oversight_deliver_task', 'POST'): (422, 403),
    ('api.oversight_get_record', 'GET'): (404, 403),
    ('api.oversight_get_supervision_photo', 'GET'): (404, 403),
    ('api.oversight_get_task', 'GET'): (404, 403),
    ('api.oversight_supervision_photo', 'POST'): (404, 403),
    ('api.update_enterprise', 'PATCH'): (404, 404),
    ('api.upload_photo', 'POST'): (404, 404),
    ('bureau.case', 'GET'): (404, 404),
    ('bureau.disclose', 'POST'): (404, 404),
    ('bureau.enterprise', 'GET'): (404, 404),
    ('bureau.review_event', 'POST'): (404, 404),
    ('bureau.review_followups', 'POST'): (404, 404),
    ('bureau.review_responsibility', 'POST'): (404, 404),
    ('desk.complaint_assign', 'POST'): (404, 404),
    ('desk.conflict_accept', 'POST'): (404, 404),
    ('desk.conflict_discard', 'POST'): (404, 404),
    ('desk.draw_csv', 'GET'): (404, 404),
    ('desk.draw_detail', 'GET'): (404, 404),
    ('desk.map_popup', 'GET'): (404, 404),
    ('desk.quiet_day_delete', 'POST'): (404, 403),
    ('inspector.execute', 'GET'): (404, 404),
    ('inspector.execute', 'POST'): (404, 404),
    ('inspector.visit', 'GET'): (404, 404),
    ('inspector.visit', 'POST'): (404, 404),
    ('inspector.visit_by_uuid', 'GET'): (404, 404),
    ('inspector.visit_detail', 'GET'): (404, 404),
    ('maps.case_map', 'GET'): (404, 404),
    ('maps.case_map_script', 'GET'): (404, 404),
    ('oversight.record', 'GET'): (404, 403),
    ('oversight.record_answer', 'POST'): (404, 403),
    ('oversight.record_close', 'POST'): (404, 403),
    ('oversight.record_publish', 'POST'): (404, 403),
    ('oversight.supervision_photo', 'POST'): (404, 403),
    ('oversight.supervision_visit', 'GET'): (404, 403),
    ('oversight.task', 'GET'): (404, 403),
    ('oversight.task_deliver', 'POST'): (404, 403),
    ('oversight.task_reopen', 'POST'): (404, 403),
    ('oversight.unit', 'GET'): (404, 403),
    ('oversight.unit_officer', 'POST'): (404, 403),
    ('papers.case_index', 'GET'): (404, 404),
    ('papers.case_paper', 'GET'): (404, 404),
    ('papers.case_paper_pdf', 'GET'): (404, 404),
    ('papers.evidence_pack', 'GET'): (404, 404),
    ('papers.issue_case_paper', 'POST'): (404, 404),
    ('papers.issue_visit_record', 'POST'): (404, 404),
    ('papers.visit_record', 'GET'): (404, 404),
    ('papers.visit_record_pdf', 'GET'): (404, 404),
    ('register.confirm', 'POST'): (404, 404),
    ('register.locate', 'GET'): (404, 404),
    ('register.locate', 'POST'): (404, 404),
}


def test_officers_of_another_branch_get_nothing_by_id(
        app, client, make_township, make_user, make_enterprise, make_case, api_token):
    from security_city import place_in_branches
    city = build_city(client, make_township, make_user, make_enterprise, make_case, api_token)
    city.users.update(place_in_branches(make_user))
    app.config["WTF_CSRF_ENABLED"] = False
    by_id = [(ep, m, rule) for ep, m, rule in routes(app)
             if any(f"<{p}>" in rule or f":{p}>" in rule for p in BY_ID)]
    missing = sorted({(ep, m) for ep, m, _ in by_id} - set(BRANCH))
    assert not missing, f"by-id routes without a row in the branch table: {missing}"
    got = {}
    for i, who in enumerate(("rev_west", "wangfang")):
        officer = app.test_client()
        login(officer, who)
        headers = api_token(city.users["west" if i == 0 else "inspector_off"])
        for endpoint, method, rule in by_id:
            path = fill(rule, city.ids)
            kwargs = payload(endpoint, city, "reviewer")
            if path.startswith("/api/"):
                kwargs["headers"] = headers
            status = officer.open(path, method=method, **kwargs).status_code
            db.session.rollback()
            got.setdefault((endpoint, method), [0, 0])[i] = status
    wrong = [f"{ep} {m}: got {tuple(s)}, table says {BRANCH[(ep, m)]}"
             for (ep, m), s in sorted(got.items()) if tuple(s) != BRANCH[(ep, m)]]
    assert not wrong, "\n".join(wrong)

"""The attacks of issue #14, each written as the attack (they failed before the fix), on SQLite
and, with TEST_DATABASE_URL, on PostgreSQL."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from support_app import new_uuid
from enforcement.extensions import db
from enforcement.models import Case, CaseEvent, Conflict, FollowUp, Visit


@pytest.fixture
def two_townships(make_township, make_user):
    make_township("yanjiao", "燕郊镇", "Yanjiao")
    make_township("gucheng", "古城镇", "Gucheng")
    on = make_user("zhangwei", "inspector", township_code="yanjiao")
    make_user("liuyang", "inspector", township_code="yanjiao")
    off = make_user("wangfang", "inspector", township_code="gucheng")
    make_user("zhaolei", "inspector", township_code="gucheng")
    return on, off


def _visit(enterprise, followup, **extra):
    return {"client_uuid": new_uuid(), "enterprise_id": enterprise.id,
            "visited_at": f"{followup.earliest_on.isoformat()}T10:00:00+08:00",
            "lat": enterprise.lat, "lon": enterprise.lon, "purpose": "verification",
            "unannounced": True, "inspectors": ["wangfang", "zhaolei"], "findings": "已整改",
            "followup_id": followup.id, **extra}


def _case_rows(case_id):
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    events = db.session.scalar(select(func.count()).select_from(CaseEvent)
                               .where(CaseEvent.case_id == case_id))
    return case.state, events


def test_an_inspector_not_on_the_case_cannot_complete_its_verification(
        client, two_townships, make_enterprise, make_case, api_token):
    on, off = two_townships
    enterprise = make_enterprise(township="yanjiao")
    case = make_case(action="rectify", served_on=date(2026, 10, 9), rectify_days=15,
                     enterprise=enterprise, assignee_id=on.id)
    followup = case.followups[0]
    before = _case_rows(case.id)
    response = client.post("/api/v1/visits", headers=api_token(off),
                           json=_visit(enterprise, followup, result={"compliant": True}))
    # The observation is evidence: the visit is kept ...
    assert response.status_code == 201, response.get_json()
    visit_id = response.get_json()["id"]
    assert db.session.get(Visit, visit_id) is not None
    # ... but it completes nothing: the case did not move, the follow-up is still planned.
    assert _case_rows(case.id) == before == ("ordered", 0)
    row = db.session.get(FollowUp, followup.id)
    assert row.done_on is None and row.visit_id is None
    # The desk sees the visit and what it claimed.
    kept = db.session.scalars(select(Conflict).where(Conflict.case_id == case.id)).all()
    assert [(k.kind, k.code) for k in kept] == [("followup", "not_on_case")]
    assert kept[0].payload["visit_id"] == visit_id
    assert kept[0].payload["followup_id"] == followup.id


def test_the_officer_on_the_case_still_completes_it(
        client, two_townships, make_enterprise, make_case, api_token):
    on, off = two_townships
    enterprise = make_enterprise(township="yanjiao")
    case = make_case(action="rectify", served_on=date(2026, 10, 9), rectify_days=15,
                     enterprise=enterprise, assignee_id=on.id)
    followup = case.followups[0]
    response = client.post("/api/v1/visits", headers=api_token(on), json=_visit(
        enterprise, followup, inspectors=["zhangwei", "liuyang"], result={"compliant": True}))
    assert response.status_code == 201, response.get_json()
    assert _case_rows(case.id) == ("verified", 1)


@pytest.mark.parametrize("who", ["on", "off"])
@pytest.mark.parametrize("action,injected,purpose", [
    ("control", {"type": "release"}, "follow_up"),
    ("stop", {"type": "file_plan"}, "follow_up"),
    ("stop", {"type": "file_plan", "production_running": False}, "follow_up"),
    ("rectify", {"type": "report_rectified", "compliant": True}, "verification"),
])
def test_a_visit_result_cannot_carry_an_event_type(
        client, two_townships, make_enterprise, make_case, api_token, who, action, injected,
        purpose):
    on, off = two_townships
    enterprise = make_enterprise(township="yanjiao")
    params = {"rectify_days": 15} if action == "rectify" else {}
    case = make_case(action=action, served_on=date(2026, 10, 9) if action == "rectify"
                     else date(2026, 11, 16), enterprise=enterprise, assignee_id=on.id, **params)
    followup = min(case.followups, key=lambda f: f.due_on)
    before = _case_rows(case.id)
    actor = on if who == "on" else off
    names = ["zhangwei", "liuyang"] if who == "on" else ["wangfang", "zhaolei"]
    response = client.post("/api/v1/visits", headers=api_token(actor), json=_visit(
        enterprise, followup, purpose=purpose, inspectors=names, result=injected))
    assert response.status_code == 422, response.get_json()
    assert "result.type" in response.get_json()["error"]["fields"]
    assert _case_rows(case.id) == before
    assert db.session.get(FollowUp, followup.id).done_on is None


def test_a_result_must_answer_the_follow_ups_own_question(
        client, two_townships, make_enterprise, make_case, api_token):
    on, _ = two_townships
    enterprise = make_enterprise(township="yanjiao")
    case = make_case(action="stop", served_on=date(2026, 11, 16), enterprise=enterprise,
                     assignee_id=on.id)
    check = case.followups[0]
    names = ["zhangwei", "liuyang"]
    for result, field in (({}, "result.production_running"),
                          ({"production_running": "no"}, "result.production_running"),
                          ({"compliant": True}, "result.compliant")):
        response = client.post("/api/v1/visits", headers=api_token(on), json=_visit(
            enterprise, check, purpose="follow_up", inspectors=names, result=result))
        assert response.status_code == 422, (result, response.get_json())
        assert field in response.get_json()["error"]["fields"], response.get_json()
    response = client.post("/api/v1/visits", headers=api_token(on), json=_visit(
        enterprise, check, purpose="follow_up", inspectors=names,
        result={"production_running": False}))
    assert response.status_code == 201, response.get_json()
    day = check.earliest_on
    db.session.expire_all()
    assert db.session.get(FollowUp, check.id).done_on == day



def test_a_reviewer_accepting_the_kept_claim_completes_the_follow_up(
        client, two_townships, make_enterprise, make_case, make_user, api_token):
    from enforcement.extensions import write_intent
    from enforcement.services.core.actor import Actor
    from enforcement.services.desk import conflicts
    from support_app import NOW

    on, off = two_townships
    reviewer = make_user("reviewer", "reviewer")
    enterprise = make_enterprise(township="yanjiao")
    case = make_case(action="rectify", served_on=date(2026, 10, 9), rectify_days=15,
                     enterprise=enterprise, assignee_id=on.id)
    followup = case.followups[0]
    response = client.post("/api/v1/visits", headers=api_token(off),
                           json=_visit(enterprise, followup, result={"compliant": True}))
    assert response.status_code == 201
    kept = db.session.scalars(select(Conflict).where(Conflict.kind == "followup")).one()
    token = write_intent.set(True)
    try:
        conflicts.accept(Actor.of(reviewer), kept, now=NOW, note="同乡镇联合执法")
        db.session.commit()
    finally:
        write_intent.reset(token)
    assert _case_rows(case.id) == ("verified", 1)
    assert db.session.get(FollowUp, followup.id).visit_id == response.get_json()["id"]


# -- 4. sessions that outlive logout ----------------------------------------------------------

def _copy_session(client):
    return client.get_cookie("session").value


def _replay_session(client, value):
    client.set_cookie("session", value)


def _logged_in(client) -> bool:
    return client.get("/").status_code == 200


@pytest.fixture
def people(make_user):
    return make_user("zhangwei", "inspector"), make_user("admin", "admin")


def test_a_session_cookie_copied_before_logout_is_dead_after_it(client, auth, people):
    from support_app import PASSWORD

    auth.login("zhangwei")
    assert _logged_in(client)
    stolen, token = _copy_session(client), auth.csrf("/account/password")
    auth.logout()
    _replay_session(client, stolen)
    assert not _logged_in(client)
    response = client.post("/account/password", data={
        "csrf_token": token, "current": PASSWORD, "new": "Zhe-shi-xin-mima-77", "confirm": "Zhe-shi-xin-mima-77"})
    assert response.status_code in (302, 400)
    assert auth.login("zhangwei", PASSWORD).status_code == 302  # the password did not change


def test_logout_on_one_device_ends_the_users_other_sessions(app, auth, people):
    other = app.test_client()
    from support_app import Auth
    Auth(other).login("zhangwei")
    auth.login("zhangwei")
    assert _logged_in(other)
    auth.logout()
    assert not _logged_in(other)


def test_a_password_change_ends_the_other_sessions_but_not_its_own(app, client, auth, people):
    from support_app import PASSWORD, Auth
    auth.login("zhangwei")
    stolen = _copy_session(client)
    other = app.test_client()
    Auth(other).login("zhangwei")
    response = other.post("/account/password", data={
        "csrf_token": Auth(other).csrf("/account/password"), "current": PASSWORD,
        "new": "Zhe-shi-xin-mima-77", "confirm": "Zhe-shi-xin-mima-77"})
    assert response.status_code == 302
    assert _logged_in(other)
    _replay_session(client, stolen)
    assert not _logged_in(client)


def test_deactivation_and_sign_out_everywhere_end_every_session(app, client, auth, people):
    from support_app import Auth
    officer, admin = people
    auth.login("zhangwei")
    stolen = _copy_session(client)
    desk = app.test_client()
    Auth(desk).login("admin")
    response = desk.post(f"/admin/users/{officer.id}/revoke-tokens",
                         data={"csrf_token": Auth(desk).csrf(f"/admin/users/{officer.id}")})
    assert response.status_code == 302
    _replay_session(client, stolen)
    assert not _logged_in(client)
    auth.login("zhangwei")
    stolen = _copy_session(client)
    response = desk.post(f"/admin/users/{officer.id}/active",
                         data={"csrf_token": Auth(desk).csrf(f"/admin/users/{officer.id}"),
                               "active": "0"})
    assert response.status_code == 302
    _replay_session(client, stolen)
    assert not _logged_in(client)


# -- 3. a lone UTF-16 surrogate (a phone cut a string inside an emoji) ------------------------

LONE = "\\ud83d"  # JSON text: the first half of 😀 without the second


@pytest.fixture
def township_officers(two_townships, make_enterprise, make_case, api_token):
    on, _ = two_townships
    enterprise = make_enterprise(township="yanjiao")
    case = make_case(action="stop", served_on=date(2026, 11, 16), enterprise=enterprise,
                     assignee_id=on.id)
    return api_token(on), enterprise, case


def _raw(client, method, path, headers, text):
    return client.open(path, method=method, headers={**headers, "Content-Type": "application/json"},
                       data=text.encode())


def test_a_lone_surrogate_is_a_422_naming_the_field_on_every_json_route(client, township_officers):
    headers, enterprise, case = township_officers
    probes = [
        ("POST", "/api/v1/enterprises", '{"name": "塑料厂%s", "lat": 39.9, "lon": 116.8}', "name"),
        ("PATCH", f"/api/v1/enterprises/{enterprise.id}", '{"address": "燕郊%s"}', "address"),
        ("POST", "/api/v1/cases", '{"enterprise_id": %d, "action": "rectify", "served_on": '
         '"2026-11-20", "rectify_days": 15, "violation": "x%%s", "legal_basis": "y"}'
         % enterprise.id, "violation"),
        ("POST", f"/api/v1/cases/{case.id}/events", '{"type": "file_plan", "on": "2026-11-20", '
         '"note": "计划%s"}', "note"),
        ("POST", "/api/v1/complaints", '{"channel": "hotline", "category": "odour", '
         '"text": "异味%s", "address": "燕郊"}', "text"),
        ("POST", "/api/v1/auth/token", '{"username": "zhangwei%s", "password": "x"}', "username"),
        ("POST", "/api/v1/visits", '{"client_uuid": "%s", "enterprise_id": %d, '
         '"visited_at": "2026-11-20T10:00:00+08:00", "purpose": "routine", '
         '"inspectors": ["zhangwei", "liuyang"], "findings": "废气%%s"}'
         % (new_uuid(), enterprise.id), "findings"),
        ("POST", "/api/v1/visits", '{"client_uuid": "%s", "enterprise_id": %d, '
         '"visited_at": "2026-11-20T10:00:00+08:00", "purpose": "routine", '
         '"inspectors": ["zhangwei", "liu%%syang"]}' % (new_uuid(), enterprise.id),
         "inspectors.1"),
    ]
    for method, path, template, field in probes:
        response = _raw(client, method, path, {} if "auth" in path else headers,
                        template % LONE)
        assert response.status_code == 422, (path, response.status_code, response.get_data())
        assert field in response.get_json()["error"]["fields"], (path, response.get_json())
    assert _case_rows(case.id)[1] == 0


def test_a_refused_visit_is_kept_for_review_once_however_often_it_is_replayed(
        client, township_officers):
    headers, enterprise, _ = township_officers
    key = new_uuid()
    text = ('{"client_uuid": "%s", "enterprise_id": %d, "visited_at": "2026-11-20T10:00:00+08:00",'
            ' "purpose": "routine", "inspectors": ["zhangwei", "liuyang"], "findings": "废气%s直排"}'
            % (key, enterprise.id, LONE))
    for _ in range(3):
        response = _raw(client, "POST", "/api/v1/visits", headers, text)
        assert response.status_code == 422
    kept = db.session.scalars(select(Conflict).where(Conflict.client_uuid == key)).all()
    assert len(kept) == 1 and kept[0].kind == "visit"
    assert kept[0].payload["findings"] == "废气\ufffd直排"  # stored replaced, readable
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 0


# -- 5. integers beyond the database's range in pages -----------------------------------------

HUGE = ("99999999999999999999", "2147483648", "9223372036854775808")


def _int_params(app, rule_text):
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text)
    return [name for name, conv in rule._converters.items()
            if type(conv).__name__.lower().startswith(("integer", "boundedid"))]


def test_an_id_beyond_the_database_range_in_any_page_route_is_404(
        app, client, make_township, make_user, make_enterprise, make_case, api_token):
    from security_city import build_city, login
    from test_security_matrix import fill, routes
    city = build_city(client, make_township, make_user, make_enterprise, make_case, api_token)
    tried, wrong = 0, []
    for username in ("admin", "zhangwei"):
        browser = app.test_client()
        login(browser, username)
        page = browser.get("/").get_data(as_text=True)
        import re
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        for endpoint, method, rule in routes(app):
            if rule.startswith("/api/") or endpoint == "auth.logout":
                continue
            names = _int_params(app, rule)
            if not names:
                continue
            for huge in HUGE:
                path = fill(rule, {**city.ids, **{n: huge for n in names}})
                response = (browser.get(path) if method == "GET"
                            else browser.post(path, data={"csrf_token": token}))
                db.session.rollback()
                tried += 1
                if response.status_code != 404:
                    wrong.append((username, method, path, response.status_code))
    assert tried >= 100
    assert wrong == []


def test_huge_numbers_in_query_parameters_and_form_fields_never_answer_500(
        app, client, make_township, make_user, make_enterprise, make_case, api_token, caplog):
    import re
    from security_city import build_city, login
    from test_security_matrix import fill, routes
    city = build_city(client, make_township, make_user, make_enterprise, make_case, api_token)
    tried, crashed = 0, []
    for username in ("admin", "zhangwei"):
        browser = app.test_client()
        login(browser, username)
        pages = [(ep, m, r) for ep, m, r in routes(app)
                 if not r.startswith("/api/") and ep not in ("auth.logout", "static")]
        names: set[str] = set()
        for _endpoint, method, rule in pages:
            if method == "GET":
                html = browser.get(fill(rule, city.ids)).get_data().decode("utf-8", "replace")
                names.update(re.findall(r'name="([\w-]+)"', html))
        names -= {"csrf_token", "csrf-token", "viewport", "referrer", "description",
                  "color-scheme", "theme-color"}
        names |= {"page", "enterprise_id", "case_id", "visit_id", "followup_id", "followup",
                  "complaint", "user_id", "id", "ids", "township_id"}
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                          browser.get("/").get_data(as_text=True)).group(1)
        for huge in HUGE:
            for _endpoint, method, rule in pages:
                path = fill(rule, city.ids)
                if method == "GET":
                    response = browser.get(path, query_string={n: huge for n in names})
                else:
                    response = browser.post(path, data={**{n: huge for n in names},
                                                        "csrf_token": token})
                db.session.rollback()
                tried += 1
                if response.status_code >= 500:
                    crashed.append((username, method, path, response.status_code))
    assert tried >= 300
    assert sorted(set(crashed)) == []
    # ... and not by the last-resort handler either: each parameter is bounded where it is read.
    assert [r.getMessage()[:120] for r in caplog.records if "range on" in r.getMessage()] == []


def test_page_query_ids_are_404_beyond_range_and_422_when_malformed(app, client, make_user, auth):
    make_user("reviewer", "reviewer")
    auth.login("reviewer")
    assert client.get("/cases?page=99999999999999999999").status_code == 404
    assert client.get("/desk/complaints?enterprise_id=2147483648").status_code == 404
    assert client.get("/desk/complaints?enterprise_id=abc").status_code == 422
    assert client.get("/cases?page=2").status_code == 200


# -- 7. rate limits shared by every worker, keyed on the real client --------------------------

REDIS_URL = "redis://127.0.0.1:6379/3"
#: One prefix for this test process; only keys under it are ever deleted.
RL_PREFIX = f"test-sec-{new_uuid()[:8]}"


@pytest.fixture
def redis_limits():
    import redis
    conn = redis.Redis.from_url(REDIS_URL)
    assert conn.ping()  # CI has Redis on 127.0.0.1:6379: unreachable is a failure, not a skip
    yield conn
    for key in conn.scan_iter(match=f"*/{RL_PREFIX}/*"):
        conn.delete(key)


def _worker(app, **config):
    """Another process serving the same bureau (same database, same settings)."""
    from enforcement import create_app
    overrides = {k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "TESTING",
                                             "PHOTO_DIR", "INSTANCE_PATH", "AS_OF_OVERRIDE")}
    overrides.update(RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX=RL_PREFIX, **config)
    other = create_app(overrides)
    other.test_client_class = type(app.test_client())
    return other


def _tries(clients, n, username="zhangwei", env=None):
    codes = []
    for i in range(n):
        c = clients[i % len(clients)]
        codes.append(c.post("/api/v1/auth/token", environ_base=env or {"REMOTE_ADDR": "198.51.100.7"},
                            json={"username": username, "password": f"wrong-{i}"}).status_code)
    return codes


def test_four_workers_share_one_login_limit_in_redis(app, make_user, redis_limits):
    make_user("zhangwei", "inspector")
    settings = dict(RATELIMIT_STORAGE_URI=REDIS_URL, LOGIN_RATE_LIMIT="5 per minute",
                    LOGIN_ACCOUNT_RATE_LIMIT="1000 per minute")
    workers = [_worker(app, **settings) for _ in range(4)]
    codes = _tries([w.test_client() for w in workers], 8)
    assert codes == [401] * 5 + [429] * 3  # not 4 x 5 tries
    assert any(f"/{RL_PREFIX}/".encode() in k for k in redis_limits.scan_iter())


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(app, make_user, redis_limits):
    make_user("zhangwei", "inspector")
    make_user("liuyang", "inspector")
    proxy = {"REMOTE_ADDR": "10.0.0.2"}  # every request arrives from the proxy
    one = _worker(app, TRUSTED_PROXIES=1, RATELIMIT_STORAGE_URI=REDIS_URL,
                  LOGIN_RATE_LIMIT="3 per minute", LOGIN_ACCOUNT_RATE_LIMIT="1000 per minute")
    client = one.test_client()
    typo = _tries([client], 4, env={**proxy, "HTTP_X_FORWARDED_FOR": "203.0.113.5"})
    assert typo == [401, 401, 401, 429]
    colleague = client.post("/api/v1/auth/token", environ_base={
        **proxy, "HTTP_X_FORWARDED_FOR": "203.0.113.6"},
        json={"username": "liuyang", "password": "wrong-x"})
    assert colleague.status_code == 401  # not locked out by someone else's typos


def test_without_trusted_proxies_a_forged_forwarded_for_does_not_reset_the_limit(
        app, make_user, redis_limits):
    make_user("zhangwei", "inspector")
    direct = _worker(app, RATELIMIT_STORAGE_URI=REDIS_URL, LOGIN_RATE_LIMIT="3 per minute",
                     LOGIN_ACCOUNT_RATE_LIMIT="1000 per minute")
    client = direct.test_client()
    codes = [client.post("/api/v1/auth/token", environ_base={
        "REMOTE_ADDR": "198.51.100.9", "HTTP_X_FORWARDED_FOR": f"203.0.113.{i}"},
        json={"username": "zhangwei", "password": "wrong"}).status_code for i in range(5)]
    assert codes == [401, 401, 401, 429, 429]


def test_many_addresses_cannot_try_one_account(app, make_user, redis_limits):
    from support_app import PASSWORD, Auth
    make_user("zhangwei", "inspector")
    make_user("liuyang", "inspector")
    w = _worker(app, RATELIMIT_STORAGE_URI=REDIS_URL, LOGIN_RATE_LIMIT="1000 per minute",
                LOGIN_ACCOUNT_RATE_LIMIT="4 per 10 minutes")
    client = w.test_client()
    codes = [client.post("/api/v1/auth/token", environ_base={"REMOTE_ADDR": f"203.0.113.{i}"},
                         json={"username": "ZhangWei", "password": "wrong"}).status_code
             for i in range(6)]
    assert codes == [401] * 4 + [429] * 2
    right = client.post("/api/v1/auth/token", environ_base={"REMOTE_ADDR": "192.0.2.1"},
                        json={"username": "zhangwei", "password": PASSWORD})
    assert right.status_code == 429  # the account waits, whoever asks
    page = w.test_client()
    login = page.post("/login", environ_base={"REMOTE_ADDR": "192.0.2.2"}, data={
        "username": "zhangwei", "password": PASSWORD,
        "csrf_token": Auth(page).csrf()})
    assert login.status_code == 429
    other = client.post("/api/v1/auth/token", environ_base={"REMOTE_ADDR": "203.0.113.1"},
                        json={"username": "liuyang", "password": PASSWORD})
    assert other.status_code == 200


def test_a_successful_login_costs_the_account_nothing(app, make_user, redis_limits):
    from support_app import PASSWORD
    make_user("zhangwei", "inspector")
    w = _worker(app, RATELIMIT_STORAGE_URI=REDIS_URL, LOGIN_RATE_LIMIT="1000 per minute",
                LOGIN_ACCOUNT_RATE_LIMIT="2 per 10 minutes")
    client = w.test_client()
    codes = [client.post("/api/v1/auth/token", json={"username": "zhangwei",
                                                    "password": PASSWORD}).status_code
             for _ in range(5)]
    assert codes == [200] * 5


# -- 8. a large photo decoded while the write transaction is open ------------------------------

def _noisy_jpeg(side: int, seed: int) -> bytes:
    import io
    import random
    from PIL import Image
    rng = random.Random(seed)
    tile = Image.frombytes("RGB", (256, 256), rng.randbytes(256 * 256 * 3))
    image = Image.new("RGB", (side, side))
    for x in range(0, side, 256):
        for y in range(0, side, 256):
            image.paste(tile, (x, y))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


@pytest.fixture
def a_visit(client, two_townships, make_enterprise, api_token):
    on, _ = two_townships
    enterprise = make_enterprise(township="yanjiao")
    headers = api_token(on)
    response = client.post("/api/v1/visits", headers=headers, json={
        "client_uuid": new_uuid(), "enterprise_id": enterprise.id,
        "visited_at": "2026-11-20T10:00:00+08:00", "purpose": "routine",
        "inspectors": ["zhangwei", "liuyang"], "findings": "现场检查"})
    return headers, enterprise, response.get_json()["id"]


def test_a_photo_is_decoded_and_re_encoded_outside_any_transaction(app, client, a_visit):
    import io
    from enforcement.services.field import photos
    headers, _, visit_id = a_visit
    seen = []
    real = photos.reencode

    def watching(image, **kw):  # the real re-encoder, noting whether a transaction is open
        seen.append(db.session().in_transaction())
        return real(image, **kw)

    photos.reencode = watching
    try:
        response = client.post(f"/api/v1/visits/{visit_id}/photos", headers=headers,
                               data={"file": (io.BytesIO(_noisy_jpeg(512, 1)), "p.jpg"),
                                     "client_uuid": new_uuid()},
                               content_type="multipart/form-data")
    finally:
        photos.reencode = real
    assert response.status_code == 201, response.get_json()
    assert seen == [False, False]  # full size and thumbnail, no lock held


def test_eight_parallel_large_uploads_and_small_visits_all_succeed(app, a_visit):
    import contextvars
    import io
    import threading
    import time
    from flask.testing import FlaskClient
    from enforcement.models import Photo
    headers, enterprise, visit_id = a_visit
    photos_ = [_noisy_jpeg(2048, i) for i in range(8)]
    barrier = threading.Barrier(12)
    statuses, waits = [], []

    def upload(blob):
        own = FlaskClient(app)
        barrier.wait()
        r = contextvars.Context().run(
            own.post, f"/api/v1/visits/{visit_id}/photos", headers=headers,
            data={"file": (io.BytesIO(blob), "p.jpg"), "client_uuid": new_uuid()},
            content_type="multipart/form-data")
        statuses.append(r.status_code)

    def small_visit():
        own = FlaskClient(app)
        barrier.wait()
        time.sleep(0.2)  # arrive while the photos are being decoded
        started = time.monotonic()
        r = contextvars.Context().run(own.post, "/api/v1/visits", headers=headers, json={
            "client_uuid": new_uuid(), "enterprise_id": enterprise.id,
            "visited_at": "2026-11-20T11:00:00+08:00", "purpose": "routine",
            "inspectors": ["zhangwei", "liuyang"], "findings": "复查"})
        waits.append(time.monotonic() - started)
        statuses.append(r.status_code)

    threads = ([threading.Thread(target=upload, args=(b,)) for b in photos_]
               + [threading.Thread(target=small_visit) for _ in range(4)])
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.rollback()
    assert sorted(statuses) == [201] * 12
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 8


# -- smaller holes -----------------------------------------------------------------------------

def test_an_inspector_cannot_move_an_enterprise_out_of_his_township_or_create_in_another(
        client, two_townships, make_enterprise, api_token):
    from enforcement.models import Enterprise
    on, _ = two_townships
    headers = api_token(on)
    enterprise = make_enterprise(township="yanjiao")
    moved = client.patch(f"/api/v1/enterprises/{enterprise.id}", headers=headers,
                         json={"township": "gucheng"})
    assert moved.status_code == 403, moved.get_json()
    db.session.expire_all()
    assert db.session.get(Enterprise, enterprise.id).township.code == "yanjiao"
    elsewhere = client.post("/api/v1/enterprises", headers=headers,
                            json={"name": "外镇企业", "lat": 39.97, "lon": 116.84,
                                  "township": "gucheng"})
    assert elsewhere.status_code == 403
    here = client.post("/api/v1/enterprises", headers=headers,
                       json={"name": "本镇企业", "lat": 39.97, "lon": 116.84})
    assert here.status_code == 201 and here.get_json()["township"] == "yanjiao"


def test_csv_says_its_charset_once_and_an_empty_photo_size_is_422(
        app, client, a_visit):
    import io
    from security_city import jpeg
    headers, _, visit_id = a_visit
    # buffered: the streamed export is read inside its own request, which then ends
    csv = client.get("/api/v1/lists/overdue?format=csv", headers=headers, buffered=True)
    status, content_type = csv.status_code, csv.headers.get("Content-Type", "")
    assert status == 200, status
    assert content_type.lower().count("charset") == 1, content_type
    photo = client.post(f"/api/v1/visits/{visit_id}/photos", headers=headers,
                        data={"file": (io.BytesIO(jpeg()), "p.jpg"), "client_uuid": new_uuid()},
                        content_type="multipart/form-data").get_json()
    empty = client.get(f"/api/v1/photos/{photo['id']}?size=", headers=headers)
    assert empty.status_code == 422 and "size" in empty.get_json()["error"]["fields"]
    assert client.get(f"/api/v1/photos/{photo['id']}?size=thumb", headers=headers).status_code == 200

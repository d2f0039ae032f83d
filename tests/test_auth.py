"""Login, roles, sessions and the security headers every page carries."""
from __future__ import annotations

import pytest

from support_app import PASSWORD


@pytest.fixture
def people(make_user):
    return {role: make_user(username=f"demo_{role}", role=role)
            for role in ("inspector", "reviewer", "admin")}


def test_every_page_but_disclosure_needs_login(client):
    for path in ("/", "/cases", "/enterprises", "/m/worklist", "/cases/1", "/enterprises/1"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    assert client.get("/public/disclosure").status_code == 200


@pytest.mark.parametrize("role", ["inspector", "reviewer", "admin"])
def test_each_role_logs_in_and_sees_its_home(client, auth, people, role):
    response = auth.login(f"demo_{role}")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    if role == "inspector":
        assert "工作清单" in page or "Worklist" in page
    else:
        assert "专项行动概况" in page or "Campaign overview" in page


def test_wrong_password_and_unknown_user_get_the_same_clear_message(client, auth, people):
    for username, password in (("demo_admin", "wrong-password-1"), ("nobody", PASSWORD)):
        response = auth.login(username, password)
        assert response.status_code == 401
        assert "用户名或密码错误" in response.get_data(as_text=True)


def test_login_form_without_csrf_token_is_refused(client, people):
    response = client.post("/login", data={"username": "demo_admin", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_logout_ends_the_session(client, auth, people):
    auth.login("demo_reviewer")
    assert client.get("/").status_code == 200
    auth.logout()
    assert client.get("/").status_code == 302


def test_login_issues_a_fresh_session(client, auth, people):
    client.get("/login")
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    auth.login("demo_reviewer")
    with client.session_transaction() as sess:
        assert "planted" not in sess


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_site(client, auth, people, target):
    token = auth.csrf()
    response = client.post(f"/login?next={target}", data={
        "username": "demo_admin", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] in ("/", "http://localhost/")


def test_login_follows_a_local_next(client, auth, people):
    token = auth.csrf()
    response = client.post("/login?next=/cases", data={
        "username": "demo_admin", "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"].endswith("/cases")


def test_deactivated_user_cannot_log_in(app, client, auth, people):
    from enforcement.extensions import db
    people["inspector"].is_active_account = False
    db.session.commit()
    assert auth.login("demo_inspector").status_code == 401


def test_pages_carry_security_headers_and_a_csp_without_inline_script(client, auth, people):
    auth.login("demo_admin")
    for path in ("/login", "/", "/cases", "/public/disclosure"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "<script>" not in response.get_data(as_text=True)


def test_session_cookie_is_httponly(client, auth, people):
    response = auth.login("demo_admin")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_language_switch_persists(client, auth, people):
    auth.login("demo_admin")
    assert "退出" in client.get("/").get_data(as_text=True)
    client.post("/lang/en", data={"csrf_token": auth.csrf("/"), "next": "/"})
    page = client.get("/").get_data(as_text=True)
    assert "Log out" in page and "Campaign overview" in page


def test_login_attempts_are_rate_limited(app, client, people):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    from support_app import Auth
    auth = Auth(client)
    codes = [auth.login("demo_admin", "wrong-password-9").status_code for _ in range(5)]
    assert codes[:3] == [401, 401, 401] and codes[-1] == 429


def test_production_refuses_the_development_secret(tmp_path):
    from enforcement import create_app
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"ENV_NAME": "production", "INSTANCE_PATH": str(tmp_path),
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_passwords_are_stored_hashed(people):
    user = people["admin"]
    assert PASSWORD not in user.password_hash and user.password_hash.startswith("scrypt:")

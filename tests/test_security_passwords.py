"""The password policy holds wherever a password is set (command line, the administrator's
new-user page, the user's own change-password page, a reset), and guessing is slowed on the API
token endpoint as on the login page."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from support_app import PASSWORD, Auth
from enforcement.extensions import db
from enforcement.models import User
from enforcement.security import password_problem

WEAK = ("short-1", "12345678901234", "abcdefghijklmn", "password123", "Password2026!",
        "qwerty123456", "aaaaaaaa1111", "woaini520520")


def _csrf(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_the_policy_refuses_each_weak_password_and_says_why():
    assert all(password_problem(p, 10) for p in WEAK)
    assert password_problem("correct-horse-42", 10) is None
    assert password_problem("Inspect-demo-2026", 10) is None  # the demo city's accounts


def test_the_command_line_refuses_weak_passwords(app):
    runner = app.test_cli_runner()
    for weak in WEAK:
        result = runner.invoke(args=["users", "create", "li.na", "--role", "reviewer",
                                     "--password-stdin"], input=weak + "\n")
        assert result.exit_code != 0 and "password" in result.output, weak
    assert _users() == 0
    ok = runner.invoke(args=["users", "create", "li.na", "--role", "reviewer", "--password-stdin"],
                       input="Strong-pass-2026\n")
    assert ok.exit_code == 0, ok.output


def test_the_new_user_page_refuses_weak_passwords(client, make_user):
    make_user("admin", "admin")
    Auth(client).login("admin")
    token = _csrf(client, "/admin/users/new")
    for weak in WEAK:
        response = client.post("/admin/users/new", data={
            "csrf_token": token, "username": "li.na", "role": "inspector", "password": weak,
            "display_name": "李娜", "township": "", "credential_no": "", "phone": ""})
        assert response.status_code == 422, weak
    assert _users() == 1
    # Empty: the page issues a generated password, which itself passes the policy.
    response = client.post("/admin/users/new", data={
        "csrf_token": token, "username": "li.na", "role": "inspector", "password": "",
        "display_name": "李娜", "township": "", "credential_no": "", "phone": ""})
    assert response.status_code == 200 and _users() == 2


def test_the_change_password_page_refuses_weak_passwords_and_keeps_the_old_one(client, make_user):
    make_user("zhangwei", "inspector")
    auth = Auth(client)
    auth.login("zhangwei")
    token = _csrf(client, "/account/password")
    for weak in WEAK:
        response = client.post("/account/password", data={
            "csrf_token": token, "current": PASSWORD, "new": weak, "confirm": weak})
        assert response.status_code == 422, weak
    auth.logout()
    assert auth.login("zhangwei", PASSWORD).status_code == 302


def test_the_api_token_endpoint_is_rate_limited_like_the_login_page(app, client, make_user):
    make_user("zhangwei", "inspector")
    app.config["LOGIN_RATE_LIMIT"] = "5 per minute"
    # An address of its own, so that other tests' logins in this process do not count.
    env = {"REMOTE_ADDR": "203.0.113.77"}
    codes = [client.post("/api/v1/auth/token", environ_base=env,
                         json={"username": "zhangwei", "password": f"wrong-guess-{i}"}).status_code
             for i in range(7)]
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]
    # Even the right password waits once the limit is reached: guessing cannot probe it.
    right = client.post("/api/v1/auth/token", environ_base=env,
                        json={"username": "zhangwei", "password": PASSWORD})
    assert right.status_code == 429
    other = client.post("/api/v1/auth/token", environ_base={"REMOTE_ADDR": "203.0.113.78"},
                        json={"username": "zhangwei", "password": PASSWORD})
    assert other.status_code == 200

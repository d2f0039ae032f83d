"""People administration: only administrators manage people; reviewers may import; a reset
password must be changed at the next login; deactivated officers keep their history but can
neither log in nor use their API tokens."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from support_app import PASSWORD
from enforcement.extensions import db
from enforcement.models import AuditEvent, User


@pytest.mark.parametrize("role, people, import_", [
    ("inspector", 403, 403), ("reviewer", 403, 200), ("admin", 200, 200)])
def test_role_rules_on_the_admin_pages(make_user, auth, client, role, people, import_):
    make_user("someone", role)
    auth.login("someone")
    assert client.get("/admin/users").status_code == people
    assert client.get("/admin/users/new").status_code == people
    assert client.get("/admin/import").status_code == import_


def test_an_admin_adds_an_officer_who_sets_a_password_at_first_login(
        make_user, make_township, auth, client):
    make_township()
    db.session.commit()
    make_user("boss", "admin")
    auth.login("boss")
    page = client.post("/admin/users/new", data={
        "csrf_token": auth.csrf("/admin/users/new"), "username": "wangfang",
        "display_name": "王芳", "role": "inspector", "township": "yanjiao",
        "credential_no": "13010520001", "phone": ""})
    assert page.status_code == 200
    first = re.search(r"<code>([^<]+)</code>", page.get_data(as_text=True)).group(1)
    officer = db.session.scalar(select(User).where(User.username == "wangfang"))
    assert officer.credential_no == "13010520001" and officer.township.code == "yanjiao"
    listing = client.get("/admin/users").get_data(as_text=True)
    assert "王芳" in listing and "13010520001" in listing
    auth.logout()
    auth.login("wangfang", first)
    assert client.get("/").headers["Location"].endswith("/account/password")
    changed = client.post("/account/password", data={
        "csrf_token": auth.csrf("/account/password"), "current": first,
        "new": "my-own-secret-77", "confirm": "my-own-secret-77"})
    assert changed.status_code == 302
    assert client.get("/").status_code == 200


def test_reset_password_revokes_tokens_and_forces_a_change(make_user, auth, client, api_token):
    make_user("boss", "admin")
    officer = make_user("zhangwei", "inspector")
    headers = api_token(officer)
    auth.login("boss")
    page = client.post(f"/admin/users/{officer.id}/reset-password",
                       data={"csrf_token": auth.csrf(f"/admin/users/{officer.id}")})
    temporary = re.search(r"<code>([^<]+)</code>", page.get_data(as_text=True)).group(1)
    assert client.get("/api/v1/followups", headers=headers).status_code == 401
    auth.logout()
    assert auth.login("zhangwei", PASSWORD).status_code == 401
    auth.login("zhangwei", temporary)
    assert client.get("/cases").headers["Location"].endswith("/account/password")


def test_a_deactivated_officer_cannot_log_in_or_use_a_token_and_keeps_history(
        make_user, auth, client, api_token):
    make_user("boss", "admin")
    officer = make_user("liuyang", "inspector")
    headers = api_token(officer)
    auth.login("boss")
    client.post(f"/admin/users/{officer.id}/active",
                data={"csrf_token": auth.csrf(f"/admin/users/{officer.id}"), "active": "0"})
    assert client.get("/api/v1/followups", headers=headers).status_code == 401
    auth.logout()
    assert auth.login("liuyang").status_code == 401
    assert db.session.get(User, officer.id) is not None
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_id == str(officer.id), AuditEvent.object_type == "user")).all()
    assert "user.deactivate" in actions
    auth.login("boss")
    client.post(f"/admin/users/{officer.id}/active",
                data={"csrf_token": auth.csrf(f"/admin/users/{officer.id}"), "active": "1"})
    auth.logout()
    assert auth.login("liuyang").status_code == 302


def test_editing_role_and_township_is_audited_and_the_last_admin_stays(make_user, make_township,
                                                                     auth, client):
    make_township()
    db.session.commit()
    boss = make_user("boss", "admin")
    officer = make_user("zhaolei", "inspector")
    auth.login("boss")
    url = f"/admin/users/{officer.id}"
    saved = client.post(url, data={"csrf_token": auth.csrf(url), "display_name": "赵磊",
                                   "role": "reviewer", "township": "yanjiao",
                                   "credential_no": "13010520009", "phone": "138"})
    assert saved.status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.update"))
    assert event.before["role"] == "inspector" and event.after["role"] == "reviewer"
    url = f"/admin/users/{boss.id}"
    refused = client.post(url, data={"csrf_token": auth.csrf(url), "display_name": "boss",
                                     "role": "inspector", "township": "", "credential_no": "",
                                     "phone": ""})
    assert refused.status_code == 422
    assert db.session.get(User, boss.id).role == "admin"


def test_each_users_last_login_is_shown(make_user, auth, client):
    from zoneinfo import ZoneInfo
    make_user("boss", "admin")
    auth.login("boss")
    user = db.session.scalar(select(User).where(User.username == "boss"))
    shown = user.last_login_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    assert shown in client.get("/admin/users").get_data(as_text=True)

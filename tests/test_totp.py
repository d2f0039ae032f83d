"""The optional second factor (TOTP, RFC 6238) for reviewers and administrators."""
from __future__ import annotations

import base64
import re
from datetime import datetime, timezone

import pytest
import time_machine

from enforcement import totp
from enforcement.extensions import db
from support_app import PASSWORD


def test_codes_follow_rfc_6238():
    secret = base64.b32encode(b"12345678901234567890").decode()
    # RFC 6238 appendix B, SHA-1: T = 59 s gives 94287082; T = 1111111109 gives 07081804.
    assert totp.code_at(secret, 59 // 30) == "287082"
    assert totp.code_at(secret, 1111111109 // 30) == "081804"


def test_a_code_works_once_and_only_near_its_time():
    secret = totp.new_secret()
    now = datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)
    step = int(now.timestamp()) // 30
    code = totp.code_at(secret, step)
    assert totp.matching_step(secret, code, now) == step
    assert totp.matching_step(secret, code, now, after=step) is None  # replayed
    assert totp.matching_step(secret, totp.code_at(secret, step - 5), now) is None  # too old
    assert totp.matching_step(secret, "12a456", now) is None


#: The instant every test below runs at: the clock is frozen (time-machine), never the wall's.
FROZEN = datetime(2026, 11, 25, 2, 0, 10, tzinfo=timezone.utc)
STEP = int(FROZEN.timestamp()) // 30


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(FROZEN, tick=False):
        yield


def _code(secret: str) -> str:
    return totp.code_at(secret, STEP)


def _enrol(client, auth):
    page = client.get("/account/second-factor").get_data(as_text=True)
    secret = re.search(r"<code>([A-Z2-7]+)</code>", page).group(1)
    response = client.post("/account/second-factor", data={
        "code": _code(secret), "csrf_token": auth.csrf("/account/second-factor")})
    assert response.status_code == 302
    return secret


def test_an_enrolled_reviewer_needs_the_code_to_log_in(app, client, auth, make_user):
    user = make_user("reviewer", "reviewer")
    auth.login("reviewer")
    secret = _enrol(client, auth)
    auth.logout()
    response = auth.login("reviewer")
    assert response.headers["Location"].endswith("/login/code")
    assert client.get("/").status_code == 302  # not logged in yet
    wrong = client.post("/login/code", data={"code": "000000", "csrf_token": auth.csrf("/login/code")})
    assert wrong.status_code == 401
    # The enrolment used this step's code; a code works once, so the next step's is sent
    # (one step of clock drift is accepted).
    right = client.post("/login/code", data={"code": totp.code_at(secret, STEP + 1),
                                             "csrf_token": auth.csrf("/login/code")})
    assert right.status_code == 302 and client.get("/").status_code == 200
    db.session.refresh(user)
    assert user.totp_secret == secret


def test_a_role_that_must_use_it_is_sent_to_enrol_first(app, client, auth, make_user):
    app.config["REQUIRE_TOTP_FOR"] = ("reviewer", "admin")
    make_user("reviewer", "reviewer")
    make_user("zhangwei", "inspector")
    auth.login("reviewer")
    response = client.get("/cases")
    assert response.status_code == 302 and "/account/second-factor" in response.headers["Location"]
    _enrol(client, auth)
    assert client.get("/cases").status_code == 200
    auth.logout()
    auth.login("zhangwei")  # inspectors are not required
    assert client.get("/").status_code == 200


def test_the_api_token_needs_the_code_once_enrolled(app, client, auth, make_user):
    make_user("reviewer", "reviewer")
    auth.login("reviewer")
    secret = _enrol(client, auth)
    auth.logout()
    body = {"username": "reviewer", "password": PASSWORD}
    refused = client.post("/api/v1/auth/token", json=body)
    assert refused.status_code == 401 and "totp" in refused.get_json()["error"]["fields"]
    # The code used at enrolment cannot be used again: wait for the next step's code.
    later = totp.code_at(secret, STEP + 1)
    ok = client.post("/api/v1/auth/token", json={**body, "totp": later})
    assert ok.status_code == 200, ok.get_json()


def test_an_administrator_resets_a_lost_second_factor(app, client, auth, make_user):
    user = make_user("reviewer", "reviewer")
    make_user("admin", "admin")
    auth.login("reviewer")
    _enrol(client, auth)
    auth.logout()
    auth.login("admin")
    response = client.post(f"/admin/users/{user.id}/reset-second-factor",
                           data={"csrf_token": auth.csrf(f"/admin/users/{user.id}")})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.totp_secret is None

"""The web pages' defences, route by route from the URL map: CSRF on every form POST, security
headers and CSP on every page each role can reach (and no inline script), user text escaped on
every page that shows it."""
from __future__ import annotations

import re

import pytest

from sqlalchemy import func, select

from security_city import ROLES, USERNAMES, build_city, login
from support_app import PASSWORD
from enforcement.extensions import db
from test_security_matrix import fill, routes

PROBES = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')


def _row_counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables}


def _city(client, make_township, make_user, make_enterprise, make_case, api_token, **probes):
    return build_city(client, make_township, make_user, make_enterprise, make_case, api_token,
                      **probes)


# ------------------------------------------------------------------------------- CSRF

def test_every_form_post_without_its_token_is_refused_and_changes_nothing(
        app, client, make_township, make_user, make_enterprise, make_case, api_token):
    city = _city(client, make_township, make_user, make_enterprise, make_case, api_token)
    admin = app.test_client()
    login(admin, "admin")  # the one role every form lets in: only the token stands in the way
    before = _row_counts()
    posts = [(ep, rule) for ep, method, rule in routes(app)
             if method == "POST" and not rule.startswith("/api/")]
    refused = []
    for endpoint, rule in posts:
        path = fill(rule, city.ids)
        response = admin.post(path, data={"username": "admin", "password": PASSWORD,
                                          "reason": "x", "note": "x", "on": "2026-12-02"})
        db.session.rollback()
        refused.append((endpoint, response.status_code))
    assert refused == [(endpoint, 400) for endpoint, _ in posts]
    assert len(posts) >= 25
    assert _row_counts() == before
    assert admin.get("/").status_code == 200  # the logout without a token did not log out


def test_the_api_with_a_session_cookie_needs_the_csrf_header(
        app, client, make_township, make_user, make_enterprise, make_case, api_token):
    city = _city(client, make_township, make_user, make_enterprise, make_case, api_token)
    officer = app.test_client()
    login(officer, "zhangwei")
    page = officer.get("/m/find").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    body = {"name": "会话创建的企业", "lat": 39.97, "lon": 116.84}
    before = _row_counts()
    without = officer.post("/api/v1/enterprises", json=body)
    forged = officer.post("/api/v1/enterprises", json=body, headers={"X-CSRFToken": "forged"})
    patch = officer.patch(f"/api/v1/enterprises/{city['enterprise_id']}", json={"address": "改"})
    assert (without.status_code, forged.status_code, patch.status_code) == (400, 400, 400)
    assert _row_counts() == before
    with_token = officer.post("/api/v1/enterprises", json=body, headers={"X-CSRFToken": token})
    assert with_token.status_code == 201


# ------------------------------------------------------------------ headers and CSP

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)


def _get_pages(app, city, role):
    """Every GET route as this role, with the answers it gets (redirects not followed)."""
    browser = app.test_client()
    if role != "anonymous":
        login(browser, USERNAMES[role])
    for endpoint, method, rule in routes(app):
        if method != "GET":
            continue
        path = fill(rule, city.ids)
        response = browser.get(path, query_string={"lat": 39.96, "lon": 116.83, "bbox":
                                                   "116.7,39.9,116.9,40.0", "zoom": 14}
                               if endpoint in ("inspector.near", "desk.map_points") else None)
        db.session.rollback()
        yield endpoint, path, response


def test_every_page_of_every_role_carries_the_security_headers_and_no_inline_script(
        app, client, make_township, make_user, make_enterprise, make_case, api_token):
    city = _city(client, make_township, make_user, make_enterprise, make_case, api_token)
    problems, html_pages, checked = [], 0, 0
    for role in ROLES:
        for _endpoint, path, response in _get_pages(app, city, role):
            checked += 1
            h = response.headers
            csp = h.get("Content-Security-Policy", "")
            for needed in ("default-src 'self'", "script-src 'self'", "object-src 'none'",
                           "frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'"):
                if needed not in csp:
                    problems.append(f"{role} {path}: CSP lacks {needed}")
            if "unsafe-inline" in csp.split("script-src", 1)[1].split(";", 1)[0] if "script-src" in csp else "":
                problems.append(f"{role} {path}: scripts may run inline")
            for name, value in (("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
                                ("Referrer-Policy", "same-origin")):
                if h.get(name) != value:
                    problems.append(f"{role} {path}: {name} is {h.get(name)!r}")
            if response.mimetype == "text/html" and response.status_code == 200:
                html_pages += 1
                text = response.get_data(as_text=True)
                for tag in INLINE_SCRIPT.findall(text):
                    problems.append(f"{role} {path}: inline {tag}")
                for tag in INLINE_HANDLER.findall(text):
                    problems.append(f"{role} {path}: inline handler in {tag[:60]}")
    assert not problems, "\n".join(problems)
    assert html_pages >= 90 and checked >= 5 * 40


def test_production_adds_hsts(app, client):
    app.config["ENV_NAME"] = "production"
    response = client.get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


# ------------------------------------------------------------------------------- XSS

EXTRA_PAGES = ("/lists/action/close", "/lists/print/action/close", "/lists/weekly",
               "/lists/print/weekly", "/lists/followups", "/lists/print/followups",
               "/public/disclosure", "/enterprises?q=script", "/m/find?q=script",
               "/desk/complaints?status=new", "/cases?action=close")


def test_html_in_user_text_is_escaped_on_every_page_that_shows_it(
        app, client, make_township, make_user, make_enterprise, make_case, api_token):
    p1, p2 = PROBES
    city = _city(client, make_township, make_user, make_enterprise, make_case, api_token,
                 enterprise_fields={"name": f"{p1}塑料厂", "address": p2,
                                    "contact_name": p1},
                 findings=f"{p2} 发现偷排", violation=f"{p1} 排污", complaint_text=f"{p2} 异味",
                 display_name=f"{p1}张伟")
    shown, problems = set(), []
    for role in ("inspector_on", "reviewer", "admin"):
        browser = app.test_client()
        login(browser, USERNAMES[role])
        answers = list(_get_pages(app, city, role))
        for path in EXTRA_PAGES:
            answers.append(("extra", path, browser.get(path)))
            db.session.rollback()
        for endpoint, path, response in answers:
            if not response.mimetype.startswith("text/"):
                continue  # JSON carries the text as data (the page escapes it when it shows
                # it); photos, ZIPs and spreadsheets are not rendered by the browser
            if response.mimetype == "text/csv":
                # Data for a spreadsheet, saved not shown (nosniff keeps it from being HTML).
                assert response.headers["Content-Disposition"].startswith("attachment"), path
                continue
            text = response.get_data(as_text=True)
            for probe in PROBES:
                if probe in text:
                    problems.append(f"{role} {path} ({endpoint}, {response.mimetype}): {probe}")
            if response.mimetype == "text/html" and ("&lt;script&gt;alert(1)" in text
                                                     or "&#34;&gt;&lt;img" in text):
                shown.add(endpoint if endpoint != "extra" else path)
    assert not problems, "\n".join(problems)
    # The probes were really on these pages (escaped), so the check above could have failed.
    must_show = {"bureau.case", "bureau.enterprise", "bureau.cases", "bureau.enterprises",
                 "inspector.visit", "inspector.visit_detail", "inspector.execute",
                 "desk.complaints", "desk.conflict_queue", "admin.users", "admin.user_edit",
                 "papers.case_paper", "papers.visit_record", "papers.case_index",
                 "/lists/action/close", "/lists/print/action/close"}
    assert must_show <= shown, f"never shown: {sorted(must_show - shown)}"


def test_the_session_signer_is_built_once_and_anew_for_a_new_key(app):
    from itsdangerous import BadSignature
    sessions = app.session_interface
    first = sessions.get_signing_serializer(app)
    assert sessions.get_signing_serializer(app) is first  # not rebuilt for every request
    cookie = first.dumps({"_user_id": "1:0"})
    app.config["SECRET_KEY_FALLBACKS"] = [app.secret_key]
    app.secret_key = "rotated-" + app.secret_key
    rotated = sessions.get_signing_serializer(app)
    assert rotated is not first and rotated.loads(cookie) == {"_user_id": "1:0"}  # the fallback
    app.config["SECRET_KEY_FALLBACKS"] = []
    with pytest.raises(BadSignature):  # the old key dropped: its cookies stop working at once
        sessions.get_signing_serializer(app).loads(cookie)

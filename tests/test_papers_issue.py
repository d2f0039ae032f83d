"""Issue #17 item 10: a paper's serial number (文号) is allocated when the paper is ISSUED (a POST
with CSRF by an officer who may issue, audited), never when it is viewed. Before that it is a
draft marked 草稿 / 未编号; issuing twice answers the same number; numbers stay unique and
gap-free under concurrent issues; a branch (分局) with a paper prefix numbers its own papers."""
from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import func, select

from support_app import NOW
from test_papers import pdf_text
from enforcement.extensions import db
from enforcement.models import AuditEvent, PaperNumber
from enforcement.services.core.actor import SYSTEM
from enforcement.services.oversight import branches

PAPER = "/papers/case/{id}/rectification_order"


def number_on(page: str) -> str:
    return re.search(r'class="paper-number">([^<]+)<', page).group(1)


def numbers() -> int:
    return db.session.scalar(select(func.count()).select_from(PaperNumber))


def any_token(client) -> str:
    """The session's CSRF token from whatever page the officer lands on."""
    response = client.get("/")
    for _ in range(3):
        if response.status_code not in (301, 302, 303):
            break
        response = client.get(response.headers["Location"])
    page = response.get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def issue(client, auth, path):
    return client.post(path + "/issue", data={"csrf_token": auth.csrf(path)})


@pytest.fixture
def town(make_township):
    return make_township("yanjiao", "燕郊镇", "Yanjiao")


@pytest.fixture
def case(town, make_case, make_enterprise):
    return make_case(action="rectify", served_on=date(2026, 9, 28),
                     enterprise=make_enterprise(township="yanjiao"))


def test_viewing_a_paper_or_its_pdf_consumes_no_number_and_shows_a_draft(case, make_user, auth,
                                                                          client):
    make_user("rev", "reviewer")
    auth.login("rev")
    audits = db.session.scalar(select(func.count()).select_from(AuditEvent))
    page = client.get(PAPER.format(id=case.id)).get_data(as_text=True)
    assert "草稿 / 未编号" in page and 'class="paper-number"' not in page
    assert "三环责改" not in page
    pdf = client.get(PAPER.format(id=case.id) + ".pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    assert "草稿 / 未编号" in text and "三环" not in text
    index = client.get(f"/papers/case/{case.id}").get_data(as_text=True)
    assert "三环责改" not in index
    assert numbers() == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == audits


def test_issuing_allocates_once_is_idempotent_and_audited(case, make_user, auth, client):
    make_user("rev", "reviewer")
    auth.login("rev")
    path = PAPER.format(id=case.id)
    first = issue(client, auth, path)
    assert first.status_code == 303 and first.headers["Location"].endswith(path)
    page = client.get(path).get_data(as_text=True)
    assert number_on(page) == "三环责改〔2026〕第0001号" and "草稿" not in page
    assert issue(client, auth, path).status_code == 303  # again: the same number, nothing new
    assert number_on(client.get(path).get_data(as_text=True)) == "三环责改〔2026〕第0001号"
    assert numbers() == 1
    issued = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "paper.issue")).all()
    assert [e.after["number"] for e in issued] == ["三环责改〔2026〕第0001号"]
    assert "三环责改〔2026〕第0001号" in client.get(f"/papers/case/{case.id}").get_data(as_text=True)


def test_a_unit_officer_may_not_issue(case, make_user, auth, client):
    make_user("unit1", "unit", township_code="yanjiao")
    auth.login("unit1")
    path = PAPER.format(id=case.id)
    token = any_token(client)
    assert client.post(path + "/issue", data={"csrf_token": token}).status_code == 403
    assert numbers() == 0


def test_an_inspector_of_another_township_may_not_issue(case, make_township, make_user, auth,
                                                        client):
    make_township("gaolou", "高楼镇", "Gaolou")
    make_user("other", "inspector", township_code="gaolou")
    auth.login("other")
    path = PAPER.format(id=case.id)
    token = any_token(client)
    assert client.post(path + "/issue", data={"csrf_token": token}).status_code == 403
    assert numbers() == 0


def test_issuing_needs_the_csrf_token_and_a_login(case, make_user, auth, client):
    path = PAPER.format(id=case.id)
    assert client.post(path + "/issue").status_code in (302, 400, 401)
    make_user("zhangwei", "inspector", township_code="yanjiao")
    auth.login("zhangwei")
    assert client.post(path + "/issue").status_code == 400
    assert numbers() == 0
    assert issue(client, auth, path).status_code == 303  # the township's inspector may issue
    assert numbers() == 1


def test_a_visit_record_is_a_draft_until_issued(make_case, make_user, auth, client, app):
    from support_app import new_uuid
    from enforcement.services.core.actor import Actor
    from enforcement.services.field import visits

    officer = make_user("zhangwei", "inspector")
    make_user("liuyang", "inspector")
    case = make_case(action="rectify")
    visit = visits.record_visit(Actor.of(officer), {
        "client_uuid": new_uuid(), "enterprise_id": case.enterprise_id,
        "visited_at": "2026-11-20T10:00:00+08:00", "lat": 39.96, "lon": 116.83, "accuracy_m": 8,
        "purpose": "routine", "unannounced": True, "inspectors": ["zhangwei", "liuyang"],
        "findings": "现场检查"}, now=NOW).visit
    db.session.commit()
    auth.login("zhangwei")
    path = f"/papers/visit/{visit.id}"
    assert "草稿 / 未编号" in client.get(path).get_data(as_text=True) and numbers() == 0
    assert issue(client, auth, path).status_code == 303
    assert number_on(client.get(path).get_data(as_text=True)) == "三环检录〔2026〕第0001号"


def test_a_branch_with_a_prefix_numbers_its_own_papers(case, make_township, make_case,
                                                       make_enterprise, make_user, auth, client):
    branches.create_branch(SYSTEM, {"code": "east", "name": "东区分局", "paper_prefix": "东环"},
                           now=NOW)
    branches.place_township(SYSTEM, "yanjiao", "east", now=NOW)
    make_township("gaolou", "高楼镇", "Gaolou")  # in no branch: the bureau's register
    db.session.commit()
    elsewhere = make_case(action="rectify", enterprise=make_enterprise(township="gaolou"))
    make_user("rev", "reviewer")
    auth.login("rev")
    for c in (case, elsewhere):
        assert issue(client, auth, PAPER.format(id=c.id)).status_code == 303
    assert number_on(client.get(PAPER.format(id=case.id)).get_data(as_text=True)) \
        == "东环责改〔2026〕第0001号"
    assert number_on(client.get(PAPER.format(id=elsewhere.id)).get_data(as_text=True)) \
        == "三环责改〔2026〕第0001号"


def test_concurrent_issues_take_unique_gap_free_numbers(app, client, town, make_case, make_enterprise,
                                                        make_user):
    """Eight officers issue eight orders at once (on PostgreSQL really in parallel), and each
    order is issued twice: eight numbers, 1 to 8, none twice."""
    from support_app import Auth

    make_user("rev", "reviewer")
    enterprise = make_enterprise(township="yanjiao")
    ids = [make_case(action="rectify", enterprise=enterprise).id for _ in range(8)]
    clients = []
    for _ in range(16):
        c = app.test_client()
        a = Auth(c)
        a.login("rev")
        clients.append((c, any_token(c)))
    barrier = threading.Barrier(16)

    def post(i):
        c, token = clients[i]
        with app.app_context():
            barrier.wait()
            return c.post(PAPER.format(id=ids[i % 8]) + "/issue",
                          data={"csrf_token": token}).status_code

    with ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(post, range(16)))
    db.session.rollback()
    assert codes == [303] * 16, codes
    rows = db.session.execute(select(PaperNumber.subject_id, PaperNumber.serial)).all()
    assert sorted(s for _, s in rows) == list(range(1, 9))
    assert sorted(sid for sid, _ in rows) == sorted(ids)

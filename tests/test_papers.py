"""Legal papers: each action's notice renders with the engine's stored dates, keeps its serial
number when printed again, and every print is audited; the evidence pack holds the papers, the
visits with photo hashes and the case history."""
from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from support_app import NOW, new_uuid
from enforcement.extensions import db
from enforcement.models import AuditEvent, Deadline, PaperNumber, Photo
from enforcement.services.casework import cases
from enforcement.services.papers import papers
from enforcement.services.field import visits
from enforcement.services.core.actor import SYSTEM, Actor


def cn(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def number_on(page: str) -> str:
    return re.search(r'class="paper-number">([^<]+)<', page).group(1)


def issue(client, path: str) -> None:
    """Issue the paper at ``path`` (its page carries the issue form and the CSRF token)."""
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert client.post(path + "/issue", data={"csrf_token": token}).status_code == 303


def issued(client, path: str) -> str:
    """The paper's page after it has been issued."""
    issue(client, path)
    return client.get(path).get_data(as_text=True)


@pytest.fixture
def reviewer(make_user, auth):
    make_user("rev", "reviewer")
    auth.login("rev")


def due(case, name):
    return db.session.scalar(select(Deadline.due_on).where(Deadline.case_id == case.id,
                                                           Deadline.name == name))


@pytest.mark.parametrize("action, kind, deadline, words", [
    ("rectify", "rectification_order", "rectify_by", "责令改正（限期整改）通知书"),
    ("stop", "stop_decision", "plan_due", "责令停产整治决定书"),
    ("close", "closure_decision", "execute_by", "取缔（关闭）决定书"),
])
def test_each_actions_order_carries_its_stored_deadline(make_case, reviewer, client, action,
                                                         kind, deadline, words):
    case = make_case(action=action, served_on=date(2026, 9, 28))
    page = issued(client, f"/papers/case/{case.id}/{kind}")
    assert words in page and "三河市生态环境局" in page
    assert cn(due(case, deadline)) in page
    assert case.enterprise.name in page and "《水污染防治法》第二十二条" in page
    assert re.fullmatch(r"三环..〔2026〕第0001号", number_on(page))


def test_penalty_notice_and_decision_carry_hearing_payment_surcharge_and_appeal(
        make_case, reviewer, client):
    case = make_case(action="fine", served_on=date(2026, 9, 1), amount_fen=5_000_000)
    index = client.get(f"/papers/case/{case.id}").get_data(as_text=True)
    assert "行政处罚事先告知书" in index and "听证申请期限" in index
    assert client.get(f"/papers/case/{case.id}/penalty_notice").status_code == 409
    cases.apply_event(SYSTEM, case, {"type": "notify", "on": "2026-09-03"}, now=NOW)
    db.session.commit()
    notice = client.get(f"/papers/case/{case.id}/penalty_notice").get_data(as_text=True)
    assert "听证" in notice and cn(due(case, "hearing_request_by")) in notice
    assert "50,000.00" in notice and "伍万元整" in notice
    cases.apply_event(SYSTEM, case, {"type": "decide", "on": "2026-09-16", "amount_fen": 5_000_000},
                      now=NOW)
    db.session.commit()
    decision = client.get(f"/papers/case/{case.id}/penalty_decision").get_data(as_text=True)
    assert cn(date(2026, 10, 8)) in decision  # pay_by as the engine stored it (rolled)
    assert cn(due(case, "reconsideration_by")) in decision and cn(due(case, "litigation_by")) in decision
    assert "3%" in decision and "第七十二条" in decision and "六十日" in decision and "六个月" in decision
    assert cn(date(2026, 9, 16)) in decision and cn(date(2026, 9, 3)) in decision


def test_a_paper_printed_twice_keeps_its_number_and_each_print_is_audited(make_case, reviewer, client):
    first_case = make_case(action="rectify")
    second_case = make_case(action="rectify")
    a = number_on(issued(client, f"/papers/case/{first_case.id}/rectification_order"))
    b = number_on(issued(client, f"/papers/case/{second_case.id}/rectification_order"))
    again = number_on(client.get(f"/papers/case/{first_case.id}/rectification_order").get_data(as_text=True))
    assert (a, b, again) == ("三环责改〔2026〕第0001号", "三环责改〔2026〕第0002号", a)
    issues = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "paper.issue")).all()
    assert [e.after["number"] for e in issues] == [a, b]
    # each view of an issued paper is a print, audited; the drafts viewed before issue are not
    prints = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "paper.print")).all()
    assert [p.after["number"] for p in prints] == [a, b, a]
    assert db.session.query(PaperNumber).count() == 2


def test_a_lost_race_for_a_serial_takes_the_next_one(make_case, writing, app):
    first, second = make_case(action="stop"), make_case(action="stop")
    prefix = app.config["PAPER_PREFIXES"]["stop_decision"]
    # Simulate a concurrent print that took serial 1 between our read and our insert.
    db.session.add(PaperNumber(kind="stop_decision", subject_type="case", subject_id=first.id,
                               year=2026, serial=1, number="x", allocated_at=NOW))
    db.session.flush()
    record, new = papers.allocate(SYSTEM, "stop_decision", "case", second.id, year=2026, now=NOW,
                                  prefix=prefix)
    assert new and record.serial == 2
    same, new_again = papers.allocate(SYSTEM, "stop_decision", "case", first.id, year=2026,
                                      now=NOW, prefix=prefix)
    assert not new_again and same.serial == 1


def test_officers_names_and_credentials_are_printed(make_case, make_user, auth, client):
    from enforcement.services.people import users
    officer = make_user("zhangwei", "inspector")
    users.update_user(Actor(None, "system", "admin"), officer,
                      {"display_name": "张伟", "credential_no": "13010520017"}, now=NOW)
    case = make_case(action="rectify")
    case.assignee_id = officer.id
    db.session.commit()
    auth.login("zhangwei")
    page = client.get(f"/papers/case/{case.id}/rectification_order").get_data(as_text=True)
    assert "张伟" in page and "13010520017" in page and "执法证号" in page


def test_an_inspector_from_elsewhere_may_not_print(make_case, make_user, auth, client):
    case = make_case(action="rectify")
    make_user("stranger", "inspector")
    auth.login("stranger")
    assert client.get(f"/papers/case/{case.id}/rectification_order").status_code == 403


def pdf_text(data: bytes) -> str:
    """The text of a PDF as pdftotext (poppler-utils, installed by .ci/run) reads it: the paper
    must be searchable text, not a picture. Fails, never skips, when the tool is missing."""
    import shutil
    import subprocess
    assert shutil.which("pdftotext"), "pdftotext missing: apt-get install poppler-utils (.ci/run)"
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


def test_a_paper_as_pdf_is_a4_and_its_text_holds_the_number_and_the_deadlines(
        make_case, reviewer, client):
    import subprocess
    import time
    case = make_case(action="fine", served_on=date(2026, 9, 28), amount_fen=5_000_000)
    for event in ({"type": "notify", "on": "2026-10-09"},
                  {"type": "decide", "on": "2026-10-30", "amount_fen": 5_000_000}):
        cases.apply_event(SYSTEM, case, event, now=NOW)
    db.session.commit()
    issue(client, f"/papers/case/{case.id}/penalty_decision")
    started = time.perf_counter()
    response = client.get(f"/papers/case/{case.id}/penalty_decision.pdf")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    pay_by = next(d for d in case.deadlines if d.name == "pay_by").due_on
    assert "三环罚决〔2026〕第0001号" in text
    assert f"{pay_by.year}年{pay_by.month}月{pay_by.day}日" in text
    assert "行政处罚决定书" in text and "伍万元整" in text
    info = subprocess.run(["pdfinfo", "-"], input=response.data, capture_output=True,
                          check=True).stdout.decode()
    assert "(A4)" in info
    # The HTML page and the PDF show the same number (one allocation, any kind of paper).
    page = client.get(f"/papers/case/{case.id}/penalty_decision").get_data(as_text=True)
    assert number_on(page) == "三环罚决〔2026〕第0001号" and ".pdf" in page
    print(f"PDF render: {elapsed:.2f} s")


@pytest.fixture
def visited_case(make_case, make_user, app):
    officers = make_user("zhangwei", "inspector"), make_user("liuyang", "inspector")
    case = make_case(action="rectify", served_on=date(2026, 9, 28))
    result = visits.record_visit(Actor.of(officers[0]), {
        "client_uuid": new_uuid(), "enterprise_id": case.enterprise_id,
        "visited_at": "2026-11-20T10:00:00+08:00", "lat": case.enterprise.lat + 0.0003,
        "lon": case.enterprise.lon, "accuracy_m": 8, "purpose": "routine", "unannounced": True,
        "inspectors": ["zhangwei", "liuyang"], "findings": "排污口标志已设置"}, now=NOW)
    visit = result.visit
    case.visit_id = visit.id
    original = b"\xff\xd8 original jpeg bytes"
    stored = b"\xff\xd8 re-encoded"
    from enforcement.services.core.storage import file_storage
    file_storage().put("p1.jpg", stored)
    db.session.add(Photo(client_uuid=new_uuid(), visit_id=visit.id, storage_key="p1.jpg",
                         sha256_original=hashlib.sha256(original).hexdigest(),
                         content_type="image/jpeg", width=10, height=10, size_bytes=len(stored),
                         exif_lat=39.96, exif_lon=116.83, created_at=NOW))
    db.session.commit()
    return case, visit, stored, original


def test_the_inspection_record_prints_the_visit(visited_case, reviewer, client):
    case, visit, _stored, original = visited_case
    page = issued(client, f"/papers/visit/{visit.id}")
    assert "现场检查（勘察）笔录" in page and "排污口标志已设置" in page
    assert "2026年11月20日 10时00分" in page and "暗查" in page
    assert hashlib.sha256(original).hexdigest() in page
    assert number_on(page) == "三环检录〔2026〕第0001号"


def test_the_evidence_pack_holds_papers_visits_photos_hashes_and_history(visited_case, reviewer,
                                                                          client):
    case, visit, stored, original = visited_case
    client.get(f"/papers/case/{case.id}/rectification_order")  # a draft: not in the pack
    assert "papers/rectification_order.pdf" not in zipfile.ZipFile(io.BytesIO(
        client.get(f"/papers/case/{case.id}/evidence.zip").data)).namelist()
    issue(client, f"/papers/case/{case.id}/rectification_order")
    response = client.get(f"/papers/case/{case.id}/evidence.zip")
    assert response.status_code == 200
    pack = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(pack.namelist())
    assert {"papers/rectification_order.pdf", f"visits/{visit.id}/visit.json",
            "case.json", "history.json", "manifest.json", "manifest.csv"} <= names
    photo = next(n for n in names if n.startswith(f"visits/{visit.id}/photo-"))
    assert photo.endswith(".jpg")  # the stored file is the re-encoded JPEG, whatever was sent
    assert pack.read(photo) == stored
    manifest = json.loads(pack.read("manifest.json"))
    entry = manifest["photos"][0]
    assert entry["sha256_original"] == hashlib.sha256(original).hexdigest()
    assert next(f for f in manifest["files"] if f["path"] == photo)["sha256"] == \
        hashlib.sha256(stored).hexdigest()
    visit_json = json.loads(pack.read(f"visits/{visit.id}/visit.json"))
    assert visit_json["gps"]["accuracy_m"] == 8 and visit_json["gps"]["geofence_ok"] is True
    history = json.loads(pack.read("history.json"))
    assert any(a["action"] == "case.open" for a in history["audit_events"])
    order = pack.read("papers/rectification_order.pdf")
    assert order.startswith(b"%PDF-")
    assert "三环责改〔2026〕第0001号" in pdf_text(order)
    # papers are PDFs; the only page is the map exhibit, which opens from the ZIP (issue 19)
    assert [n for n in names if n.endswith(".html")] == ["map/case-map.html"]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.evidence_pack"))


def test_a_paper_printing_a_date_of_a_year_without_the_notice_says_it_is_provisional(
        make_case, reviewer, client):
    # served Wed 2026-12-02, 30 days: Fri 2027-01-01 (New Year, a statutory holiday even before
    # the State Council's 2027 notice) → Mon 2027-01-04, provisional.
    case = make_case(action="rectify", served_on=date(2026, 12, 2), rectify_days=30)
    page = client.get(f"/papers/case/{case.id}/rectification_order").get_data(as_text=True)
    assert cn(date(2027, 1, 4)) + '<span class="paper-provisional">（暂定*）</span>' in page
    assert "全国年节及纪念日放假办法" in page
    # a date inside 2026 is official: no mark, no note
    other = make_case(action="rectify", served_on=date(2026, 9, 28))
    page = client.get(f"/papers/case/{other.id}/rectification_order").get_data(as_text=True)
    assert "暂定" not in page

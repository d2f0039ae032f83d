"""The registry import: a messy GBK spreadsheet as bureaus keep it gives exactly the expected
new, updated and rejected rows, every problem named, and the same result the second time."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from support_app import NOW
from enforcement.extensions import db
from enforcement.models import AuditEvent, Enterprise
from enforcement.services.core import audit
from enforcement.services.registry import imports
from enforcement.services.core.actor import SYSTEM, Actor

FIXTURE = Path(__file__).parent / "fixtures" / "registry_messy_gbk.csv"
BBOX = (116.5, 39.7, 117.2, 40.2)

# line in the spreadsheet -> the problems it must be rejected (or held as a conflict) with.
# A wrong check character (4), no coordinates (5) and an unknown township (8) no longer refuse
# the row: it is imported with a note saying what to do.
REJECTED = {
    6: {"coordinates_swapped"},
    7: {"outside_area"},
    9: {"conflict_in_file"},
    12: {"duplicate_existing"},
    15: {"name_missing"},
}


@pytest.fixture
def registry(app, make_township, make_enterprise):
    make_township("yanjiao", "燕郊镇", "Yanjiao")
    make_township("gaolou", "高楼镇", "Gaolou")
    db.session.commit()
    old = make_enterprise(name="三河市旧厂", lat=39.96, lon=116.83,
                          credit_code="91131082MA07T3K8P" + _check("91131082MA07T3K8P"),
                          contact_phone="13900000000", industry="electroplating")
    plastics = make_enterprise(name="燕郊塑料厂", lat=39.95, lon=116.82, industry="other")
    return old, plastics


def _check(first17):
    from enforcement.credit_code import check_character
    return check_character(first17)


def analyse_fixture(**options):
    table = imports.read_table(FIXTURE.read_bytes(), FIXTURE.name)
    return imports.analyse(table, imports.mapping_for(table.headers), bbox=BBOX, **options)


def outcome(analysis):
    held = ("rejected", "conflict")
    return ({r.line: r.status for r in analysis.rows if r.status not in held},
            {r.line: {code for code, _ in r.problems} for r in analysis.rows if r.status in held})


def test_the_gbk_registry_headers_are_recognised_in_their_own_order(registry):
    table = imports.read_table(FIXTURE.read_bytes(), FIXTURE.name)
    mapping = imports.mapping_for(table.headers)
    assert dict(zip(table.headers, mapping.columns)) == {
        "序号": "", "联系电话": "contact_phone", "单位名称": "name", "纬度": "lat", "经度": "lon",
        "统一社会信用代码": "credit_code", "乡镇（园区）": "township", "行业类别": "industry",
        "风险等级": "risk_class", "排污许可证号": "permit_no", "有效期至": "permit_expires",
        "联系人": "contact_name", "详细地址": "address"}
    assert [line for line, _ in table.rows][:2] == [3, 4]  # the title line is not a header


def test_messy_registry_imports_exactly_the_good_rows_twice_the_same(registry, writing):
    old, plastics = registry
    first = analyse_fixture()
    accepted, rejected = outcome(first)
    assert accepted == {3: "new", 4: "new", 5: "new", 8: "new", 13: "new",
                        10: "update", 11: "update"}
    assert rejected == REJECTED
    assert next(r for r in first.rows if r.line == 12).status == "conflict"
    row4 = next(r for r in first.rows if r.line == 4)
    assert "credit_code" not in row4.values and row4.warnings[0][0] == "code_check"
    row5 = next(r for r in first.rows if r.line == 5)
    assert row5.awaiting_location and row5.values["township_id"] is not None
    assert first.awaiting_location == 1
    row10 = next(r for r in first.rows if r.line == 10)
    assert row10.enterprise_id == old.id
    assert set(row10.changes) >= {"contact_phone", "risk_class", "permit_expires"}
    assert row10.changes["contact_phone"] == ("13900000000", "13911112222")
    row11 = next(r for r in first.rows if r.line == 11)
    assert row11.enterprise_id == plastics.id and row11.changes["industry"] == ("other", "plastics")
    assert next(r for r in first.rows if r.line == 13).warnings[0][0] == "industry_unknown"
    swapped = next(r for r in first.rows if r.line == 6).problems[0][1]
    assert (swapped["lat"], swapped["lon"]) == (39.96, 116.80)

    counts = imports.apply(SYSTEM, first, now=NOW)
    db.session.commit()
    assert counts == {"new": 5, "update": 2, "unchanged": 0, "conflict": 1, "rejected": 4}
    waiting = db.session.scalar(select(Enterprise).where(Enterprise.name == "无坐标家具厂"))
    assert waiting.lat is None and waiting.township.code == "gaolou"
    foundry = db.session.scalar(select(Enterprise).where(Enterprise.name == "三河市新华铸造有限公司"))
    assert (foundry.industry, foundry.risk_class, foundry.township.code) == ("foundry", "A", "yanjiao")
    assert foundry.permit_expires.isoformat() == "2027-05-31"
    db.session.refresh(old)
    assert old.contact_phone == "13911112222" and old.township.code == "gaolou"
    diff = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "enterprise.import_update",
                                                      AuditEvent.object_id == str(old.id)))
    assert diff.after["changes"]["contact_phone"] == ["13900000000", "13911112222"]
    assert audit.verify().ok

    events_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    enterprises_before = db.session.scalar(select(func.count()).select_from(Enterprise))
    second = analyse_fixture()
    accepted, rejected = outcome(second)
    assert set(accepted.values()) == {"unchanged"} and len(accepted) == 7
    # Row 9 repeats row 3's code under another name and place: now that row 3 is registered,
    # it is a conflict with that enterprise rather than with a line of the file.
    assert rejected == {**REJECTED, 9: {"conflict"}}
    imports.apply(SYSTEM, second, now=NOW)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Enterprise)) == enterprises_before
    # Only the import's own summary event: no enterprise was touched.
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events_before + 1


def test_the_rejected_download_lists_each_row_with_its_reasons(registry):
    data = imports.rejected_xlsx(analyse_fixture(), "zh_CN")
    rows = list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))
    assert rows[0][0] == "原行号" and rows[0][-1] == "问题" and "单位名称" in rows[0]
    by_line = {r[0]: r[-1] for r in rows[1:]}
    assert set(by_line) == set(REJECTED)
    assert "经纬度疑似填反" in by_line[6] and "经度改为 116.8" in by_line[6]
    assert "第3行" in by_line[9] and "请" in by_line[9]
    assert "未覆盖" in by_line[12]
    analysis = analyse_fixture()
    notes = {r.line: imports.reason_text(*r.warnings[0]) for r in analysis.rows if r.warnings}
    assert "第18位校验码应为" in notes[4] and "营业执照" in notes[4]
    assert "等待在地图上标注位置" in notes[5]
    assert "不存在镇" in notes[8] and "别名" in notes[8]


def test_a_geocoder_places_rows_that_only_have_an_address(registry):
    analysis = analyse_fixture(geocode=lambda address: (39.88, 116.95) if "东街" in address else None)
    row = next(r for r in analysis.rows if r.line == 5)
    assert row.status == "new" and (row.values["lat"], row.values["lon"]) == (39.88, 116.95)
    assert row.values["location_source"] == "geocoder"


def test_gcj02_coordinates_are_converted_to_wgs84(registry, writing):
    book = Workbook()
    sheet = book.active
    sheet.append(["企业名称", "经度", "纬度", "乡镇"])
    sheet.append(["高德坐标砖厂", 116.9, 39.9, "yanjiao"])
    out = io.BytesIO()
    book.save(out)
    table = imports.read_table(out.getvalue(), "gcj.xlsx")
    imports.remember_mapping(Actor(None, "r", "reviewer"), table.headers,
                             imports.mapping_for(table.headers).columns, "gcj02", now=NOW)
    mapping = imports.mapping_for(table.headers)
    assert mapping.remembered and mapping.coordinates == "gcj02"
    row = imports.analyse(table, mapping, bbox=BBOX).rows[0]
    assert row.status == "new"
    # GCJ-02 is shifted a few hundred metres east and north of WGS84 around Beijing.
    assert 116.892 < row.values["lon"] < 116.899 and 39.898 < row.values["lat"] < 39.9


def test_an_inspector_may_not_import(registry):
    with pytest.raises(Exception) as caught:
        imports.apply(Actor(5, "insp", "inspector"), analyse_fixture(), now=NOW)
    assert caught.value.__class__.__name__ == "Forbidden"


def test_the_import_pages_map_preview_apply_and_download(registry, client, auth, make_user):
    make_user("rev", "reviewer")
    auth.login("rev")
    token = auth.csrf("/admin/import")
    page = client.post("/admin/import", data={"csrf_token": token, "file": (
        io.BytesIO(FIXTURE.read_bytes()), "名录.csv")}, content_type="multipart/form-data")
    assert page.status_code == 302
    map_url = page.headers["Location"]
    form = client.get(map_url).get_data(as_text=True)
    assert "单位名称" in form and 'value="name" selected' in form
    columns = {f"col{i}": f for i, f in enumerate(imports.guess_mapping(
        imports.read_table(FIXTURE.read_bytes()).headers))}
    done = client.post(map_url, data={"csrf_token": auth.csrf(map_url), "coordinates": "wgs84",
                                      **columns})
    preview_url = done.headers["Location"]
    preview = client.get(preview_url).get_data(as_text=True)
    assert "经纬度疑似填反" in preview and "needs" not in preview
    applied = client.post(map_url + "/apply", data={"csrf_token": auth.csrf(preview_url)})
    assert applied.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Enterprise)) == 7
    download = client.get(map_url + "/rejected.xlsx")
    assert download.status_code == 200 and download.data[:2] == b"PK"


def test_the_cli_imports_a_file_and_writes_the_rejected_rows(registry, app, tmp_path):
    target = tmp_path / "registry.csv"
    target.write_bytes(FIXTURE.read_bytes())
    result = app.test_cli_runner().invoke(args=["enterprises", "import", str(target)])
    assert result.exit_code == 0, result.output
    assert "5 new, 2 updated, 0 unchanged, 1 conflicts, 4 rejected" in result.output
    assert (tmp_path / "registry.rejected.xlsx").exists()
    again = app.test_cli_runner().invoke(args=["enterprises", "import", str(target)])
    assert "0 new, 0 updated, 7 unchanged, 2 conflicts, 3 rejected" in again.output


def test_a_damaged_spreadsheet_is_refused_with_what_to_do(app):
    """A truncated XLSX (a ZIP cut short) and a damaged old XLS: each refused with the same
    message telling the clerk, in Chinese, to save it again from Excel or WPS; never a 500."""
    import io

    from enforcement.errors import ValidationError

    book, out = Workbook(), io.BytesIO()
    book.active.append(["单位名称", "地址"])
    book.save(out)
    xlsx = out.getvalue()
    for data in (xlsx[: len(xlsx) // 2], b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100):
        with pytest.raises(ValidationError) as refused:
            list(imports.open_table(data, "名录.xlsx").rows)
        assert refused.value.message == "无法读取该表格。"
        assert refused.value.fields["file"] == "无法读取该表格：请用 Excel 或 WPS 打开，另存为 XLSX 或 CSV 后再上传。"

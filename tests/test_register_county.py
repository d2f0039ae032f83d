"""A real county goes live (issue 16): a clean install, the official township list and boundaries,
and a register without coordinates in the shapes of the real files (fixtures/make_county.py).
Every row is held, at least 90 % in the right township, again as XLSX with a title row or with
Excel-mangled codes nothing changes, a multi-plant company is several sites, and the first good
GPS fix pins a site."""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from flask import current_app
from openpyxl import Workbook
from sqlalchemy import func, select

from support_app import NOW
from enforcement.credit_code import make
from enforcement.extensions import db
from enforcement.models import AuditEvent, Enterprise, Township
from enforcement.services.core.actor import SYSTEM
from enforcement.services.registry import imports, townships

FIXTURES = Path(__file__).parent / "fixtures"
sys.path.insert(0, str(FIXTURES))
from make_county import HEADERS, REGISTER  # noqa: E402

REGISTER_FILE = FIXTURES / "county_register_gbk.csv"


@pytest.fixture
def county(app, writing):
    for name in ("county_townships.csv", "county_boundaries.geojson"):
        path = FIXTURES / name
        townships.import_townships(SYSTEM, townships.read_entries(path.read_bytes(), name),
                                   now=NOW)
    db.session.commit()
    return {t.name: t.id for t in db.session.scalars(select(Township))}


def run(data: bytes, name: str, **options):
    table = imports.read_table(data, name)
    analysis = imports.analyse(table, imports.mapping_for(table.headers),
                               area=townships.bureau_area(current_app.config), **options)
    counts = imports.apply(SYSTEM, analysis, now=NOW)
    db.session.commit()
    return analysis, counts


def xlsx(rows: list[list], title: str | None = "三河市工业企业污染源名录（2026年）") -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(HEADERS)
    for cells in rows:
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def enterprises() -> int:
    return db.session.scalar(select(func.count()).select_from(Enterprise))


def test_the_register_without_coordinates_is_held_whole_in_the_right_townships(county):
    analysis, counts = run(REGISTER_FILE.read_bytes(), REGISTER_FILE.name)
    assert counts["rejected"] == 0 and counts["conflict"] == 0, [
        (r.line, r.problems) for r in analysis.rows if r.problems]
    assert counts["new"] == len(REGISTER) == enterprises()
    assert analysis.awaiting_location == len(REGISTER)
    assert db.session.scalar(select(func.count()).select_from(Enterprise)
                             .where(Enterprise.lat.is_(None))) == len(REGISTER)
    # Each row's true township (kept by the generator), against where it was placed.
    names = {v: k for k, v in county.items()}
    placed = [names.get(r.values.get("township_id")) for r in analysis.rows]
    right = sum(1 for got, (_cells, truth, _kind) in zip(placed, REGISTER) if got == truth)
    assert right / len(REGISTER) >= 0.9, right
    print(f"\nplaced in the right township: {right}/{len(REGISTER)}")


def test_codes_are_cleaned_and_legacy_identifiers_kept(county):
    analysis, _ = run(REGISTER_FILE.read_bytes(), REGISTER_FILE.name)
    for row, (cells, _truth, kind) in zip(analysis.rows, REGISTER):
        if kind in ("ok", "zero_width", "backquote", "suffix"):
            assert row.values.get("credit_code") and len(row.values["credit_code"]) == 18, cells
        elif kind == "placeholder":
            assert "credit_code" not in row.values and "legacy_code" not in row.values, cells
        else:
            assert "credit_code" not in row.values and row.values["legacy_code"], cells
    stored = db.session.scalar(select(func.count()).select_from(Enterprise)
                               .where(Enterprise.legacy_code != ""))
    assert stored == sum(1 for *_x, kind in REGISTER if kind in ("org_code", "reg_no"))


def test_a_multi_plant_company_is_several_sites_of_one_legal_entity(county):
    run(REGISTER_FILE.read_bytes(), REGISTER_FILE.name)
    name = "三河市杨氏0025号制品有限公司"
    sites = db.session.scalars(select(Enterprise).where(Enterprise.name == name)).all()
    assert len(sites) == 3 and len({s.township_id for s in sites}) == 3
    assert len({s.credit_code for s in sites}) == 1


def test_the_same_register_as_xlsx_with_a_title_row_changes_nothing(county):
    run(REGISTER_FILE.read_bytes(), REGISTER_FILE.name)
    before = (enterprises(), db.session.scalar(select(func.count()).select_from(AuditEvent)))
    analysis, counts = run(xlsx([cells for cells, _, _ in REGISTER]), "名录.xlsx")
    assert counts["unchanged"] == len(REGISTER), [
        (r.line, r.status, r.changes, r.problems) for r in analysis.rows if r.status != "unchanged"]
    assert (enterprises(), db.session.scalar(select(func.count()).select_from(AuditEvent))) == (
        before[0], before[1] + 1)  # only the import's own summary


def test_codes_mangled_by_excel_are_explained_and_change_nothing(county):
    run(REGISTER_FILE.read_bytes(), REGISTER_FILE.name)
    mangled = []
    numbers = 0
    for cells, _truth, _kind in REGISTER:
        cells = list(cells)
        code = cells[2]
        if len(code) == 18 and code.isdigit():
            cells[2] = float(code)  # what Excel keeps: 15 significant digits
            numbers += 1
        mangled.append(cells)
    assert numbers >= 5
    analysis, counts = run(xlsx(mangled, title=None), "mangled.xlsx")
    assert counts["unchanged"] == len(REGISTER)
    notes = [imports.reason_text(c, p) for r in analysis.rows for c, p in r.warnings
             if c == "excel_number"]
    assert len(notes) == numbers
    assert "Excel 把代码存成了数字，末尾几位已丢失" in notes[0] and "请把该列设为文本后重新导出" in notes[0]


def test_a_fresh_install_takes_mangled_codes_without_a_code_never_a_wrong_one(county):
    code = next(c for c in (make(f"911310821000000{n:02d}") for n in range(100)) if c.isdigit())
    data = xlsx([["1", "三河市数字代码厂", float(code), "高楼镇", "", "", "", "", ""]])
    analysis, counts = run(data, "x.xlsx")
    assert counts["new"] == 1
    e = db.session.scalar(select(Enterprise).where(Enterprise.name == "三河市数字代码厂"))
    assert e.credit_code is None and e.township_id == county["高楼镇"]


def test_a_matching_code_with_another_name_and_place_is_a_conflict_not_an_overwrite(
        county, make_enterprise):
    code = make("91131082MA0QQQQ1X")
    firm = make_enterprise(name="三河市原有企业", lat=39.83, lon=116.73, credit_code=code,
                           address="鼎盛东大街道原址1号")
    data = xlsx([["1", "完全不同的企业", code, "高楼镇", "高楼镇某路9号", "", "", "", ""]])
    analysis, counts = run(data, "x.xlsx")
    assert counts["conflict"] == 1 and counts["new"] == 0
    db.session.refresh(firm)
    assert (firm.name, firm.address) == ("三河市原有企业", "鼎盛东大街道原址1号")
    assert "未覆盖" in imports.reason_text(*analysis.rows[0].problems[0])


def test_matching_order_permit_then_code_and_site_then_name_and_township(county, make_enterprise):
    code = make("91131082MA0PLANT1")
    a = make_enterprise(name="三河市多厂公司", lat=39.83, lon=116.73, credit_code=code,
                        address="鼎盛东大街道一厂路1号", permit_no="PERMIT-A")
    b = make_enterprise(name="三河市多厂公司", lat=39.93, lon=116.80, credit_code=code,
                        address="高楼镇二厂路2号", permit_no="PERMIT-B")
    rows = [
        # by permit: the second plant, its phone changed
        ["1", "三河市多厂公司", code, "", "", "", "", "", "13800000009", "PERMIT-B"],
        # by code and address: the first plant
        ["2", "三河市多厂公司", code, "", "鼎盛东大街道一厂路1号", "", "A", "", "", ""],
        # the same company at a third place: a new site
        ["3", "三河市多厂公司", code, "燕郊镇", "燕郊镇三厂路3号", "", "", "", "", ""],
    ]
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS + ["排污许可证编号"])
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    analysis, counts = run(out.getvalue(), "p.xlsx")
    by_line = {r.line: r for r in analysis.rows}
    assert by_line[2].enterprise_id == b.id and by_line[2].changes["contact_phone"][1] == "13800000009"
    assert by_line[3].enterprise_id == a.id and by_line[3].changes["risk_class"] == ("C", "A")
    assert by_line[4].status == "new"
    assert db.session.scalar(select(func.count()).select_from(Enterprise)
                             .where(Enterprise.credit_code == code)) == 3


def test_industry_classification_and_risk_rule(county):
    rows = [["1", "甲厂", "", "高楼镇", "", "化学原料和化学制品制造业", "1", "张三", ""],
            ["2", "乙厂", "", "高楼镇", "", "C3360 金属表面处理及热处理加工", "2", "", ""],
            ["3", "丙厂", "", "高楼镇", "", "铸造", "3", "", ""],
            ["4", "丁厂", "", "高楼镇", "", "看不懂的行业", "重点", "", ""]]
    run(xlsx(rows, title=None), "i.xlsx")
    got = {e.name: (e.industry, e.industry_gbt, e.industry_text, e.risk_class, e.legal_rep)
           for e in db.session.scalars(select(Enterprise))}
    assert got["甲厂"] == ("chemical", "C26", "化学原料和化学制品制造业", "A", "张三")
    assert got["乙厂"][1:4] == ("C33", "C3360 金属表面处理及热处理加工", "B")
    assert got["丙厂"][0] == "foundry" and got["丙厂"][3] == "C"
    assert got["丁厂"] == ("other", "", "看不懂的行业", "A", "")


def test_the_api_lists_sites_awaiting_a_location_with_null_geometry(county, client, make_user,
                                                                   api_token):
    run(REGISTER_FILE.read_bytes(), REGISTER_FILE.name)
    headers = api_token(make_user("rev", "reviewer"))
    page = client.get("/api/v1/enterprises?located=false&limit=5", headers=headers)
    assert page.status_code == 200
    doc = page.get_json()
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 5
    assert all(f["geometry"] is None and f["properties"]["located"] is False
               for f in doc["features"])
    located = client.get("/api/v1/enterprises?located=true", headers=headers).get_json()
    assert located["features"] == []
    assert client.get("/api/v1/enterprises?located=perhaps", headers=headers).status_code == 422


def test_the_first_good_gps_fix_pins_the_site_and_a_poor_one_does_not(county, client, make_user,
                                                                      api_token):
    run(REGISTER_FILE.read_bytes(), REGISTER_FILE.name)
    me = make_user("zhangwei", "inspector")
    make_user("liuyang", "inspector")
    headers = api_token(me)
    site_id = db.session.scalar(select(Enterprise.id).order_by(Enterprise.id).limit(1))
    db.session.rollback()  # the test's own writer transaction would lock SQLite for the requests

    def pin():
        e = db.session.get(Enterprise, site_id)
        found = (e.lat, e.lon, e.location_source)
        db.session.rollback()
        return found

    def visit(accuracy, uuid):
        return client.post("/api/v1/visits", headers=headers, json={
            "client_uuid": uuid, "enterprise_id": site_id,
            "visited_at": "2026-11-24T10:00:00+08:00", "lat": 39.8412, "lon": 116.7311,
            "accuracy_m": accuracy, "purpose": "routine", "inspectors": ["zhangwei", "liuyang"]})

    poor = visit(120, "3f2c8a9e-1b7d-4c55-9a0e-6d1f2e3b4c51")
    assert poor.status_code == 201, poor.get_json()
    assert poor.get_json()["distance_m"] is None and poor.get_json()["geofence_ok"] is None
    assert pin()[0] is None
    good = visit(12, "3f2c8a9e-1b7d-4c55-9a0e-6d1f2e3b4c52")
    assert good.status_code == 201 and good.get_json()["geofence_ok"] is None
    assert pin() == (39.8412, 116.7311, "visit")
    after = visit(8, "3f2c8a9e-1b7d-4c55-9a0e-6d1f2e3b4c53").get_json()
    assert after["distance_m"] == 0.0 and after["geofence_ok"] is True


def test_cli_takes_a_mapping_file_and_the_page_remembers_it(county, app, tmp_path):
    sheet = tmp_path / "odd.csv"
    sheet.write_text("甲,乙,丙\n三河市映射厂,高楼镇,91131082MA0MAP001\n", encoding="utf-8")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"甲": "name", "乙": "township", "丙": "credit_code"}),
                       encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["enterprises", "import", str(sheet),
                                                "--mapping", str(mapping)])
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output and "wait for a location" in result.output
    table = imports.read_table(sheet.read_bytes(), "odd.csv")
    remembered = imports.mapping_for(table.headers)
    assert remembered.remembered and remembered.columns == ["name", "township", "credit_code"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"不存在": "name"}), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["enterprises", "import", str(sheet),
                                                "--mapping", str(bad)])
    assert result.exit_code != 0 and "不存在" in result.output


def test_a_point_inside_another_townships_boundary_is_flagged(county):
    rows = [["1", "边界厂", "", "燕郊镇", "", "", "", "", ""]]
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS + ["经度", "纬度"])
    sheet.append(rows[0] + [116.73, 39.83])  # inside 鼎盛东大街道 (cell 0)
    sheet.append(["2", "县外厂", "", "", "", "", "", "", "", 116.60, 39.83])  # outside the county
    out = io.BytesIO()
    book.save(out)
    analysis, _ = run(out.getvalue(), "b.xlsx")
    first, second = analysis.rows
    assert first.warnings[0][0] == "township_mismatch" and "鼎盛东大街道" in imports.reason_text(
        *first.warnings[0])
    assert second.status == "rejected" and second.problems[0][0] == "outside_area"


@pytest.mark.parametrize("data, name", [
    (b"%PDF-1.4 not a sheet", "x.pdf"),
    (b"\n\n\n", "empty.csv"),
    (b"only one column\nfoo\n", "one.csv"),
])
def test_a_file_that_is_no_register_gives_one_message_and_writes_nothing(county, data, name):
    from enforcement.errors import ValidationError
    with pytest.raises(ValidationError):
        imports.read_table(data, name)
    assert enterprises() == 0


def test_the_same_rows_as_an_old_xls_file_change_nothing(county):
    run(REGISTER_FILE.read_bytes(), REGISTER_FILE.name)
    data = (FIXTURES / "county_register.xls").read_bytes()
    analysis, counts = run(data, "名录.xls")
    assert counts["unchanged"] == 40 and counts["new"] == 0, [
        (r.line, r.status, r.changes, r.problems) for r in analysis.rows if r.status != "unchanged"]
    assert any(c == "excel_number" for r in analysis.rows for c, _ in r.warnings)


def test_a_damaged_xls_gives_one_message(county):
    from enforcement.errors import ValidationError
    with pytest.raises(ValidationError) as caught:
        imports.read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "x.xls")
    assert "另存为" in caught.value.fields["file"] or "XLSX" in caught.value.fields["file"]

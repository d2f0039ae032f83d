"""One CSV writer for every CSV the app produces, and the attack that made it necessary: the 双随机
draw's CSV (/desk/draws/<id>.csv) once wrote an enterprise named =HYPERLINK(...) verbatim, so a
reviewer opening the published list in Excel or WPS got a live link (OWASP "CSV injection")."""
from __future__ import annotations

import ast
import csv as std_csv
import hashlib
import io
import re
from pathlib import Path

import pytest

from enforcement.exports import csv as one_csv

ROOT = Path(__file__).resolve().parents[1] / "enforcement"
ATTACK = '=HYPERLINK("http://evil.example/x","点此查看")'
PAYLOADS = [ATTACK, "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", " =1+1", "\u3000@SUM(A1)"]


def _csrf(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_an_enterprise_named_as_a_formula_comes_out_of_the_draw_csv_as_text(
        client, auth, make_user, make_enterprise):
    make_user("zhangwei", "inspector")
    make_user("liuyang", "inspector")
    make_user("reviewer", "reviewer")
    auth.login("reviewer")
    make_enterprise(name=ATTACK, lat=39.91, risk_class="A")
    make_enterprise(name="三河市燕郊镇化工厂", lat=39.92, risk_class="A")
    token = _csrf(client, "/desk/draws")
    seed = "2026-11-25 县纪委 现场抽签"
    assert client.post("/desk/draws/publish", data={
        "csrf_token": token, "period": "2026-Q4", "seed": seed}).status_code == 302
    response = client.post("/desk/draws", data={
        "csrf_token": token, "period": "2026-Q4", "seed": seed, "township": "",
        "quota_A": "2", "quota_B": "0", "quota_C": "0"})
    assert response.status_code == 302
    body = client.get(response.headers["Location"] + ".csv").get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(std_csv.reader(io.StringIO(body[1:])))
    cells = [cell for row in rows[1:] for cell in row]
    assert len(rows) == 1 + 2  # the header and both enterprises: the attack is in the draw
    assert "'" + ATTACK in cells
    assert "三河市燕郊镇化工厂" in cells  # ordinary names unchanged
    assert hashlib.sha256(seed.encode()).hexdigest() in cells
    assert [c for c in cells if c[:1] in one_csv.FORMULA_STARTS] == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_shared_writer_guards_every_text_cell_and_leaves_numbers_alone(payload):
    buffer = io.StringIO()
    writer = one_csv.writer(buffer)
    writer.writerow(["path", "bytes"])
    writer.writerows([[payload, -12], ["visits/1/photo-2.jpg", 345]])
    assert buffer.getvalue().endswith("\r\n")  # CRLF, as Excel and WPS expect
    rows = list(std_csv.reader(io.StringIO(buffer.getvalue())))
    assert rows == [["path", "bytes"], ["'" + payload, "-12"], ["visits/1/photo-2.jpg", "345"]]


def _module_uses_std_csv_writer(tree: ast.Module) -> bool:
    names = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names if alias.name == "csv"}
    if any(isinstance(node, ast.ImportFrom) and node.module == "csv"
           and {a.name for a in node.names} & {"writer", "DictWriter"} for node in ast.walk(tree)):
        return True
    return any(isinstance(node, ast.Attribute) and node.attr in {"writer", "DictWriter"}
               and isinstance(node.value, ast.Name) and node.value.id in names
               for node in ast.walk(tree))


def test_no_module_but_the_export_module_writes_csv_with_the_standard_library():
    modules = sorted(ROOT.rglob("*.py"))
    assert len(modules) > 50  # the walk found the package
    offenders = [str(p.relative_to(ROOT)) for p in modules
                 if p != ROOT / "exports" / "csv.py"
                 and _module_uses_std_csv_writer(ast.parse(p.read_text(encoding="utf-8")))]
    assert offenders == []
    # and the check itself bites: the module it exempts does use the standard writer
    assert _module_uses_std_csv_writer(ast.parse((ROOT / "exports" / "csv.py").read_text("utf-8")))

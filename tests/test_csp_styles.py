"""Issue #14: the CSP allows no inline style. No template writes a style="" attribute or a <style>
element (the paper rendered for WeasyPrint excepted: it is never served), the colours those
attributes carried are classes of app.css that agree with the state table, and only the
case's folium exhibit page gets 'unsafe-inline' styles."""
from __future__ import annotations

import re
from pathlib import Path

from enforcement.workflow import states

ROOT = Path(__file__).resolve().parents[1]
#: Rendered only into a PDF by WeasyPrint (web/papers.py _pdf), never sent to a browser.
NOT_SERVED = {"papers/standalone.html"}


def test_no_template_carries_an_inline_style():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        name = path.relative_to(ROOT / "templates").as_posix()
        if name in NOT_SERVED:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\sstyle\s*=", text) or re.search(r"<style[\s>]", text):
            offenders.append(name)
    assert offenders == []


def test_no_script_writes_style_markup():
    for path in (ROOT / "static" / "js").glob("*.js"):
        assert not re.search(r"style\s*=\s*[\\'\"]", path.read_text(encoding="utf-8")), path.name


def test_the_severity_classes_have_the_state_tables_colours():
    css = (ROOT / "static" / "css" / "app.css").read_text(encoding="utf-8")
    for severity, colour in states._COLOUR.items():
        assert re.search(rf"\.sev-{severity} {{ background: {colour}; }}", css), severity


def test_pages_answer_a_csp_without_inline_styles(app, client, make_user, make_case, auth):
    make_user("rev", "reviewer")
    auth.login("rev")
    case = make_case(action="rectify")
    for path in ("/", f"/cases/{case.id}", "/desk/map"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        style_src = csp.split("style-src", 1)[1].split(";", 1)[0]
        assert style_src.strip() == "'self'", (path, csp)
        assert " style=" not in response.get_data(as_text=True), path
    exhibit = client.get(f"/cases/{case.id}/map")
    assert exhibit.status_code == 200
    assert "style-src 'self' 'unsafe-inline'" in exhibit.headers["Content-Security-Policy"]
    assert "script-src 'self';" in exhibit.headers["Content-Security-Policy"]

"""The printed weekly dispatch (Chromium print to PDF, first page as an image) and a list page
on a phone."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from .conftest import SCREENSHOTS


pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_the_weekly_dispatch_prints_as_an_official_a4_document(phone, tmp_path):
    phone.login("reviewer")
    page = phone.page
    response = phone.goto("/lists/print/weekly")
    assert response.status == 200
    assert page.locator(".doc-bureau").inner_text().strip()
    assert page.locator(".doc-sign .line").count() == 4
    pdf = tmp_path / "weekly.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True, print_background=True)
    assert pdf.read_bytes().startswith(b"%PDF")
    # Fails, never skips, without pdftoppm: .ci/run installs it (poppler-utils).
    assert shutil.which("pdftoppm"), "pdftoppm is not installed (apt-get install poppler-utils)"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    out = SCREENSHOTS / "lists-weekly-print"
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(out)], check=True, timeout=60)
    assert (SCREENSHOTS / "lists-weekly-print.png").stat().st_size > 10_000


def test_the_overdue_list_fits_a_phone(phone):
    phone.login("reviewer")
    page = phone.page
    assert phone.goto("/lists/overdue").status == 200
    assert page.locator("main .list-rows li").count() > 0
    assert page.locator(".downloads a").count() == 4
    assert phone.no_horizontal_scroll()
    phone.set_width(360)
    assert phone.no_horizontal_scroll()
    phone.set_width(390)
    phone.shot("lists-overdue.png", full_page=False)

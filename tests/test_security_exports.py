"""Exports never turn what people typed into spreadsheet formulas (CSV/XLSX injection)."""
from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest

FORMULAS = ("=HYPERLINK(\"http://evil.example\",\"点击\")", "+1+1", "-2+3", "@SUM(A1:A2)")


@pytest.mark.parametrize("probe", FORMULAS)
def test_a_formula_in_an_enterprise_name_is_exported_as_text(client, make_user, make_enterprise,
                                                             make_case, api_token, probe):
    headers = api_token(make_user("reviewer", "reviewer"))
    enterprise = make_enterprise(name=probe)
    make_case(action="close", served_on=date(2026, 10, 1), enterprise=enterprise)
    response = client.get("/api/v1/lists/action/close?format=csv&as_of=2026-11-25",
                          headers=headers, buffered=True)
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    names = [row[1] for row in rows[1:]]
    assert names == ["'" + probe]  # a leading quote: Excel and WPS show it as text
    response = client.get("/api/v1/lists/action/close?format=xlsx&as_of=2026-11-25",
                          headers=headers, buffered=True)
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    cell = sheet.cell(row=2, column=2)
    assert cell.value == probe and cell.data_type == "s"  # a string cell, not a formula

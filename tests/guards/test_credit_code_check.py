"""The unified social credit code's check character (GB 32100-2015): computed by hand for a real
code, every refusal with its exact sentence, and a register cell cleaned as a clerk would."""
from __future__ import annotations

import pytest

from enforcement import credit_code as cc


def test_the_check_character_of_a_real_code_counted_by_hand():
    # 91110000600037341L (a Beijing company): values 9 1 1 1 0 0 0 0 6 0 0 0 3 7 3 4 1, weights
    # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28:
    # 9 + 3 + 9 + 27 + 0 + 0 + 0 + 0 + 120 + 0 + 0 + 0 + 24 + 168 + 30 + 120 + 28 = 538;
    # 538 mod 31 = 11; 31 - 11 = 20, the 21st character of the alphabet: L.
    assert cc.check_character("91110000600037341") == "L"
    assert cc.make("91110000600037341") == "91110000600037341L"
    # A body whose sum is a multiple of 31 has the check character 0, not the 32nd (none).
    body = next(b for b in (f"9111000060003734{c}" for c in cc.ALPHABET)
                if sum(cc._VALUE[x] * w for x, w in zip(b, cc.WEIGHTS)) % 31 == 0)
    assert cc.check_character(body) == "0"
    # Letters count by their place in the alphabet without I O Z S V: Y is 30.
    assert cc.check_character("Y" + "0" * 16) == cc.ALPHABET[(31 - 30) % 31] == "1"


def test_a_code_is_read_without_spaces_and_in_capitals():
    assert cc.normalise(" 9111 0000 6000 3734 1l ") == "91110000600037341L"
    assert cc.validate(" 91110000600037341l ") is None


@pytest.mark.parametrize("code, why", [
    ("9111000060003734", "must be 18 characters (got 16)"),
    ("91110000600037341LL", "must be 18 characters (got 19)"),
    ("", "must be 18 characters (got 0)"),
    ("91110000600037341I", "contains characters not allowed in a credit code: I"),
    ("9111000060003734SO", "contains characters not allowed in a credit code: OS"),
    ("911100006000373410", "check character is wrong (expected L)"),
])
def test_each_wrong_code_says_what_is_wrong(code, why):
    assert cc.validate(code) == why


def test_an_old_organisation_code_is_checked_by_its_own_rule():
    # GB 11714: 6 0 0 0 3 7 3 4 weighted 3 7 9 10 5 8 4 2 = 18 + 0 + 0 + 0 + 15 + 56 + 12 + 8 = 109;
    # 11 - 109 mod 11 = 11 - 10 = 1.
    assert cc.org_code_valid("600037341") and not cc.org_code_valid("600037342")
    # Check 10 is written X, 11 is written 0; letters count from A = 10.
    assert cc.org_code_valid("MA0ABCDE" + _org_check("MA0ABCDE"))
    assert cc.from_register("600037341") == cc.RegisterCode(legacy="600037341")
    assert cc.from_register("60003734-1") == cc.RegisterCode(legacy="600037341")


def _org_check(body: str) -> str:
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    n = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2))) % 11
    return {10: "X", 11: "0"}.get(n, str(n))


def test_org_codes_ending_in_x_and_0():
    x_body = next(b for b in (f"1234567{c}" for c in "0123456789") if _org_check(b) == "X")
    zero_body = next(b for b in (f"1234567{c}" for c in "0123456789") if _org_check(b) == "0")
    assert cc.org_code_valid(x_body + "X") and not cc.org_code_valid(x_body + "0")
    assert cc.org_code_valid(zero_body + "0") and not cc.org_code_valid(zero_body + "X")


@pytest.mark.parametrize("cell, found", [
    ("91110000600037341L", cc.RegisterCode(code="91110000600037341L")),
    ("\u200b91110000600037341l`", cc.RegisterCode(code="91110000600037341L")),
    ("91110000600037341L(分公司)", cc.RegisterCode(code="91110000600037341L")),
    ("91110000600037341L（01）[2]", cc.RegisterCode(code="91110000600037341L")),
    # An O typed for a 0: fixed, and said so.
    ("911100OO600037341L", cc.RegisterCode(code="91110000600037341L", note="code_lookalike",
                                           detail={"value": "911100OO600037341L", "code": "91110000600037341L"})),
    ("911100006000373410", cc.RegisterCode(note="code_check", detail={"value": "911100006000373410",
                                                                     "expected": "L"})),
    ("911100006000373000", cc.RegisterCode(note="excel_number", detail={"value": "911100006000373000"})),
    ("9111000060003734#L", cc.RegisterCode(note="code_characters", detail={"value": "9111000060003734#L",
                                                                          "bad": "#"})),
    ("9.11100006E+17", cc.RegisterCode(note="excel_number", detail={"value": "9.11100006E+17"})),
    ("9E17", cc.RegisterCode(note="excel_number", detail={"value": "9E17"})),
    ("131082000012345", cc.RegisterCode(legacy="131082000012345")),
    ("13108200001234", cc.RegisterCode(note="code_unrecognised", detail={"value": "13108200001234", "length": 14})),
    ("无", cc.RegisterCode()), ("0000-00", cc.RegisterCode()), ("N/A", cc.RegisterCode()),
    ("(01)", cc.RegisterCode(note="code_unrecognised", detail={"value": "(01)", "length": 4})),
    (True, cc.RegisterCode()), (None, cc.RegisterCode()), (0, cc.RegisterCode()), (0.0, cc.RegisterCode()),
    (131082000012345, cc.RegisterCode(legacy="131082000012345")),
    (600037341, cc.RegisterCode(legacy="600037341")),
    (600037342, cc.RegisterCode(note="excel_number", detail={"value": "600037342"})),
    (9.11100006000373e17, cc.RegisterCode(note="excel_number", detail={"value": "9.11100006000373e+17"})),
    (-5, cc.RegisterCode(note="excel_number", detail={"value": "-5"})),
    # A code masked or left for later: no code, and nothing to correct.
    ("XXXXXXXXXXXXXXXXXX", cc.RegisterCode()), ("xxxxxxxxx", cc.RegisterCode()),
    ("******************", cc.RegisterCode()), ("0000-000X", cc.RegisterCode()),
    # A number with a fraction is no identifier, even when its whole part is a valid 组织机构代码.
    (100000008.5, cc.RegisterCode(note="excel_number", detail={"value": "100000008.5"})),
    (100000008.0, cc.RegisterCode(legacy="100000008")),
    # Two characters outside the code's alphabet are both named, in order.
    ("9111000060003734!#", cc.RegisterCode(note="code_characters", detail={"value": "9111000060003734!#",
                                                                          "bad": "!#"})),
])
def test_a_register_cell_is_cleaned_as_a_clerk_would(cell, found):
    assert cc.from_register(cell) == found


def test_a_suffix_is_cut_only_while_a_code_is_left():
    # "12345678(9)" would leave 8 characters: too short to be a code, so the brackets stay.
    assert cc.from_register("12345678(9)").note == "code_unrecognised"
    assert cc.from_register("123456789(9)") == cc.RegisterCode(legacy="123456789")

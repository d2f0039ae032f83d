"""Cleaning a register's code cell: properties over generated codes and the junk clerks and Excel
add. Never a wrong code: whatever comes in, what comes out is a valid credit code or nothing."""
from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from enforcement import credit_code as cc

first17 = st.text(alphabet=cc.ALPHABET, min_size=17, max_size=17)
junk = st.sampled_from(["", "\u200b", "\u00a0", "`", " ", "\u3000", "\ufeff", "'"])
suffix = st.sampled_from(["", "(01)", "（01）", "(分厂)", "[2]"])


@given(first17, junk, junk, suffix)
def test_stray_characters_and_suffixes_never_change_a_valid_code(body, before, after, tail):
    code = cc.make(body)
    assume(set(code) != {"0"})  # eighteen zeros is what clerks write for "none"
    assert cc.from_register(before + code + after + tail).code == code


@given(st.one_of(st.text(max_size=25), st.floats(allow_nan=False), st.integers()))
def test_whatever_comes_in_the_code_out_is_valid_or_none(value):
    found = cc.from_register(value)
    assert found.code is None or cc.validate(found.code) is None


@given(st.text(alphabet="123456789", min_size=1, max_size=1), st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_an_all_digit_code_stored_as_a_number_is_explained_not_kept(lead, rest):
    code = cc.make(lead + rest)
    assume(code.isdigit())  # the check character is a digit for about a third of the bodies
    found = cc.from_register(float(code))
    assert found.code is None and found.note == "excel_number"


def test_placeholders_are_empty_and_old_identifiers_kept():
    for value in ("-", "0", "`", "无", "/", "—", " ", None, 0):
        assert cc.from_register(value) == cc.RegisterCode()
    assert cc.from_register("12345678-9").legacy == "123456789"
    assert cc.from_register(131082000012345).legacy == "131082000012345"

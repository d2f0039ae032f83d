"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from the alphabet 0-9 and A-Z without I, O, Z, S, V; the last is a check
character computed with weights 3^(i) mod 31 (GB 32100-2015, section 4 and annex B).
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    return code.strip().upper().replace(" ", "")


def validate(code: str) -> str | None:
    """None if ``code`` is valid, else why not (a sentence for the form or API field)."""
    code = normalise(code)
    if len(code) != 18:
        return f"must be 18 characters (got {len(code)})"
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        return "contains characters not allowed in a credit code: " + "".join(bad)
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"check character is wrong (expected {expected})"
    return None


def make(first17: str) -> str:
    """Complete 17 characters with their check character (demo data and tests)."""
    return first17 + check_character(first17)


# ---------------------------------------------------------------- what registers hold

import re  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

#: Invisible or quoting characters Excel, WPS and web copies leave in a code cell.
_STRAY = re.compile("[\\s\u00a0\u200b\u200c\u200d\u2060\ufeff\u3000`'\"‘’“”]")
#: A bracketed suffix: "(01)", "（分公司）", "[2]".
_SUFFIX = re.compile(r"[(\（\[【][^)）\]】]*[)）\]】]$")
#: What clerks write for "no code".
PLACEHOLDERS = {
    "",
    "-",
    "--",
    "—",
    "——",
    "0",
    "/",
    "\\",
    "无",
    "空",
    "暂无",
    "没有",
    "未知",
    "不详",
    "NA",
    "N/A",
    "NULL",
    "NONE",
    "*",
    "X",
    "#",
    ".",
}
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$")
_ORG_CODE = re.compile(r"^[0-9A-Z]{8}-?[0-9X]$")
_LOOKALIKE = str.maketrans({"O": "0", "I": "1", "Z": "2", "S": "5", "V": "U"})


@dataclass
class RegisterCode:
    """A register's code cell, cleaned as a clerk would: a valid credit code, or an older
    identifier kept as such, and a note (``note`` code, ``detail``) for what was done."""

    code: str | None = None
    legacy: str = ""
    note: str | None = None
    detail: dict = field(default_factory=dict)


def org_code_valid(code: str) -> bool:
    """GB 11714 组织机构代码 check (8 characters + check digit, X for 10)."""
    body, check = code[:8], code[-1]
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    total = sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2)))
    expected = 11 - total % 11
    return check == {10: "X", 11: "0"}.get(expected, str(expected))


def from_register(value) -> RegisterCode:
    """Clean a code cell: strip stray characters and bracketed suffixes, treat placeholders as
    empty, explain numbers Excel mangled, keep 组织机构代码 and 注册号 as legacy identifiers."""
    if isinstance(value, bool) or value is None:
        return RegisterCode()
    if isinstance(value, (int, float)):
        # A number-typed cell: Excel keeps 15 significant digits, so an 18-character code has
        # already lost its end. A 9- or 15-digit identifier survives whole.
        number = float(value)
        digits = f"{int(number)}" if number.is_integer() and abs(number) < 1e16 else ""
        if len(digits) == 15 or (len(digits) == 9 and org_code_valid(digits)):
            return RegisterCode(legacy=digits)
        if number == 0:
            return RegisterCode()
        return RegisterCode(note="excel_number", detail={"value": f"{number:.15g}"})
    text = _STRAY.sub("", str(value)).upper()
    while _SUFFIX.search(text) and len(_SUFFIX.sub("", text)) >= 9:
        text = _SUFFIX.sub("", text)
    # Zeros, dashes, slashes, asterisks and X's alone are a clerk's "no code" or a masked one
    # ("XXXXXXXXXXXXXXXXXX"), not a code whose check character is wrong.
    if text in PLACEHOLDERS or not text.strip("0-/*X"):
        return RegisterCode()
    if _SCIENTIFIC.match(text):
        return RegisterCode(note="excel_number", detail={"value": text})
    if len(text) == 18:
        if validate(text) is None:
            return RegisterCode(code=text)
        fixed = text.translate(_LOOKALIKE)
        if validate(fixed) is None:
            return RegisterCode(
                code=fixed, note="code_lookalike", detail={"value": text, "code": fixed}
            )
        if text.isdigit() and text.endswith("000"):
            return RegisterCode(note="excel_number", detail={"value": text})
        if all(c in _VALUE for c in text):
            return RegisterCode(
                note="code_check", detail={"value": text, "expected": check_character(text[:17])}
            )
        bad = "".join(sorted({c for c in text if c not in _VALUE}))
        return RegisterCode(note="code_characters", detail={"value": text, "bad": bad})
    if _ORG_CODE.match(text):
        return RegisterCode(legacy=text.replace("-", ""))
    if len(text) == 15 and text.isdigit():
        return RegisterCode(legacy=text)
    return RegisterCode(note="code_unrecognised", detail={"value": text, "length": len(text)})

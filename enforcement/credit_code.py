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

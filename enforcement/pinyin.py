"""Pinyin of enterprise names, for searching by full pinyin or initials ("yjsl" finds 燕郊塑料厂).

Computed with pypinyin (phrase-aware readings) whenever a name is written, and stored in
``enterprise.name_pinyin`` so that search is one LIKE on a column, never a conversion per row.
"""

from __future__ import annotations

import functools
import re

#: How many alternative initial spellings a name with heteronyms (长 chang/zhang) keeps.
MAX_VARIANTS = 12
_KEEP = re.compile(r"[0-9a-z]+")


def _squash(parts) -> str:
    return "".join("".join(_KEEP.findall(p.lower())) for p in parts)


#: First letters of toned readings in pypinyin's dictionary (ā → a, ǹ → n, ḿ → m).
_PLAIN = str.maketrans("āáǎàēéěèōóǒòḿńňǹ", "aaaaeeeeoooommnn")


@functools.lru_cache(maxsize=4096)
def searchable(name: str | None) -> str:
    """Space-separated keys: the full pinyin, the initials, and the initials of the other readings
    of heteronyms (a few), all lower-case letters and digits. Queries are matched inside one key."""
    from pypinyin import lazy_pinyin
    from pypinyin.pinyin_dict import pinyin_dict

    name = (name or "").strip()
    if not name:
        return ""
    # One syllable per character, phrase-aware (燕郊 yan jiao); other characters one by one.
    # errors=list: each character without a reading stays one item (pypinyin's stub types the
    # callable as returning str, but a list is what it documents for one item per character).
    full = lazy_pinyin(name, errors=list)  # type: ignore[arg-type]
    initials = [p[:1] for p in full]
    keys = [_squash(full), _squash(initials)]
    if len(full) == len(name):
        # One other reading at a time (长 zhang/chang in 长城): a few keys, never a product.
        for i, ch in enumerate(name):
            readings = pinyin_dict.get(ord(ch))
            if not readings:
                continue
            others = {r[:1].translate(_PLAIN) for r in readings.split(",")} - {initials[i].lower()}
            for other in sorted(o for o in others if o.isalpha()):
                if len(keys) >= 2 + MAX_VARIANTS:
                    break
                keys.append(_squash([*initials[:i], other, *initials[i + 1 :]]))
    out: list[str] = []
    for k in keys:
        if k and k not in out:
            out.append(k)
    return " ".join(out)[:2000]


def query_key(q: str) -> str | None:
    """A search string that can be matched against the keys: ASCII letters (and digits) only,
    at least two of them; None for anything else (Chinese, codes with symbols)."""
    q = (q or "").strip().lower().replace(" ", "").replace("'", "")
    if len(q) >= 2 and q.isascii() and q.isalnum() and any(c.isalpha() for c in q):
        return q
    return None

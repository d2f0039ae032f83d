"""Every message a person can read has its zh_CN translation in the catalogue (the .po file is
the one place translations are edited), and the compiled catalogue is not stale."""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "enforcement/translations/zh_Hans_CN/LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def _source_messages() -> dict[str, str]:
    with open(ROOT / "babel.cfg") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def test_every_message_in_the_code_and_templates_has_a_zh_cn_translation():
    with open(CATALOGUE / "messages.po", "rb") as fh:
        catalogue = read_po(fh)
    missing = [f"{where}: {msgid!r}" for msgid, where in _source_messages().items()
               if not (catalogue.get(msgid) and catalogue.get(msgid).string)]
    assert missing == [], "untranslated (run `make translations` and fill the .po):\n" + "\n".join(missing)


def test_the_compiled_catalogue_matches_the_po_file():
    with open(CATALOGUE / "messages.po", "rb") as fh:
        po = {m.id: m.string for m in read_po(fh) if m.id and m.string and not m.fuzzy}
    with open(CATALOGUE / "messages.mo", "rb") as fh:
        mo = {m.id: m.string for m in read_mo(fh) if m.id}
    stale = sorted(str(k) for k in po if mo.get(k) != po[k])
    assert stale == [], "messages.mo is older than messages.po: run `make translations`"

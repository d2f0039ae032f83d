"""Fill empty zh_CN entries of a catalogue from the glossary below (the .po file stays the
source of truth: entries already translated there are never overwritten)."""
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

def load_glossary() -> dict[str, str]:
    """Every scripts/zh/*.py file defines GLOSSARY; one file per area so that work on different
    pages does not collide."""
    merged: dict[str, str] = {}
    for path in sorted(Path(__file__).with_name("zh").glob("*.py")):
        namespace: dict = {}
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
        merged.update(namespace.get("GLOSSARY", {}))
    return merged


GLOSSARY = load_glossary()


def main(path: str) -> None:
    with open(path, "rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        if not message.string:
            if message.id in GLOSSARY:
                message.string = GLOSSARY[message.id]
            else:
                missing.append(message.id)
    with open(path, "wb") as fh:
        write_po(fh, catalog, width=100)
    for m in missing:
        print("untranslated:", m, file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])

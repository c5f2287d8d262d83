"""Fill empty zh translations in the .po from a JSON mapping {msgid: msgstr}.

python tools/fill_translations.py new_strings.json && python tools/translations.py compile
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "lithloop/translations/zh/LC_MESSAGES/messages.po"


def main(path: str) -> None:
    mapping = json.loads(Path(path).read_text("utf-8"))
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="zh")
    for message in catalog:
        key = message.id if isinstance(message.id, str) else message.id[0]
        if message.id and key in mapping:
            value = mapping[key]
            message.string = (value,) if isinstance(message.id, tuple) else value
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100)
    empty = [
        m.id
        for m in catalog
        if m.id and not (m.string if isinstance(m.string, str) else m.string[0])
    ]
    print(f"{len(empty)} untranslated", *empty, sep="\n  ")


if __name__ == "__main__":
    main(sys.argv[1])

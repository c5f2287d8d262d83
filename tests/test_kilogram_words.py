"""The Chinese of the plant's and the fleet import's messages writes a mass unit one way,
千克, never kg beside it (a walk found "称重质量（kg）" over "编码后的质量须为千克数")."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "lithloop/translations/zh/LC_MESSAGES/messages.po"
#: The plant's pages and messages, and the fleet register's (its CSV import among them).
SOURCES = [
    *sorted((ROOT / "lithloop/services/plant").glob("*.py")),
    ROOT / "lithloop/web/plant.py",
    *sorted((ROOT / "templates/plant").glob("*.html")),
    ROOT / "lithloop/web/fleet.py",
    *sorted((ROOT / "templates/fleet").glob("*.html")),
]
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}
LATIN_KG = re.compile(r"(?<![A-Za-z_])kg(?![A-Za-z_])")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")


def _msgids(path: Path) -> set[str]:
    method = "jinja2" if path.suffix == ".html" else "python"
    found = set()
    for _line, message, _comments, _context in extract_from_file(
        method, str(path), keywords={**KEYWORDS, "_": None}
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_plant_and_fleet_messages_write_kilograms_as_qianke():
    ids = set().union(*(_msgids(p) for p in SOURCES))
    assert "Enter the weighed mass of the lot in kg." in ids  # the scan reads the sources
    catalog = read_po(PO.open("rb"))
    mixed = []
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key not in ids or not message.string:
            continue
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        if any(LATIN_KG.search(PLACEHOLDER.sub("", text)) for text in texts):
            mixed.append((key, texts))
    assert not mixed, mixed


def test_plant_and_fleet_templates_write_no_untranslated_kg_after_a_number():
    """A mass printed as "{{ mass }} kg" stays kg in Chinese: it goes through "%(kg)s kg"."""
    for path in SOURCES:
        if path.suffix == ".html":
            assert not re.search(r"\}\}\s*kg\b", path.read_text()), path.name

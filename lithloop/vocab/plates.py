"""Chinese vehicle plates (GB 36 / GA 36): a province's one-character abbreviation, the
issuing city's letter, then five characters (six on a new-energy vehicle's green plate),
written 黑C·12345 or 黑C·D12345. Pure: no I/O."""

from __future__ import annotations

import re
import unicodedata

#: The provinces', regions' and municipalities' abbreviations that open a civil plate.
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
#: Letters used on plates: the Latin alphabet without I and O (read as 1 and 0).
_LETTER = "A-HJ-NP-Z"
PLATE_RE = re.compile(rf"([{PROVINCES}])([{_LETTER}])·([{_LETTER}0-9]{{5,6}})")
#: What people type between the city's letter and the serial: dots, bullets, a dash, spaces.
_SEPARATORS = dict.fromkeys(map(ord, "·•・‧.．-－ \u3000\u2027"))
#: A plate as the forms show it for an example.
EXAMPLE = "黑C·12345"
#: The longest plate kept (Truck.plate is String(20)).
MAX_CHARS = 20


def plate_letters(typed: str) -> str:
    """A plate's characters as compared: full-width letters and digits as ASCII (NFKC), the
    separators people type between them taken out, upper case (黑c d12345 -> 黑CD12345)."""
    return unicodedata.normalize("NFKC", typed or "").translate(_SEPARATORS).upper()


def canonical_plate(typed: str) -> str | None:
    """The plate as stored (黑C·D12345: upper case, ASCII letters and digits, one middle dot
    after the city's letter), read from what people type (黑c d12345, 黑C-D12345, full-width
    letters); None when it is no Chinese plate."""
    text = plate_letters(typed)
    if len(text) < 7 or len(text) > MAX_CHARS:
        return None
    plate = f"{text[:2]}·{text[2:]}"
    return plate if PLATE_RE.fullmatch(plate) else None

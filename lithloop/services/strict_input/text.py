"""Typed text: stripped, never made only of invisible characters, within its length; phones.

- text made only of invisible characters (a direction mark such as U+202E, a zero-width
  space) is refused: it looks empty on the page and is not; so is free text carrying a
  direction control (U+202A-202E, U+2066-2069), which makes it read backwards;
- a place's name (a city) holds at least one letter: symbols or emoji alone name no place;
- phone numbers hold 7 to 15 digits (E.164's most), spaces, hyphens, dots or brackets
  between them, a leading + and an extension (转 / ext); a Chinese keyboard's full-width
  digits are read as digits.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l

from lithloop.services.errors import Invalid
from lithloop.vocab import CHEMISTRIES, DIRECTION_CONTROLS

PHONE_RE = re.compile(
    r"(\(?\+?[0-9(][0-9 ().-]*[0-9])(?:\s*(?:转|分机|ext\.?|x)\s*[0-9]{1,6})?", re.I
)
PHONE_MAX = 40  # the columns' length


def clean(raw) -> str:
    """Typed input as text, stripped ("" for nothing typed)."""
    return "" if raw is None else str(raw).strip()


_INVISIBLE = ("Cc", "Cf", "Zs", "Zl", "Zp")  # controls, U+202E, U+200F, U+200B, spaces


def quoted(raw, limit: int = 40) -> str:
    """Typed text as a message may echo it: without invisible controls or direction marks
    (U+202E would turn the rest of the message around), a long paste cut to `limit`
    characters with "…"; "—" when nothing visible is left."""
    text = "".join(c for c in clean(raw) if unicodedata.category(c) not in ("Cc", "Cf"))
    text = text.strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text or "—"


def check_visible(text: str, field: str) -> str:
    """The text, unless made only of characters nobody sees: then Invalid naming `field`."""
    if text and all(unicodedata.category(c) in _INVISIBLE for c in text):
        message = _l("This holds only invisible characters; type it with letters or digits.")
        raise Invalid(message, field=field)
    return text


def check_direction(text: str, field: str) -> str:
    """The text, unless it carries invisible direction controls (U+202A-202E, U+2066-2069,
    which make it read backwards): then Invalid naming `field`."""
    if DIRECTION_CONTROLS.search(text):
        message = _l(
            "Remove the invisible text-direction characters: they make the text read wrongly."
        )
        raise Invalid(message, field=field)
    return text


def check_controls(text: str, field: str) -> str:
    """The text, unless it holds control characters other than line breaks and tabs (BEL,
    ESC, backspace: invisible on a page, kept in a PDF): then Invalid naming `field`."""
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in text):
        message = _l("Text here contains invisible control characters: delete them and try again.")
        raise Invalid(message, field=field)
    return text


def typed_text(raw, field: str) -> str:
    """Typed text, stripped, without direction controls and not only invisible characters;
    else Invalid naming `field` (the one check of every free-text form field)."""
    return check_visible(check_direction(clean(raw), field), field)


def place_name(raw, field: str) -> str:
    """A place's name as typed text (typed_text's checks), "" when blank; Invalid naming
    `field` when it holds no letter (only symbols, emoji or digits name no place)."""
    text = typed_text(raw, field)
    if text and not any(unicodedata.category(c).startswith("L") for c in text):
        raise Invalid(_l("Enter the city's name in letters, such as Mudanjiang."), field=field)
    return text


def phone_number(raw, field: str, *, required_message=None) -> str:
    """A phone number as typed (full-width characters read as ASCII, runs of spaces as one),
    or "" when blank and no `required_message` is given; else Invalid naming `field`."""
    text = " ".join(unicodedata.normalize("NFKC", check_visible(clean(raw), field)).split())
    if not text:
        if required_message is not None:
            raise Invalid(required_message, field=field)
        return ""
    match = PHONE_RE.fullmatch(text)
    digits = sum(c.isdigit() for c in match.group(1)) if match else 0
    if not 7 <= digits <= 15 or len(text) > PHONE_MAX:
        raise Invalid(
            _l("Enter a phone number: 7 to 15 digits, such as 13904531234 or 0453-6123456."),
            field=field,
        )
    return text


def limited_text(raw, field: str, limit: int) -> str:
    """Typed text, stripped, its line breaks as one character each; Invalid naming `field`
    (the limit and the typed length, digits grouped) when longer than `limit`, never cut,
    or when it holds direction controls or control characters (`check_direction`,
    `check_controls`): free text that people read back, on pages, in mails and PDFs."""
    text = check_visible(clean(raw), field).replace("\r\n", "\n").replace("\r", "\n")
    check_controls(check_direction(text, field), field)
    if len(text) > limit:
        raise Invalid(
            _l(
                "Enter at most %(n)s characters; this has %(typed)s.",
                n=f"{limit:,}",
                typed=f"{len(text):,}",
            ),
            field=field,
        )
    return text


def known_chemistry(raw, field: str = "chemistry") -> str:
    """A chemistry filter as one of the chemistries (upper case), "" when blank; Invalid
    naming `field` (and the value, cut to 24 characters) when it is none of them."""
    text = clean(raw).upper()
    if text and text not in CHEMISTRIES:
        shown = quoted(raw, 24)
        raise Invalid(
            _l("Unknown chemistry: %(value)s. Choose one from the list.", value=shown), field=field
        )
    return text

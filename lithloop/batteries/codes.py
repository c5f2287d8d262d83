"""GB/T 34014-2017 traction-battery codes: validate and parse (`park_codes` mints the park's).

Layout (24 characters, positions 1-based):

    1-3 manufacturer | 4 product type | 5 battery type | 6-7 specification |
    8-14 traceability | 15-17 production date (year, month, day) | 18-24 serial

Sources (FACTS.md section 5 names the first two pages):
- layout, P/M/C, B = LFP, E = ternary, serial 1..9999999 per production day:
  https://chinaautoregs.com/4357.html , https://blob.wenxiaobai.com/article/182b51b5-e340-caf7-648b-030a5585f04a
- A, C, D, F, G, Z (Ni-MH, LMO, LCO, supercapacitor, LTO, other): ASSUMED from memory of the
  standard's table, in the same order as the GB/T 27930 BMS battery-type list; not verified.
- date characters: one table for year, month and day ("same table", wenxiaobai page above):
  0-9 then A=10, B=11, ... V=31 (as in a public GB/T 34014 decoder); year = 2010 + value.
  Two public decoders agree on years 2010-2027 (0-9, A-H) and disagree after (one goes on
  I=2028, J=2029, ...; the other skips I, O and Q: J=2028, K=2029, ...). The standard's own
  year table could not be read (its public translations stop before it).
- THE PARK'S RULE for years after 2027 (decided, not sourced): the year character goes on
  through the same table, I=2028 ... V=2041, because the sourced page says year, month and
  day share one table and that table must hold 31 day values (A-V, I and O included).
  After V the table starts again: a 32-year cycle (2042 = "0"), like a VIN's 30-year cycle.
  Decoding with `today` takes the latest year of the cycle that is not after today; without
  it, the first (2010-2041), so every code read before 2042 decodes exactly as before.
  Minting a code never fails on a date from 2010 on: intake and assembly code packs today.
- manufacturer codes are assigned through the national coding filing system (编码备案系统,
  http://www.yc-chem.cn/news/133469.html); the park's default "LLP" is a placeholder.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from lithloop.batteries.problems import CodeField, CodeReason, code_message

LENGTH = 24
ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
DIGITS = frozenset("0123456789")
DATE_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUV"  # value = index
FIRST_YEAR = 2010
YEAR_CYCLE = len(DATE_CHARS)  # 32 years: 2010-2041, then "0" again for 2042 (the park's rule)
AGREED_LAST_YEAR = 2027  # the last year both public decoders read the same way
MAX_SERIAL = 9_999_999

SPANS: tuple[tuple[CodeField, int, int], ...] = (
    (CodeField.MANUFACTURER, 1, 3),
    (CodeField.PRODUCT_TYPE, 4, 4),
    (CodeField.CHEMISTRY, 5, 5),
    (CodeField.SPECIFICATION, 6, 7),
    (CodeField.TRACEABILITY, 8, 14),
    (CodeField.PRODUCTION_DATE, 15, 17),
    (CodeField.SERIAL, 18, 24),
)


class ProductType(StrEnum):
    """Character 4: what the code is on."""

    PACK = "P"
    MODULE = "M"
    CELL = "C"


_PRODUCT_TYPES = frozenset(t.value for t in ProductType)

# Character 5. Names are ours (lithloop.pricing.Chemistry values) where one fits.
CHEMISTRY_LETTERS: dict[str, str] = {
    "A": "nickel-metal hydride",  # assumed
    "B": "lithium iron phosphate",  # sourced
    "C": "lithium manganese oxide",  # assumed
    "D": "lithium cobalt oxide",  # assumed
    "E": "ternary (NCM / NCA)",  # sourced
    "F": "supercapacitor",  # assumed
    "G": "lithium titanate",  # assumed
    "Z": "other",  # sourced (letter Z exists); meaning assumed
}
LETTER_CHEMISTRIES: dict[str, tuple[str, ...]] = {
    "B": ("LFP",),
    "C": ("LMO",),
    "D": ("LCO",),
    "E": ("NCM523", "NCM622", "NCM811", "NCA"),
}


@dataclass(frozen=True)
class CodeProblem:
    """Why a code was refused: reason code, 1-based position, field, parameters, message."""

    reason: CodeReason
    position: int | None
    field: CodeField | None
    params: dict[str, str | int] = dataclasses.field(default_factory=dict, hash=False)
    message: str = ""


@dataclass(frozen=True)
class ParsedCode:
    """The fields of a valid code."""

    code: str
    manufacturer: str
    product_type: ProductType
    chemistry_letter: str
    specification: str
    traceability: str
    produced: date
    serial: int

    @property
    def chemistries(self) -> tuple[str, ...]:
        """Our chemistry names the battery-type letter can stand for (empty if none)."""
        return LETTER_CHEMISTRIES.get(self.chemistry_letter, ())


#: How much of a refused code a message quotes: a 24-character code and a few characters too
#: many in full; a longer paste (a whole line of text, thousands of characters) cut, so that
#: the message stays a line, not a page-wide string.
SHOWN_CHARS = 30


@dataclass(frozen=True)
class CodeCheck:
    """Result of validate_code: the normalised text, and either the parsed code or a problem."""

    text: str
    parsed: ParsedCode | None = None
    problem: CodeProblem | None = None

    @property
    def ok(self) -> bool:
        """True when the code is valid."""
        return self.problem is None

    @property
    def shown(self) -> str:
        """The text as a message quotes it: a long paste cut after SHOWN_CHARS, with "…"."""
        if len(self.text) <= SHOWN_CHARS:
            return self.text
        return self.text[: SHOWN_CHARS - 1] + "…"

    @property
    def position(self) -> int | None:
        """1-based position of the first failing character (None when ok)."""
        return self.problem.position if self.problem else None

    @property
    def field(self) -> CodeField | None:
        """Field of the first failure (None when ok)."""
        return self.problem.field if self.problem else None

    @property
    def reason(self) -> CodeReason | None:
        """Reason code of the failure (None when ok)."""
        return self.problem.reason if self.problem else None


# A Chinese keyboard's full-width forms (０-９, Ａ-Ｚ, ．, ，, －) as their ASCII letters.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def fold_full_width(text: str) -> str:
    """Full-width forms to ASCII, nothing else: unlike NFKC, superscripts and other
    scripts' digits (⁵⁰⁰, ², ٣) stay as they are, so a number parser refuses them."""
    return text.translate(_FULL_WIDTH)


def normalise(text: str) -> str:
    """Full-width to ASCII (NFKC), all whitespace and invisible format characters (a
    zero-width space or byte-order mark pasted from a chat or a spreadsheet) removed,
    upper case."""
    plain = "".join(unicodedata.normalize("NFKC", text).split())
    return "".join(c for c in plain if unicodedata.category(c) != "Cf").upper()


def chemistries_for_letter(letter: str) -> tuple[str, ...]:
    """Our chemistry names for a battery-type letter (E gives all ternaries; A/F/G/Z none)."""
    return LETTER_CHEMISTRIES.get(letter.upper(), ())


def letter_for_chemistry(chemistry: str) -> str | None:
    """The battery-type letter for one of our chemistry names, or None if unknown."""
    name = chemistry.strip().upper()
    return next((k for k, names in LETTER_CHEMISTRIES.items() if name in names), None)


def field_at(position: int) -> CodeField:
    """The field a 1-based position belongs to."""
    return next(f for f, start, end in SPANS if start <= position <= end)


def problem_at(reason: CodeReason, position: int | None, **params: str | int) -> CodeProblem:
    """The problem of a reason at a 1-based position, with its field and message."""
    fld = field_at(position) if position is not None and 1 <= position <= LENGTH else None
    if fld is not None:
        params.setdefault("field", fld.value)
    if position is not None:
        params.setdefault("position", position)
    return CodeProblem(reason, position, fld, params, code_message(reason, params))


def _date_value(ch: str) -> int:
    return DATE_CHARS.index(ch) if ch in DATE_CHARS else -1


def _check_date(text: str, today: date | None) -> CodeProblem | date:
    y, m, d = (_date_value(c) for c in text[14:17])
    if y < 0:
        return problem_at(CodeReason.IMPOSSIBLE_DATE, 15, part="year", char=text[14])
    if not 1 <= m <= 12:
        return problem_at(CodeReason.IMPOSSIBLE_DATE, 16, part="month", char=text[15])
    try:
        produced = date(decode_year(text[14], today), m, d)
    except ValueError:
        return problem_at(CodeReason.IMPOSSIBLE_DATE, 17, part="day", char=text[16])
    if today is not None and produced > today:
        return problem_at(
            CodeReason.FUTURE_DATE, 15, produced=produced.isoformat(), today=today.isoformat()
        )
    return produced


def decode_year(char: str, today: date | None = None) -> int:
    """The production year of a year character: the latest of its 32-year cycle not after
    `today` (without `today`, or when all are after it, the first: 2010-2041)."""
    year = FIRST_YEAR + DATE_CHARS.index(char)
    if today is not None:
        while year + YEAR_CYCLE <= today.year:
            year += YEAR_CYCLE
    return year


def _check_chars(text: str) -> CodeProblem | None:
    for i, ch in enumerate(text, start=1):
        allowed = DIGITS if i >= 18 else ALNUM
        if ch not in allowed:
            kind = "0-9" if i >= 18 else "A-Z, 0-9"
            return problem_at(CodeReason.BAD_CHARACTER, i, char=ch, allowed=kind)
        if i == 4 and ch not in _PRODUCT_TYPES:
            return problem_at(CodeReason.UNKNOWN_PRODUCT_TYPE, 4, char=ch)
        if i == 5 and ch not in CHEMISTRY_LETTERS:
            return problem_at(
                CodeReason.UNKNOWN_CHEMISTRY, 5, char=ch, allowed="".join(CHEMISTRY_LETTERS)
            )
    return None


def validate_code(text: str, *, today: date | None = None) -> CodeCheck:
    """Check a GB/T 34014 code; with `today`, a production date after it is refused too."""
    norm = normalise(text or "")
    if not norm:
        return CodeCheck(norm, problem=problem_at(CodeReason.EMPTY, None))
    if len(norm) != LENGTH:
        pos = len(norm) + 1 if len(norm) < LENGTH else LENGTH + 1
        return CodeCheck(norm, problem=problem_at(CodeReason.WRONG_LENGTH, pos, length=len(norm)))
    bad = _check_chars(norm)
    if bad is not None:
        return CodeCheck(norm, problem=bad)
    produced = _check_date(norm, today)
    if isinstance(produced, CodeProblem):
        return CodeCheck(norm, problem=produced)
    serial = int(norm[17:])
    if serial == 0:
        return CodeCheck(norm, problem=problem_at(CodeReason.ZERO_SERIAL, 18))
    parsed = ParsedCode(
        norm, norm[0:3], ProductType(norm[3]), norm[4], norm[5:7], norm[7:14], produced, serial
    )
    return CodeCheck(norm, parsed=parsed)

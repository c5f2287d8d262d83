"""The unified social credit code (统一社会信用代码), a company's taxpayer ID: GB 32100-2015.

18 characters from 31 (digits and capitals without I, O, Z, S, V): registration
authority (1), organisation category (1), administrative division (6 digits), the
organisation's own code (9) and a check character. The check character is
31 - (Σ value(c_i) × 3^i mod 31) mod 31, over the first 17, with 31 written as 0.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from lithloop.i18n import listed
from lithloop.services.errors import Invalid

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, 17, 20, ...
_FORMAT = re.compile(rf"^[{ALPHABET}]{{2}}[0-9]{{6}}[{ALPHABET}]{{10}}$")


def check_character(first17: str) -> str:
    """The check character for the first 17 characters of a code."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(text: str) -> str:
    """Upper case, without spaces or hyphens people type for readability."""
    return re.sub(r"[\s\-]", "", text or "").upper()


def validate(text: str, field: str = "taxpayer_id") -> str:
    """The code in canonical form, or Invalid saying what is wrong with it."""
    code = normalise(text)
    if len(code) != 18:
        raise Invalid(
            _l(
                "A taxpayer ID (unified social credit code) has 18 characters; this one has %(n)s.",
                n=len(code),
            ),
            field=field,
        )
    bad = sorted({c for c in code if c not in ALPHABET})
    if bad:
        raise Invalid(
            _l(
                "A taxpayer ID uses digits and capital letters except I, O, Z, S "
                "and V; %(c)s is not allowed.",
                c=listed(bad),
            ),
            field=field,
        )
    if not _FORMAT.match(code):
        raise Invalid(
            _l("Characters 3 to 8 of a taxpayer ID are the digits of the administrative division."),
            field=field,
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise Invalid(
            _l(
                "The check character of this taxpayer ID is wrong (the last "
                "character should be %(c)s): look for a typing error.",
                c=expected,
            ),
            field=field,
        )
    return code

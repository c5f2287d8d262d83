"""Names in the order a reader looks one up: Chinese by pinyin (重庆 under C, 东安 before 西安),
as a Chinese index or phone book does, and English by its letters, case ignored. Sorting by
code point put 东 (U+4E1C) before 万 (U+4E07)... after 七 and 三, an order nobody reads by."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from lithloop.i18n import current_language


@lru_cache(maxsize=4096)
def _pinyin_key(folded: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The name's syllables without tones, then with them (妈 before 马), letters as typed."""
    # Imported on first use: its dictionaries take 0.4 s, which every process start (each
    # `flask` command, each worker) would pay whether or not it sorts a name.
    from pypinyin import Style, lazy_pinyin

    return tuple(lazy_pinyin(folded)), tuple(lazy_pinyin(folded, style=Style.TONE3))


def name_key(name: str | None) -> tuple:
    """The sort key of a name in the page's language: pinyin in Chinese, casefolded letters
    in English; full-width forms and case are folded in both, and the name itself breaks
    ties (two characters read alike keep one order)."""
    folded = unicodedata.normalize("NFKC", name or "").strip().casefold()
    if current_language() == "zh_CN":
        return (*_pinyin_key(folded), folded)
    return (folded,)

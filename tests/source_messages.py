"""The messages the code asks to translate, as Babel extracts them from lithloop/ and
templates/: read exactly as `tools/translations.py extract` reads them (one definition, in
tools/message_sources.py)."""

from __future__ import annotations

import functools

from tools.message_sources import CATALOG, extract

__all__ = ["CATALOG", "source_messages"]


@functools.cache
def source_messages() -> frozenset[str]:
    """The message ids (the singular of a plural) the Python code and the templates use."""
    return frozenset(m if isinstance(m, str) else m[0] for _f, _l, m, _c, _x in extract())

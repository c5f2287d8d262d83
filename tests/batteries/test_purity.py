"""The battery package's public names (its purity: tests/test_architecture.py)."""

from __future__ import annotations

import lithloop.batteries as batteries


def test_public_names_exist_and_have_docstrings():
    for name in batteries.__all__:
        obj = getattr(batteries, name)
        if callable(obj):
            assert obj.__doc__, name

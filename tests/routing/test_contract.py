"""The routing package's public API (its purity: tests/test_architecture.py)."""

from __future__ import annotations

import lithloop.routing as routing


def test_public_api():
    for name in routing.__all__:
        assert hasattr(routing, name), name
    assert callable(routing.solve) and callable(routing.problem_from_vroom)

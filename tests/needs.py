"""Outside parts a test needs (Chromium, Redis): skipped with the reason on a fresh machine.

`make test` on a laptop without Chromium or Redis skips what needs them and the summary
(`-ra`) says why; CI sets LITHLOOP_REQUIRE_ALL=1 (.ci/run), which turns each skip into a
failure, so CI never skips silently.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

REQUIRE_ALL = "LITHLOOP_REQUIRE_ALL"


def required() -> bool:
    """Whether every outside part must be present (CI)."""
    return os.environ.get(REQUIRE_ALL, "") not in ("", "0")


def missing(part: str, how: str) -> NoReturn:
    """Skip (or, under LITHLOOP_REQUIRE_ALL=1, fail) because an outside part is absent."""
    message = f"needs {part}: {how}"
    if required():
        pytest.fail(f"{message} ({REQUIRE_ALL}=1)")
    pytest.skip(message)

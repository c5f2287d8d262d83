"""The Chinese of tools/zh/walk.json over the compiled catalogue, for tests of messages added
before the catalogue is compiled again (the .po and .mo are filled when branches merge)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import flask_babel
import pytest

WALK = Path(__file__).resolve().parents[1] / "tools" / "zh" / "walk.json"


@pytest.fixture
def walk_zh(monkeypatch):
    """Chinese pages translate walk.json's messages too (as they will once compiled)."""
    extra = json.loads(WALK.read_text("utf-8"))
    original = flask_babel.Domain.get_translations

    def get_translations(self):
        found = original(self)
        locale = flask_babel.get_locale()
        if locale is None or locale.language != "zh" or not hasattr(found, "_catalog"):
            return found
        merged = copy.copy(found)
        merged._catalog = {**found._catalog, **extra}
        return merged

    monkeypatch.setattr(flask_babel.Domain, "get_translations", get_translations)

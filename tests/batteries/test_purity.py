"""The battery package and the geocoders stay pure: no Flask, no database, no other lithloop."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import lithloop.batteries as batteries


@pytest.mark.parametrize(
    ("module", "allowed"),
    [
        ("lithloop.batteries", ("lithloop.batteries", "lithloop.clock")),  # the one clock is pure
        ("lithloop.geo.geocoders", ("lithloop.geo",)),
    ],
)
def test_imports_neither_flask_nor_sqlalchemy_nor_other_lithloop(module, allowed):
    code = (
        f"import sys, json, {module}; "
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.split('.')[0] in {'flask', 'sqlalchemy', 'flask_sqlalchemy', 'werkzeug'} "
        f"or m.startswith('lithloop.') and not m.startswith({allowed!r}))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_public_names_exist_and_have_docstrings():
    for name in batteries.__all__:
        obj = getattr(batteries, name)
        if callable(obj):
            assert obj.__doc__, name

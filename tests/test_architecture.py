"""The layering promises of DESIGN.md, checked."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PURE = ["lithloop.routing", "lithloop.pricing", "lithloop.batteries", "lithloop.clock"]
PURE_SHARED = ("lithloop.clock",)  # the one clock: pure, importable by every pure package


@pytest.mark.parametrize("package", PURE)
def test_pure_packages_import_neither_flask_nor_sqlalchemy(package):
    code = (
        f"import sys, json, {package}; "
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.split('.')[0] in {'flask', 'sqlalchemy', 'flask_sqlalchemy', 'werkzeug'} "
        "or m.startswith('lithloop.') and not m.startswith(%r) and m not in %r)))"
        % (package, PURE_SHARED)
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    leaked = json.loads(out.stdout)
    assert leaked == [], f"{package} pulled in {leaked}"


def test_create_app_binds_no_connection_at_import():
    code = "import lithloop, sys; print('flask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

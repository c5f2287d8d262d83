"""The routing package stays pure: no Flask, SQLAlchemy, other lithloop or network imports."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import lithloop.routing as routing

PKG = Path(routing.__file__).parent
FORBIDDEN = ("flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug")
NO_IO = ("urllib", "socket", "http", "requests", "httpx", "urllib3")  # routing receives matrices
ENTRY_POINT = "__main__.py"  # the CLI wires in lithloop.geo; importing routing never runs it


def test_static_imports_stay_inside_the_package():
    for path in PKG.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            for name in names:
                root = name.split(".")[0]
                assert root not in FORBIDDEN, f"{path.name} imports {name}"
                assert root not in NO_IO, f"{path.name} does I/O through {name}"
                if root == "lithloop" and path.name != ENTRY_POINT:
                    assert name.startswith("lithloop.routing"), f"{path.name} imports {name}"


def test_importing_routing_adds_no_web_or_db_modules():
    # Whatever `lithloop/__init__.py` imports is the app's business; routing adds nothing.
    code = (
        "import sys, json; import lithloop; before = set(sys.modules);"
        "import lithloop.routing; added = set(sys.modules) - before;"
        "print(json.dumps(sorted(added)))"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=PKG.parents[1], timeout=60
    )
    assert r.returncode == 0, r.stderr
    added = json.loads(r.stdout)
    bad = [
        m
        for m in added
        if m.split(".")[0] in FORBIDDEN + ("requests", "httpx", "urllib3")
        or m in ("urllib.request", "http.client")  # socket: stdlib email via deps
        or (m.startswith("lithloop.") and not m.startswith("lithloop.routing"))
    ]
    assert not bad, bad


def test_public_api():
    for name in routing.__all__:
        assert hasattr(routing, name), name
    assert callable(routing.solve) and callable(routing.problem_from_vroom)

"""Starting the app imports nothing it needs only later: every `flask` command, web worker
and Celery worker pays each import at its start, whether or not it sorts a name or races."""

from __future__ import annotations

import json
import os
import subprocess
import sys

#: Imported on first use: pypinyin (sorting names, 0.4 s of dictionaries), pyvroom (racing
#: VROOM) and pandas, which pyvroom brings along.
LATER = ("pypinyin", "vroom", "pandas")

SCRIPT = f"""
import json, sys
from lithloop import create_app
create_app({{"HOUSEKEEPING_INTERVAL_S": 0}})
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {LATER!r})))
"""


def test_creating_the_app_leaves_the_late_imports_for_later(tmp_path):
    env = {
        **os.environ,
        "LOG_FORMAT": "none",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'start.sqlite3'}",
        "LITHLOOP_INSTANCE": str(tmp_path / "instance"),
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []

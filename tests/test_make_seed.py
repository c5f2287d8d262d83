"""`make run` seeds the demo with the same public address it serves on."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAKE = "make"  # the README's commands need it: a machine without it fails here, not skips


def test_the_demo_is_seeded_with_the_address_make_run_serves():
    """Walk findings: `make run PORT=5077` seeded mails linking to 127.0.0.1:5000 (the seed
    step did not set PUBLIC_BASE_URL; only the server did), and its migrate step warned in
    JSON that links point at 127.0.0.1:5000."""
    dry = subprocess.run(
        [MAKE, "-n", "seed", "run", "HOST=127.0.0.1", "PORT=5077"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.replace("\\\n", " ")
    steps = ("db upgrade", "seed-demo", "flask run")
    lines = [line for line in dry.splitlines() if any(step in line for step in steps)]
    assert len(lines) == 3, dry
    for line in lines:
        assert "PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://127.0.0.1:5077}" in line, line

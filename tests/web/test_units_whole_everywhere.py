"""Every page outside the market keeps a quantity and its unit together (a phone never shows
"1,200" on one line and "kg" on the next): each `{{ value }} kg|kWh|km|t` in the templates
sits in a nowrap span or a numeric cell."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
LOOSE = re.compile(r"\}\} (kg|kWh|km|t)(?=[\s<·,)（(]|$)")


def _kept_whole(line: str, end: int) -> bool:
    """True when the quantity ending at `end` is inside a nowrap span or a .num cell."""
    before = line[:end]
    opened = max(before.rfind('<span class="nowrap">'), before.rfind('class="num"'))
    return opened >= 0 and before.rfind("</span>") < opened and before.rfind("</td>") < opened


def test_no_template_lets_a_number_and_its_unit_part():
    loose = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            for match in LOOSE.finditer(line):
                inside_tag = line.rfind("<", 0, match.start()) > line.rfind(">", 0, match.start())
                if not inside_tag and not _kept_whole(line, match.start()):
                    loose.append(f"{path.relative_to(TEMPLATES)}:{number}: {match.group(0)}")
    assert loose == []

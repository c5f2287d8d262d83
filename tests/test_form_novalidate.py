"""Forms leave checking to the server: a browser's own bubble ("Please fill out this field",
"Value must be greater than or equal to 1") speaks the browser's language, not the page's, and
does not say the rule; the server's message stands beside the field in the page's language."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
#: What makes a browser check a field itself before sending the form (or the company page's
#: `input()` macro, which writes `required`).
CONSTRAINED = re.compile(
    r'\brequired\b|type="(?:email|number|url)"|\bpattern=|\bmin=|\bmax=|\{\{ input\('
)


def test_every_form_with_browser_checks_leaves_them_to_the_server():
    """Walk finding: the run form, the move form, the cart and catalog quantities, the cancel
    reason and the company's invoice details showed the browser's English bubble on Chinese
    pages (headless Chromium and any browser set to another language)."""
    missing = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text("utf-8")
        for form in re.finditer(r"<form\b[^>]*>(.*?)</form>", text, re.S):
            tag = text[form.start() : text.index(">", form.start()) + 1]
            if CONSTRAINED.search(form.group(1)) and "novalidate" not in tag:
                missing.append(f"{path.relative_to(TEMPLATES)}: {tag[:80]}")
    assert missing == [], missing

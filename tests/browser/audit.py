"""Checks run on every page a journey touches: sideways scrolling, amounts and codes kept on one
line, finger-sized tap targets at phone width, plain language on Chinese pages, and axe-core; a
screenshot of the page when a check fails (of every page with TEST_SCREENSHOTS=1)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError

from tests.plain_language import chinese_on_english, untranslated

HERE = Path(__file__).parent
AXE = (HERE / "vendor" / "axe.min.js").read_text("utf-8")
#: axe-core as the live server serves it (tests/browser/conftest.py: DeadZone), cached a day:
#: loaded by URL, Chromium keeps the file and its compiled code; sent as text to every page
#: it was compiled again each time (86 ms a check, 0.5 MB).
AXE_URL = "/__tests__/axe.min.js"
AXE_BYTES = AXE.encode()
AXE_HEADERS = [
    ("Content-Type", "text/javascript; charset=utf-8"),
    ("Content-Length", str(len(AXE_BYTES))),
    ("Cache-Control", "public, max-age=86400, immutable"),
]
BLOCKING = {"serious", "critical"}
#: Every checked page saved as a PNG (for a person to look through, or for the README's
#: pictures: tools/readme_screenshots.py); otherwise only a page that fails a check.
ALL_SCREENSHOTS = os.environ.get("TEST_SCREENSHOTS") == "1"
#: Page structures already through axe in this process: its rules read the page's structure
#: (names, roles, labels, contrast), which the width can change (the phone menu) and the
#: language does not, so the second language's view of the same page skips it (a third of a
#: sweep's time). A page's structure is its path, width and the tags, roles and types of its
#: elements in order (STRUCTURE_JS): one page with other content (a token listed, a form
#: shown) is another structure and goes through axe too, whichever test sees it first.
_AXE_DONE: set[tuple[str, str, str]] = set()
STRUCTURE_JS = """() => [...document.body.querySelectorAll('*')].map(e =>
  e.tagName + (e.getAttribute('role') || '') + (e.getAttribute('type') || '')).join(' ')"""

#: Elements sticking out to the right of the viewport, unless a scrolling ancestor holds them.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > width + 1) out.push('page scrollWidth ' +
      document.documentElement.scrollWidth + ' > ' + width);
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let held = false;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') { held = true; break; }
    }
    const text = (el.textContent || '').trim().slice(0, 40);
    if (!held) out.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') +
        ' right=' + Math.round(box.right) + ' "' + text + '"');
    if (out.length > 5) break;
  }
  return out;
}"""


#: Amounts (¥1,234.56), 24-character pack codes and numbered references (#35) as they appear in
#: the page's text, plus the elements the templates mark as amounts, codes or statuses: each must
#: sit in a single line box. Text a person typed (`.typed-text`, a note) is running text: a
#: long number in it breaks where its line ends.
LINES_JS = (HERE / "one_line.js").read_text("utf-8")

#: Links, buttons, amounts and codes whose text sticks out of their own box (drawn over what is
#: beside them) though nothing scrolls them.
SPILL_JS = (HERE / "spill.js").read_text("utf-8")

#: Tap targets smaller than 44 × 44 CSS px. A radio or checkbox counts with its label; links inside
#: running text (WCAG 2.5.5's inline exception) and the dots of an SVG map (where the position is
#: the information) are exempt.
TAP_JS = (HERE / "tap_targets.js").read_text("utf-8")

#: The page's words as a reader meets them: visible text, option labels, placeholders and titles,
#: leaving out code samples, e-mail addresses and URLs.
WORDS_JS = (HERE / "page_words.js").read_text("utf-8")


def wrapped(page) -> list[str]:
    """Amounts and codes that occupy more than one line box (empty when none do)."""
    return page.evaluate(LINES_JS)


def spilled(page) -> list[str]:
    """Boxes whose content sticks out of them sideways (empty when none do)."""
    return page.evaluate(SPILL_JS)


def small_targets(page) -> list[str]:
    """Tap targets under 44 × 44 CSS px (empty when none are)."""
    return page.evaluate(TAP_JS)


def foreign_words(page) -> list[str]:
    """On a Chinese page, the internal codes, enum values and English fragments a reader sees;
    on an English page, the platform's own Chinese (a message in the wrong language)."""
    lang = page.evaluate("document.documentElement.lang")
    if lang == "zh-CN":
        return untranslated(page.evaluate(WORDS_JS)["text"])
    if lang == "en":
        return chinese_on_english(page.evaluate(WORDS_JS)["text"])
    return []


def overflow(page) -> list[str]:
    """What sticks out horizontally on the page (empty when nothing does)."""
    return page.evaluate(OVERFLOW_JS)


#: axe.run on the page, without the rules whose impact is fixed below BLOCKING: axe gives
#: every result of a rule that declares an impact that impact, so such a rule never reports a
#: blocking violation (the landmark and heading rules, `region`: about 40 % of axe's time).
#: Every other rule runs as axe chooses (its default tags), those without a declared impact too.
AXE_RUN_JS = """async (blocking) => {
  const rules = {};
  for (const rule of axe._audit.rules) {
    if (rule.impact && !blocking.includes(rule.impact)) rules[rule.id] = {enabled: false};
  }
  return await axe.run(document, {resultTypes: ['violations'], rules});
}"""


def _load_axe(page) -> None:
    """axe-core into the page, once: by URL from the live server it is on, else as text."""
    if page.evaluate("typeof axe !== 'undefined'"):
        return
    try:
        page.add_script_tag(url=AXE_URL)
    except PlaywrightError:  # a page of another server: no such file there
        page.evaluate(AXE)


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core violations on the page, one line each."""
    _load_axe(page)
    result = page.evaluate(AXE_RUN_JS, sorted(BLOCKING))
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(
            f"{n['target'][0]} [{n.get('failureSummary', '')[:160]}]" for n in v["nodes"][:3]
        )
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


def check_page(page, name: str, folder: Path, *, phone: bool) -> None:
    """Fail on sideways scrolling, an amount or code broken across lines, a small tap target
    (phone), a foreign word on a Chinese page or blocking axe violations; the page's
    screenshot is saved when one fails (or always: ALL_SCREENSHOTS)."""
    width = "390" if phone else "1366"
    page.wait_for_load_state()  # a click's navigation may still be replacing the document
    lang = page.evaluate("document.documentElement.lang") or "x"
    shot = folder / f"{name}-{width}-{lang}.png"
    if ALL_SCREENSHOTS:
        save_screenshot(page, shot)
    try:
        _check(page, name, width, lang, phone)
    except AssertionError:
        if not ALL_SCREENSHOTS:
            save_screenshot(page, shot)
        raise


def save_screenshot(page, path: Path) -> None:
    """The whole page as a PNG (its first screen when it is too tall to capture at once)."""
    try:
        page.screenshot(path=str(path), full_page=True)
    except PlaywrightError:
        page.screenshot(path=str(path))


def _check(page, name: str, width: str, lang: str, phone: bool) -> None:
    problems = overflow(page)
    assert not problems, f"{name} at {width}px {lang} overflows: {problems}"
    broken = wrapped(page)
    assert not broken, f"{name} at {width}px {lang}: amounts or codes across lines: {broken}"
    spill = spilled(page)
    assert not spill, f"{name} at {width}px {lang}: text sticking out of its box: {spill}"
    small = small_targets(page) if phone else []
    assert not small, f"{name} at {width}px {lang}: tap targets under 44 px: {small}"
    foreign = foreign_words(page)
    assert not foreign, f"{name} at {width}px {lang}: not in the page's language: {foreign}"
    structure = hashlib.sha256(page.evaluate(STRUCTURE_JS).encode()).hexdigest()
    seen = (urlsplit(page.url).path, width, structure)
    if seen not in _AXE_DONE:
        violations = axe_violations(page)
        assert not violations, f"{name}: {violations}"
        _AXE_DONE.add(seen)

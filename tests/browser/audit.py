"""Checks run on every page a journey touches: screenshots, overflow at phone width, axe-core."""

from __future__ import annotations

from pathlib import Path

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text("utf-8")
BLOCKING = {"serious", "critical"}

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


def overflow(page) -> list[str]:
    """What sticks out horizontally on the page (empty when nothing does)."""
    return page.evaluate(OVERFLOW_JS)


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core violations on the page, one line each."""
    page.evaluate(AXE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(
            f"{n['target'][0]} [{n.get('failureSummary', '')[:160]}]" for n in v["nodes"][:3]
        )
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


def check_page(page, name: str, folder: Path, *, phone: bool) -> None:
    """Screenshot the page, then fail on overflow at phone width or blocking axe violations."""
    width = "390" if phone else "1366"
    lang = page.evaluate("document.documentElement.lang") or "x"
    page.screenshot(path=str(folder / f"{name}-{width}-{lang}.png"), full_page=True)
    problems = overflow(page) if phone else []
    assert not problems, f"{name} at {width}px overflows: {problems}"
    violations = axe_violations(page)
    assert not violations, f"{name}: {violations}"

"""The audit's axe run leaves out only rules that cannot report a blocking violation: on a page
with blocking and lesser faults, it finds every blocking violation the full run finds."""

from __future__ import annotations

from tests.browser.audit import AXE, BLOCKING, axe_violations

BAD_PAGE = """<!doctype html><html lang="en"><head><title>faults</title></head><body>
<div><h3>No main landmark, a skipped heading level</h3>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<p style="color:#bbb;background:#fff">Grey on white</p>
<input type="text"><a href="/x"></a><button></button>
<table><tr><th></th><td>1</td></tr></table></div></body></html>"""


def _full_run(page) -> tuple[set[str], set[str]]:
    page.evaluate(AXE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = result["violations"]
    return (
        {v["id"] for v in found if v["impact"] in BLOCKING},
        {v["id"] for v in found if v["impact"] not in BLOCKING},
    )


def test_the_audits_axe_run_finds_every_blocking_violation_of_a_full_run(browser):
    page = browser.new_page()
    page.set_content(BAD_PAGE)
    blocking, lesser = _full_run(page)
    assert {"image-alt", "label", "link-name", "button-name", "color-contrast"} <= blocking
    assert {"region", "landmark-one-main", "heading-order"} & lesser  # what the audit skips
    page.set_content(BAD_PAGE)
    found = {line.split(" ", 1)[0] for line in axe_violations(page)}
    assert found == blocking
    page.close()

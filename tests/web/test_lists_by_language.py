"""Lists a person reads are joined the reader's way: "a、b" in Chinese, "a, b" in English,
through the one helper (lithloop.i18n.listed); machine formats (CSV, logs, JSON) are not
lists a person reads and are left alone."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from lithloop.batteries.holiday_upload import YearUpload
from lithloop.i18n import LANG_COOKIE
from lithloop.models.base import VocabString
from lithloop.services.accounts import taxpayer_id
from lithloop.services.booking import org_values
from lithloop.services.errors import Invalid
from lithloop.services.packs import holiday_calendar
from lithloop.services.plant import intake_check
from lithloop.vocab import Form

ROOT = Path(__file__).resolve().parents[2] / "lithloop"
MARK = {"zh_CN": "、", "en": ", "}


def _in(app, lang):
    return app.test_request_context(headers={"Cookie": f"{LANG_COOKIE}={lang}"})


def test_no_list_a_person_reads_is_joined_with_a_comma_in_services_or_pages():
    """services/ and web/ write what people read (messages, pages, letters): a list there is
    joined by i18n.listed, never by ", ".join, which showed "a, b" on Chinese pages."""
    found = [
        f"{path.relative_to(ROOT.parent)}:{number}"
        for folder in ("services", "web")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"""["'], ["']\.join\(""", line)
    ]
    assert found == []


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_intake_differences_list_codes_the_readers_way(app, lang):
    stop = SimpleNamespace(picked_kg=Decimal("100"), picked_codes=["C1", "C2", "C3"])
    with _in(app, lang):
        found = intake_check.differences(stop, Decimal("100"), ["C3", "X1", "X2"])
    assert any(f"X1{MARK[lang]}X2" in line for line in found), found
    assert any(f"C1{MARK[lang]}C2" in line for line in found), found


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_refusals_list_choices_the_readers_way(app, lang):
    column = sa.Column("form", VocabString(Form, 20))
    with _in(app, lang):
        with pytest.raises(Invalid) as choice:
            org_values.column_value(column, "barrel", "packs[0].form")
        with pytest.raises(Invalid) as tax:
            taxpayer_id.validate("91230100MA1BCDEIO5")
        upload = YearUpload(2027, problems=[("wrong_years", {"found": "2027, 2028"})])
        years = holiday_calendar._message(upload)
        messages = [str(choice.value.message), str(tax.value.message)]
    assert MARK[lang].join(["pack", "module"]) in messages[0], messages[0]
    assert re.search(f"I{MARK[lang]}O", messages[1]), messages[1]
    assert f"2027{MARK[lang]}2028" in years, years


def test_no_template_joins_a_list_a_person_reads_with_a_comma():
    """Templates list days and years with the `listed` filter; the API reference (codes for
    developers) and hidden inputs (read by the server) are not lists a person reads."""
    templates = ROOT.parent / "templates"
    found = [
        f"{path.relative_to(templates)}:{number}"
        for path in sorted(templates.rglob("*.html"))
        if path.relative_to(templates).as_posix() != "api/docs.html"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"""join\(["'], ["']\)""", line)
    ]
    assert found == []


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_template_filter_lists_the_readers_way_and_escapes(app, lang):
    with _in(app, lang):
        shown = app.jinja_env.from_string("{{ items|listed }}").render(items=["<b>", "2028"])
    assert shown == f"&lt;b&gt;{MARK[lang]}2028"


def test_the_driver_page_lists_codes_and_names_with_the_readers_mark():
    """driver.js lists codes read and the drivers whose confirmations wait with the page's
    mark (T.sep: "、" in Chinese), as it already listed missing codes."""
    scripts = ROOT.parent / "static" / "js"
    found = [
        f"{path.name}:{number}"
        for path in sorted(scripts.glob("*.js"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"""\.join\(["'], ["']\)""", line)
    ]
    assert found == []

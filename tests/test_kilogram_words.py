"""The Chinese UI writes a mass unit one way, 千克, never kg beside it (a walk found
"称重质量（kg）" over "编码后的质量须为千克数"; the plant and fleet pages wrote 千克 while the
driver, settlement, history and document pages still wrote kg). English keeps "kg".

What counts as a Chinese-context "kg", so that each check can fail:
- the catalogue: the Latin token kg (not part of a longer word or name such as mass_kg, and
  not a %(kg)s placeholder) anywhere in a zh msgstr: every msgstr is read by a Chinese reader;
- the templates: the token kg in a template's literal text (what is left once Jinja tags,
  comments and HTML tags are taken out: "{{ mass }} kg", "<th>kg</th>"), or in a string
  literal inside a Jinja tag that is not a msgid ("in_unit('kg')", "value ~ ' kg'"): a
  number's unit goes through a msgid ("%(kg)s kg", "kg") or the m.kg macro, which the
  catalogue turns into 千克. No template is English-only; the bilingual documents take their
  English from Python (web/documents.py), not from template text.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "lithloop/translations/zh/LC_MESSAGES/messages.po"
TEMPLATES = ROOT / "templates"
#: Templates a Chinese reader never sees (none so far): their kg stays.
ENGLISH_ONLY: set[str] = set()

LATIN_KG = re.compile(r"(?<![A-Za-z_])kg(?![A-Za-z_])")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
JINJA_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
HTML_TAG = re.compile(r"<[^>]*>", re.S)
LITERAL = r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
#: A msgid in a Jinja tag: _('...'), gettext('...'), ngettext('...', '...').
MSGID = re.compile(rf"\b(?:_|gettext|ngettext)\(\s*{LITERAL}(?:\s*,\s*{LITERAL})?")
STRING = re.compile(LITERAL)


def _messages():
    catalog = read_po(PO.open("rb"))
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        yield key, [t for t in texts if t]


def chinese_kg_in_catalogue() -> list[tuple[str, list[str]]]:
    """The zh messages whose translation writes the Latin token kg."""
    return [
        (key, texts)
        for key, texts in _messages()
        if any(LATIN_KG.search(PLACEHOLDER.sub("", text)) for text in texts)
    ]


def kg_in_template(source: str) -> list[str]:
    """The places a template writes kg itself: in its literal text, or as a string inside a
    Jinja tag that is not a msgid."""
    source = JINJA_COMMENT.sub("", source)
    found = []
    for tag in JINJA_TAG.findall(source):
        for literal in STRING.findall(MSGID.sub("", tag)):
            if LATIN_KG.search(literal):
                found.append(f"{literal} in {tag}")
    text = HTML_TAG.sub(" ", JINJA_TAG.sub(" ", source))
    for line in text.splitlines():
        if LATIN_KG.search(line):
            found.append(line.strip())
    return found


#: The Latin unit t (tonnes) as a word of its own: not in "don't", "t/day" is still it.
LATIN_T = re.compile(r"(?<![A-Za-z_'’&#-])t(?![A-Za-z_'’-])")


def tonnes_in_template(source: str) -> list[str]:
    """The places a template writes the unit t itself in its literal text ("{{ x }} t"):
    a Chinese page writes 吨, through a msgid ("%(t)s t") the catalogue translates."""
    text = HTML_TAG.sub(" ", JINJA_TAG.sub(" ", JINJA_COMMENT.sub("", source)))
    return [line.strip() for line in text.splitlines() if LATIN_T.search(line)]


def test_no_template_writes_tonnes_as_a_bare_t():
    paths = [p for p in sorted(TEMPLATES.rglob("*")) if p.suffix in {".html", ".js"}]
    loose = {
        str(path.relative_to(TEMPLATES)): found
        for path in paths
        if (found := tonnes_in_template(path.read_text("utf-8")))
    }
    assert not loose, loose
    assert tonnes_in_template('<span class="nowrap">{{ x|decimal(1) }} t</span>')
    assert not tonnes_in_template("<span>{{ _('%(t)s t', t=x) }}</span><p>don't</p>")


def test_no_chinese_message_writes_tonnes_as_t():
    mixed = [
        (key, texts)
        for key, texts in _messages()
        if any(LATIN_T.search(PLACEHOLDER.sub("", text)) for text in texts)
    ]
    assert not mixed, mixed


def test_no_chinese_message_writes_kg():
    translated = dict(_messages())
    assert len(translated) > 1000  # the scan reads the catalogue
    assert translated["kg"] == ["千克"] and translated["%(kg)s kg"] == ["%(kg)s 千克"]
    mixed = chinese_kg_in_catalogue()
    assert not mixed, mixed


def test_no_template_writes_kg_a_chinese_reader_reads():
    paths = [p for p in sorted(TEMPLATES.rglob("*")) if p.suffix in {".html", ".js"}]
    assert len(paths) > 50  # the scan reads the templates
    loose = {
        str(path.relative_to(TEMPLATES)): found
        for path in paths
        if str(path.relative_to(TEMPLATES)) not in ENGLISH_ONLY
        and (found := kg_in_template(path.read_text("utf-8")))
    }
    assert not loose, loose


def test_the_template_scan_finds_what_it_is_meant_to():
    """Each way a template wrote kg before, and the ways it writes the unit now."""
    for written in (
        """<span class="nowrap">{{ '{:,.0f}'.format(lot.mass_kg) }} kg</span>""",
        """<strong>{{ totals.mass_kg }}</strong>kg</div>""",
        """<th class="num">kg</th>""",
        """{{ labels[m] }}{{ in_unit('kg') }}""",
        """{% macro kg(value) %}{{ quantity(value ~ ' kg') }}{% endmacro %}""",
    ):
        assert kg_in_template(written), written
    for written in (
        """<span class="nowrap">{{ _('%(kg)s kg', kg=lot.mass_kg) }}</span>""",
        """{{ ngettext('%(num)d booking, %(kg)s kg loaded', '%(num)d bookings, %(kg)s kg"""
        """ loaded', n, kg=x) }}""",
        """<th class="num">{{ _('kg') }}</th>{{ in_unit(_('kg')) }}{{ m.kg(p.mass_kg) }}""",
        """<div data-booked-kg="{{ b.total_mass_kg }}">{% for city, kg in rows %}{# kg #}""",
        """{{ _("Days listed have room for %(kg)s kg; the window", kg=p.mass_kg) }}""",
    ):
        assert not kg_in_template(written), written


def test_a_refused_move_names_the_trucks_load_in_the_readers_unit(app):
    """The dispatcher's "would carry 1,200 kg" kept its unit in English on a Chinese page."""
    from types import SimpleNamespace

    from flask_babel import force_locale

    from lithloop.services.dispatch.plan_refusals import explain

    day = SimpleNamespace(trucks={}, bookings={}, orders={})
    violation = "7: load 1200 outside [0, 1000.0] at park"
    with app.test_request_context("/"):
        with force_locale("zh_CN"):
            chinese = explain(day, violation)
        with force_locale("en"):
            english = explain(day, violation)
    assert "1,200 千克" in chinese and "1,000 千克" in chinese and not LATIN_KG.search(chinese)
    assert "1,200 kg" in english and "1,000 kg" in english

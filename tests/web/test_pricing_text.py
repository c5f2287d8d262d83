"""The engine's texts reach Chinese pages only through the Babel catalogue, and the
catalogue's English stays the engine's English."""

from __future__ import annotations

import re

from flask_babel import force_locale

from lithloop.pricing.labels import EXPLANATIONS, LABELS
from lithloop.pricing.public import FORMULA
from lithloop.web import pricing_text
from tests.plain_language import untranslated

ENGINE = {**LABELS, **EXPLANATIONS, **{step.key: step.text for step in FORMULA}}
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_catalogue_message_is_the_engine_english():
    for key, message in pricing_text.TEXT.items():
        assert message._args[0] == ENGINE[key], key  # the msgid, as the engine words it


def test_every_engine_text_reads_in_chinese(app):
    with app.test_request_context("/"), force_locale("zh_CN"):
        from lithloop.i18n import current_language

        assert current_language() == "zh_CN"
        for key in ENGINE:
            assert key in pricing_text.TEXT, f"{key} has no catalogue message"
            shown = pricing_text.text_for(key, ENGINE[key])
            words = re.sub(r"\{\w+\}", "", shown)  # the placeholders filled in later
            assert CJK.search(words) and not untranslated(words), (key, shown)
        for name in ("LFP", "NCM811"):
            assert CJK.search(pricing_text.chemistry_name(name))
        assert pricing_text.price_name("new_pack.LFP") == "新电池包 LFP（元/kWh）"


def test_no_chinese_is_typed_into_the_web_layer():
    from pathlib import Path

    web = Path(pricing_text.__file__).parent
    typed = [p.name for p in web.rglob("*.py") if CJK.search(p.read_text("utf-8"))]
    assert typed == [], f"Chinese belongs in the catalogue (tools/zh/*.json): {typed}"

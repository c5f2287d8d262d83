"""A quote's words in the reader's language: the pricing engine names each line and its
explanation by a stable key and writes them in English; the API's answer reads as the
pages do (web/pricing_text.py), keys and amounts unchanged."""

from __future__ import annotations

from types import SimpleNamespace

import marshmallow as ma

from lithloop.web.pricing_text import explanation_text, text_for


def quote_in_reader_language(quote: dict) -> dict:
    """A quote as the engine's to_dict gives it, or a booking's frozen one (its `lots` each
    a quote), with every line's `text` and the explanation's `text` in the reader's
    language."""
    out = dict(quote)
    if isinstance(out.get("lines"), list):
        out["lines"] = [_line(line) for line in out["lines"]]
    explanation = out.get("explanation")
    if isinstance(explanation, dict) and "key" in explanation:
        shown = SimpleNamespace(
            key=explanation["key"],
            text=explanation.get("text", ""),
            params=explanation.get("params") or {},
        )
        out["explanation"] = {**explanation, "text": explanation_text(shown)}
    if isinstance(out.get("lithium_point"), dict):
        out["lithium_point"] = quote_in_reader_language(out["lithium_point"])
    if isinstance(out.get("lots"), list):
        out["lots"] = [
            quote_in_reader_language(lot) if isinstance(lot, dict) else lot for lot in out["lots"]
        ]
    return out


def _line(line):
    if not isinstance(line, dict) or "key" not in line:
        return line
    return {**line, "text": text_for(line["key"], line.get("text", ""))}


class QuoteField(ma.fields.Dict):
    """A stored quote (an object), dumped in the reader's language."""

    def _serialize(self, value, attr, obj, **kwargs):
        shown = quote_in_reader_language(value) if isinstance(value, dict) else value
        return super()._serialize(shown, attr, obj, **kwargs)

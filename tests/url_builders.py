"""One compiled URL builder and one parse per distinct rule for the whole test process.

Werkzeug compiles two URL-builder functions for every rule of every app (an AST turned into
code and executed). The suite makes a new app for each test (two with the twin), so that
compilation was about a third of a test's set-up. The function depends only on the rule's
text, its parsed trace and its defaults, and reaches the rule's converters through the rule
it is bound to at call time: one compiled function serves every app's equal rule, bound to
each rule as before. Parsing the rule's text into its parts (regular expressions and
weights) is memoised the same way: the parts depend on the text and the converter classes.
Tests only; an app in production compiles each rule once anyway.
"""

from __future__ import annotations

from werkzeug.routing.rules import Rule

_original = Rule._compile_builder
_builders: dict = {}


def _compile_builder(self: Rule, append_unknown: bool = True):
    """Rule._compile_builder, memoised on what the compiled function depends on."""
    defaults = tuple(sorted((k, repr(v)) for k, v in (self.defaults or {}).items()))
    key = (self.rule, tuple(self._trace), defaults, append_unknown)
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _original(self, append_unknown)
    return builder


_original_parse = Rule._parse_rule
_parsed: dict = {}


def _parse_rule(self: Rule, rule: str):
    """Rule._parse_rule, memoised on the rule's text and the map's converter classes.

    What a parse leaves on the rule (its trace, its converters and arguments) is recorded
    the first time and replayed after; the converters are made anew for each rule's map."""
    key = (rule, tuple((name, id(cls)) for name, cls in sorted(self.map.converters.items())))
    hit = _parsed.get(key)
    if hit is None:
        first_trace, calls = len(self._trace), []
        make = self.get_converter

        def recording(variable, name, args, kwargs):
            calls.append((variable, name, args, kwargs))
            return make(variable, name, args, kwargs)

        self.get_converter = recording
        try:
            parts = list(_original_parse(self, rule))
        finally:
            del self.get_converter
        hit = _parsed[key] = (parts, self._trace[first_trace:], calls)
        return parts
    parts, trace, calls = hit
    for variable, name, args, kwargs in calls:
        self._converters[variable] = self.get_converter(variable, name, args, kwargs)
        self.arguments.add(variable)
    self._trace.extend(trace)
    return list(parts)


def install() -> None:
    """Memoise the URL builders and rule parses of every app made in this process from now
    on."""
    Rule._compile_builder = _compile_builder
    Rule._parse_rule = _parse_rule

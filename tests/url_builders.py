"""One compiled URL builder per distinct rule for the whole test process.

Werkzeug compiles two URL-builder functions for every rule of every app (an AST turned into
code and executed). The suite makes a new app for each test (two with the twin), so that
compilation was about a third of a test's set-up. The function depends only on the rule's
text, its parsed trace and its defaults, and reaches the rule's converters through the rule
it is bound to at call time: one compiled function serves every app's equal rule, bound to
each rule as before. Tests only; an app in production compiles each rule once anyway.
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


def install() -> None:
    """Memoise the URL builders of every app made in this process from now on."""
    Rule._compile_builder = _compile_builder

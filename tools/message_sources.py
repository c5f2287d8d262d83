"""Where lithloop's translatable messages are and how Babel reads them: the one definition
that `tools/translations.py extract` and the tests (tests/source_messages.py) both use.

The Python files are read under every name they import flask_babel's functions as (`_l`,
`_nl`, ...), so an alias needs no list kept by hand. Templates are read by Jinja's own
extractor, which sees `_()`, `gettext()`, `ngettext()` and `{% trans %}` /
`{% pluralize %}` blocks, and is told to raise on a template it cannot parse (by default it
would skip the file silently, and its messages would look unused).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from babel.messages.extract import extract_from_dir

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "lithloop" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
#: flask_babel's translation functions, as Babel keyword specs: which arguments are the
#: message and its plural.
SPECS = {"gettext": None, "lazy_gettext": None, "ngettext": (1, 2), "lazy_ngettext": (1, 2)}
#: The names Jinja templates call (Flask-Babel installs them in the environment).
TEMPLATE_NAMES = {"_": None, "gettext": None, "ngettext": (1, 2)}
TEMPLATE_FILES = ("**.html", "**.txt", "**.js")  # templates/driver/sw.js is a template too


def python_keywords(root: Path = ROOT) -> dict:
    """Babel keywords for lithloop's Python: flask_babel's functions under every local name."""
    keywords = dict(SPECS)
    for path in sorted((root / "lithloop").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "flask_babel":
                for alias in node.names:
                    if alias.name in SPECS:
                        keywords[alias.asname or alias.name] = SPECS[alias.name]
    return keywords


def extract(root: Path = ROOT) -> Iterator[tuple]:
    """Every message of lithloop/ and templates/ as Babel's extract_from_dir yields it, with
    the file's path relative to `root`."""
    runs = [
        ("lithloop", [("**.py", "python")], python_keywords(root), {}),
        (
            "templates",
            [(pattern, "jinja2") for pattern in TEMPLATE_FILES],
            TEMPLATE_NAMES,
            {pattern: {"silent": "false"} for pattern in TEMPLATE_FILES},
        ),
    ]
    for folder, method_map, keywords, options in runs:
        for filename, line, message, comments, context in extract_from_dir(
            str(root / folder), method_map, options_map=options, keywords=keywords
        ):
            yield f"{folder}/{filename}", line, message, comments, context

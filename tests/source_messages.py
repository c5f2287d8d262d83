"""The messages the code asks to translate, as Babel extracts them from lithloop/ and templates/.

The Python files are read under every name they import flask_babel's functions as (`_l`,
`_nl`, ...), so an alias needs no list kept by hand. Templates are read by Jinja's own
extractor, which sees `_()`, `gettext()`, `ngettext()` and `{% trans %}` /
`{% pluralize %}` blocks, and is told to raise on a template it cannot parse (by default it
would skip the file silently, and its messages would look unused).
"""

from __future__ import annotations

import ast
import functools
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


def python_keywords() -> dict:
    """Babel keywords for lithloop's Python: flask_babel's functions under every local name."""
    keywords = dict(SPECS)
    for path in sorted((ROOT / "lithloop").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "flask_babel":
                for alias in node.names:
                    if alias.name in SPECS:
                        keywords[alias.asname or alias.name] = SPECS[alias.name]
    return keywords


@functools.cache
def source_messages() -> frozenset[str]:
    """The message ids (the singular of a plural) the Python code and the templates use."""
    found = set()
    runs = [
        (ROOT / "lithloop", [("**.py", "python")], python_keywords(), {}),
        (
            ROOT / "templates",
            [(pattern, "jinja2") for pattern in TEMPLATE_FILES],
            TEMPLATE_NAMES,
            {pattern: {"silent": "false"} for pattern in TEMPLATE_FILES},
        ),
    ]
    for folder, method_map, keywords, options in runs:
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(folder), method_map, options_map=options, keywords=keywords
        ):
            found.add(message if isinstance(message, str) else message[0])
    return frozenset(found)

"""What the no-5xx test sends hostile values to, discovered rather than listed by hand.

- Page forms: every page of the URL map is fetched as a role that may see it (the
  authorisation table says which) and its `<form>`s are read: action, method, and the names
  of their inputs, selects and textareas, with the values the page filled in.
- Query parameters: the names in links' query strings, in GET forms, and those the view's
  module reads (`request.args.get("...")`, `request.values...`).
- Form fields no page showed (a form only shown in some state): the names the view's module
  reads from `request.form`, the WTForms classes it uses, and the table's example body.
- API operations: the OpenAPI document's parameters and request body properties.
"""

from __future__ import annotations

import inspect
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from wtforms import Form

READS = re.compile(r"""request\.(args|values|form)\.get(?:list)?\(\s*f?["']([\w\-]+)["']""")
SUBSCRIPT = re.compile(r"""request\.(args|values|form)\[\s*["']([\w\-]+)["']\]""")
FORM_CLASS = re.compile(r"\b([A-Z]\w*Form)\(")
SKIPPED_FIELDS = {"csrf_token"}


@dataclass
class PageForm:
    """A form as a page shows it."""

    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)  # name -> the page's value


class FormParser(HTMLParser):
    """The forms of a page, and the query parameter names of its links."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[PageForm] = []
        self.link_params: dict[str, set[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            action = urljoin(self.page_url, a.get("action") or self.page_url)
            self.forms.append(PageForm(action, (a.get("method") or "get").upper()))
        elif tag == "a" and "?" in a.get("href", ""):
            url = urlsplit(urljoin(self.page_url, a["href"]))
            self.link_params.setdefault(url.path, set()).update(
                k for k, _ in parse_qsl(url.query, keep_blank_values=True)
            )
        elif not self.forms or not a.get("name") or a["name"] in SKIPPED_FIELDS:
            return
        elif tag in ("input", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                self.forms[-1].fields.setdefault(a["name"], "")
            else:
                self.forms[-1].fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
            self.forms[-1].fields.setdefault(a["name"], "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.forms[-1].fields[a["name"]] = ""

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1].fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _option(parser: FormParser, attrs) -> None:
    """A select's first option (or its selected one) is the value the page offers."""
    a = {k: (v or "") for k, v in attrs}
    if parser._select and parser.forms:
        fields = parser.forms[-1].fields
        if not fields.get(parser._select) or "selected" in a:
            fields[parser._select] = a.get("value", "")


class PageParser(FormParser):
    """FormParser that also reads select options."""

    def handle_starttag(self, tag, attrs):
        if tag == "option":
            _option(self, attrs)
        else:
            super().handle_starttag(tag, attrs)


def parse_page(page_url: str, html: str) -> PageParser:
    """The forms and link parameters of one page."""
    parser = PageParser(page_url)
    parser.feed(html)
    return parser


def module_reads(view) -> dict[str, set[str]]:
    """Names the view's module reads from the request: {'args'|'values'|'form': names}."""
    module = sys.modules.get(getattr(view, "__module__", ""), None)
    try:
        source = inspect.getsource(module) if module else ""
    except (OSError, TypeError):
        return {}
    out: dict[str, set[str]] = {}
    for kind, name in READS.findall(source) + SUBSCRIPT.findall(source):
        out.setdefault(kind, set()).add(name)
    for class_name in FORM_CLASS.findall(inspect.getsource(view)):
        form_class = getattr(module, class_name, None)
        if isinstance(form_class, type) and issubclass(form_class, Form):
            out.setdefault("form", set()).update(n for n, _ in _declared_fields(form_class))
    return out


def _declared_fields(form_class) -> list[tuple[str, object]]:
    """(name, unbound field) of a WTForms class without instantiating it."""
    from wtforms.fields.core import UnboundField

    return [
        (n, v)
        for klass in form_class.__mro__
        for n, v in vars(klass).items()
        if isinstance(v, UnboundField) and n not in SKIPPED_FIELDS
    ]


def resolve_ref(spec: dict, schema: dict) -> dict:
    """A schema with its $ref followed (components/schemas)."""
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def api_inputs(spec: dict, path: str, method: str) -> tuple[list[str], list[str]]:
    """(query parameter names, request body property names) of one API operation."""
    operation = spec["paths"].get(path, {}).get(method.lower(), {})
    query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    schema = resolve_ref(spec, body.get("schema", {}))
    return query, list(schema.get("properties", {}))

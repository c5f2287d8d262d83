"""The `<article>` of a rendered document page as a PDF (reportlab, STSong-Light for Chinese)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

from flask import Response, make_response, request
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
_BLOCKS = {"h1", "h2", "h3", "p", "li", "dt", "dd", "th", "td", "div"}
_SKIP = {"script", "style", "noscript", "form", "button"}


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


@dataclass
class _Block:
    """One piece of the document: a heading, a paragraph, a fact list or a table."""

    kind: str
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)


class _Reader(HTMLParser):
    """Collects the blocks of the first <article> (or of <main> when there is none)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Block] = []
        self.depth = 0  # inside the article
        self.skip = 0  # inside a left-out element (its depth)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.row: list[str] | None = None
        self.table: _Block | None = None
        self.facts: _Block | None = None
        self.pending_dt: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("article", "main") and not self.depth:
            self.depth = 1
            self.stack.append(tag)
            return
        if not self.depth:
            return
        if tag in ("br", "hr", "img", "input", "meta", "link"):
            if tag == "br":
                self.text.append("\n")
            return
        self.stack.append(tag)
        classes = (attrs.get("class") or "").split()
        if self.skip or tag in _SKIP or "no-print" in classes or attrs.get("hidden") is not None:
            self.skip = self.skip or len(self.stack)
            return
        if tag in _BLOCKS:
            self._flush()
        if tag == "table":
            self.table = _Block("table")
        elif tag == "tr":
            self.row = []
        elif tag == "dl":
            self.facts = _Block("facts")

    def handle_endtag(self, tag):
        if not self.depth or not self.stack or tag not in self.stack:
            return
        while self.stack:
            open_tag = self.stack.pop()
            self._close(open_tag, len(self.stack) + 1)
            if open_tag == tag:
                break

    def _close(self, tag, level):
        if self.skip:
            if level <= self.skip:
                self.skip = 0
                self.text = []
            return
        if tag in ("article", "main") and not self.stack:
            self._flush()
            self.depth = 0
            return
        if tag in ("th", "td") and self.row is not None:
            self.row.append(self._take())
        elif tag == "tr" and self.row is not None and self.table is not None:
            if any(self.row):
                self.table.rows.append(self.row)
            self.row = None
        elif tag == "table" and self.table is not None:
            if self.table.rows:
                self.blocks.append(self.table)
            self.table = None
        elif tag == "dt":
            self.pending_dt = self._take()
        elif tag == "dd" and self.facts is not None:
            self.facts.rows.append([self.pending_dt or "", self._take()])
            self.pending_dt = None
        elif tag == "dl" and self.facts is not None:
            if self.facts.rows:
                self.blocks.append(self.facts)
            self.facts = None
        elif tag in _BLOCKS:
            self._flush(tag if tag in ("h1", "h2", "h3") else "p")

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.text.append(data)

    def _take(self) -> str:
        raw = "".join(self.text)
        self.text = []
        lines = (re.sub(r"\s+", " ", line).strip() for line in raw.split("\n"))
        return "\n".join(line for line in lines if line)

    def _flush(self, kind: str = "p"):
        if self.row is not None or self.pending_dt is not None:
            return  # inside a cell or a fact: the text belongs to it
        text = self._take()
        if text:
            self.blocks.append(_Block(kind, text))


def _paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def article_to_pdf(html: str, title: str) -> bytes:
    """The document of a rendered page as PDF bytes (A4, Chinese and Latin text)."""
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK")
    heads = {
        "h1": ParagraphStyle("h1", parent=body, fontSize=16, leading=21, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=body, fontSize=12.5, leading=17, spaceBefore=8),
        "h3": ParagraphStyle("h3", parent=body, fontSize=11, leading=15, spaceBefore=4),
    }
    reader = _Reader()
    reader.feed(html)
    reader.close()
    story = []
    width = A4[0] - 36 * mm
    for block in reader.blocks:
        if block.kind in heads:
            story.append(_paragraph(block.text, heads[block.kind]))
        elif block.kind == "p":
            story.append(_paragraph(block.text, body))
            story.append(Spacer(1, 2))
        else:
            columns = max(len(r) for r in block.rows)
            rows = [
                [_paragraph(c, body) for c in r + [""] * (columns - len(r))] for r in block.rows
            ]
            widths = [width * 0.3, width * 0.7] if block.kind == "facts" else None
            table = Table(rows, colWidths=widths, repeatRows=1 if block.kind == "table" else 0)
            style = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), font)]
            if block.kind == "table":
                style += [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ]
            table.setStyle(TableStyle(style))
            story += [table, Spacer(1, 6)]
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title,
        author="lithloop",
    )
    document.build(story or [_paragraph(title, body)])
    return out.getvalue()


def wants_pdf() -> bool:
    """True when the document is asked for as PDF (`?format=pdf`)."""
    return request.args.get("format") == "pdf"


def pdf_response(html: str, title: str, filename: str) -> Response:
    """A PDF download of the page's document."""
    response = make_response(article_to_pdf(html, title))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response

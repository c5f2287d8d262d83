"""The text of a PDF (pypdf), for tests that check what a printed document says."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    """All pages' text, pages joined by newlines (fails unless the bytes are a PDF)."""
    assert data.startswith(b"%PDF-"), data[:40]
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)

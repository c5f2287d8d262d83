"""PDF copies of the printed documents (certificate, statement, invoice, manifest, DG document).

Each document's HTML page is the one source: `article_to_pdf` reads its `<article>` (headings,
paragraphs, fact lists, tables, list items; `.no-print` parts left out) and lays the same text
out with reportlab, in its built-in CID font STSong-Light so that Chinese needs no font file.
"""

from lithloop.pdf.html_to_pdf import article_to_pdf, pdf_response, wants_pdf

__all__ = ["article_to_pdf", "pdf_response", "wants_pdf"]

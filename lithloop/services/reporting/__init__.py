"""Reporting: the park's and partners' figures, CSV export.

__all__ lists the modules the web layer and other domains may import; the others are
this domain's own. Within a public module, names without a leading underscore are public.
"""

__all__ = [
    "csv_export",
    "dashboard",
    "rollups",
    "errors",
]

"""Dispatch: optimisation runs, plans, publishing, plan edits, drivers' work, documents.

__all__ lists the modules the web layer and other domains may import; the others are
this domain's own. Within a public module, names without a leading underscore are public.
"""

__all__ = [
    "driver_work",
    "plan_edit",
    "planning",
    "problem",
    "publishing",
    "transport_docs",
    "errors",
]

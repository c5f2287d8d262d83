"""The dispatcher's workspace: one blueprint (`dispatch`, under /dispatch), its views in one
module per concern: runs, plans and their edits, publishing, live operations, the roster, the
park's trucks."""

from lithloop.web.dispatch import (  # noqa: F401 (views)
    live,
    plans,
    publish,
    roster_views,
    runs,
    trucks,
)
from lithloop.web.dispatch.blueprint import bp

__all__ = ["bp"]

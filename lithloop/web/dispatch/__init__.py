"""The dispatcher's workspace: one blueprint (`dispatch`, under /dispatch), its views in one
module per concern: runs, plans and their edits, publishing, live operations, the roster."""

from lithloop.web.dispatch import live, plans, publish, roster_views, runs  # noqa: F401 (views)
from lithloop.web.dispatch.blueprint import bp

__all__ = ["bp"]

"""Dispatch: optimisation runs, plans, publishing, plan edits, drivers' work, documents.

__all__ lists the modules the web layer and other domains may import; the others are
this domain's own. Within a public module, names without a leading underscore are public.
"""

__all__ = [
    "day_work",
    "delivery_back",
    "driver_stops",
    "driver_sync",
    "driver_work",
    "held_from_planning",
    "left_at_publishing",
    "left_deliveries",
    "left_out",
    "live_ops",
    "pickup_checks",
    "places",
    "plan_solution",
    "plan_edit",
    "plan_store",
    "planning",
    "problem",
    "publish_preview",
    "publishing",
    "roster",
    "run_control",
    "run_report",
    "runs",
    "transport_docs",
    "truck_form",
    "trucks",
    "under_way",
    "errors",
]

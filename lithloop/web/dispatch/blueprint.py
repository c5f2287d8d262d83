"""The dispatch blueprint and what its views share: who may look, who may act, the day."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, request

from lithloop.models import Role
from lithloop.services.accounts import policies
from lithloop.services.dispatch.planning import next_day_to_plan
from lithloop.services.strict_input import date_or_none

bp = Blueprint("dispatch", __name__, url_prefix="/dispatch")
STAFF = policies.REGION_STAFF  # may look
PLANNERS = (Role.DISPATCHER, Role.ADMIN)  # may act


def day_asked() -> date:
    """The day in the request (`date`), else the next day to plan (not a closed day)."""
    return date_or_none(request.values.get("date")) or next_day_to_plan()

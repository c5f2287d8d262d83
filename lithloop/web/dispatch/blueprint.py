"""The dispatch blueprint and what its views share: who may look, who may act, the day."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, request

from lithloop import clock
from lithloop.models import Role
from lithloop.services.accounts import policies
from lithloop.services.strict_input import date_or_none

bp = Blueprint("dispatch", __name__, url_prefix="/dispatch")
STAFF = policies.REGION_STAFF  # may look
PLANNERS = (Role.DISPATCHER, Role.ADMIN)  # may act


def day_asked() -> date:
    """The day in the request (`date`), else tomorrow."""
    return date_or_none(request.values.get("date")) or clock.today() + timedelta(days=1)

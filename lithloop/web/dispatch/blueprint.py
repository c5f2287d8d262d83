"""The dispatch blueprint and what its views share: who may look, who may act, the day."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, request
from flask_babel import lazy_gettext as _l

from lithloop.models import Role
from lithloop.services.accounts import policies
from lithloop.services.dispatch.day_work import next_day_to_plan
from lithloop.services.strict_input import FIRST_DATE, LAST_DATE, date_or_none, no_such_day

bp = Blueprint("dispatch", __name__, url_prefix="/dispatch")
STAFF = policies.REGION_STAFF  # may look
PLANNERS = (Role.DISPATCHER, Role.ADMIN)  # may act
#: A driver chosen that is no driver (a changed form): never the database's integer limit.
NO_SUCH_DRIVER = _l("No such driver.")


def day_asked() -> date:
    """The day in the request (`date`), else the next day to plan (not a closed day)."""
    return date_or_none(request.values.get("date")) or next_day_to_plan()


def unread_day():
    """What to say beside the day picker when the request's `date` is not a day (the page
    shows the next day to plan instead), else None."""
    raw = (request.values.get("date") or "").strip()
    if not raw or date_or_none(raw) is not None:
        return None
    missing = no_such_day(raw)
    if missing is not None:  # 2026-02-30: the right shape, a day the calendar lacks
        return _l("%(why)s The next day to plan is shown.", why=missing)
    return _l(
        '"%(typed)s" is not a day: enter a date as YYYY-MM-DD, from %(a)s to %(b)s. The next '
        "day to plan is shown.",
        typed=raw[:40],
        a=FIRST_DATE.isoformat(),
        b=LAST_DATE.isoformat(),
    )

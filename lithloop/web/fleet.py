"""Bus fleet pages: the pack register (CSV import), retirement forecast, proposed bookings."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("fleet", __name__, url_prefix="/fleet")

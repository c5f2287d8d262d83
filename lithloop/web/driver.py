"""The driver's phone view: today's route in order, arrivals, pickups and exceptions."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("driver", __name__, url_prefix="/driver")

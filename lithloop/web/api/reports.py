"""Park reports: /api/v1/traceability/due (admins and the government partner, as the
traceability page) and /api/v1/dashboard/summary (as the dashboard)."""

from __future__ import annotations

import marshmallow as ma
from flask import request
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint

from lithloop.models import Role
from lithloop.services.accounts import policies
from lithloop.services.packs import holiday_calendar, traceability
from lithloop.services.reporting import dashboard
from lithloop.services.strict_input import int_or_default
from lithloop.web.api.common import DecimalString, WholeNumber, errors
from lithloop.web.api.security import api_user, token_required
from lithloop.web.query_args import MAX_PAGE

blp = Blueprint(
    "api_reports",
    __name__,
    url_prefix="/api/v1",
    description="Traceability deadlines and the dashboard's figures "
    "(admins and the government partner, read-only)",
)


class HandoverOut(ma.Schema):
    id = WholeNumber()
    pack_code = ma.fields.Function(lambda e: e.pack.code)
    kind = ma.fields.String()
    at = ma.fields.DateTime(metadata={"description": "When it happened (UTC)"})
    report_due = ma.fields.Date(metadata={"description": "Upload deadline (Beijing date)"})
    report_due_provisional = ma.fields.Function(
        holiday_calendar.event_provisional,
        metadata={
            "type": "boolean",
            "description": "True when the deadline was counted without "
            "the official holiday calendar of a year it crosses (Monday to Friday only)",
        },
    )
    organisation = ma.fields.Function(
        lambda e: e.organisation.name if e.organisation else None,
        metadata={"type": "string", "description": "The organisation that recorded it"},
    )


class DueOut(ma.Schema):
    today = ma.fields.Date()
    due_soon_until = ma.fields.Date(attribute="soon_until")
    overdue = ma.fields.List(ma.fields.Nested(HandoverOut))
    due_soon = ma.fields.List(ma.fields.Nested(HandoverOut))
    later = ma.fields.List(ma.fields.Nested(HandoverOut))
    counts = ma.fields.Dict(
        keys=ma.fields.String(),
        values=WholeNumber(),
        metadata={"description": "How many handovers each group holds in all"},
    )
    page = WholeNumber(metadata={"description": "The page of each group shown"})
    per_page = WholeNumber()


class SummaryOut(ma.Schema):
    year = WholeNumber(metadata={"description": "Calendar year, Beijing time"})
    received_t = DecimalString(metadata={"description": "Measured intake"})
    processed_t = DecimalString(
        metadata={"description": "Packs dismantled or used in second-life packs"}
    )
    capacity_t = WholeNumber(metadata={"description": "Park intake capacity per year"})
    second_life_packs = WholeNumber(metadata={"description": "Refurbished packs built"})
    capacity_packs = WholeNumber(metadata={"description": "Second-life packs per year"})


def _require(roles: frozenset[Role]) -> None:
    policies.require(api_user(), roles, _l("Your role may not read this report."))


@blp.route("/traceability/due", methods=["GET"])
@blp.doc(security=[{"bearer": []}])
@blp.response(200, DueOut)
@errors(blp, 401, 403, s403="Neither an admin nor a government partner")
@token_required
def traceability_due():
    """Handovers not yet uploaded to the national platform: overdue, due soon, later."""
    _require(policies.TRACE_READERS)
    page = int_or_default(request.args.get("page"), 1, minimum=1, maximum=MAX_PAGE)
    per_page = int_or_default(request.args.get("per_page"), 100, minimum=1, maximum=500)
    return traceability.due_groups(page=page, per_page=per_page)


@blp.route("/dashboard/summary", methods=["GET"])
@blp.doc(security=[{"bearer": []}])
@blp.response(200, SummaryOut)
@errors(blp, 401, 403, s403="Neither an admin nor a government partner")
@token_required
def dashboard_summary():
    """This year's tonnes received and processed and second-life packs, with capacities."""
    _require(policies.FIGURE_VIEWERS)
    return dashboard.summary()

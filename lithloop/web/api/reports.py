"""Park reports: /api/v1/traceability/due and /api/v1/traceability/archive (admins and the
government partner, as the traceability page) and /api/v1/dashboard/summary (as the
dashboard)."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint

from lithloop.models import Role
from lithloop.services.accounts import policies
from lithloop.services.errors import Invalid
from lithloop.services.packs import handover_export, holiday_calendar, traceability
from lithloop.services.reporting import dashboard
from lithloop.web.api.common import ID_RANGE, DecimalString, WholeNumber, errors, page_args
from lithloop.web.api.security import api_user, token_required
from lithloop.web.trace import csv_download

PARTY_FILTER = {
    "description": "Only the handovers this organisation is a party to: it recorded it, "
    "handed the pack over or bought it (as the traceability page's filter)"
}
#: `page` and `per_page` (of each group), and the organisation whose handovers to keep.
DUE_ARGS = page_args(
    100,
    500,
    size_name="per_page",
    organisation_id=WholeNumber(validate=ID_RANGE, metadata=PARTY_FILTER),
)


class ArchiveArgs(ma.Schema):
    year = WholeNumber(
        required=True,
        validate=ma.validate.Range(min=1, max=9999),
        metadata={
            "description": "Calendar year, Beijing time: one the archive serves "
            "(`archive` of /traceability/due), else a 422 naming the years it serves"
        },
    )
    organisation_id = WholeNumber(validate=ID_RANGE, metadata=PARTY_FILTER)


blp = Blueprint(
    "api_reports",
    __name__,
    url_prefix="/api/v1",
    description="Traceability deadlines, the yearly handover archive and the dashboard's "
    "figures "
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
    counterparty = ma.fields.Function(
        handover_export.event_counterparty,
        metadata={
            "type": "string",
            "description": "The other party, as in the upload file: who handed the pack "
            'over (a receipt) or bought it (a sale); "" when none is known',
        },
    )


class ArchiveYearOut(ma.Schema):
    year = WholeNumber(metadata={"description": "Calendar year, Beijing time"})
    handovers = WholeNumber(metadata={"description": "Handovers of that year, reported or not"})


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
    organisation_id = WholeNumber(
        allow_none=True, metadata={"description": "The organisation filtered by (null: all)"}
    )
    archive = ma.fields.List(
        ma.fields.Nested(ArchiveYearOut),
        metadata={
            "description": "Each year the archive serves, newest first, with its handovers "
            "(of the organisation filtered by): the traceability page's yearly files"
        },
    )


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
@blp.arguments(DUE_ARGS, location="query")
@blp.response(200, DueOut)
@errors(blp, 401, 403, s403="Neither an admin nor a government partner")
@token_required
def traceability_due(args):
    """Handovers not yet uploaded to the national platform: overdue, due soon, later (each
    paged by `page` and `per_page`, 100 by default, at most 500), optionally of one
    organisation; and the yearly archive's counts. An unknown `organisation_id` is a 422."""
    _require(policies.TRACE_READERS)
    organisation = _filter(args.get("organisation_id"))
    groups = traceability.due_groups(
        page=args["page"], per_page=args["page_size"], organisation_id=organisation
    )
    archive = handover_export.archive_counts(organisation)
    return vars(groups) | {"archive": [{"year": y, "handovers": n} for y, n in archive]}


def _filter(organisation: int | None) -> int | None:
    if organisation is not None and not traceability.organisation_exists(organisation):
        raise Invalid(_l("No organisation has that number."), field="organisation_id")
    return organisation


@blp.route("/traceability/archive", methods=["GET"])
@blp.doc(security=[{"bearer": []}])
@blp.arguments(ArchiveArgs, location="query")
@blp.response(
    200,
    {"type": "string", "description": "The upload file's columns, a header row first"},
    content_type="text/csv",
    description="Every handover of the year, reported or not, oldest first, as the "
    "traceability page's yearly file (handovers-YEAR.csv)",
)
@errors(blp, 401, 403, s403="Neither an admin nor a government partner")
@token_required
def traceability_archive(args):
    """A year's handovers as CSV, reported or not (those `organisation_id` is a party to, if
    given): the traceability page's yearly file. A year the archive does not serve, or an
    unknown `organisation_id`, is a 422 naming the field."""
    _require(policies.TRACE_READERS)
    year = handover_export.check_archive_year(args["year"])
    organisation = _filter(args.get("organisation_id"))
    query = handover_export.handovers_of_year(year, organisation)
    return csv_download(query, f"handovers-{year}.csv")


@blp.route("/dashboard/summary", methods=["GET"])
@blp.doc(security=[{"bearer": []}])
@blp.response(200, SummaryOut)
@errors(blp, 401, 403, s403="Neither an admin nor a government partner")
@token_required
def dashboard_summary():
    """This year's tonnes received and processed and second-life packs, with capacities."""
    _require(policies.FIGURE_VIEWERS)
    return dashboard.summary()

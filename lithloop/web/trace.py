"""The admin's traceability page: handovers overdue, due soon and later; mark; CSV."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from lithloop import clock
from lithloop.models import Role
from lithloop.services.errors import ServiceError
from lithloop.services.packs import handover_export, traceability
from lithloop.services.strict_input import int_or_default
from lithloop.web.access import roles_required
from lithloop.web.converters import MAX_ID
from lithloop.web.query_args import page_arg

bp = Blueprint("trace", __name__, url_prefix="/trace")


def _organisation() -> int | None:
    return int_or_default(request.args.get("org"), 0, minimum=1, maximum=MAX_ID) or None


def _page(error: str | None = None, status: int = 200):
    organisation = _organisation()
    groups = traceability.due_groups(page=page_arg(), organisation_id=organisation)
    return render_template(
        "trace/index.html",
        groups=groups,
        organisations=traceability.organisations_owing(),
        organisation=organisation,
        years=range(clock.today().year, clock.today().year - 10, -1),
        error=error,
    ), status


@bp.get("/")
@roles_required(Role.ADMIN)
def index():
    """Unreported handovers in three groups, with checkboxes to mark them reported."""
    return _page()


@bp.post("/reported")
@roles_required(Role.ADMIN)
def mark():
    """Mark the ticked handovers as uploaded to the national platform."""
    raw = request.form.getlist("event")
    ids = [int_or_default(v, 0, minimum=1, maximum=MAX_ID) for v in raw]
    if not all(ids):
        return _page(_("Choose handovers from the list."), 422)
    try:
        events = traceability.mark_reported(current_user, ids)
    except ServiceError as exc:
        if exc.status == 404:
            raise
        return _page(str(exc.message), exc.status)
    flash(_("%(n)d handovers marked as reported.", n=len(events)), "success")
    return redirect(url_for("trace.index"))


def _streamed(query):
    """The CSV's chunks, read in an application context of their own: nothing of the
    request (its user, its session) outlives it while the body is sent."""
    app = current_app._get_current_object()

    def chunks():
        with app.app_context():
            yield from handover_export.csv_chunks(query)

    return chunks()


@bp.get("/handovers.csv")
@roles_required(Role.ADMIN)
def export():
    """The unreported handovers as CSV for the national platform's upload, streamed; with
    `year`, every handover of that year (reported or not), for the government partner."""
    this_year = clock.today().year
    year = int_or_default(request.args.get("year"), 0, minimum=2000, maximum=this_year)
    organisation = _organisation()
    if year:
        query, name = handover_export.handovers_of_year(year, organisation), f"handovers-{year}.csv"
    else:
        query, name = handover_export.unreported_query(organisation), "handovers.csv"
    return Response(
        _streamed(query),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )

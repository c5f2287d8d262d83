"""The admin's traceability page: handovers overdue, due soon and later; mark; CSV."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lithloop.models import Role
from lithloop.services.errors import ServiceError
from lithloop.services.packs import traceability
from lithloop.services.strict_input import int_or_default
from lithloop.web.access import roles_required
from lithloop.web.converters import MAX_ID

bp = Blueprint("trace", __name__, url_prefix="/trace")


def _page(error: str | None = None, status: int = 200):
    return render_template(
        "trace/index.html", groups=traceability.due_groups(), error=error
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


@bp.get("/handovers.csv")
@roles_required(Role.ADMIN)
def export():
    """The unreported handovers as CSV for the national platform's upload."""
    body = traceability.csv_export(traceability.pending())
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="handovers.csv"'},
    )

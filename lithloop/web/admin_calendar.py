"""Admin page: the holiday calendar by year, with its source, and next year's upload."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lithloop import clock
from lithloop.models import Role
from lithloop.services.errors import ServiceError
from lithloop.services.packs import holiday_calendar
from lithloop.web.access import roles_required

bp = Blueprint("admin_calendar", __name__, url_prefix="/admin/calendar")


def init_templates(app) -> None:
    """Templates ask `deadline_provisional(event)` beside every deadline they show."""
    app.jinja_env.globals["deadline_provisional"] = holiday_calendar.event_provisional


def _page(errors: dict | None = None, status: int = 200):
    missing = holiday_calendar.missing_year()
    default_year = missing or clock.today().year + 1
    return render_template(
        "admin/calendar.html",
        years=holiday_calendar.years(),
        missing=missing,
        default_year=default_year,
        errors=errors or {},
        form=request.form,
    ), status


@bp.get("/")
@roles_required(Role.ADMIN)
def index():
    """The stored years with their sources, and the upload form for the next one."""
    return _page()


@bp.post("/")
@roles_required(Role.ADMIN)
def upload():
    """Store one year's schedule (JSON as cn_holidays.json, or CSV date,kind); nothing on error."""
    upload_file = request.files.get("file")
    data = upload_file.read(holiday_calendar.MAX_UPLOAD + 1) if upload_file else b""
    try:
        row = holiday_calendar.upload(
            current_user,
            request.form.get("year", ""),
            data,
            upload_file.filename if upload_file else "",
            request.form.get("source", ""),
        )
    except ServiceError as exc:
        return _page({exc.field or "file": str(exc.message)}, exc.status)
    flash(
        _("The %(year)s calendar is stored; open deadlines were counted again.", year=row.year),
        "success",
    )
    return redirect(url_for("admin_calendar.index"))

"""Bus fleet pages: the pack register (CSV import), retirement forecast, proposed bookings.
The import's words are fleet_text.py."""

from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from lithloop import clock
from lithloop.batteries.fleet_csv import MAX_BYTES
from lithloop.batteries.item_masses import MASS_PER_ITEM
from lithloop.extensions import db
from lithloop.models import Role
from lithloop.services.booking import bus_fleet, capacity, fleet_proposals
from lithloop.services.booking.sites import visible_sites
from lithloop.services.errors import ServiceError
from lithloop.services.strict_input import grouped, int_or_default
from lithloop.web import uploads
from lithloop.web.access import roles_required
from lithloop.web.converters import MAX_ID
from lithloop.web.fleet_settings import forecast_settings
from lithloop.web.fleet_text import COLUMN_LABELS, issue_text
from lithloop.web.query_args import page_arg

bp = Blueprint("fleet", __name__, url_prefix="/fleet")
PAGE_SIZE = 50
PREVIEW_ROWS = 200
#: errors and warnings listed each (20,000 bad rows made a 25 MB page): the first ones, counted
PREVIEW_ISSUES = 200
UPLOAD_DIR = "fleet_uploads"
UPLOAD_MAX_AGE_S = 24 * 3600
CLAIMED, DONE = ".importing", ".imported"  # a stored file being imported, and imported
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_fleet.csv"


class CsrfForm(FlaskForm):
    """A form with only its CSRF token."""


@bp.app_template_global("fleet_issue")
def _issue_global(issue) -> str:
    return issue_text(issue)


@bp.app_template_global("fleet_column")
def _column_global(column: str | None) -> str:
    return str(COLUMN_LABELS.get(column, column or "—"))


def _uploads() -> Path:
    """instance/fleet_uploads (created when a file is stored): never under static/."""
    return Path(current_app.config["INSTANCE_PATH"]) / UPLOAD_DIR


def _upload_path(token: str) -> Path | None:
    if not _TOKEN.match(token or ""):
        return None
    return _uploads() / f"{current_user.id}-{token}.csv"


def _keep(data: bytes) -> str:
    """Store the uploaded file under instance/ with a random name; drop stale ones.

    UploadNotStored (507) when it cannot be written whole; nothing is left behind then."""
    folder = _uploads()
    stale = ("*.csv", ".*.part", f"*{CLAIMED}", f"*{DONE}")
    for old in [found for pattern in stale for found in folder.glob(pattern)]:
        if time.time() - old.stat().st_mtime > UPLOAD_MAX_AGE_S:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    uploads.store(folder, f"{current_user.id}-{token}.csv", data)
    return token


def _register(form: CsrfForm, status: int = 200, error: str | None = None):
    page = page_arg()
    pagination = db.paginate(
        bus_fleet.packs(current_user), page=page, per_page=PAGE_SIZE, error_out=False
    )
    codes = [p.pack_code for p in pagination.items if p.pack_code]
    return render_template(
        "fleet/packs.html",
        pagination=pagination,
        received=bus_fleet.received_codes(current_user, codes),
        form=form,
        error=error,
        max_mb=MAX_BYTES // (1024 * 1024),
        masses={form: f"{grouped(lo)}–{grouped(hi)}" for form, (lo, hi) in MASS_PER_ITEM.items()},
    ), status


def _preview(form: CsrfForm, result, token: str | None, error: str | None = None):
    status = 200 if result.ok and not error else 422
    return render_template(
        "fleet/preview.html",
        result=result,
        token=token,
        form=form,
        error=error,
        preview_rows=result.rows[:PREVIEW_ROWS],
        preview_issues=PREVIEW_ISSUES,
    ), status


@bp.route("/packs", methods=["GET", "POST"])
@roles_required(Role.FLEET_MANAGER)
def packs():
    """The pack register with the upload form; a posted CSV is previewed, nothing saved."""
    form = CsrfForm()
    if request.method == "GET":
        return _register(form)
    if not form.validate_on_submit():
        return _register(form, 400, _("The form has expired. Reload the page and retry."))
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _register(form, 422, _("Choose a CSV file to upload."))
    # whole: the refusal of a file over 5 MB says its real size (a read stopped at the limit
    # told every such file it was 5,242,881 bytes); the request itself is bounded by
    # MAX_CONTENT_LENGTH, and the form parser has already received every byte
    data = upload.stream.read()
    result = bus_fleet.preview_import(current_user, data)
    try:
        token = _keep(data) if result.ok else None
    except uploads.UploadNotStored as exc:
        return _register(form, exc.status, str(exc.message))
    return _preview(form, result, token)


@bp.post("/packs/confirm")
@roles_required(Role.FLEET_MANAGER)
def confirm():
    """Import the previewed file: every row or none, and once.

    The stored file is claimed first by renaming it (atomic): of two presses of "import"
    (a double click, two tabs) only one imports; the other is told the file is being or
    was imported. A failed import releases the claim so the file can be imported again."""
    form = CsrfForm()
    token = request.form.get("token", "")
    path = _upload_path(token)
    if not form.validate_on_submit() or path is None:
        flash(_("The uploaded file has expired. Upload it again."), "error")
        return redirect(url_for("fleet.packs"))
    claimed, done = path.with_suffix(CLAIMED), path.with_suffix(DONE)
    try:
        os.rename(path, claimed)
    except FileNotFoundError:
        if done.exists():
            return _register(form, 409, _("This file was already imported: its packs are below."))
        if claimed.exists():
            return _register(
                form,
                409,
                _("This file is being imported now. Reload this page in a moment to see it."),
            )
        flash(_("The uploaded file has expired. Upload it again."), "error")
        return redirect(url_for("fleet.packs"))
    try:
        data = claimed.read_bytes()
        count = bus_fleet.import_packs(current_user, data)
    except bus_fleet.ImportRefused as exc:
        claimed.unlink(missing_ok=True)
        return _preview(form, exc.result, None, str(exc.message))
    except ServiceError as exc:
        os.rename(claimed, path)  # released: the file can be imported again
        result = bus_fleet.preview_import(current_user, data)
        return _preview(form, result, token, str(exc.message))
    except BaseException:
        os.rename(claimed, path)
        raise
    os.replace(claimed, done)  # remembered (emptied) so a late second press is told
    done.write_bytes(b"")
    flash(
        ngettext("%(n)s pack imported.", "%(n)s packs imported.", count, n=grouped(count)),
        "success",
    )
    return redirect(url_for("fleet.packs"))


@bp.get("/sample.csv")
@roles_required(Role.FLEET_MANAGER)
def sample():
    """The sample fleet file shipped with lithloop (40 buses)."""
    return send_file(
        SAMPLE, mimetype="text/csv", as_attachment=True, download_name="sample_fleet.csv"
    )


def _windows(site) -> list[str]:
    """Half-hour times from the depot's opening to its closing."""
    start = site.opens_at.hour * 60 + site.opens_at.minute
    end = site.closes_at.hour * 60 + site.closes_at.minute
    first = -(-start // 30) * 30
    return [f"{m // 60:02d}:{m % 60:02d}" for m in range(first, end + 1, 30)]


def _forecast_page(errors: dict | None = None, status: int = 200):
    today = clock.today()
    threshold, months_ahead, setting_errors = forecast_settings()
    site_id = int_or_default(request.values.get("site_id"), None, minimum=1, maximum=MAX_ID)
    months = bus_fleet.forecast(current_user, today, threshold=threshold)
    proposals = fleet_proposals.proposals(
        current_user, today, months=months_ahead, site_id=site_id, threshold=threshold
    )
    if setting_errors:  # nothing worked out from defaults unseen: only what to correct
        months, proposals, status = [], [], 422 if status == 200 else status
    days = {p.id: fleet_proposals.open_days(p.mass_kg, today) for p in proposals}
    # days of a year the holiday calendar lacks: marked as on the booking form
    provisional = {d for offered in days.values() for d in offered if capacity.is_provisional(d)}
    chart = {
        "labels": [m.month.strftime("%Y-%m") for m in months],
        "packs": [m.packs for m in months],
        "kwh": [float(m.kwh) for m in months],
    }
    depots = list(db.session.scalars(visible_sites(current_user)))
    site = fleet_proposals.depot(current_user, site_id)
    return render_template(
        "fleet/forecast.html",
        imported=bus_fleet.has_packs(current_user),  # none: nothing to forecast, import first
        months=months,
        chart=chart,
        proposals=proposals,
        days=days,
        provisional=provisional,
        windows={p.id: _windows(p.site) for p in proposals},
        threshold=threshold,
        months_ahead=months_ahead,
        depots=depots,
        site=site,
        out_of_reach=fleet_proposals.out_of_reach(site),
        left_at_park=fleet_proposals.proposable_packs(current_user)[1],
        form=CsrfForm(),
        errors=errors or {},
        # a refusal of a proposal no longer offered (its packs changed since the page was
        # shown) has no form to stand beside: said above the page instead
        page_errors=[m for k, m in (errors or {}).items() if k not in days],
        setting_errors=setting_errors,
        values=request.form,
        today=today,
    ), status


@bp.get("/forecast")
@roles_required(Role.FLEET_MANAGER)
def forecast():
    """Packs coming due per month (chart and table) and the proposed pickups."""
    return _forecast_page()


@bp.post("/forecast/accept")
@roles_required(Role.FLEET_MANAGER)
def accept():
    """Book a proposed pickup on the chosen day and window; the packs are linked to it."""
    form = CsrfForm()
    proposal = request.form.get("proposal_id", "")
    if not form.validate_on_submit():
        return _forecast_page(
            {proposal: _("The form has expired. Reload the page and retry.")}, 400
        )
    # each pack once: a changed form's "37,37" booked one pack and said "for 2 packs"
    pack_ids = list(dict.fromkeys(p.strip() for p in request.form.get("pack_ids", "").split(",")))
    pack_ids = [p for p in pack_ids if p]
    try:
        booking, created = fleet_proposals.accept_proposal(
            current_user,
            int_or_default(request.form.get("site_id"), None, minimum=1, maximum=MAX_ID),
            pack_ids,
            request.form.get("date", ""),
            (request.form.get("window_start", ""), request.form.get("window_end", "")),
        )
    except ServiceError as exc:
        return _forecast_page({proposal: str(exc.message)}, exc.status)
    if created:
        flash(
            ngettext(
                "Booking #%(id)s requested for %(n)s pack.",
                "Booking #%(id)s requested for %(n)s packs.",
                len(pack_ids),
                n=grouped(len(pack_ids)),
                id=booking.id,
            ),
            "success",
        )
    else:
        flash(_("These packs are already booked: booking #%(id)s.", id=booking.id), "info")
    if "bookings.show" in current_app.view_functions:
        return redirect(url_for("bookings.show", booking_id=booking.id))
    return redirect(url_for("fleet.forecast"))

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

from lithloop.batteries.fleet_csv import MAX_BYTES
from lithloop.batteries.item_masses import MASS_PER_ITEM
from lithloop.extensions import db
from lithloop.models import Role
from lithloop.services.booking import bus_fleet, fleet_search
from lithloop.services.errors import ServiceError
from lithloop.services.strict_input import grouped
from lithloop.web import uploads
from lithloop.web.access import roles_required
from lithloop.web.fleet_text import COLUMN_LABELS, issue_text
from lithloop.web.query_args import page_arg, search_arg

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
    search = search_arg()
    show = request.args.get("show", "all")
    show = show if show in fleet_search.SHOWS else "all"  # a changed link: every pack
    query = fleet_search.narrow(bus_fleet.packs(current_user), search, show)
    pagination = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
    narrowed = bool(search) or show != "all"
    register_size = bus_fleet.count_packs(current_user) if narrowed else pagination.total
    codes = [p.pack_code for p in pagination.items if p.pack_code]
    return render_template(
        "fleet/packs.html",
        pagination=pagination,
        received=bus_fleet.received_codes(current_user, codes),
        search=search,
        show=show,
        register_size=register_size,
        narrowed=narrowed,
        states=fleet_search.booking_states(pagination.items),
        form=form,
        error=error,
        max_mb=MAX_BYTES // (1024 * 1024),
        # a range kept on one line (word joiners around its dash)
        masses={
            form: f"{grouped(lo)}\u2060–\u2060{grouped(hi)}"
            for form, (lo, hi) in MASS_PER_ITEM.items()
        },
    ), status


def _preview(form: CsrfForm, result, token: str | None, update: bool, error: str | None = None):
    status = 200 if result.ok and not error else 422
    return render_template(
        "fleet/preview.html",
        result=result,
        token=token,
        update=update,
        updating=set(result.updating),
        form=form,
        error=error,
        preview_rows=result.rows[:PREVIEW_ROWS],
        preview_issues=PREVIEW_ISSUES,
    ), status


def _update_asked() -> bool:
    """Whether the form asks to update the packs already registered (the upload's tick, the
    preview's hidden field)."""
    return request.form.get("update") == "1"


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
    update = _update_asked()
    result = bus_fleet.preview_import(current_user, data, update=update)
    try:
        token = _keep(data) if result.ok else None
    except uploads.UploadNotStored as exc:
        return _register(form, exc.status, str(exc.message))
    return _preview(form, result, token, update)


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
    update = _update_asked()
    try:
        data = claimed.read_bytes()
        added, updated = bus_fleet.import_packs(current_user, data, update=update)
    except bus_fleet.ImportRefused as exc:
        claimed.unlink(missing_ok=True)
        return _preview(form, exc.result, None, update, str(exc.message))
    except ServiceError as exc:
        os.rename(claimed, path)  # released: the file can be imported again
        result = bus_fleet.preview_import(current_user, data, update=update)
        return _preview(form, result, token, update, str(exc.message))
    except BaseException:
        os.rename(claimed, path)
        raise
    os.replace(claimed, done)  # remembered (emptied) so a late second press is told
    done.write_bytes(b"")
    if added or not updated:
        flash(
            ngettext("%(n)s pack imported.", "%(n)s packs imported.", added, n=grouped(added)),
            "success",
        )
    if updated:
        flash(
            ngettext("%(n)s pack updated.", "%(n)s packs updated.", updated, n=grouped(updated)),
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

"""The traceability page: handovers overdue, due soon and later; the upload file a batch at
a time; mark (admins); a year's CSV; a pack looked up by its code. The government partner
reads all of it and changes nothing (policies.TRACE_READERS)."""

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
from lithloop.services.accounts import policies
from lithloop.services.errors import ServiceError
from lithloop.services.packs import handover_export, passports, traceability, upload_batch
from lithloop.services.strict_input import int_or_default
from lithloop.web.access import roles_required
from lithloop.web.converters import MAX_ID
from lithloop.web.query_args import page_arg

bp = Blueprint("trace", __name__, url_prefix="/trace")
READERS = policies.TRACE_READERS


def _organisation(errors: dict | None = None) -> int | None:
    """The organisation the page is filtered by (None: all): the handovers it is a party to
    (traceability.party_to); one no organisation has (a changed link) is not applied and is
    said in `errors` beside the filter."""
    raw = (request.args.get("org") or "").strip()
    chosen = int_or_default(raw, 0, minimum=1, maximum=MAX_ID) or None
    if raw and (chosen is None or not traceability.organisation_exists(chosen)):
        if errors is not None:
            errors["org"] = _("No organisation has that number: showing all organisations.")
        return None
    return chosen


def _id_arg(values, name: str) -> int | None:
    return int_or_default(values.get(name), 0, minimum=1, maximum=MAX_ID) or None


def _page(error: str | None = None, status: int = 200, errors: dict | None = None):
    errors = dict(errors or {})
    organisation = _organisation(errors)
    groups = traceability.due_groups(page=page_arg(), organisation_id=organisation)
    counts = handover_export.archive_counts(organisation)
    return (
        render_template(
            "trace/index.html",
            groups=groups,
            batch=upload_batch.next_batch(groups),
            organisations=traceability.organisations_owing(),
            organisation=organisation,
            archive=[(year, n) for year, n in counts if n],  # a year with none offers no file
            empty_years=handover_export.year_spans([year for year, n in counts if not n]),
            error=error,
            errors=errors,
            code=(request.args.get("code") or "")[:100],
        ),
        status,
    )


@bp.get("/")
@roles_required(*READERS)
def index():
    """Unreported handovers in three groups, with checkboxes to mark them reported."""
    return _page()


@bp.post("/reported")
@roles_required(Role.ADMIN)
def mark():
    """Mark the ticked handovers as uploaded to the national platform; or, with `through`
    and `digest`, the upload batch the page offered."""
    through = _id_arg(request.form, "through")
    if through is not None:
        return _mark_batch(through)
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


def _mark_batch(through: int):
    digest = (request.form.get("digest") or "")[:64]
    try:
        events = upload_batch.mark_batch_reported(
            current_user, through, digest, _id_arg(request.form, "org")
        )
    except ServiceError as exc:
        if exc.status == 404:
            raise
        return _page(str(exc.message), exc.status)
    flash(_("%(n)d handovers marked as reported.", n=len(events)), "success")
    return redirect(url_for("trace.index", org=_id_arg(request.form, "org")))


def csv_download(query, name: str) -> Response:
    """An export query's CSV (handover_export.csv_chunks) as the file `name`, streamed: read
    in an application context of its own, so nothing of the request (its user, its session)
    outlives it while the body is sent. The API's archive answers with it too."""
    app = current_app._get_current_object()

    def chunks():
        with app.app_context():
            yield from handover_export.csv_chunks(query)

    return Response(
        chunks(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/pack")
@roles_required(*READERS)
def find():
    """A pack looked up by its GB/T 34014 code (typed with spaces, in lower case or
    full-width: read as every code box reads it): its passport; a text that is no code, or
    a code no pack has, told beside the box (422, 404)."""
    try:
        pack = passports.look_up(current_user, request.args.get("code") or "")
    except ServiceError as exc:
        return _page(status=exc.status, errors={"code": str(exc.message)})
    return redirect(url_for("passports.show", code=pack.code))


@bp.get("/handovers.csv")
@roles_required(*READERS)
def export():
    """The next upload batch as CSV for the national platform (the oldest deadlines first, at
    most TRACE_UPLOAD_BATCH; up to the handover `through` when the page names the batch);
    with `year`, every handover of that year (reported or not), for the government partner's
    archive, streamed whole. A year it cannot serve, or an organisation no one has, is refused
    with 422 (as the API's /traceability/archive and every other invalid argument), the year's
    refusal naming the years it serves; there is no filter beside which to say it."""
    years = handover_export.archive_years()
    raw_year = (request.args.get("year") or "").strip()
    year = int_or_default(raw_year, 0, minimum=years[-1], maximum=years[0])
    if raw_year and not year:
        try:
            handover_export.check_archive_year(None, years)
        except ServiceError as exc:  # the years it serves, named
            return _page(str(exc.message), exc.status)
    refused: dict = {}
    organisation = _organisation(refused)
    if refused:  # a changed link: no file of every organisation in its place
        return _page(_("No organisation has that number: nothing was downloaded."), 422)
    if year:
        query, name = handover_export.handovers_of_year(year, organisation), f"handovers-{year}.csv"
    else:
        through = _id_arg(request.args, "through")
        if through is not None and not upload_batch.is_unreported(through):
            flash(_("That batch was marked reported meanwhile: here is the next one."), "info")
            return redirect(url_for("trace.index", org=organisation) + "#upload")
        query = handover_export.batch_query(organisation, through)
        name = f"handovers-upload-{clock.today().isoformat()}.csv"
    return csv_download(query, name)

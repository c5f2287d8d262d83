"""Booking pages: list, the booking form with its instant quote, detail with history."""

from __future__ import annotations

import uuid
from datetime import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import BookingStatus
from lithloop.services.accounts import policies
from lithloop.services.booking import (
    booking_list,
    booking_status,
    draft,
    draft_quote,
    fleet_search,
    pickup_change,
    reach,
)
from lithloop.services.booking import bookings as booking_service
from lithloop.services.booking import search as booking_search
from lithloop.services.booking.draft import SP376_ITEMS, BookingDraft, parse_lots
from lithloop.services.booking.sites import sites_by_name
from lithloop.services.dispatch import left_out, live_ops
from lithloop.services.errors import ServiceError
from lithloop.services.strict_input import int_or_default, strict_date
from lithloop.web.access import roles_required
from lithloop.web.booking_form import (
    MAX_ROWS,
    change_choices,
    day_choices,
    first_inside,
    lot_rows,
    raw_booking,
    slot_choices,
)
from lithloop.web.booking_form_errors import LOT_ORDER, code_errors, error_links, quote_problems
from lithloop.web.query_args import page_arg, search_arg

bp = Blueprint("bookings", __name__, url_prefix="/bookings")
PAGE_SIZE = 30


@bp.get("/")
@roles_required(*policies.RECORD_READERS)
def index():
    """The user's bookings (the park sees all), by status (the dispatcher and the plant
    operator start at the open ones; history is the "All" filter) and searched."""
    status = request.args.get("status") or booking_search.default_status(current_user)
    search = search_arg()
    query = booking_search.narrow(booking_list.visible_bookings(current_user), status, search)
    page = page_arg()
    pagination = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
    return render_template(
        "bookings/index.html",
        pagination=pagination,
        status=status,
        search=search,
        statuses=[s.value for s in BookingStatus],
    )


def _typed_quote(form: MultiDict) -> tuple[object | None, list, dict[str, str]]:
    """The quote of the lots as typed so far, its warnings, and why there is none."""
    errors: dict[str, str] = {}
    result, warnings = None, []
    raw = raw_booking(form)
    if not any(lot["count"] or lot["mass_kg"] for lot in raw["lots"]):
        return None, [], {}  # no lot typed yet: the panel invites, it does not refuse
    try:
        today = clock.today()
        lots, warnings = parse_lots(raw["lots"], today)
        site_id = int_or_default(raw["site_id"], 0, minimum=1)
        typed = BookingDraft(site_id, today, time(0), time(0), lots)
        result = draft_quote.quote_draft(current_user, typed)
        warnings = [*warnings, *draft_quote.unknown_code_warnings(typed)]
        warnings += _far(draft_quote.own_site(current_user, site_id))
        warnings += _more_than_a_day(typed)
    except ServiceError as exc:
        errors[exc.field or "_form"] = str(exc.message)
        if exc.status == 422:  # every problem of the quote's fields at once, as the form does
            for field, message in draft.problems(raw, clock.today()).items():
                if field == "site_id" or field.startswith("lots"):
                    errors.setdefault(field, message)
    return result, warnings, errors


def _form_context(
    form: MultiDict, errors: dict, quote=None, warnings=(), quote_errors=None
) -> dict:
    sites = sites_by_name(current_user)
    chosen = next(
        (s for s in sites if str(s.id) == form.get("site_id")), sites[0] if sites else None
    )
    rows = lot_rows(form) + (1 if "add_lot" in form else 0)
    slots = slot_choices(chosen)
    return {
        "form": form,
        "errors": errors,
        "code_errors": code_errors(errors),
        "sites": sites,
        "site": chosen,
        "rows": range(min(rows, MAX_ROWS)),
        "max_lots": MAX_ROWS,
        "slots": slots,
        "slot": form.get("slot") or first_inside(slots),
        "days": day_choices(current_app.config["BOOKING_HORIZON_DAYS"]),
        "quote": quote,
        "quote_errors": quote_errors or {},
        "quote_problems": quote_problems(quote_errors or {}),
        "error_links": error_links(errors),
        "warnings": [  # each said once, and not again above a field that says it
            w
            for w in dict.fromkeys(str(w) for w in [*warnings, *_far(chosen)])
            if w not in errors.values()
        ],
        "damage_items": SP376_ITEMS,
        "idempotency_key": form.get("idempotency_key") or uuid.uuid4().hex,
    }


def _more_than_a_day(typed: BookingDraft) -> list[str]:
    """Said beside the quote as the lots are typed, not only once the booking is refused."""
    try:
        booking_service.refuse_more_than_a_day(typed.total_mass_kg)
    except ServiceError as exc:
        return [str(exc.message)]
    return []


def _far(site) -> list[str]:
    """Why a site stored beyond the service region takes no new bookings, or the reach
    warning of a site no truck can go to and back in a shift."""
    if site is None:
        return []
    far = reach.booking_refusal(site) or reach.warning(site.lat, site.lon, site)
    return [far] if far else []


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*policies.BOOKERS)
def create():
    """The booking form; confirming books, 'add a lot' re-renders with another row."""
    form = request.form if request.method == "POST" else MultiDict(request.args)
    errors: dict[str, str] = {}
    if request.method == "POST" and "add_lot" not in form:
        try:
            booking, created = booking_service.book_pickup(
                current_user, raw_booking(form), form.get("idempotency_key")
            )
        except ServiceError as exc:
            errors[exc.field or "_form"] = str(exc.message)
            if exc.status == 422:  # every other field's problem too, not one per try
                raw, today = raw_booking(form), clock.today()
                for field, message in draft.problems(raw, today).items():
                    errors.setdefault(field, message)
                problems = booking_service.site_day_problems(current_user, raw, today)
                for field, message in problems.items():  # the site's hours, a hazard's day
                    errors.setdefault(field, message)
            if exc.code == "idempotency_key_reused":  # sent before with other values
                errors = {
                    "_form": _(
                        "This form was sent before with other values. Check "
                        "them and confirm again to make a new booking."
                    )
                }
            elif exc.field == "Idempotency-Key":  # the hidden one-time key was changed
                del errors["Idempotency-Key"]
                errors["_form"] = _(
                    "The form's one-time key was changed, so nothing was booked. Check "
                    "the values below and confirm again."
                )
            if exc.code == "idempotency_key_reused" or exc.field == "Idempotency-Key":
                form = MultiDict(
                    [(k, v) for k, v in form.items(multi=True) if k != "idempotency_key"]
                )  # a fresh key for the next try
        else:
            if created:
                flash(
                    _("Booking #%(id)s requested. The quote is frozen with it.", id=booking.id),
                    "success",
                )
            else:  # the same form sent again (twice pressed, or back and confirmed again)
                flash(
                    _("Booking #%(id)s was made already; it is not booked twice.", id=booking.id),
                    "info",
                )
            return redirect(url_for("bookings.show", booking_id=booking.id))
    if errors:  # the quote of the lots as typed stays in sight while the rest is corrected
        quote, warnings, quote_errors = _typed_quote(form)
        context = _form_context(form, errors, quote, warnings, quote_errors)
        return render_template("bookings/new.html", **context), 422
    return render_template("bookings/new.html", **_form_context(form, errors)), 200


@bp.post("/quote")
@roles_required(*policies.BOOKERS)
def quote():
    """The quote panel for the form as typed so far (htmx swaps it in on each change)."""
    result, warnings, errors = _typed_quote(request.form)
    panel = render_template(
        "bookings/_quote.html",
        quote=result,
        errors=errors,
        problems=quote_problems(errors),
        warnings=warnings,
    )
    bar = render_template("bookings/_quote_bar.html", quote=result, quote_errors=errors, oob=True)
    beside = render_template(
        "bookings/_quote_field_errors.html",
        errors=errors,
        code_errors=code_errors(errors),
        rows=min(lot_rows(request.form), MAX_ROWS),
        lot_fields=LOT_ORDER,
    )
    return panel + bar + beside


@bp.get("/<int:booking_id>")
@roles_required(*policies.RECORD_READERS)
def show(booking_id: int):
    """One booking: lots, frozen quote, history, and the cancel form when allowed."""
    return render_show(booking_list.get_booking(current_user, booking_id))


def render_show(booking, status: int = 200, typed=None, errors=None, meanwhile=False):
    """The booking's page, with the owner's change form (as `typed`, with its `errors`,
    after a refused change: web/booking_change.py) while the booking is requested;
    `meanwhile`: refused as changed by someone else since, the booking now said beside."""
    change = None
    owner = booking.organisation_id == current_user.organisation_id
    if owner and booking.status is BookingStatus.REQUESTED and policies.may(current_user, "book"):
        horizon = current_app.config["BOOKING_HORIZON_DAYS"]
        change = change_choices(booking, horizon, typed, errors) | {"meanwhile": meanwhile}
    return render_template(
        "bookings/show.html",
        booking=booking,
        left_out=left_out.notice(booking),
        buses=fleet_search.buses_on(booking),
        far=reach.warning(booking.site.lat, booking.site.lon, booking.site),
        news=live_ops.road_news(booking),
        change=change,
        seen=pickup_change.pickup_version(booking),  # the move-day form's, as read now
    ), status


@bp.post("/<int:booking_id>/move-day")
@login_required
def move_day(booking_id: int):
    """Move a booking left out (or, for the park, one scheduled) to another day that fits."""
    try:
        day = strict_date(request.form.get("date"), "date")
        left_out.move_to_day(current_user, booking_id, day, request.form.get("seen") or None)
    except ServiceError as exc:
        if exc.status in (403, 404) and exc.field is None:
            raise
        flash(str(exc.message), "error")
    else:
        flash(_("Moved to %(d)s; it will be planned that day.", d=day.isoformat()), "success")
    return redirect(url_for("bookings.show", booking_id=booking_id))


@bp.post("/<int:booking_id>/cancel")
@login_required
def cancel(booking_id: int):
    """Cancel (owners before scheduling; the park with a reason), after a page that asks first."""
    reason = request.form.get("reason", "").strip()
    if request.form.get("confirmed") != "1" or not reason:  # ask first, as a page (no JS needed)
        booking_status.check_may_cancel(current_user)
        booking = booking_list.get_booking(current_user, booking_id)
        missing = request.form.get("confirmed") == "1"
        return render_template(
            "bookings/confirm_cancel.html",
            booking=booking,
            reason=reason,
            error=_("Say why the booking is cancelled.") if missing else None,
        ), (422 if missing else 200)
    try:
        booking_service.change_status(
            current_user, booking_id, BookingStatus.CANCELLED, request.form.get("reason", "")
        )
    except ServiceError as exc:
        if exc.status in (403, 404):  # not this role's to cancel, or not theirs to see
            raise
        if exc.field == "reason":  # beside the field, with what was typed
            return render_template(
                "bookings/confirm_cancel.html",
                booking=booking_list.get_booking(current_user, booking_id),
                reason=reason,
                error=str(exc.message),
            ), exc.status
        flash(str(exc.message), "error")
    else:
        flash(_("Booking cancelled."), "success")
    return redirect(url_for("bookings.show", booking_id=booking_id))

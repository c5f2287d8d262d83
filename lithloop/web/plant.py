"""The plant operator's pages: arrivals, receiving a booking, grading, warehouse stock and moves."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lithloop import clock, labels
from lithloop.models import BookingStatus, Grade, PackState, Warehouse
from lithloop.services import idempotency, paging
from lithloop.services.accounts import policies
from lithloop.services.errors import Invalid, ServiceError
from lithloop.services.plant import grading, intake, truck_arrivals, warehouse_stock, warehouses
from lithloop.web.access import roles_required
from lithloop.web.query_args import chemistry_arg, page_arg

bp = Blueprint("plant", __name__, url_prefix="/plant")
PLANT_ROLES = policies.PLANT_STAFF
STATE_LABELS = labels.PACK_PLACE


@bp.app_template_global("warehouse_name")
def warehouse_name(value: str) -> str:
    """A warehouse or pack state in words ("aging" -> the aging warehouse)."""
    return labels.label(labels.PACK_PLACE, value)


@bp.app_template_global("grade_text")
def grade_text(grade) -> str:
    """A grade as the plant's pages show it; S says what it means (scrap: recycled)."""
    value = getattr(grade, "value", grade)
    if not value:
        return "—"
    return _("S (scrap: recycled)") if value == Grade.S.value else value


def place_of(pack) -> str:
    """Where a pack is, in words: a received pack says whether it is graded yet."""
    if pack.state is PackState.RECEIVED and pack.grade is not None:
        return _("Received and graded: to send to a warehouse")
    return labels.label(STATE_LABELS, pack.state.value)


DECISIONS = labels.DECISION


def _error(exc: ServiceError) -> dict:
    if exc.status == 404:
        raise exc
    fields = getattr(exc, "fields", None)  # a test refused field by field: all of them
    if fields:
        return {name: str(message) for name, message in fields.items()}
    return {exc.field or "_form": str(exc.message)}


@bp.get("/")
@roles_required(*PLANT_ROLES)
def index():
    """Trucks back with picked-up bookings, packs to grade, and the aging alert."""
    return render_template(
        "plant/index.html",
        arrivals=truck_arrivals.arrivals(),
        to_grade=grading.awaiting_grading(),
        to_send=grading.awaiting_sending(),
        overdue=warehouse_stock.overdue(0)[0],
        labels=labels.WAREHOUSE,
        warehouses=list(Warehouse),
    )


def _receive_form(booking_id: int, errors: dict | None = None, status: int = 200):
    booking, stop = truck_arrivals.booking_to_receive(booking_id)
    return render_template(
        "plant/receive.html",
        booking=booking,
        stop=stop,
        errors=errors or {},
        form=request.form if errors else None,
        receivable=booking.status is BookingStatus.PICKED_UP,
        expected=truck_arrivals.expected_codes(booking, stop),
    ), status


@bp.get("/bookings/<int:booking_id>/receive")
@roles_required(*PLANT_ROLES)
def receive_form(booking_id: int):
    """The weigh-in form of one picked-up booking: mass and codes per lot."""
    return _receive_form(booking_id)


@bp.post("/bookings/<int:booking_id>/receive")
@roles_required(*PLANT_ROLES)
def receive(booking_id: int):
    """Receive the booking: packs, their chains, the intake; all or nothing."""
    form = request.form
    count = len(truck_arrivals.booking_to_receive(booking_id)[0].lots)
    raw = {
        "lots": [
            {
                "mass_kg": form.get(f"lot-{i}-mass_kg", ""),
                "count": form.get(f"lot-{i}-count", ""),
                "codes": form.get(f"lot-{i}-codes", ""),
                "note": form.get(f"lot-{i}-note", ""),
            }
            for i in range(count)
        ],
        "generate": form.get("generate") == "1",
        "note": form.get("note", ""),
    }
    try:
        record = intake.receive(current_user, booking_id, raw)
    except ServiceError as exc:
        return _receive_form(booking_id, _error(exc), exc.status)
    flash(
        _("Booking #%(id)s received: %(kg)s kg.", id=booking_id, kg=f"{record.measured_kg:,.2f}"),
        "success",
    )
    return redirect(url_for("plant.index"))


def _pack_page(pack_id: int, errors: dict | None = None, status: int = 200):
    pack = grading.get_pack(pack_id)
    decision = grading.decide(pack, pack.grade, pack.soh_pct) if pack.grade else None
    today = clock.today()
    return render_template(
        "plant/pack.html",
        pack=pack,
        decision=decision,
        errors=errors or {},
        form=request.form if errors else {},
        place=place_of(pack),
        decisions=DECISIONS,
        retest=warehouses.valid_retest(pack),
        overdue=warehouses.is_overdue(pack, today),
        moves=warehouses.possible_moves(pack),
        labels=labels.WAREHOUSE,
        testable=pack.state in (PackState.RECEIVED, PackState.AGING),
        second_life=grading.second_life_ok(pack),
        event_label=lambda kind: labels.label(labels.PACK_EVENT, kind),
    ), status


@bp.get("/packs/<int:pack_id>")
@roles_required(*PLANT_ROLES)
def pack(pack_id: int):
    """One pack: tests, grade and decision, and where it can go next."""
    return _pack_page(pack_id)


def _act(pack_id: int, work, done: str):
    try:
        work()
    except ServiceError as exc:
        return _pack_page(pack_id, _error(exc), exc.status)
    flash(done, "success")
    back = request.form.get("next", "")
    if back.startswith("/plant/") and "//" not in back:
        return redirect(back)
    return redirect(url_for("plant.pack", pack_id=pack_id))


@bp.post("/packs/<int:pack_id>/test")
@roles_required(*PLANT_ROLES)
def test(pack_id: int):
    """Record a test; the pack is graded and its decision shown."""
    return _act(
        pack_id,
        lambda: grading.record_test(
            current_user,
            pack_id,
            request.form,
            _test_token(),
        ),
        _("Test recorded and pack graded."),
    )


def _test_token() -> str | None:
    """The test form's one-time token; a changed one is refused above the form, in words a
    person can act on (the key's own rule says nothing to an operator)."""
    try:
        return idempotency.clean_key(request.form.get("test_token"), "test_token")
    except Invalid as exc:
        told = _l(
            "The form's one-time token was changed, so the test was not saved. "
            "Check the values below and save again."
        )
        raise Invalid(told, field="test_token") from exc


@bp.post("/packs/<int:pack_id>/send")
@roles_required(*PLANT_ROLES)
def send(pack_id: int):
    """Send a graded pack to the aging or the raw-material warehouse."""
    return _act(
        pack_id,
        lambda: grading.send(current_user, pack_id, request.form.get("to") or None),
        _("Pack sent to the warehouse."),
    )


@bp.post("/packs/<int:pack_id>/move")
@roles_required(*PLANT_ROLES)
def move(pack_id: int):
    """Move a pack from the warehouse it is in to another."""
    form = request.form
    return _act(
        pack_id,
        lambda: warehouses.move(current_user, pack_id, form.get("from", ""), form.get("to", "")),
        _("Pack moved."),
    )


@bp.get("/warehouses/")
@roles_required(*PLANT_ROLES)
def warehouses_home():
    """The warehouses start at the aging warehouse (where the alerts are)."""
    return redirect(url_for("plant.warehouse", name=Warehouse.AGING.value))


@bp.get("/warehouses/<name>")
@roles_required(*PLANT_ROLES)
def warehouse(name: str):
    """Stock of one warehouse with age, mass, energy and grade; overdue aging alerted."""
    try:
        which = Warehouse(name)
    except ValueError:
        abort(404)
    errors: dict[str, str] = {}
    filters = warehouse_stock.Filters(
        chemistry_arg(errors),
        request.args.get("grade") or None,
        request.args.get("age") or None,
        (request.args.get("code") or "")[:24] or None,
    )
    number = page_arg()
    totals = warehouse_stock.totals(which, filters)
    overdue_n, overdue_packs = warehouse_stock.overdue() if which is Warehouse.AGING else (0, [])
    return render_template(
        "plant/warehouse.html",
        warehouse=which,
        stock=paging.counted(
            warehouse_stock.page(which, filters, number),
            page=number,
            per_page=warehouse_stock.PAGE_SIZE,
            total=totals.packs,
        ),
        totals=totals,
        filters=filters,
        chemistries=warehouse_stock.chemistries(which),
        ages=list(warehouse_stock.AGES),
        grades=[g.value for g in Grade],
        overdue_n=overdue_n,
        overdue_packs=overdue_packs,
        errors=errors,
        labels=labels.WAREHOUSE,
        warehouses=list(Warehouse),
        moves=warehouses.possible_moves,
    )

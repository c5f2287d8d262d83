"""The driver's phone view: today's route in order, arrivals, pickups and exceptions."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lithloop import clock
from lithloop.models import Role
from lithloop.services.dispatch import driver_work
from lithloop.services.dispatch.transport_docs import lot_hazard
from lithloop.services.errors import ServiceError
from lithloop.web.access import roles_required
from lithloop.web.documents import FORMS, HAZARD

bp = Blueprint("driver", __name__, url_prefix="/driver")


def _page(errors: dict | None = None, status: int = 200):
    routes = driver_work.driver_routes(current_user)
    return render_template(
        "driver/today.html",
        routes=routes,
        today=clock.today(),
        errors=errors or {},
        form=request.form if errors else {},
        reasons=driver_work.REASONS,
        arrival_of=driver_work.arrival_of,
        exceptions_of=driver_work.exceptions_of,
        hazard_text=lambda lot: str(HAZARD[lot_hazard(lot)]),
        hazard_key=lot_hazard,
        form_name=lambda form: str(FORMS.get(form, form)),
    ), status


@bp.get("/")
@roles_required(Role.DRIVER)
def today():
    """The driver's routes of published plans for today and tomorrow (China date)."""
    return _page()


def _act(stop_id: int, work, done: str):
    try:
        work()
    except ServiceError as exc:
        if exc.status == 404:
            raise
        return _page({stop_id: {"field": exc.field, "message": str(exc.message)}}, exc.status)
    flash(done, "success")
    return redirect(url_for("driver.today", _anchor=f"stop-{stop_id}"))


@bp.post("/stops/<int:stop_id>/arrive")
@roles_required(Role.DRIVER)
def arrive(stop_id: int):
    """Record that the driver has arrived at a pickup stop."""
    return _act(
        stop_id, lambda: driver_work.record_arrival(current_user, stop_id), _("Arrival recorded.")
    )


@bp.post("/stops/<int:stop_id>/pickup")
@roles_required(Role.DRIVER)
def pickup(stop_id: int):
    """Record the picked-up mass and the codes loaded; the booking becomes picked up."""
    form = request.form
    return _act(
        stop_id,
        lambda: driver_work.record_pickup(
            current_user,
            stop_id,
            form.get("mass_kg", ""),
            form.get("codes", ""),
            form.get("note", ""),
        ),
        _("Pickup recorded."),
    )


@bp.post("/stops/<int:stop_id>/exception")
@roles_required(Role.DRIVER)
def exception(stop_id: int):
    """Report that the pickup cannot happen as booked; the dispatchers are told."""
    form = request.form
    return _act(
        stop_id,
        lambda: driver_work.record_exception(
            current_user, stop_id, form.get("reason", ""), form.get("note", "")
        ),
        _("Exception reported to the dispatchers."),
    )


@bp.post("/stops/<int:stop_id>/delivered")
@roles_required(Role.DRIVER)
def delivered(stop_id: int):
    """Hand a buyer's packs over at a delivery stop."""
    return _act(
        stop_id,
        lambda: driver_work.record_delivered(current_user, stop_id),
        _("Delivery recorded."),
    )


@bp.post("/stops/<int:stop_id>/unloaded")
@roles_required(Role.DRIVER)
def unloaded(stop_id: int):
    """Mark unloading at the park as done."""
    return _act(
        stop_id,
        lambda: driver_work.record_unloaded(current_user, stop_id),
        _("Unloading recorded."),
    )

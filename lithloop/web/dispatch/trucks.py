"""The park's trucks: the list, the add and edit forms, retiring and re-activating."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lithloop.services.dispatch import truck_form, trucks
from lithloop.services.errors import ServiceError
from lithloop.vocab import plates
from lithloop.web.access import roles_required
from lithloop.web.dispatch.blueprint import PLANNERS, STAFF, bp


def _errors(exc: ServiceError) -> dict:
    """Each refused field's message by field name (`_form` for the form as a whole)."""
    fields = getattr(exc, "fields", None)
    return dict(fields) if fields else {exc.field or "_form": exc.message}


def _typed(truck) -> dict:
    """The form's values as a stored truck has them (yuan for fen, hours for seconds)."""
    if truck is None:
        return {"shift_start": "07:00", "shift_end": "19:00", "max_work_h": "10"}
    hours = truck.max_work_s / 3600
    return {
        "plate": truck.plate,
        "model": truck.model,
        "payload_kg": str(truck.payload_kg),
        "pallet_places": str(truck.pallet_places),
        "hazmat_certified": "1" if truck.hazmat_certified else "",
        "tail_lift": "1" if truck.tail_lift else "",
        "shift_start": truck.shift_start.strftime("%H:%M"),
        "shift_end": truck.shift_end.strftime("%H:%M"),
        "max_work_h": f"{hours:g}",
        "fixed_cost": f"{truck.fixed_cost_fen / 100:.2f}",
        "cost_per_km": f"{truck.cost_per_km_fen / 100:.2f}",
        "cost_per_hour": f"{truck.cost_per_hour_fen / 100:.2f}",
        "driver_id": str(truck.driver_id or ""),
        "depot_site_id": str(truck.depot_site_id),
    }


def _form_page(truck, typed: dict, errors: dict, version: str | None = None):
    """The add form (truck None) or the edit form, filled with `typed`."""
    return render_template(
        "dispatch/truck_form.html",
        truck=truck,
        typed=typed,
        errors=errors,
        version=version if version is not None else (trucks.truck_version(truck) if truck else ""),
        drivers=[(d.id, d.name) for d in truck_form.park_drivers()],
        depots=[(s.id, s.name) for s in truck_form.park_depots()],
        limits=truck_form,
        plate_example=plates.EXAMPLE,
    )


@bp.get("/trucks")
@roles_required(*STAFF)
def trucks_page():
    """The park's trucks, the active ones first."""
    return render_template("dispatch/trucks.html", trucks=trucks.park_trucks())


@bp.get("/trucks/new")
@roles_required(*PLANNERS)
def new_truck():
    """The form to add a truck."""
    return _form_page(None, _typed(None), {})


@bp.post("/trucks/new")
@roles_required(*PLANNERS)
def add_truck():
    """Add the truck the form describes."""
    try:
        truck = trucks.add_truck(current_user, request.form)
    except ServiceError as exc:
        return _form_page(None, request.form, _errors(exc)), exc.status
    flash(_("Truck %(p)s added.", p=truck.plate), "success")
    return redirect(url_for("dispatch.trucks_page"))


@bp.get("/trucks/<int:truck_id>")
@roles_required(*PLANNERS)
def edit_truck(truck_id: int):
    """The form to change a truck, with its retire or re-activate button."""
    truck = trucks.get_truck(truck_id)
    return _form_page(truck, _typed(truck), {})


@bp.post("/trucks/<int:truck_id>")
@roles_required(*PLANNERS)
def save_truck(truck_id: int):
    """Save the form's changes to the truck, unless someone saved it meanwhile."""
    seen = request.form.get("version", "")
    try:
        truck = trucks.change_truck(current_user, truck_id, request.form, seen)
    except ServiceError as exc:
        truck = trucks.get_truck(truck_id)
        if exc.code == "changed_meanwhile":  # show what is stored now, and its version
            return _form_page(truck, _typed(truck), _errors(exc)), exc.status
        return _form_page(truck, request.form, _errors(exc), seen), exc.status
    flash(_("Truck %(p)s saved.", p=truck.plate), "success")
    return redirect(url_for("dispatch.trucks_page"))


@bp.get("/trucks/<int:truck_id>/active")
@roles_required(*PLANNERS)
def confirm_active(truck_id: int):
    """Asks before retiring the truck (naming the published plans that use it) or putting
    it back into service."""
    truck = trucks.get_truck(truck_id)
    return render_template(
        "dispatch/truck_active.html",
        truck=truck,
        version=trucks.truck_version(truck),
        using=trucks.plans_using(truck) if truck.active else [],
        error=None,
    )


@bp.post("/trucks/<int:truck_id>/active")
@roles_required(*PLANNERS)
def set_active(truck_id: int):
    """Retire the truck or put it back into service, as confirmed."""
    active = request.form.get("active") == "1"
    try:
        truck = trucks.set_active(current_user, truck_id, active, request.form.get("version", ""))
    except ServiceError as exc:
        truck = trucks.get_truck(truck_id)
        page = render_template(
            "dispatch/truck_active.html",
            truck=truck,
            version=trucks.truck_version(truck),
            using=trucks.plans_using(truck) if truck.active else [],
            error=exc.message,
        )
        return page, exc.status
    if active:
        flash(_("Truck %(p)s is back in service from the next run.", p=truck.plate), "success")
    else:
        flash(_("Truck %(p)s is retired: runs no longer plan it.", p=truck.plate), "success")
    return redirect(url_for("dispatch.trucks_page"))

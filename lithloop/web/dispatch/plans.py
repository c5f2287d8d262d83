"""A plan: the map, timelines and live panel; hand moves, locks and urgent insertions."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lithloop.extensions import db
from lithloop.models import PlanStatus, Truck
from lithloop.services.dispatch import (
    left_deliveries,
    live_ops,
    places,
    plan_edit,
    publish_preview,
    publishing,
    under_way,
)
from lithloop.services.dispatch.problem import park_site
from lithloop.services.errors import Invalid, ServiceError
from lithloop.web.access import roles_required
from lithloop.web.dispatch.blueprint import PLANNERS, STAFF, bp
from lithloop.web.dispatch.live import live_context
from lithloop.web.plan_view import plan_geo, plan_map
from lithloop.web.query_args import chosen_value


@bp.get("/plans/<int:plan_id>")
@roles_required(*STAFF)
def plan(plan_id: int):
    """The plan on the map, each truck's timeline, totals and what was left out."""
    found = publishing.get_plan(plan_id)
    park = park_site()
    if park is None:
        abort(404)
    trucks = list(
        db.session.scalars(sa.select(Truck).where(Truck.active.is_(True)).order_by(Truck.plate))
    )
    tiles = current_app.config["MAP_TILE_URL"]
    states = live_ops.stop_states(found)
    return render_template(
        "dispatch/plan.html",
        plan=found,
        deliveries_left=left_deliveries.left_out(found),
        live=live_context(found, states),
        joins_place=places.joins_place,
        # the road's news belongs to the published plan; a draft (a re-plan among them) is
        # not on the road yet, and its stops are not late
        on_road=found.status is PlanStatus.PUBLISHED,
        map=plan_map(found, park),
        tiles=tiles,
        geo=plan_geo(found, park) if tiles else None,
        changes=publish_preview.changes_from_published(found),
        # a draft publishing would refuse (booking_changed): said, with a re-plan instead
        stale=publish_preview.stale_words(found) if found.status is PlanStatus.DRAFT else [],
        trucks=trucks,
        movable=found.status is PlanStatus.DRAFT and not under_way.has_done_stops(found, states),
        moving={name: _digits(request.args.get(name)) for name in MOVE_FIELDS},
    )


# The move form's fields: a refused move comes back with them chosen as they were.
MOVE_FIELDS = ("booking_id", "truck_id", "position")
# The flash category of a refused move's reason: the plan page shows it in the move form
# (the layout's messages at the top leave it out).
MOVE_REFUSED = "move-refused"
MOVE_POSITION_REFUSED = "move-refused-position"  # beside the position field


def _digits(raw: str | None) -> int | None:
    """A small whole number from the query, or None (a page never fails on these)."""
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None


@bp.post("/plans/<int:plan_id>/move")
@roles_required(*PLANNERS)
def move(plan_id: int):
    """Move a booking to a truck and position; times and loads are recomputed."""
    try:
        plan_edit.move_booking(
            current_user,
            plan_id,
            chosen_value("booking_id"),
            chosen_value("truck_id"),
            # typed: anything but a small whole number is position 0, which the service
            # refuses naming the positions there are (not the column's 2147483647)
            _digits(request.form.get("position")) or 0,
        )
    except ServiceError as exc:
        if exc.status == 404 and exc.field is None:
            raise
        # shown inside the move form, where the page lands (#move), not at the page's top;
        # a position there is not, beside the position (a breaking move is the whole move's)
        beside = exc.field == "position" and exc.code == Invalid.code
        flash(str(exc.message), MOVE_POSITION_REFUSED if beside else MOVE_REFUSED)
        typed = {name: _digits(request.form.get(name)) for name in MOVE_FIELDS}
        asked = {name: value for name, value in typed.items() if value is not None}
        return redirect(url_for("dispatch.plan", plan_id=plan_id, **asked) + "#move")
    flash(_("Moved. Times and loads were recomputed."), "success")
    return redirect(url_for("dispatch.plan", plan_id=plan_id))


@bp.post("/plans/<int:plan_id>/urgent")
@roles_required(*PLANNERS)
def urgent(plan_id: int):
    """Insert a late booking into the published plan, moving nothing else: a new draft."""
    try:
        draft = plan_edit.insert_urgent(current_user, plan_id, chosen_value("booking_id"))
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("dispatch.plan", plan_id=plan_id))
    flash(_("Inserted into a new draft; check the change and publish it."), "success")
    return redirect(url_for("dispatch.plan", plan_id=draft.id))


def _lock_asked() -> bool:
    """The lock state the form asks for ("1" lock, "0" unlock)."""
    wanted = request.form.get("locked")
    if wanted not in ("0", "1"):
        raise Invalid(_("Reload the plan and choose lock or unlock again."), field="locked")
    return wanted == "1"


@bp.post("/stops/<int:stop_id>/lock")
@roles_required(*PLANNERS)
def lock_stop(stop_id: int):
    """Lock or unlock a stop on its truck for the next run."""
    stop = plan_edit.set_stop_lock(current_user, stop_id, _lock_asked())
    target = url_for("dispatch.plan", plan_id=stop.route.plan_id)
    return redirect(f"{target}#route-{stop.route_id}")


@bp.post("/routes/<int:route_id>/lock")
@roles_required(*PLANNERS)
def lock(route_id: int):
    """Lock or unlock a route: a locked route is kept as it is by the next run."""
    route = publishing.set_route_lock(current_user, route_id, _lock_asked())
    return redirect(url_for("dispatch.plan", plan_id=route.plan_id) + f"#route-{route.id}")

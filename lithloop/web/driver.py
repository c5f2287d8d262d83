"""The driver's phone view: today's route in order, arrivals, pickups and exceptions.

Each action answers HTML (a redirect back to the stop, with its message beside it) or, for
the page's script (Accept: application/json), JSON; an Idempotency-Key header (or the form's
own key) makes a confirmation sent twice, as a phone queues them in a dead zone, count once.
"""

from __future__ import annotations

import hashlib
import os

from flask import (
    Blueprint,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lithloop import clock, labels
from lithloop.models import Role
from lithloop.services.dispatch import driver_stops, driver_work, pickup_checks, places
from lithloop.services.dispatch.driver_sync import confirm_once
from lithloop.services.dispatch.problem import park_site
from lithloop.services.dispatch.transport_docs import lot_hazard
from lithloop.services.errors import ServiceError
from lithloop.services.idempotency import HEADER
from lithloop.web.access import roles_required
from lithloop.web.documents import HAZARD
from lithloop.web.driver_page import (
    current_stop_id,
    delivery_event_words,
    not_done,
    still_to_do,
    today_and_later,
)
from lithloop.web.plan_view import plan_map
from lithloop.web.pricing_text import form_name
from lithloop.web.query_args import chosen_value

bp = Blueprint("driver", __name__, url_prefix="/driver")

DONE = {
    "arrive": _l("Arrival recorded."),
    "pickup": _l("Pickup recorded."),
    "exception": _l("Exception reported to the dispatchers."),
    "delivered": _l("Delivery recorded."),
    "unloaded": _l("Unloading recorded."),
}
NOT_BODY = ("csrf_token", "idempotency_key")


def _map_of(park):
    if park is None:
        return lambda route: None
    return lambda route: plan_map(route.plan, park, only=route)


def _page(errors: dict | None = None, status: int = 200):
    routes = driver_stops.driver_routes(current_user)
    today_routes, later = today_and_later(routes, clock.today())
    done_stop = chosen_value("done")
    said = DONE.get(request.args.get("said", ""))
    return render_template(
        "driver/today.html",
        routes=today_routes,
        later=later,
        today=clock.today(),
        map_of=_map_of(park_site()),
        current=current_stop_id(today_routes, errors),
        not_done=not_done(today_routes),
        notice={"stop": done_stop, "text": said} if done_stop and said else None,
        errors=errors or {},
        form=request.form if errors else {},
        reasons=labels.PICKUP_EXCEPTION,
        delivery_reasons=labels.DELIVERY_EXCEPTION,
        delivery_exceptions_of=driver_stops.delivery_exceptions_of,
        delivery_event_words=delivery_event_words,
        note_needed=driver_work.NOTE_NEEDED,
        arrival_of=driver_stops.arrival_of,
        joins_place=places.joins_place,
        place_runs=places.place_runs,
        runs_done=places.runs_done,
        still_to_do=still_to_do,
        exceptions_of=driver_stops.exceptions_of,
        expected_codes=pickup_checks.expected_codes,
        tolerance=pickup_checks.tolerance_pct(),
        hazard_text=lambda lot: str(HAZARD[lot_hazard(lot)]),
        hazard_key=lot_hazard,
        form_name=form_name,
    ), status


@bp.get("/")
@roles_required(Role.DRIVER)
def today():
    """The driver's route of today (the current stop open), then tomorrow's."""
    return _page()


#: The static files the service worker keeps on the phone.
KEPT_ASSETS = (
    "css/app.css",
    "css/documents.css",
    "js/driver.js",
    "js/driver_scan.js",
    "vendor/zxing/zxing.min.js",
)


def assets_version(folder: str, names=KEPT_ASSETS) -> str:
    """A short digest of the kept files' contents: the service worker's cache is named after
    it, so a phone replaces its copies (kept first) when one of them changes."""
    digest = hashlib.sha256()
    for name in names:
        with open(os.path.join(folder, name), "rb") as fh:
            digest.update(hashlib.sha256(fh.read()).digest())
    return digest.hexdigest()[:12]


@bp.get("/sw.js")
def service_worker():
    """The service worker that keeps the route page and its scripts for a dead zone."""
    assets = [url_for("static", filename=name) for name in KEPT_ASSETS]
    version = assets_version(current_app.static_folder)
    body = render_template(
        "driver/sw.js", assets=assets, page=url_for("driver.today"), version=version
    )
    response = make_response(body)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    return response


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _act(stop_id: int, action: str, work):
    form = request.form
    key = request.headers.get(HEADER) or form.get("idempotency_key")
    body = {k: v for k, v in form.items() if k not in NOT_BODY}
    try:
        _, replayed = confirm_once(current_user, action, stop_id, key, body, work)
    except ServiceError as exc:
        if _wants_json():
            return jsonify(
                ok=False, message=str(exc.message), field=exc.field, error=exc.code
            ), exc.status
        if exc.status == 404:
            raise
        refusal = {"field": exc.field, "message": str(exc.message), "action": action}
        return _page({stop_id: refusal}, exc.status)
    if _wants_json():
        return jsonify(ok=True, stop=stop_id, replayed=replayed, message=str(DONE[action]))
    return redirect(url_for("driver.today", done=stop_id, said=action, _anchor=f"stop-{stop_id}"))


@bp.post("/stops/<int:stop_id>/arrive")
@roles_required(Role.DRIVER)
def arrive(stop_id: int):
    """Record that the driver has arrived at a pickup stop."""
    return _act(stop_id, "arrive", lambda: driver_work.record_arrival(current_user, stop_id))


@bp.post("/stops/<int:stop_id>/pickup")
@roles_required(Role.DRIVER)
def pickup(stop_id: int):
    """Record the picked-up mass and the codes loaded; the booking becomes picked up."""
    form = request.form
    return _act(
        stop_id,
        "pickup",
        lambda: driver_work.record_pickup(
            current_user,
            stop_id,
            form.get("mass_kg", ""),
            form.get("codes", ""),
            form.get("note", ""),
        ),
    )


@bp.post("/stops/<int:stop_id>/exception")
@roles_required(Role.DRIVER)
def exception(stop_id: int):
    """Report that the pickup cannot happen as booked; the dispatchers are told."""
    form = request.form
    return _act(
        stop_id,
        "exception",
        lambda: driver_work.record_exception(
            current_user, stop_id, form.get("reason", ""), form.get("note", "")
        ),
    )


@bp.post("/stops/<int:stop_id>/delivered")
@roles_required(Role.DRIVER)
def delivered(stop_id: int):
    """Hand a buyer's packs over at a delivery stop."""
    return _act(stop_id, "delivered", lambda: driver_work.record_delivered(current_user, stop_id))


@bp.post("/stops/<int:stop_id>/unloaded")
@roles_required(Role.DRIVER)
def unloaded(stop_id: int):
    """Mark unloading at the park as done."""
    return _act(stop_id, "unloaded", lambda: driver_work.record_unloaded(current_user, stop_id))

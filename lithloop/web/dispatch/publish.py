"""Publishing a plan: the confirmation (who is told, a driver per route), then publishing."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lithloop.extensions import db
from lithloop.i18n import local_time
from lithloop.models import PlanStatus, User
from lithloop.services.dispatch import publish_preview, publishing, roster
from lithloop.services.errors import ServiceError
from lithloop.services.strict_input import chosen_id
from lithloop.web.access import roles_required
from lithloop.web.dispatch.blueprint import NO_SUCH_DRIVER, PLANNERS, bp


@bp.get("/plans/<int:plan_id>/publish")
@roles_required(*PLANNERS)
def confirm_publish(plan_id: int):
    """Before publishing: who will be told what, and a driver for each route without one."""
    found = publishing.get_plan(plan_id)
    if found.status is not PlanStatus.DRAFT:
        return redirect(url_for("dispatch.plan", plan_id=plan_id))
    return _confirm_page(found)


def _confirm_page(found, refused: str | None = None, field: str | None = None):
    """The confirmation; after a refusal, with the reason (beside the driver it is about)
    and the drivers chosen and the tick as they were sent, not reset to the roster's."""
    return render_template(
        "dispatch/publish.html",
        plan=found,
        preview=publish_preview.preview(found),
        stale=publish_preview.stale_words(found),
        drivers=roster.drivers(),
        chosen={k: v for k, v in request.form.items() if k.startswith("driver-")},
        unmanned_ticked=request.form.get("without_driver") == "1",
        refused=refused,
        refused_field=field,
    )


@bp.post("/plans/<int:plan_id>/publish")
@roles_required(*PLANNERS)
def publish(plan_id: int):
    """Publish once confirmed: every booking scheduled with its ETA, owners told (those
    left out with the days that fit); or nothing changes."""
    if request.form.get("confirmed") != "1":
        return redirect(url_for("dispatch.confirm_publish", plan_id=plan_id))
    try:
        found = publishing.get_plan(plan_id)
        drivers: dict[int, int | None] = {}
        for route in found.routes:
            field = f"driver-{route.truck_id}"
            chosen = chosen_id(request.form.get(field), field, NO_SUCH_DRIVER)
            if chosen is not None:
                drivers[route.truck_id] = chosen
        publishing.publish_plan(
            current_user,
            plan_id,
            allow_unmanned=request.form.get("without_driver") == "1",
            drivers=drivers,
        )
    except ServiceError as exc:
        if exc.status == 404 and exc.field is None:
            raise
        found = publishing.get_plan(plan_id)
        if found.status is PlanStatus.DRAFT:  # still to publish: the choices kept
            return _confirm_page(found, str(exc.message), exc.field), exc.status
        if found.status is PlanStatus.PUBLISHED:  # sent again (back button, a second tab)
            flash(_already_published(found), "info")
            return redirect(url_for("dispatch.plan", plan_id=plan_id))
        flash(str(exc.message), "error")
        return redirect(url_for("dispatch.plan", plan_id=plan_id))
    flash(_("Plan published: bookings are scheduled and their owners notified."), "success")
    return redirect(url_for("dispatch.plan", plan_id=plan_id))


def _already_published(found) -> str:
    """A calm note for a plan published already: when and by whom."""
    by = db.session.get(User, found.published_by_id) if found.published_by_id else None
    return _(
        "This plan was already published at %(at)s by %(name)s; nothing was changed.",
        at=local_time(found.published_at, "HH:mm"),
        name=by.name if by else "—",
    )

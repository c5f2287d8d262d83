"""The retirement forecast of a bus company's register (chart and months) and its proposed
pickups, booked from the page. The register itself is fleet.py."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Role
from lithloop.services.booking import bus_fleet, capacity, fleet_proposals
from lithloop.services.booking.sites import visible_sites
from lithloop.services.errors import ServiceError
from lithloop.services.strict_input import grouped, int_or_default
from lithloop.web.access import roles_required
from lithloop.web.converters import MAX_ID
from lithloop.web.fleet import CsrfForm, bp
from lithloop.web.fleet_settings import forecast_settings


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

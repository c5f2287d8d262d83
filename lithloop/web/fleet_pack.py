"""One pack of the fleet register: its form (change a field, each refusal beside its box) and
its removal, asked first. The register's list and import are fleet.py."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lithloop import vocab
from lithloop.models import Role
from lithloop.services.booking import fleet_register
from lithloop.services.booking.errors import Code
from lithloop.services.errors import ServiceError
from lithloop.web.access import roles_required
from lithloop.web.fleet import PAGE_SIZE, bp
from lithloop.web.fleet_text import issue_text
from lithloop.web.pricing_text import chemistry_name


def _errors(exc: ServiceError) -> dict[str, str]:
    """Each refused field's message by field name (`_form` for the pack as a whole)."""
    if isinstance(exc, fleet_register.PackRefused):
        found: dict[str, str] = {}
        for issue in exc.issues:
            text = (
                _("Required: it is missing.")
                if str(issue.code) == "required"
                else issue_text(issue)
            )
            found.setdefault(issue.column or "_form", text)
        return found
    return {exc.field or "_form": str(exc.message)}


def _page(pack, typed: dict, errors: dict, version: str, status: int = 200):
    return render_template(
        "fleet/pack.html",
        pack=pack,
        typed=typed,
        errors=errors,
        version=version,
        locked=fleet_register.locked_reason(pack),
        booking=fleet_register.held_by(pack),
        chemistries=[(c, chemistry_name(c)) for c in vocab.CHEMISTRIES],
    ), status


@bp.get("/packs/<int:pack_id>")
@roles_required(Role.FLEET_MANAGER)
def pack(pack_id: int):
    """The pack's form, or why it cannot be changed now."""
    found = fleet_register.get_pack(current_user, pack_id)
    return _page(found, fleet_register.cells_of(found), {}, fleet_register.pack_version(found))


@bp.post("/packs/<int:pack_id>")
@roles_required(Role.FLEET_MANAGER)
def save_pack(pack_id: int):
    """Save the form's changes, unless someone changed the pack meanwhile."""
    seen = request.form.get("version", "")
    try:
        saved = fleet_register.change_pack(current_user, pack_id, request.form, seen)
    except ServiceError as exc:
        found = fleet_register.get_pack(current_user, pack_id)
        version = fleet_register.pack_version(found)
        if exc.code == Code.CHANGED_MEANWHILE:  # what is stored now, and its version
            return _page(found, fleet_register.cells_of(found), _errors(exc), version, exc.status)
        return _page(found, request.form, _errors(exc), seen, exc.status)
    flash(_("The pack on %(plate)s was saved.", plate=saved.vehicle_plate), "success")
    page = fleet_register.page_of(saved, PAGE_SIZE)  # back to the pack's row, not the top
    return redirect(
        url_for("fleet.packs", page=page if page > 1 else None, _anchor=f"pack-{saved.id}")
    )


@bp.post("/packs/<int:pack_id>/remove")
@roles_required(Role.FLEET_MANAGER)
def remove_pack(pack_id: int):
    """Take the pack off the register (the page asked first)."""
    seen = request.form.get("version", "")
    try:
        removed = fleet_register.remove_pack(current_user, pack_id, seen)
    except ServiceError as exc:
        found = fleet_register.get_pack(current_user, pack_id)
        version = fleet_register.pack_version(found)
        return _page(found, fleet_register.cells_of(found), _errors(exc), version, exc.status)
    flash(
        _("The pack on %(plate)s was removed from the register.", plate=removed.vehicle_plate),
        "success",
    )
    return redirect(url_for("fleet.packs"))

"""Pack passports: the private page with its QR code, the public view, the EU JSON export."""

from __future__ import annotations

import segno
from flask import Blueprint, jsonify, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from lithloop.public_urls import external_url
from lithloop.services.accounts import policies
from lithloop.services.packs import passports
from lithloop.web.access import roles_required

bp = Blueprint("passports", __name__)


def public_url(code: str) -> str:
    """The absolute URL of a pack's public verification view (what the QR code holds)."""
    return external_url("passports.public", code=code)


def qr_svg(url: str) -> Markup:
    """An inline SVG QR code for a URL (pure Python, no script)."""
    svg = segno.make(url, error="m").svg_inline(scale=4, svgclass="qr", omitsize=False)
    return Markup(svg)  # noqa: S704 - segno's own markup: paths drawn from the QR matrix


@bp.get("/packs/<code>")
@roles_required(*policies.RECORD_READERS)
def show(code: str):
    """The full passport: every event with who recorded it, for the park and the owner."""
    pack = passports.pack_for(current_user, code)
    url = public_url(pack.code)
    own, ancestry = passports.split_lineage(passports.chain(pack), lambda e: e.from_parent)
    related = {p.code: p for p in [*passports.lineage(pack), *pack.children]}
    return render_template(
        "passports/private.html",
        pack=pack,
        url=url,
        qr=qr_svg(url),
        chain=own,
        ancestry=ancestry,
        view=passports.public_view(pack),
        batch=passports.batch_of(pack),
        passport_url=lambda code: passport_url(related.get(code), code),
        # the booking is linked for whom may open it (the regulator sees the pack, not the
        # owner's booking: its number only)
        booking_link=pack.booking is not None
        and policies.sees_organisation(current_user, pack.booking.organisation_id),
    )


def passport_url(pack, code: str) -> str:
    """A related pack's full passport if the viewer may see it, else its public view (a pack
    assembled at the park from an owner's pack is the park's, not the owner's)."""
    if pack is not None and passports.may_see(current_user, pack):
        return url_for("passports.show", code=code)
    return url_for("passports.public", code=code)


@bp.get("/packs/<code>/passport.json")
@roles_required(*policies.RECORD_READERS)
def export(code: str):
    """The EU battery passport fields we hold, as a JSON download."""
    pack = passports.pack_for(current_user, code)
    response = jsonify(passports.eu_passport(pack))
    response.headers["Content-Disposition"] = f'attachment; filename="passport-{pack.code}.json"'
    return response


@bp.get("/p/<code>")
def public(code: str):
    """The public verification view the QR code opens: no login, no confidential data."""
    pack = passports.get_pack(code)
    url = public_url(pack.code)
    return render_template(
        "passports/public.html",
        pack=pack,
        view=passports.public_view(pack),
        url=url,
        qr=qr_svg(url),
    )

"""The market's catalog and a pack's page."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from flask import redirect, render_template, request, session, url_for

from lithloop.models import Role
from lithloop.services.market import catalog, catalog_groups
from lithloop.web.access import roles_required
from lithloop.web.market.blueprint import BUYER, CATALOG_GROUPS, bp
from lithloop.web.passports import public_url, qr_svg
from lithloop.web.query_args import page_arg


@bp.get("/")
@roles_required(*BUYER, Role.ADMIN)
def catalog_page():
    """Packs for sale, filtered and sorted, identical ones grouped with their stock."""
    return render_catalog(request.args, quantity_error=session.pop(QUANTITY_REFUSED, None))


#: The session's key for a quantity refused at the catalogue, shown once beside its listing.
QUANTITY_REFUSED = "catalog_quantity_refused"


def back_with_refusal(back: str, refused: dict):
    """Back to the catalogue page the quantity was typed on (its filters and page as sent
    in `back`), the refusal shown there once beside the listing: a reload posts nothing."""
    session[QUANTITY_REFUSED] = {
        "group": refused["group"],
        "typed": str(refused["typed"])[:40],
        "message": str(refused["message"]),
    }
    query = urlencode(parse_qsl(back[:2000]))
    return redirect(url_for("market.catalog_page") + (f"?{query}" if query else ""))


def render_catalog(args, status: int = 200, quantity_error: dict | None = None):
    """The catalog for these filters; a refused quantity (group, typed, message) is shown
    beside that listing's quantity field (the add form sends the catalog's query along)."""
    # each refused filter beside its field, the others still applied
    filters, errors = catalog.kept_filters(args)
    groups = catalog_groups.grouped(catalog.search(filters))
    chemistries = (
        sorted({g.first.chemistry for g in groups})
        if filters == catalog.Filters()
        else catalog.chemistries()
    )
    number, per_page = page_arg(args=args), CATALOG_GROUPS
    pages = max(1, -(-len(groups) // per_page))
    return render_template(
        "market/catalog.html",
        groups=groups[(number - 1) * per_page : number * per_page],
        page=number,
        pages=pages,
        page_args={k: v for k, v in args.items() if k != "page"},
        args=args,
        errors=errors,
        chemistries=chemistries,
        sorts=catalog.SORTS,
        quantity_error=quantity_error,
    ), status


@bp.get("/packs/<int:pack_id>")
@roles_required(*BUYER, Role.ADMIN)
def pack_page(pack_id: int):
    """A listing: the pack's test report, passport link, price and stock of its group."""
    pack = catalog.listing(pack_id)
    passport_url = public_url(pack.code)
    return render_template(
        "market/pack.html",
        pack=pack,
        passport_url=passport_url,
        qr=qr_svg(passport_url),
        test=catalog.latest_test(pack),
        stock=catalog.stock_of(catalog_groups.group_id(pack)),
    )

"""A buyer's company page (invoice details, colleagues) and the invoice of a paid order."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from lithloop import pdf
from lithloop.models import Role
from lithloop.services.accounts import buyer_company, colleagues
from lithloop.services.errors import ServiceError
from lithloop.services.market import invoices
from lithloop.web.access import roles_required
from lithloop.web.converters import MAX_ID
from lithloop.web.organisation import invite_posted, remove_page, remove_posted, resend_posted

bp = Blueprint("company", __name__, url_prefix="/market")

#: The pages that send a buyer here to fill in the invoice details before paying, by name (a
#: name, never a path: nothing typed into the address leads off the site): the cart, and an
#: order's payment page as `order-<id>`.
_ORDER_BACK = re.compile(r"order-([1-9][0-9]{0,9})")


def back_to(name: str | None) -> str | None:
    """The page named by `back` (the cart or an order's payment), or None for any other."""
    if name == "cart":
        return url_for("market.cart")
    found = _ORDER_BACK.fullmatch(name or "")
    if not found or int(found[1]) > MAX_ID:  # no order can have it: a link to a 404
        return None
    return url_for("market.pay", order_id=int(found[1]))


def _page(errors: dict | None = None, form=None, invite_form=None, status: int = 200):
    details = buyer_company.details_of(current_user.organisation)
    values = (
        form
        if form is not None
        else (
            details.as_dict()
            if details
            else {
                "company_name": current_user.organisation.name,
                "taxpayer_id": current_user.organisation.taxpayer_id or "",
            }
        )
    )
    back = request.args.get("back")
    return render_template(
        "market/company.html",
        back=back if back_to(back) else None,
        back_url=back_to(back),
        details=details,
        form=values,
        invite=invite_form or {},
        errors=errors or {},
        colleagues=colleagues.members(current_user),
        is_invited=colleagues.is_invited,
        leave_refused=colleagues.removal_refused(current_user, current_user.id),
    ), status


@bp.get("/company")
@roles_required(Role.BUYER)
def company():
    """The company's invoice details and its users."""
    return _page()


@bp.post("/company")
@roles_required(Role.BUYER)
def save_details():
    """Save the invoice details; later invoices use them, earlier ones keep theirs."""
    try:
        buyer_company.update_details(current_user, request.form)
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        errors = {exc.field or "_form": str(exc.message)}
        if exc.status == 422:  # every refused field beside itself, not one per try
            errors = buyer_company.detail_problems(request.form) or errors
        return _page(errors, form=request.form, status=exc.status)
    flash(_("Invoice details saved. Orders paid from now on carry them."), "success")
    # back to the cart or the payment the buyer left to fill them in (a dead end before)
    return redirect(back_to(request.args.get("back")) or url_for("company.company"))


@bp.post("/company/colleagues")
@roles_required(Role.BUYER)
def invite():
    """Add a colleague by e-mail; they set their password through the mailed link."""
    return invite_posted(_page, url_for("company.company"))


@bp.post("/company/colleagues/<int:user_id>/invitation")
@roles_required(Role.BUYER)
def resend(user_id: int):
    """Send a colleague's open invitation again: a new link, the earlier one stops working."""
    return resend_posted(user_id, _page, url_for("company.company", _anchor="people"))


@bp.get("/company/colleagues/<int:user_id>/remove")
@roles_required(Role.BUYER)
def confirm_remove(user_id: int):
    """Ask before removing a colleague (a page, so it works without JavaScript)."""
    return remove_page(user_id, "company")


@bp.post("/company/colleagues/<int:user_id>/remove")
@roles_required(Role.BUYER)
def remove(user_id: int):
    """Remove a colleague: their account can no longer log in or use its API tokens."""
    return remove_posted(user_id, "company")


@bp.get("/orders/<int:order_id>/invoice")
@roles_required(Role.BUYER, Role.ADMIN)
def invoice(order_id: int):
    """The printable invoice of a paid order (?download=1 saves it as a standalone file)."""
    found = invoices.invoice_for(current_user, order_id)
    if request.args.get("download"):
        css = (Path(current_app.static_folder) / "css" / "invoice.css").read_bytes()
        body = render_template(
            "market/invoice_file.html",
            invoice=found,
            css_base64=base64.b64encode(css).decode("ascii"),
        )
        response = make_response(body)
        response.headers["Content-Type"] = "text/html; charset=utf-8"
        response.headers["Content-Disposition"] = (
            f'attachment; filename="invoice-{found.number}.html"'
        )
        return response
    page = render_template("market/invoice.html", invoice=found)
    if pdf.wants_pdf():
        return pdf.pdf_response(page, _("Order invoice"), f"invoice-{found.number}.pdf")
    return page

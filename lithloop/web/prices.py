"""Price pages: the public price page, and the admin's index versions."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lithloop import pricing
from lithloop.models import Role
from lithloop.services.booking import price_versions
from lithloop.services.booking import prices as price_service
from lithloop.services.errors import Invalid, ServiceError
from lithloop.services.strict_input import parse_amount
from lithloop.web.access import roles_required
from lithloop.web.auth import attach_error
from lithloop.web.forms import PriceVersionForm
from lithloop.web.pricing_text import price_name

bp = Blueprint("prices", __name__)
EDITABLE = ("li2co3", "ni", "co", "mn", "cu", "al", "lfp_point", "new_pack.LFP")


@bp.get("/prices")
def public():
    """Today's indicative scrap values and the formula in plain words (no login needed)."""
    index = price_service.current_index()
    table = pricing.indicative_scrap_table(index)
    return render_template(
        "prices/public.html",
        table=table,
        index=index,
        days_old=price_service.days_old(index),
        chemistries=[c.value for c in pricing.Chemistry],
        conditions=[c.value for c in pricing.Condition],
        formula=pricing.formula_description(),
    )


#: The history chart's axes: lithium carbonate on the left, the metals on the right.
LEFT_AXIS, RIGHT_AXIS = ("li2co3",), ("ni", "co", "cu")


def history_names() -> dict[str, str]:
    """Each price of the history chart named with the axis it reads on (the two scales
    differ tenfold, and a reader could not tell which line read which)."""
    names = {key: _("%(name)s (left axis)", name=price_name(key)) for key in LEFT_AXIS}
    names |= {key: _("%(name)s (right axis)", name=price_name(key)) for key in RIGHT_AXIS}
    return names


@bp.get("/admin/prices")
@roles_required(Role.ADMIN)
def versions():
    """The stored versions with a chart of prices over time."""
    return render_template(
        "prices/versions.html",
        versions=price_service.versions(),
        days_old=price_service.days_old(price_service.current_index()),
        history=price_service.history((*LEFT_AXIS, *RIGHT_AXIS)),
        names=history_names(),
        left_axis=LEFT_AXIS,
    )


def _prices_from(form: PriceVersionForm) -> dict[str, Decimal | None]:
    prices: dict[str, Decimal | None] = {}
    carried = [k[6:] for k in request.form if k.startswith("price_") and k[6:] not in EDITABLE]
    for key in (*EDITABLE, *carried):  # carried: prices of an uploaded CSV, back from the preview
        raw = (request.form.get(f"price_{key}") or "").strip()  # full-width digits: parse_amount
        if not raw:
            prices[key] = None
            continue
        try:
            value = parse_amount(raw, f"price_{key}", message=_("Enter a number, e.g. 78000."))
        except Invalid as exc:
            form.price_errors[key] = str(exc.message)
            continue
        prices[key] = value
        if value <= 0:  # the index holds positive prices only
            form.price_errors[key] = _("Enter a price above 0.")
    return prices


@bp.route("/admin/prices/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_version():
    """Add a version: the current prices, some of them changed."""
    form = PriceVersionForm()
    form.price_errors = {}
    current = price_service.current_index()
    status = 422 if request.method == "POST" else 200
    if form.is_submitted():
        valid = form.validate()
        prices = _prices_from(form)  # every price's problem in the same round as the label's
        if valid and not form.price_errors:
            try:
                upload = request.files.get("csv")
                if upload and upload.filename:
                    prices.update(price_versions.parse_price_csv(upload.read()))
                version = dict(
                    version=form.version.data,
                    effective_date=form.effective_date.data,
                    note=form.note.data or "",
                    prices=prices,
                )
                if request.form.get("confirmed") != "1":  # first show what the public will see
                    before, after = price_versions.preview_version(**version)
                    return render_template(
                        "prices/confirm.html",
                        form=form,
                        prices={k: v for k, v in prices.items() if v is not None},
                        rows=price_effect(before, after),
                        before=before,
                        after=after,
                    )
                row = price_versions.add_version(current_user, **version)
            except ServiceError as exc:
                status = exc.status
                typed = (request.form.get(f"price_{exc.field}") or "").strip()
                if exc.field in EDITABLE and typed:  # beside the price as typed
                    form.price_errors[exc.field] = str(exc.message)
                elif exc.field in form._fields or not exc.field:
                    attach_error(form, exc)
                else:  # a price named only in the uploaded CSV (any name: "data", "validate")
                    form.csv.errors = [_("%(k)s: %(why)s", k=exc.field, why=exc.message)]
            else:
                flash(_("Version %(v)s saved.", v=row.version), "success")
                return redirect(url_for("prices.versions"))
    return render_template("prices/new.html", form=form, current=current, editable=EDITABLE), status


def price_effect(before: pricing.IndicativeTable, after: pricing.IndicativeTable) -> list[dict]:
    """Each public price cell before and after a new version, with the change in percent."""
    rows = []
    for old, new in zip(before.rows, after.rows, strict=True):
        change = price_service.change_in_percent(old.fen_per_tonne, new.fen_per_tonne)
        rows.append(
            {
                "chemistry": old.chemistry.value,
                "condition": old.condition.value,
                "before": old.fen_per_tonne,
                "after": new.fen_per_tonne,
                "change": change,
            }
        )
    return rows


@bp.get("/admin/prices/compare")
@roles_required(Role.ADMIN)
def compare():
    """Two versions side by side."""
    a, b = request.args.get("a", ""), request.args.get("b", "")
    if not a or not b:  # a typed or shortened address: the list to choose from
        flash(_("Choose two versions, A and B, to compare."), "info")
        return redirect(url_for("prices.versions"))
    if a == b:  # a table of no changes at all: the list again, to choose another
        flash(_("Choose two different versions to compare: A and B are the same."), "info")
        return redirect(url_for("prices.versions"))
    rows = price_service.compare(a, b)
    return render_template("prices/compare.html", rows=rows, a=a, b=b)

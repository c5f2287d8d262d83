"""A request for quote's spec: its fields read from a form or JSON body (every problem by
field), and the packs on sale that meet it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock
from lithloop.extensions import db
from lithloop.i18n import listed
from lithloop.models import Grade, Pack, QuoteRequest
from lithloop.pricing import Chemistry
from lithloop.services import strict_input
from lithloop.services.errors import Invalid
from lithloop.services.market import catalog, checkout_input
from lithloop.services.strict_input import optional_decimal, optional_int, strict_date

GRADES = "ABC"  # best first: "grade at least B" accepts A and B


def _quantity(form) -> int:
    quantity = optional_int(
        form.get("quantity"), "quantity", minimum=1, maximum=checkout_input.MAX_PACKS
    )
    if quantity is None:
        raise Invalid(_l("How many packs do you need?"), field="quantity")
    return quantity


def _min_kwh(form) -> Decimal | None:
    return optional_decimal(form.get("min_usable_kwh"), "min_usable_kwh", minimum=0, maximum=10_000)


def _min_soh(form) -> Decimal | None:
    return optional_decimal(form.get("min_soh_pct"), "min_soh_pct", minimum=0, maximum=100)


def _grade(form) -> str:
    grade = str(form.get("min_grade") or "").strip().upper() or "C"  # blank: any grade
    if len(grade) != 1 or grade not in GRADES:  # one letter: "AB" is in "ABC" too
        raise Invalid(_l("Choose grade A, B or C."), field="min_grade")
    return grade


def _use_case(form) -> str:
    use_case = str(form.get("use_case") or "").strip()
    if use_case and use_case not in catalog.USE_CASES:
        raise Invalid(
            _l("Choose one of: %(choices)s.", choices=listed(catalog.USE_CASES.values())),
            field="use_case",
        )
    return use_case


#: How far ahead a buyer may ask for packs: a quote is priced on today's stock and index.
WANTED_BY_MAX_DAYS = 365


def wanted_by_range() -> tuple[date, date]:
    """The first and last day a request may want its packs by: tomorrow to a year ahead."""
    today = clock.today()
    return today + timedelta(days=1), today + timedelta(days=WANTED_BY_MAX_DAYS)


def _wanted_by(form) -> date:
    wanted_by = strict_date(
        form.get("wanted_by"), "wanted_by", message=_l("Enter the date as YYYY-MM-DD.")
    )
    first, last = wanted_by_range()
    if wanted_by < clock.today():
        raise Invalid(_l("The date has passed."), field="wanted_by")
    if not first <= wanted_by <= last:
        raise Invalid(
            _l(
                "Choose a day from tomorrow to a year ahead: %(first)s to %(last)s.",
                first=first.isoformat(),
                last=last.isoformat(),
            ),
            field="wanted_by",
        )
    return wanted_by


def _note(form) -> str:
    note = strict_input.check_controls(strict_input.typed_text(form.get("note"), "note"), "note")
    if len(note) > 1000:
        raise Invalid(_l("At most %(n)s characters.", n=1000), field="note")
    return note


def _chemistry(form) -> str:
    chemistry = str(form.get("chemistry") or "").strip().upper()
    if chemistry and chemistry not in CHEMISTRIES:
        raise Invalid(
            _l("Choose one of: %(choices)s.", choices=listed(list(CHEMISTRIES))), field="chemistry"
        )
    return chemistry


#: Each field's check, in the order of the form.
_CHECKS = (_quantity, _chemistry, _min_kwh, _min_soh, _grade, _use_case, _wanted_by, _note)


def parse_spec(form) -> dict:
    """The request's fields from a form or JSON body; Invalid names the first bad field."""
    quantity, chemistry, kwh, soh, grade, use_case, wanted_by, note = (
        check(form) for check in _CHECKS
    )
    return {
        "chemistry": chemistry,
        "quantity": quantity,
        "min_grade": grade,
        "min_usable_wh": int(kwh * 1000) if kwh is not None else 0,
        "min_soh_pct": soh.quantize(Decimal("0.01")) if soh is not None else None,
        "use_case": use_case,
        "wanted_by": wanted_by,
        "note": note,
    }


def spec_problems(form) -> dict[str, str]:
    """Every problem of a request's fields by field, not only the first: a form shows them
    all at once."""
    found: dict[str, str] = {}
    for check in _CHECKS:
        try:
            check(form)
        except Invalid as exc:
            found.setdefault(exc.field or "_form", str(exc.message))
    return found


def conditions(rfq: QuoteRequest) -> list:
    """SQL conditions on Pack for the packs that meet the request's spec."""
    out = [Pack.grade.in_([Grade(g) for g in GRADES[: GRADES.index(rfq.min_grade) + 1]])]
    if rfq.chemistry:
        out.append(Pack.chemistry == rfq.chemistry)
    if rfq.min_usable_wh:
        out.append(Pack.rated_wh * Pack.soh_pct / 100 >= rfq.min_usable_wh)
    if rfq.min_soh_pct is not None:
        out.append(Pack.soh_pct >= rfq.min_soh_pct)
    if rfq.use_case:
        out.append(Pack.use_case == rfq.use_case)
    return out


#: The chemistries a request may ask for (empty: any).
CHEMISTRIES = tuple(c.value for c in Chemistry)


def matching_stock(rfq: QuoteRequest) -> int:
    """How many packs on sale meet the spec now."""
    query = catalog.for_sale().where(*conditions(rfq))
    return db.session.scalar(query.with_only_columns(sa.func.count(Pack.id)))


def order_mass_kg(rfq: QuoteRequest) -> Decimal:
    """The mass of the packs accepting would reserve now (the first matching packs on sale,
    in the order accept takes them): what a delivery fee by the kilogram is worked out on."""
    query = catalog.for_sale().where(*conditions(rfq)).order_by(Pack.id).limit(rfq.quantity)
    masses = db.session.scalars(query.with_only_columns(Pack.mass_kg))
    return sum((m or Decimal(0) for m in masses), Decimal(0))

"""The dashboard for admins and government partners: volumes, capacity, materials, CO2."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from lithloop import clock, labels
from lithloop.batteries.codes import fold_full_width
from lithloop.services.accounts import policies
from lithloop.services.packs import holiday_calendar
from lithloop.services.plant import park_serials
from lithloop.services.reporting import dashboard as figures
from lithloop.services.strict_input import int_or_default
from lithloop.web.access import roles_required
from lithloop.web.place_names import city_name
from lithloop.web.pricing_text import chemistry_name

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
VIEWERS = policies.FIGURE_VIEWERS


FIRST_YEAR = 2000  # the earliest year the dashboard shows (?year= below it shows this year)


def _year(errors: dict) -> int:
    """The year asked for (full-width digits read as digits); one the dashboard cannot show
    (not a year, or out of its range) is said in `errors` beside the years, with the year
    shown instead: this year."""
    this_year = clock.today().year
    raw = fold_full_width((request.args.get("year") or "").strip())
    year = int_or_default(raw, 0, minimum=FIRST_YEAR, maximum=this_year)
    if raw and not year:
        shown = raw if len(raw) <= 12 else raw[:11] + "…"
        if raw.isascii() and raw.isdecimal():
            errors["year"] = _(
                "The dashboard shows the years %(first)d to %(last)d, not %(value)s: "
                "here is %(year)d.",
                first=FIRST_YEAR,
                last=this_year,
                value=shown,
                year=this_year,
            )
        else:
            errors["year"] = _(
                "%(value)s is not a year: here is %(year)d.", value=shown, year=this_year
            )
    return year or this_year


def material_name(key: str) -> str:
    """A recovered material (a dismantling output key) in the reader's language."""
    return labels.label(labels.OUTPUT, key)


def _chart(
    kind: str,
    labels: list,
    series: list[tuple[str, list]],
    *,
    title: str,
    value_axis: str,
    category_axis: str = "",
    integer: bool = False,
    **options,
) -> dict:
    """A Chart.js spec the page passes to static/js/dashboard.js in a data-* attribute: the
    chart's title drawn above it, the value axis named with its unit (and the category axis
    when its labels do not say what they are), whole-number ticks for counts."""
    return {
        "type": kind,
        "title": str(title),
        "value_axis": str(value_axis),
        "category_axis": str(category_axis),
        "integer": integer,
        "labels": [str(label) for label in labels],
        "datasets": [
            {"label": str(name), "data": [None if v is None else str(v) for v in values]}
            for name, values in series
        ],
        **options,
    }


def month_names(year: int) -> list[str]:
    """The twelve months in the reader's language (Jan ... Dec; numbered months in Chinese)."""
    return [format_date(date(year, m, 1), "MMM") for m in range(1, 13)]


def months_elapsed(year: int) -> int:
    """How many of the year's months have begun (Beijing time): 12 for a past year."""
    today = clock.today()
    return today.month if year == today.year else 12


def month_rows(data: dict) -> list[dict]:
    """The monthly table's rows: each month's name and figures, and its state: "active"
    (something received, processed or built), "quiet" (nothing) or "to_come" (not begun).
    A phone shows cards for the active months only and names the others in a line."""
    year = data["summary"].year
    elapsed, months = months_elapsed(year), data["months"]
    rows = []
    for m, name in enumerate(month_names(year)):
        figures = (months["received_t"][m], months["processed_t"][m], months["built"][m])
        state = "to_come" if m >= elapsed else ("active" if any(figures) else "quiet")
        rows.append(
            {
                "name": name,
                "received_t": figures[0],
                "processed_t": figures[1],
                "built": figures[2],
                "state": state,
            }
        )
    return rows


def month_runs(rows: list[dict], state: str) -> list[str]:
    """The names of the months in `state`, consecutive months as one run ("Jan–Oct")."""
    runs, start = [], None
    for m, row in enumerate([*rows, None]):
        inside = row is not None and row["state"] == state
        if inside and start is None:
            start = m
        elif not inside and start is not None:
            first, last = rows[start]["name"], rows[m - 1]["name"]
            runs.append(first if start == m - 1 else f"{first}\u2013{last}")
            start = None
    return runs


def _so_far(values: list, elapsed: int) -> list:
    """A month's figure, or None for a month still to come (a gap, not a zero)."""
    return [v if m < elapsed else None for m, v in enumerate(values)]


def charts(data: dict) -> dict:
    """The chart specs for the page's figures."""
    months = month_names(data["summary"].year)
    elapsed = months_elapsed(data["summary"].year)
    by_month = {k: _so_far(v, elapsed) for k, v in data["months"].items()}
    chem = data["chemistry"]
    tonnes, kilograms, packs = _("Tonnes"), _("Kilograms"), _("Number of packs")
    return {
        "months": _chart(
            "bar",
            months,
            [
                (_("Received (t)"), by_month["received_t"]),
                (_("Processed (t)"), by_month["processed_t"]),
            ],
            title=_("Tonnes received and processed by month"),
            value_axis=tonnes,
        ),
        "built": _chart(
            "bar",
            months,
            [(_("Second-life packs built"), by_month["built"])],
            title=_("Second-life packs built by month"),
            value_axis=packs,
            integer=True,
        ),
        "chemistry": _chart(
            "bar",
            [chemistry_name(r["chemistry"]) for r in chem],
            [
                (_("Received (kg)"), [r["received_kg"] for r in chem]),
                (_("Processed (kg)"), [r["processed_kg"] for r in chem]),
            ],
            title=_("Kilograms received and processed by chemistry"),
            value_axis=kilograms,
        ),
        "cities": _chart(
            "bar",
            [city_name(c) for c, _kg in data["cities"]],
            [(_("Received (kg)"), [kg for _c, kg in data["cities"]])],
            title=_("Kilograms received by city of origin"),
            value_axis=kilograms,
            horizontal=True,
        ),
        "aging": _chart(
            "bar",
            [label for label, _n in data["aging"]],
            [(_("Packs"), [n for _label, n in data["aging"]])],
            title=_("Packs now in the aging warehouse by days there"),
            value_axis=packs,
            category_axis=_("Days in the aging warehouse"),
            integer=True,
        ),
        "materials": _chart(
            "bar",
            [material_name(m) for m, _kg in data["materials"]],
            [(_("Recovered (kg)"), [kg for _m, kg in data["materials"]])],
            title=_("Kilograms recovered by material"),
            value_axis=kilograms,
        ),
    }


@bp.get("/")
@roles_required(*VIEWERS)
def index():
    """Tonnes received and processed against capacity, by month, chemistry and city."""
    errors: dict[str, str] = {}
    data = figures.dashboard(_year(errors))
    admin = policies.may(current_user, "administer")
    return render_template(
        "dashboard/index.html",
        data=data,
        charts=charts(data),
        month_rows=month_rows(data),
        month_runs=month_runs,
        summary=data["summary"],
        calendar_missing=holiday_calendar.missing_year() if admin else None,
        serials_warning=park_serials.warning() if admin else None,
        material_name=material_name,
        first_year=FIRST_YEAR,
        this_year=clock.today().year,
        errors=errors,
    )

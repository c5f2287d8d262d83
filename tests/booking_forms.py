"""The booking page's form fields for a pickup of one lot, as a dealer would type them."""

from __future__ import annotations

from tests.route_world import open_day


def one_lot_form(
    site,
    *,
    chemistry: str = "LFP",
    count: int | str = 1,
    mass_kg: str = "500",
    codes: str | list[str] = "",
    slot: str | None = None,
) -> dict:
    """Site and one intact pack lot; with `slot`, a day two open days ahead in that slot
    (the booking form), without, only what the quote panel reads."""
    form = {"site_id": site.id}
    if slot is not None:
        form |= {"date": open_day(2).isoformat(), "slot": slot}
    form |= {
        "lots-0-chemistry": chemistry,
        "lots-0-form": "pack",
        "lots-0-count": str(count),
        "lots-0-mass_kg": mass_kg,
        "lots-0-condition": "intact",
    }
    if codes:
        form["lots-0-codes"] = codes if isinstance(codes, str) else "\n".join(codes)
    return form

"""A pickup against its booking: the tolerance's edge, a lighter load, and bookings that list
no codes (nothing is unexpected then)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lithloop.services.dispatch.pickup_checks import differences, history_detail, require_note
from lithloop.services.errors import Invalid

BOOKED = Decimal("500")


@pytest.mark.parametrize(
    ("mass", "off"),
    [("550", None), ("550.5", Decimal("10.1")), ("450", None), ("425", Decimal("-15.0"))],
)
def test_the_tolerance_is_inclusive_and_both_ways(app, mass, off):
    with app.app_context():
        found = differences((), (), Decimal(mass), BOOKED)
    assert found.mass_off_pct == off


def test_codes_missing_and_unexpected_only_against_listed_codes(app):
    with app.app_context():
        listed = differences(("A", "B"), ("B", "C"), BOOKED, BOOKED)
        unlisted = differences((), ("C",), BOOKED, BOOKED)
    assert (listed.missing, listed.unexpected) == (("A",), ("C",))
    assert (unlisted.missing, unlisted.unexpected) == ((), ())
    detail = history_detail(BOOKED, 1, listed)
    assert (detail["missing"], detail["unexpected"], detail["mass_off_pct"]) == (1, 1, None)


def test_a_difference_without_a_note_is_refused_on_the_note_field(app):
    with app.app_context(), app.test_request_context():
        found = differences(("A",), (), Decimal("700"), BOOKED)
        with pytest.raises(Invalid) as refused:
            require_note(found, BOOKED, Decimal("700"), "")
        require_note(found, BOOKED, Decimal("700"), "称重有误差")  # a note: accepted
    assert refused.value.field == "note"

"""The money helpers at their edges: half a fen, signs, whole numbers, what is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lithloop.pricing.errors import PricingError, PricingErrorCode
from lithloop.pricing.money import FEN_PER_CNY, as_decimal, as_int, fen_to_cny, format_cny, to_fen


@pytest.mark.parametrize(
    ("cny", "fen"),
    [
        ("0.005", 1),  # half a fen rounds up, not to even
        ("0.015", 2),
        ("0.025", 3),  # half-even would give 2
        ("1.005", 101),
        ("0.0049999", 0),
        ("0.0050001", 1),
        ("-0.005", -1),  # half away from zero
        ("-0.025", -3),
        ("-0.0049", 0),
        ("12345.674", 1234567),
        ("0", 0),
    ],
)
def test_to_fen_rounds_half_a_fen_away_from_zero(cny, fen):
    assert to_fen(Decimal(cny)) == fen
    assert type(to_fen(Decimal(cny))) is int


def test_fen_to_cny_is_exact():
    assert FEN_PER_CNY == 100
    assert fen_to_cny(1) == Decimal("0.01")
    assert fen_to_cny(-150) == Decimal("-1.5")
    assert fen_to_cny(1234567) == Decimal("12345.67")
    assert to_fen(fen_to_cny(987654321)) == 987654321


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("2.50"), Decimal("2.50")),
        (3, Decimal(3)),
        (0.1, Decimal("0.1")),  # a float through its repr, not its binary value
        (" 7.25\t", Decimal("7.25")),
        ("-1e3", Decimal("-1000")),
    ],
)
def test_as_decimal_accepts_numbers(value, expected):
    result = as_decimal(value, "mass_kg")
    assert result == expected and isinstance(result, Decimal)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "expected a number"),
        (False, "expected a number"),
        (None, "expected a number"),
        ([1], "expected a number"),
        ("abc", "not a number: 'abc'"),
        ("", "not a number: ''"),
        ("NaN", "must be a finite number"),
        ("Infinity", "must be a finite number"),
        (Decimal("-Infinity"), "must be a finite number"),
        (float("nan"), "must be a finite number"),
    ],
)
def test_as_decimal_refuses_with_the_field_named(value, message):
    with pytest.raises(PricingError) as caught:
        as_decimal(value, "mass_kg")
    assert caught.value.to_dict() == {
        "field": "mass_kg",
        "code": PricingErrorCode.INVALID_NUMBER.value,
        "message": message,
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [(4, 4), (-2, -2), ("12", 12), (" 3 ", 3), ("2.0", 2), (Decimal("5.000"), 5), ("1e3", 1000)],
)
def test_as_int_takes_whole_numbers(value, expected):
    result = as_int(value, "quantity")
    assert result == expected and type(result) is int


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "expected a whole number"),
        (False, "expected a whole number"),
        (2.0, "expected a whole number"),  # floats are refused even when whole
        (2.5, "expected a whole number"),
        ("2.5", "expected a whole number"),
        (Decimal("0.1"), "expected a whole number"),
        ("two", "not a number: 'two'"),
        (None, "expected a number"),
        ("NaN", "must be a finite number"),
    ],
)
def test_as_int_refuses_floats_booleans_and_fractions(value, message):
    with pytest.raises(PricingError) as caught:
        as_int(value, "quantity")
    assert (caught.value.code, caught.value.field, caught.value.message) == (
        PricingErrorCode.INVALID_NUMBER,
        "quantity",
        message,
    )


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "0.00 CNY"),
        (5, "0.05 CNY"),
        (-5, "-0.05 CNY"),
        (100, "1.00 CNY"),
        (-100, "-1.00 CNY"),
        (99, "0.99 CNY"),
        (123456789, "1,234,567.89 CNY"),
        (-1234567, "-12,345.67 CNY"),
    ],
)
def test_format_cny(fen, text):
    assert format_cny(fen) == text

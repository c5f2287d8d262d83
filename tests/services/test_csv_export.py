"""The CSV writer of every export: formula-like text escaped, numbers kept as numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from lithloop.services.reporting.csv_export import csv_text, safe_cell


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+86 138",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        '=HYPERLINK("http://evil.example","x")',
    ],
)
def test_text_starting_like_a_formula_gets_a_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [Decimal("-12.50"), -3, 0, 1.5, Decimal("300.00")])
def test_numbers_we_produce_stay_numbers_even_negative(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("text", ["牡丹江经销商", "a=b", "12", "", "'quoted"])
def test_ordinary_text_is_unchanged(text):
    assert safe_cell(text) == text


def test_document_round_trips_through_a_csv_reader():
    text = csv_text(["name", "kg"], [["=cmd|' /C calc'!A0", Decimal("-1.5")], [None, 2]])
    assert text.startswith("\ufeff") and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [["name", "kg"], ["'=cmd|' /C calc'!A0", "-1.5"], ["", "2"]]

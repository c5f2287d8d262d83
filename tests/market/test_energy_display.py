"""Walk finding: the pack passport said 5.1 kWh where the catalogue said 5.12 kWh for the
same pack. Every page writes an energy through one function (lithloop.i18n.kwh): rounded
half up to at most two decimals, digits grouped."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from lithloop.i18n import kwh
from tests.conftest import Auth
from tests.market.support import list_packs, make_buyer


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("5.12"), "5.12"),
        (Decimal("5.125"), "5.13"),  # half up, not half even
        (Decimal("5.135"), "5.14"),
        (Decimal("60"), "60"),
        (Decimal("45.10"), "45.1"),
        (Decimal("1234.5"), "1,234.5"),
        (6.4, "6.4"),
        (None, "—"),
    ],
)
def test_an_energy_is_rounded_half_up_to_at_most_two_decimals(value, shown):
    assert kwh(value) == shown


def _energies(page: str) -> set[str]:
    text = re.sub(r"<[^>]+>", "", page)
    return set(re.findall(r"([\d,.]+) kWh", text))


@pytest.mark.parametrize(("rated_wh", "shown"), [(5_120, "5.12"), (5_125, "5.13")])
def test_passport_catalogue_and_listing_show_the_same_rated_energy(client, rated_wh, shown):
    (pack,) = list_packs(1, rated_wh=rated_wh)
    client.get("/lang/en")
    passport = client.get(f"/p/{pack.code}").get_data(as_text=True)
    assert f"{shown} kWh" in re.sub(r"<[^>]+>", "", passport), _energies(passport)
    Auth(client).login(make_buyer().email)
    catalogue = client.get("/market/").get_data(as_text=True)
    assert f"{shown} kWh" in re.sub(r"<[^>]+>", "", catalogue), _energies(catalogue)
    listing = client.get(f"/market/packs/{pack.id}").get_data(as_text=True)
    assert f"{shown} kWh" in re.sub(r"<[^>]+>", "", listing), _energies(listing)

"""One formatter for every amount: `i18n.money`, integer fen or Decimal, the sign first."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lithloop import i18n
from lithloop.services.market import orders, refunds, rfq, rfq_admin
from lithloop.web import market_admin


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (-100, "-¥1.00"),
        (-123456, "-¥1,234.56"),
        (Decimal("-100"), "-¥1.00"),
        (Decimal("12345.5"), "¥123.46"),  # a Decimal is not cut to whole fen first
        (0, "¥0.00"),
        (None, "—"),
    ],
)
def test_money_writes_the_sign_before_the_yuan_sign(fen, text):
    assert i18n.money(fen) == text


def test_money_refuses_a_float():
    with pytest.raises(TypeError):
        i18n.money(1.5)


def test_the_market_writes_amounts_with_the_shared_formatter():
    """`orders.yuan()` wrote a negative as "¥-1.00" where `money()` writes "-¥1.00"."""
    assert not hasattr(orders, "yuan")
    for module in (refunds, rfq, rfq_admin, market_admin):
        assert module.money is i18n.money, module.__name__

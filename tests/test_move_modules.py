"""tools/move_modules.py maps only modules that no longer exist at their old path: a map from
a name that is a package today (services.accounts) rewrote good imports of that package."""

from __future__ import annotations

import pytest

from tools import move_modules


def test_no_move_starts_from_a_module_or_package_that_exists_today():
    assert move_modules.stale_moves() == []


@pytest.mark.parametrize(
    "text",
    [
        "from lithloop.services.accounts import AccountError",
        "from lithloop.services.accounts import policies",
        "from lithloop.services import accounts",
        "import lithloop.services.accounts",
        'log = logging.getLogger("lithloop.services.accounts")',
        "see lithloop/services/accounts/__init__.py",
    ],
)
def test_references_to_the_accounts_package_stay_as_they_are(text):
    assert move_modules.rewrite_text(text) == text


def test_a_flat_module_still_follows_its_move():
    # the old names are split, so that running the tool leaves this file as it is
    text = "from lithloop.services " + "import market_orders, market_cart as cart\n"
    assert move_modules.rewrite_text(text) == (
        "from lithloop.services.market import orders as market_orders\n"
        "from lithloop.services.market import cart\n"
    )
    assert move_modules.rewrite_text('"lithloop.services.' + 'rfq_admin.x"') == (
        '"lithloop.services.market.rfq_admin.x"'
    )


def test_a_stale_move_is_refused_before_anything_is_moved(monkeypatch):
    stale = {**move_modules.MOVES, "lithloop.services.plant": "lithloop.services.plant.intake"}
    monkeypatch.setattr(move_modules, "MOVES", stale)
    assert move_modules.stale_moves() == ["lithloop.services.plant"]
    with pytest.raises(SystemExit, match="lithloop.services.plant"):
        move_modules.main(["--check"])

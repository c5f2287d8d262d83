"""Worlds that several test modules share, as fixtures.

A module binds the one it needs under the name its tests ask for (pytest finds a fixture by
the module attribute's name), e.g. `world = worlds.arrival`. A module whose tests need a
genuinely different world keeps its own fixture and builds it from tests/factories.py.
"""

from __future__ import annotations

import pytest

from lithloop.models import Role
from lithloop.services.booking import prices as price_service
from tests.factories import DealerFactory, SiteFactory, make_org, make_park, make_site, make_user
from tests.intake_world import build_arrival
from tests.plant_world import plant_world
from tests.route_world import build_world


@pytest.fixture
def dealer(app):
    """A dealer branch's staff member, with one site of the branch."""
    user = DealerFactory()
    SiteFactory(organisation=user.organisation)
    return user


@pytest.fixture
def logged_in_dealer(login_as):
    """A dealer branch's staff member, logged in through the login form (no site yet)."""
    return login_as(Role.DEALER_STAFF)


@pytest.fixture
def logged_in_fleet_manager(login_as):
    """A bus company's fleet manager, logged in through the login form (no depot yet)."""
    return login_as(Role.FLEET_MANAGER)


@pytest.fixture
def dealer_at_site(app):
    """The price index, the park with two trucks, a dealer and its site: enough to book."""
    price_service.ensure_default_index()
    make_park()
    dealer_org = make_org(name="牡丹江测试经销店")
    return {"dealer": make_user(dealer_org), "site": make_site(dealer_org, name="东安网点")}


@pytest.fixture
def published_route(app):
    """A published route for today: trip 1 two pickups, a reload, trip 2 one pickup."""
    return build_world()


@pytest.fixture
def arrival(app):
    """The published route with booking 1 picked up, back at the park, to receive."""
    return build_arrival()


@pytest.fixture
def plant_staff(app):
    """The index, a park with a plant operator, an admin and a dispatcher; two owners."""
    return plant_world()

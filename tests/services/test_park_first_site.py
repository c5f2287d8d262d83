"""On a new installation the park's administrator adds the park's own site: it becomes the
park (where trucks start and quotes are measured from), not a dealer's branch."""

from __future__ import annotations

import pytest

from lithloop.models import OrgKind, Role, SiteKind
from lithloop.services.booking import distances
from lithloop.services.booking import sites as site_service
from tests.factories import make_org, make_user

PARK = (44.5521, 129.6331)  # near Mudanjiang
WAREHOUSE = (44.5900, 129.5800)


@pytest.mark.usefixtures("app")
def test_the_park_operators_first_site_is_the_park_and_its_others_warehouses():
    admin = make_user(make_org(kind=OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    assert distances.park_site() is None  # a new database: quotes use the gazetteer's park
    park = site_service.create_site(
        admin, site_service.SiteInput(name="园区", lat=PARK[0], lon=PARK[1])
    )
    assert park.kind is SiteKind.PARK
    assert distances.park_site().id == park.id
    assert distances.park_position() == pytest.approx((PARK[1], PARK[0]))
    store = site_service.create_site(
        admin, site_service.SiteInput(name="成品库", lat=WAREHOUSE[0], lon=WAREHOUSE[1])
    )
    assert store.kind is SiteKind.WAREHOUSE
    assert distances.park_site().id == park.id


@pytest.mark.usefixtures("app")
def test_a_dealers_and_a_bus_companys_sites_keep_their_kinds():
    dealer = make_user(make_org(kind=OrgKind.DEALER_BRANCH), role=Role.DEALER_STAFF)
    manager = make_user(make_org(kind=OrgKind.BUS_COMPANY), role=Role.FLEET_MANAGER)
    data = site_service.SiteInput(name="网点", lat=WAREHOUSE[0], lon=WAREHOUSE[1])
    assert site_service.create_site(dealer, data).kind is SiteKind.BRANCH
    data = site_service.SiteInput(name="公交场站", lat=WAREHOUSE[0], lon=WAREHOUSE[1])
    assert site_service.create_site(manager, data).kind is SiteKind.BUS_DEPOT

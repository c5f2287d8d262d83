"""Small builders for organisations, users and sites used across tests."""

from __future__ import annotations

import itertools
from datetime import time

from lithloop.extensions import db
from lithloop.models import ROLES_BY_KIND, Organisation, OrgKind, OrgStatus, Role, Site, User
from lithloop.services.accounts.passwords import hash_password

PASSWORD = "correct-horse-42"
_seq = itertools.count(1)


def make_org(
    kind: OrgKind = OrgKind.DEALER_BRANCH, *, status=OrgStatus.ACTIVE, name: str | None = None
) -> Organisation:
    """An organisation, active unless told otherwise."""
    org = Organisation(
        name=name or f"测试机构{next(_seq)}", kind=kind, status=status, city="牡丹江"
    )
    db.session.add(org)
    db.session.commit()
    return org


def make_user(
    org: Organisation,
    *,
    role: Role | None = None,
    email: str | None = None,
    password: str = PASSWORD,
) -> User:
    """A user of the organisation, with the first role its kind allows unless given."""
    role = role or sorted(ROLES_BY_KIND[org.kind], key=lambda r: r.value)[0]
    user = User(
        email=email or f"user{next(_seq)}@example.com",
        name="测试用户",
        password_hash=hash_password(password),
        role=role,
        organisation=org,
    )
    db.session.add(user)
    db.session.commit()
    return user


def org_kind_for(role: Role) -> OrgKind:
    """The kind of organisation whose users hold this role."""
    return next(kind for kind, roles in ROLES_BY_KIND.items() if role in roles)


def make_user_as(role: Role, *, org: Organisation | None = None, **kwargs) -> User:
    """A user with the role, in a new organisation of the matching kind unless given."""
    return make_user(org or make_org(org_kind_for(role)), role=role, **kwargs)


def make_site(org: Organisation, *, name: str | None = None, lat=44.58, lon=129.62) -> Site:
    """A site of the organisation near Mudanjiang."""
    site = Site(
        organisation=org,
        name=name or f"网点{next(_seq)}",
        lat=lat,
        lon=lon,
        city="牡丹江",
        opens_at=time(8),
        closes_at=time(17),
    )
    db.session.add(site)
    db.session.commit()
    return site


def make_park(payload_kg: int = 12000, trucks: int = 2):
    """The park operator with its depot and trucks (capacity for bookings)."""
    from lithloop.models import SiteKind, Truck

    park = make_org(OrgKind.PARK_OPERATOR, name=f"产业园{next(_seq)}")
    depot = make_site(park, name="产业园", lat=44.5514, lon=129.6329)
    depot.kind = SiteKind.PARK
    for i in range(trucks):
        db.session.add(
            Truck(
                organisation=park,
                depot=depot,
                plate=f"黑C·T{next(_seq):04d}{i}",
                payload_kg=payload_kg,
                pallet_places=10,
                shift_start=time(7),
                shift_end=time(19),
                fixed_cost_fen=30000,
                cost_per_km_fen=300,
                cost_per_hour_fen=6000,
            )
        )
    db.session.commit()
    return park

"""A hand move on a draft one of whose trucks was made inactive since it was made."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Plan, PlanRoute, PlanStatus, PlanStop, Role, Truck
from lithloop.services.booking import prices as price_service
from lithloop.services.dispatch import plan_edit
from tests.factories import make_park, make_user
from tests.route_world import at, book_places, make_route, open_day


def test_a_hand_move_on_a_draft_with_a_truck_made_inactive_since_is_made(app):
    """A truck deactivated after the draft was made: every hand move on that draft (even
    one taking a stop off that truck) failed with a server error (the truck was not in the
    re-simulated problem). The move is made; the other truck's route stays as it was."""
    price_service.ensure_default_index()
    park = make_park(trucks=2)
    truck, other = db.session.scalars(sa.select(Truck).order_by(Truck.id)).all()
    dispatcher = make_user(park, role=Role.DISPATCHER)
    day = open_day(2)
    first, second, third = book_places(day, [(44.60, 129.64), (44.58, 129.61), (44.59, 129.60)])
    stops = [("start", None, "08:00"), ("pickup", first, "09:00"), ("end", None, "12:00")]
    draft = make_route(truck, stops, day=day, status=PlanStatus.DRAFT, by=dispatcher)
    on_other = PlanRoute(plan=draft.plan, truck=other, cost_fen=0, trips=1, distance_m=0)
    on_other.duration_s = 0
    on_other.stops = [
        PlanStop(seq=i, kind=kind, booking_id=b, arrival=at(day, t), departure=at(day, t))
        for i, (kind, b, t) in enumerate(
            [("start", None, "08:00"), ("pickup", second, "09:00"), ("pickup", third, "10:00")]
            + [("end", None, "12:00")]
        )
    ]
    db.session.add(on_other)
    other.active = False  # since the draft was made
    db.session.commit()
    plan_edit.move_booking(dispatcher, draft.plan_id, second, truck.id, 2)
    db.session.expire_all()
    routes = {r.truck_id: r for r in db.session.get(Plan, draft.plan_id).routes}
    assert [s.booking_id for s in routes[truck.id].stops if s.booking_id] == [first, second]
    assert [s.booking_id for s in routes[other.id].stops if s.booking_id] == [third]


def test_an_urgent_booking_goes_into_a_published_plan_with_a_truck_made_inactive_since(app):
    """The same for an urgent insertion: it failed with a server error; it goes onto the
    active truck, the inactive truck's route kept as it was."""
    price_service.ensure_default_index()
    park = make_park(trucks=2)
    truck, other = db.session.scalars(sa.select(Truck).order_by(Truck.id)).all()
    dispatcher = make_user(park, role=Role.DISPATCHER)
    day = open_day(2)
    first, second, urgent = book_places(day, [(44.60, 129.64), (44.58, 129.61), (44.59, 129.6)])
    stops = [("start", None, "08:00"), ("pickup", first, "09:00"), ("end", None, "12:00")]
    published = make_route(truck, stops, day=day, by=dispatcher)
    stops = [("start", None, "08:00"), ("pickup", second, "09:00"), ("end", None, "12:00")]
    make_route(other, stops, day=day, by=dispatcher)  # joins the day's published plan
    other.active = False
    db.session.commit()
    draft = plan_edit.insert_urgent(dispatcher, published.plan_id, urgent)
    db.session.commit()
    routes = {r.truck_id: r for r in draft.routes}
    assert urgent in [s.booking_id for s in routes[truck.id].stops]
    assert [s.booking_id for s in routes[other.id].stops if s.booking_id] == [second]


def test_a_move_onto_a_truck_without_pickups_says_the_only_position_plainly(app):
    """Walk finding: a position past the end of an empty truck read "Choose a position from
    1 to 1"."""
    from flask_babel import force_locale

    from lithloop.services.errors import Invalid

    price_service.ensure_default_index()
    park = make_park(trucks=2)
    truck, empty = db.session.scalars(sa.select(Truck).order_by(Truck.id)).all()
    dispatcher = make_user(park, role=Role.DISPATCHER)
    day = open_day(2)
    first, second = book_places(day, [(44.60, 129.64), (44.58, 129.61)])
    stops = [("start", None, "08:00"), ("pickup", first, "09:00"), ("pickup", second, "10:00")]
    stops += [("end", None, "12:00")]
    draft = make_route(truck, stops, day=day, status=PlanStatus.DRAFT, by=dispatcher)
    db.session.commit()
    with pytest.raises(Invalid) as refused:
        plan_edit.move_booking(dispatcher, draft.plan_id, second, empty.id, 2)
    assert refused.value.field == "position"
    with force_locale("en"):
        assert str(refused.value.message) == (
            "This truck has no other pickups: the only position is 1."
        )
    with force_locale("zh"):
        assert str(refused.value.message) == "这辆车没有其他取货点，只能排在第 1 位。"

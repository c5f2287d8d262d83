"""Who may use each endpoint: the authorisation matrix's expectations, written by hand.

Written from what the product should allow (DESIGN.md, issues #3-#8), not read off the
decorators, so that a wrong guard shows up as a difference. Each key is "METHOD endpoint";
every rule of `app.url_map` with every method it answers must be here.

- `who`: PUBLIC (anyone, no login), ANYONE (any logged-in role), or a set of roles.
- `owned`: the kind of organisation-owned object the URL (or body) names: booking, site,
  settlement, pack, bus_pack (a pack of a fleet register), order, route (a driver's route),
  stop and park_stop (a driver's pickup and unloading stops). Then each role
  is tried on its own object (when it has one) and on another organisation's, which must
  answer 404 unless the role is in `sees_all` (the park's office staff see the whole
  region; its drivers only their own routes, issue 17; the regulator, where a rule's
  `sees_all` names it, every organisation's packs, read-only). A role outside `sees_all`
  and the region's staff must find no other organisation's data in an answer it is given.
- `hide`: a role outside `who` gets 404 instead of 403 (the product hides that it exists).
- `ends_session`: using it ends the caller's page session (logout, log out everywhere); the
  matrix logs the role in again afterwards.
- `params` / `query` / `body`: values for the URL, query string and POST body; a string
  "{name}" is replaced by a world value (`{owned}` by the own or other object).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lithloop.models import Role

PUBLIC = "public"
ANYONE = "anyone"

DEALER, FLEET = Role.DEALER_STAFF, Role.FLEET_MANAGER
DISPATCHER, PLANT, DRIVER = Role.DISPATCHER, Role.PLANT_OPERATOR, Role.DRIVER
BUYER, ADMIN, GOVERNMENT = Role.BUYER, Role.ADMIN, Role.GOVERNMENT

OWNERS = frozenset({DEALER, FLEET})  # dealer branches and bus companies: sites, bookings
REGION = frozenset({DISPATCHER, PLANT, ADMIN})  # see the whole region
# Drivers work for the park but see only their own routes' stops and what those need (the
# driver page, the route's manifest and dangerous-goods document): no organisation's
# bookings, sites, quotes, prices or private passports, not even the park's own.
RECORD_READERS = frozenset(Role) - {DRIVER}
STAFF = frozenset({DISPATCHER, PLANT, ADMIN})  # dispatch pages, plans, route documents
PLANNERS = frozenset({DISPATCHER, ADMIN})  # change plans and runs
PLANT_SIDE = frozenset({PLANT, ADMIN})  # intake, grading, warehouses, lines, settling
SITE_EDITORS = OWNERS | {DISPATCHER, ADMIN}  # sites of one's own organisation (the depot)
CANCELLERS = OWNERS | PLANNERS  # owners before scheduling, the park with a reason
SETTLEMENT_READERS = OWNERS | PLANT_SIDE
MARKET = frozenset({BUYER, ADMIN})
ADMINS = frozenset({ADMIN})
VIEWERS = frozenset({ADMIN, GOVERNMENT})  # the dashboard
# The regulator (government partner) follows every organisation's packs, read-only: the
# traceability page, its CSV files, the look-up by code and every pack's passport.
TRACERS = frozenset({ADMIN, GOVERNMENT})
PACKS_SEEN_BY = REGION | {GOVERNMENT}
NOBODY = frozenset()

SITE_FORM = {
    "name": "AUTHZ新网点",
    "lat": "44.58",
    "lon": "129.61",
    "opens_at": "08:00",
    "closes_at": "17:00",
    "city": "牡丹江",
}
BOOKING = {
    "site_id": "{owned}",
    "date": "{open_day}",
    "window": ["09:00", "12:00"],
    "lots": [
        {
            "chemistry": "LFP",
            "form": "pack",
            "count": 1,
            "mass_kg": "300",
            "condition": "intact",
            "codes": [],
        }
    ],
}
BOOKING_FORM = {
    "site_id": "{owned}",
    "date": "{open_day}",
    "slot": "10:00-12:00",
    "lots-0-chemistry": "LFP",
    "lots-0-form": "pack",
    "lots-0-count": "1",
    "lots-0-mass_kg": "300",
    "lots-0-condition": "intact",
}
COLLEAGUE = {"user_id": "{owned}"}
TRUCK_BODY = {
    "plate": "黑C·Z9999",
    "payload_kg": 5000,
    "pallet_places": 10,
    "shift_start": "07:00",
    "shift_end": "19:00",
    "max_work_h": 10,
    "depot_site_id": 0,
}
SCRAP = {
    "chemistry": "LFP",
    "form": "pack",
    "mass_kg": "500",
    "condition": "intact",
    "site_id": "{owned}",
}


@dataclass(frozen=True)
class Rule:
    """The expectation for one endpoint and method."""

    who: frozenset | str
    owned: str | None = None
    sees_all: frozenset = REGION
    hide: bool = False
    params: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    body: dict | None = None
    ends_session: bool = False
    note: str = ""


def _r(who, **kwargs) -> Rule:
    return Rule(frozenset(who) if not isinstance(who, str) else who, **kwargs)


TABLE: dict[str, Rule] = {
    # Infrastructure: static files, health, metrics, the OpenAPI document and its page.
    "GET static": _r(PUBLIC, params={"filename": "css/app.css"}),
    "GET health.healthz": _r(PUBLIC),
    "GET metrics": _r(
        PUBLIC,
        note="loopback or METRICS_TOKEN only; the test client is "
        "loopback (tests/web/test_metrics.py covers the rest)",
    ),
    "GET api-docs.openapi_json": _r(PUBLIC),
    "GET api_docs.docs": _r(PUBLIC),
    "POST webhooks.stripe_webhook": _r(PUBLIC, body={}, note="signed by Stripe; 400 unsigned"),
    # Accounts.
    "GET auth.login": _r(PUBLIC),
    "POST auth.login": _r(PUBLIC, body={}),
    "POST auth.logout": _r(PUBLIC, body={}, ends_session=True),
    "GET auth.register": _r(PUBLIC),
    "POST auth.register": _r(PUBLIC, body={}),
    "GET auth.confirm_registration": _r(PUBLIC, params={"token": "not-a-token"}),
    "POST auth.confirm_registration": _r(PUBLIC, params={"token": "not-a-token"}, body={}),
    "GET auth.reset_request": _r(PUBLIC),
    "POST auth.reset_request": _r(PUBLIC, body={}),
    "GET auth.reset_password": _r(PUBLIC, params={"token": "not-a-token"}),
    "POST auth.reset_password": _r(PUBLIC, params={"token": "not-a-token"}, body={}),
    "POST api_auth.issue_token": _r(
        PUBLIC, body={"email": "{token_email}", "password": "{token_password}"}
    ),
    "GET home.index": _r(ANYONE),
    # One's own account: password, sessions, API tokens (an administrator revokes anyone's).
    "GET account.index": _r(ANYONE),
    "POST account.change_password": _r(ANYONE, body={}),
    "POST account.logout_everywhere": _r(ANYONE, body={}, ends_session=True),
    "POST account.create_token": _r(ANYONE, body={}),
    "POST account.revoke_token": _r(
        ANYONE, owned="api_token", sees_all=ADMINS, params={"token_id": "{owned}"}, body={}
    ),
    "GET account.all_tokens": _r(ADMINS),
    "GET home.set_language": _r(PUBLIC, params={"code": "en"}),
    "POST home.choose_language": _r(PUBLIC, params={"code": "en"}, body={"next": "/"}),
    # Public pages: prices, certificates and passports by their link.
    "GET prices.public": _r(PUBLIC),
    "GET settlements.certificate": _r(PUBLIC, params={"token": "{certificate}"}),
    "GET passports.public": _r(PUBLIC, params={"code": "{public_code}"}),
    "GET api_passports.get_passport": _r(PUBLIC, params={"code": "{public_code}"}),
    # Sites: everyone sees their own organisation's (the park all); owners and the park's
    # planners add and edit their own organisation's.
    "GET sites.index": _r(RECORD_READERS),
    "GET sites.show": _r(RECORD_READERS, owned="site", params={"site_id": "{owned}"}),
    "GET sites.create": _r(SITE_EDITORS),
    "POST sites.create": _r(SITE_EDITORS, body=SITE_FORM),
    "GET sites.edit": _r(
        SITE_EDITORS, owned="site", sees_all=NOBODY, params={"site_id": "{owned}"}
    ),
    "POST sites.edit": _r(
        SITE_EDITORS, owned="site", sees_all=NOBODY, params={"site_id": "{owned}"}, body=SITE_FORM
    ),
    "GET api_sites.list_sites": _r(RECORD_READERS),
    "GET api_sites.get_site": _r(RECORD_READERS, owned="site", params={"site_id": "{owned}"}),
    "POST api_sites.create_site": _r(
        SITE_EDITORS, body={"name": "AUTHZ新网点", "lat": 44.58, "lon": 129.61, "city": "牡丹江"}
    ),
    # Bookings: owners book at their own sites; everyone sees their own (the park all).
    "GET bookings.index": _r(RECORD_READERS),
    "GET bookings.show": _r(RECORD_READERS, owned="booking", params={"booking_id": "{owned}"}),
    "POST bookings.cancel": _r(
        CANCELLERS,
        owned="booking",
        sees_all=PLANNERS,
        params={"booking_id": "{owned}"},
        body={"reason": "authz"},
    ),
    "POST bookings.move_day": _r(
        CANCELLERS,
        owned="booking",
        sees_all=PLANNERS,
        params={"booking_id": "{owned}"},
        body={"date": "2199-01-01"},
    ),
    "POST bookings.change": _r(
        OWNERS,
        owned="booking",
        sees_all=NOBODY,
        params={"booking_id": "{owned}"},
        body={"date": "2199-01-01", "slot": "09:00-11:00"},
    ),
    "GET bookings.create": _r(OWNERS),
    "POST bookings.create": _r(OWNERS, owned="site", sees_all=NOBODY, body=BOOKING_FORM),
    "POST bookings.quote": _r(OWNERS, body={**BOOKING_FORM, "site_id": "{own_site}"}),
    "GET api_bookings.list_bookings": _r(RECORD_READERS),
    "POST api_bookings.create_booking": _r(OWNERS, owned="site", sees_all=NOBODY, body=BOOKING),
    "GET api_bookings.get_booking": _r(
        RECORD_READERS, owned="booking", params={"booking_id": "{owned}"}
    ),
    "POST api_bookings.cancel_booking": _r(
        CANCELLERS,
        owned="booking",
        sees_all=PLANNERS,
        params={"booking_id": "{owned}"},
        body={"reason": "authz"},
    ),
    "POST api_bookings.reschedule_booking": _r(
        OWNERS,
        owned="booking",
        sees_all=NOBODY,
        params={"booking_id": "{owned}"},
        body={"date": "2199-01-01"},
    ),
    "GET api_bookings.calendar": _r(RECORD_READERS, owned="site", query={"site_id": "{owned}"}),
    "POST api_quotes.scrap_quote": _r(RECORD_READERS, owned="site", body=SCRAP),
    "POST api_quotes.second_life_price": _r(
        RECORD_READERS,
        body={"chemistry": "LFP", "rated_kwh": "50", "soh_pct": "85", "cycles": 900, "grade": "A"},
    ),
    # A bus company's fleet register and retirement forecast.
    "GET fleet.packs": _r({FLEET}),
    "POST fleet.packs": _r({FLEET}, body={}),
    "POST fleet.confirm": _r({FLEET}, body={"token": "x" * 32}),
    "GET fleet.sample": _r({FLEET}),
    "GET fleet.forecast": _r({FLEET}),
    # one pack of the register (the body's version is stale: nothing changes)
    "GET fleet.pack": _r({FLEET}, owned="bus_pack", params={"pack_id": "{owned}"}),
    "POST fleet.save_pack": _r({FLEET}, owned="bus_pack", params={"pack_id": "{owned}"}, body={}),
    "POST fleet.remove_pack": _r({FLEET}, owned="bus_pack", params={"pack_id": "{owned}"}, body={}),
    "POST fleet.accept": _r(
        {FLEET}, body={"site_id": "{own_site}", "pack_ids": "", "date": "{open_day}"}
    ),
    # Settlements: owners read their own statements; the plant settles.
    "GET settlements.index": _r(SETTLEMENT_READERS),
    "GET settlements.statement": _r(
        SETTLEMENT_READERS,
        owned="settlement",
        sees_all=PLANT_SIDE,
        params={"booking_id": "{owned}"},
    ),
    "POST settlements.settle": _r(PLANT_SIDE, params={"booking_id": "{any_settled}"}, body={}),
    # Dispatch: park staff read plans and runs; dispatchers and admins change them.
    "GET dispatch.index": _r(STAFF),
    "GET dispatch.run": _r(STAFF, params={"run_id": "{run_id}"}),
    "GET dispatch.progress": _r(STAFF, params={"run_id": "{run_id}"}),
    "GET dispatch.plan": _r(STAFF, params={"plan_id": "{plan_id}"}),
    "POST dispatch.start": _r(PLANNERS, body={"date": "{open_day}", "time_limit_s": "0"}),
    "POST dispatch.cancel": _r(PLANNERS, params={"run_id": "{run_id}"}, body={}),
    "POST dispatch.finish": _r(PLANNERS, params={"run_id": "{run_id}"}, body={}),
    "POST dispatch.move": _r(
        PLANNERS,
        params={"plan_id": "{plan_id}"},
        body={"booking_id": "{any_booking}", "truck_id": "1", "position": "1"},
    ),
    "POST dispatch.urgent": _r(PLANNERS, params={"plan_id": "{plan_id}"}, body={"booking_id": "0"}),
    "POST dispatch.publish": _r(PLANNERS, params={"plan_id": "{plan_id}"}, body={}),
    "GET dispatch.confirm_publish": _r(PLANNERS, params={"plan_id": "{plan_id}"}),
    "GET dispatch.live": _r(STAFF, params={"plan_id": "{plan_id}"}),
    "GET dispatch.roster_page": _r(STAFF),
    "POST dispatch.save_roster": _r(PLANNERS, body={"date": "1999-01-01"}),
    # The park's trucks: everyone of the region's staff sees the list, the planners change
    # them (an empty form is refused, a retire without the page's version too: no write).
    "GET dispatch.trucks_page": _r(STAFF),
    "GET dispatch.new_truck": _r(PLANNERS),
    "POST dispatch.add_truck": _r(PLANNERS, body={}),
    "GET dispatch.edit_truck": _r(PLANNERS, params={"truck_id": "{truck_id}"}),
    "POST dispatch.save_truck": _r(PLANNERS, params={"truck_id": "{truck_id}"}, body={}),
    "GET dispatch.confirm_active": _r(PLANNERS, params={"truck_id": "{truck_id}"}),
    "POST dispatch.set_active": _r(PLANNERS, params={"truck_id": "{truck_id}"}, body={}),
    "POST dispatch.lock": _r(PLANNERS, params={"route_id": "{own_route}"}, body={}),
    "POST dispatch.lock_stop": _r(PLANNERS, params={"stop_id": "{any_stop}"}, body={}),
    "POST dispatch.delivery_day": _r(
        PLANNERS, params={"stop_id": "{any_stop}"}, body={"date": "1999-01-01"}
    ),
    # The trucks API: as the page (the body's depot names no site, the version is stale:
    # the planners are refused by a check, never by the role, and nothing is written).
    "GET api_trucks.list_trucks": _r(STAFF),
    "GET api_trucks.get_truck": _r(STAFF, params={"truck_id": "{truck_id}"}),
    "POST api_trucks.create_truck": _r(PLANNERS, body=TRUCK_BODY),
    "POST api_trucks.change_truck": _r(
        PLANNERS, params={"truck_id": "{truck_id}"}, body={**TRUCK_BODY, "seen": "stale"}
    ),
    "POST api_trucks.retire_truck": _r(
        PLANNERS, params={"truck_id": "{truck_id}"}, body={"seen": "stale"}
    ),
    "POST api_trucks.reactivate_truck": _r(
        PLANNERS, params={"truck_id": "{truck_id}"}, body={"seen": "stale"}
    ),
    "POST api_plans.start_run": _r(PLANNERS, body={"date": "{open_day}", "time_limit_s": 100000}),
    "GET api_plans.get_run": _r(STAFF, params={"run_id": "{run_id}"}),
    "POST api_plans.finish_run": _r(PLANNERS, params={"run_id": "{run_id}"}, body={}),
    "POST api_plans.cancel_run": _r(PLANNERS, params={"run_id": "{run_id}"}, body={}),
    "GET api_plans.get_plan": _r(STAFF, params={"plan_id": "{plan_id}"}),
    "POST api_routing.solve": _r(
        PLANNERS, query={"seconds": "0.1"}, body={"vehicles": [], "jobs": []}
    ),
    # Route documents: park staff, and the driver of that route once published.
    "GET documents.manifest": _r(
        STAFF | {DRIVER}, owned="route", sees_all=STAFF, hide=True, params={"route_id": "{owned}"}
    ),
    "GET documents.dangerous_goods": _r(
        STAFF | {DRIVER}, owned="route", sees_all=STAFF, hide=True, params={"route_id": "{owned}"}
    ),
    # The driver's phone: only their own stops.
    "GET driver.today": _r({DRIVER}),
    # The service worker script: asset paths only, no data (it must load before a login).
    "GET driver.service_worker": _r(PUBLIC),
    "POST driver.arrive": _r(
        {DRIVER}, owned="stop", sees_all=NOBODY, params={"stop_id": "{owned}"}, body={}
    ),
    "POST driver.pickup": _r(
        {DRIVER},
        owned="stop",
        sees_all=NOBODY,
        params={"stop_id": "{owned}"},
        body={"mass_kg": "", "codes": ""},
    ),
    "POST driver.exception": _r(
        {DRIVER}, owned="stop", sees_all=NOBODY, params={"stop_id": "{owned}"}, body={"reason": ""}
    ),
    "POST driver.unloaded": _r(
        {DRIVER}, owned="park_stop", sees_all=NOBODY, params={"stop_id": "{owned}"}, body={}
    ),
    "POST driver.delivered": _r(
        {DRIVER}, owned="delivery_stop", sees_all=NOBODY, params={"stop_id": "{owned}"}, body={}
    ),
    # The plant: intake, grading, warehouses, recycling lines, assembly.
    "GET plant.index": _r(PLANT_SIDE),
    "GET plant.receive_form": _r(PLANT_SIDE, params={"booking_id": "{any_booking}"}),
    "POST plant.receive": _r(PLANT_SIDE, params={"booking_id": "{any_booking}"}, body={}),
    "GET plant.pack": _r(PLANT_SIDE, params={"pack_id": "{plant_pack}"}),
    "POST plant.test": _r(PLANT_SIDE, params={"pack_id": "{plant_pack}"}, body={}),
    "POST plant.send": _r(PLANT_SIDE, params={"pack_id": "{plant_pack}"}, body={}),
    "POST plant.move": _r(PLANT_SIDE, params={"pack_id": "{plant_pack}"}, body={}),
    "GET plant.warehouses_home": _r(PLANT_SIDE),
    "GET plant.warehouse": _r(PLANT_SIDE, params={"name": "aging"}),
    "GET lines.index": _r(PLANT_SIDE),
    "POST lines.open_batch": _r(PLANT_SIDE, params={"line": "2"}, body={}),
    "GET lines.batch": _r(PLANT_SIDE, params={"batch_id": "{batch_id}"}),
    "POST lines.add": _r(PLANT_SIDE, params={"batch_id": "{batch_id}"}, body={"codes": ""}),
    "POST lines.close": _r(PLANT_SIDE, params={"batch_id": "{batch_id}"}, body={}),
    "GET lines.assembly_page": _r(PLANT_SIDE),
    "POST lines.build": _r(PLANT_SIDE, body={}),
    # Pack passports: the full page for the park's office staff, the regulator (every
    # organisation's pack, read-only) and the pack's owner; the public view above.
    "GET passports.show": _r(
        RECORD_READERS, owned="pack", sees_all=PACKS_SEEN_BY, params={"code": "{owned}"}
    ),
    "GET passports.export": _r(
        RECORD_READERS, owned="pack", sees_all=PACKS_SEEN_BY, params={"code": "{owned}"}
    ),
    "GET api_passports.get_full_passport": _r(
        RECORD_READERS, owned="pack", sees_all=PACKS_SEEN_BY, params={"code": "{owned}"}
    ),
    # The market: buyers shop and pay; admins see the catalog and every order.
    "GET market.catalog_page": _r(MARKET),
    "GET market.pack_page": _r(MARKET, params={"pack_id": "{sale_pack}"}),
    "GET market.cart": _r({BUYER}),
    "POST market.cart_add": _r({BUYER}, body={"pack_id": "{cart_pack}"}),
    "POST market.cart_remove": _r({BUYER}, body={"pack_id": "{cart_pack}"}),
    "POST market.cart_delivery": _r({BUYER}, body={"delivery_kind": "pickup"}),
    "POST market.checkout": _r({BUYER}, body={"delivery_kind": "pickup"}),
    "GET market.orders": _r(MARKET),
    "GET market.order": _r(MARKET, owned="order", sees_all=ADMINS, params={"order_id": "{owned}"}),
    # Without `confirmed` the page asks first: the world's order stays as it is.
    "POST market.cancel": _r(
        MARKET, owned="order", sees_all=ADMINS, params={"order_id": "{owned}"}, body={}
    ),
    "GET market.pay": _r({BUYER}, owned="order", sees_all=NOBODY, params={"order_id": "{owned}"}),
    "POST market.pay": _r(
        {BUYER}, owned="order", sees_all=NOBODY, params={"order_id": "{owned}"}, body={"method": ""}
    ),
    "POST market.card_setup": _r(
        {BUYER}, owned="order", sees_all=NOBODY, params={"order_id": "{owned}"}
    ),
    "POST market.open_payment": _r(
        {BUYER}, owned="order", sees_all=NOBODY, params={"order_id": "{owned}"}
    ),
    "GET market.authenticate": _r(
        {BUYER}, owned="order", sees_all=NOBODY, params={"order_id": "{owned}"}
    ),
    "POST market.authenticate": _r(
        {BUYER},
        owned="order",
        sees_all=NOBODY,
        params={"order_id": "{owned}"},
        body={"outcome": "refuse"},
    ),
    "GET market.payment_return": _r(
        {BUYER}, owned="order", sees_all=NOBODY, params={"order_id": "{owned}"}
    ),
    # A dealer's or bus company's people; inviting a colleague into one's own organisation
    # (no URL names one; a body's organisation_id is ignored: test_organisation_people.py).
    "GET organisation.index": _r(OWNERS),
    "POST organisation.invite": _r(OWNERS, body={"name": "AUTHZ同事", "email": "not-an-address"}),
    # Sending an open invitation again and removing a colleague: a member of one's own
    # organisation only (another's is 404; tests/web/test_colleague_actions.py).
    "POST organisation.resend": _r(OWNERS, owned="colleague", sees_all=NOBODY, params=COLLEAGUE),
    "GET organisation.confirm_remove": _r(
        OWNERS, owned="colleague", sees_all=NOBODY, params=COLLEAGUE
    ),
    "POST organisation.remove": _r(OWNERS, owned="colleague", sees_all=NOBODY, params=COLLEAGUE),
    # Business buyers: company invoice details, colleagues, invoices; requests for quote.
    "GET company.company": _r({BUYER}),
    "POST company.save_details": _r({BUYER}, body={}),
    "POST company.invite": _r({BUYER}, body={}),
    "POST company.resend": _r({BUYER}, owned="colleague", sees_all=NOBODY, params=COLLEAGUE),
    "GET company.confirm_remove": _r({BUYER}, owned="colleague", sees_all=NOBODY, params=COLLEAGUE),
    "POST company.remove": _r({BUYER}, owned="colleague", sees_all=NOBODY, params=COLLEAGUE),
    "GET company.invoice": _r(
        MARKET, owned="order", sees_all=ADMINS, params={"order_id": "{owned}"}
    ),
    "GET rfq.index": _r({BUYER}),
    "GET rfq.new": _r({BUYER}),
    "POST rfq.new": _r({BUYER}, body={}),
    "GET rfq.show": _r(MARKET, owned="rfq", sees_all=ADMINS, params={"rfq_id": "{owned}"}),
    "POST rfq.accept": _r(
        {BUYER}, owned="rfq", sees_all=NOBODY, params={"rfq_id": "{owned}"}, body={}
    ),
    "GET rfq.admin_index": _r(ADMINS),
    "POST rfq.quote": _r(ADMINS, params={"rfq_id": "{other_rfq}"}, body={}),
    "POST rfq.decline": _r(ADMINS, params={"rfq_id": "{other_rfq}"}, body={}),
    "POST api_rfqs.create_rfq": _r({BUYER}, body={}),
    "GET api_rfqs.get_rfq": _r(
        MARKET, owned="rfq", sees_all=ADMINS, hide=True, params={"rfq_id": "{owned}"}
    ),
    "POST api_rfqs.accept_rfq": _r(
        {BUYER}, owned="rfq", sees_all=NOBODY, params={"rfq_id": "{owned}"}, body={}
    ),
    "GET api_market.list_packs": _r(MARKET),
    "GET api_market.get_pack": _r(MARKET, params={"pack_id": "{sale_pack}"}),
    "POST api_market.create_order": _r({BUYER}, body={"lines": [{"pack_id": "{plant_pack}"}]}),
    "GET api_market.list_orders": _r(MARKET),
    "GET api_market.get_order": _r(
        MARKET, owned="order", sees_all=ADMINS, hide=True, params={"order_id": "{owned}"}
    ),
    "POST api_market.open_order_payment": _r(
        {BUYER}, owned="order", sees_all=NOBODY, params={"order_id": "{owned}"}
    ),
    # Cancels the order (an unpaid one): later rules on it answer its conflicts, not 403/404.
    # Other roles are refused (403) before any order is read, so nothing tells one exists.
    "POST api_market.cancel_order": _r(
        MARKET, owned="order", sees_all=ADMINS, params={"order_id": "{owned}"}
    ),
    "POST market_admin.refund": _r(
        ADMINS, params={"order_id": "{other_order}"}, body={"amount": "1", "reason": "authz"}
    ),
    "POST market_admin.advance": _r(ADMINS, params={"order_id": "{other_order}"}, body={}),
    "POST market_admin.returned": _r(ADMINS, params={"line_id": "{line_id}"}, body={}),
    # Only hides a stuck payment's line from the orders page's warning (nothing at Stripe).
    "POST market_admin.settled_in_stripe": _r(
        ADMINS, params={"order_id": "{other_order}"}, body={}
    ),
    # Records a refund Stripe could not make as paid back another way (nothing at Stripe).
    "POST market_admin.paid_back": _r(
        ADMINS, params={"order_id": "{other_order}", "refund_id": "1"}, body={}
    ),
    # Administration, the price index, traceability, the dashboard.
    "GET admin.approvals": _r(ADMINS),
    "POST admin.decide": _r(ADMINS, params={"org_id": "{org_id}"}, body={"decision": "approve"}),
    "GET admin.outbox": _r(ADMINS),
    "GET admin_calendar.index": _r(ADMINS),
    "POST admin_calendar.upload": _r(ADMINS, body={}),
    "GET admin_orgs.organisations": _r(ADMINS),
    # No reason: the admin gets the form back (422), so the world's organisation stays as it is.
    "POST admin_orgs.suspend": _r(ADMINS, params={"org_id": "{org_id}"}, body={"confirmed": "1"}),
    "POST admin_orgs.reactivate": _r(
        ADMINS, params={"org_id": "{org_id}"}, body={"confirmed": "1"}
    ),
    "GET admin_users.users": _r(ADMINS),
    "POST admin_users.set_enabled": _r(
        ADMINS, params={"user_id": "{user_id}"}, body={"enabled": "0"}
    ),
    "POST admin_users.unlock": _r(ADMINS, params={"user_id": "{user_id}"}, body={}),
    "GET admin_users.audit_log": _r(ADMINS),
    # The park's own people and the government partner's: only an administrator invites
    # (choosing a park role), sends again, changes a park role (tests/web/test_park_people.py).
    # A role the park cannot hold is refused (422), an account not invited cannot be sent
    # again and the demo's government partner exists (409): the world stays as it is.
    "GET admin_people.park": _r(ADMINS),
    "POST admin_people.invite": _r(ADMINS, body={"name": "AUTHZ同事", "email": "not-an-address"}),
    "POST admin_people.resend": _r(ADMINS, params={"user_id": "{park_user_id}"}, body={}),
    "POST admin_people.change_role": _r(
        ADMINS, params={"user_id": "{park_user_id}"}, body={"role": "buyer"}
    ),
    "GET admin_people.government": _r(ADMINS),
    "POST admin_people.create_government": _r(ADMINS, body={"org_name": "AUTHZ监管"}),
    "POST admin_people.invite_government": _r(
        ADMINS, body={"name": "AUTHZ同事", "email": "not-an-address"}
    ),
    "POST admin_people.resend_government": _r(ADMINS, params={"user_id": "{gov_user_id}"}, body={}),
    "GET prices.versions": _r(ADMINS),
    "GET prices.compare": _r(ADMINS, query={"a": "{version}", "b": "{version}"}),
    "GET prices.new_version": _r(ADMINS),
    "POST prices.new_version": _r(ADMINS, body={}),
    # Traceability: the regulator reads the page, its CSV files and finds a pack by its
    # code (every organisation's), in the API too; only admins mark handovers reported.
    "GET trace.index": _r(TRACERS, sees_all=PACKS_SEEN_BY),
    "GET trace.find": _r(TRACERS, sees_all=PACKS_SEEN_BY, query={"code": "{public_code}"}),
    "POST trace.mark": _r(ADMINS, body={}),
    "GET trace.export": _r(TRACERS, sees_all=PACKS_SEEN_BY),
    "GET api_reports.traceability_due": _r(TRACERS, sees_all=PACKS_SEEN_BY),
    "GET api_reports.traceability_archive": _r(
        TRACERS, sees_all=PACKS_SEEN_BY, query={"year": "{archive_year}"}
    ),
    "GET dashboard.index": _r(VIEWERS),
    "GET api_reports.dashboard_summary": _r(VIEWERS),
}

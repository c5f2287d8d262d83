"""A GET never writes: every GET route of the URL map, as anonymous and as each role.

The world holds what used to tempt a page into writing: a run whose worker went silent,
a buyer's reservation that expired (both housekeeping's, lithloop/jobs/housekeeping.py) and
a buyer's order whose PaymentIntent checkout could not open (Stripe down): only a POST
opens it (POST /api/v1/orders/{id}/payment, or paying on the pay page).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.jobs import housekeeping
from lithloop.models import Order, OrderStatus, Pack, PackState, Payment, PlanRun, Role, RunStatus
from lithloop.services.market import checkout as market_checkout
from tests.authz_table import TABLE
from tests.sent_sql import first_line, is_write, sent_statements
from tests.test_authz_matrix import PRINCIPALS, scopes, seeded_matrix, url_for_rule, values_for

#: The writes a GET may make, each with its reason: (endpoint or None for any, statement start).
EXEMPT = {
    # access bookkeeping by the token guard, at most once a minute per token
    (None, "UPDATE api_token SET last_used_at"),
    # Stripe sends the buyer back here after 3-D Secure: the payment's state is synced,
    # written only when Stripe's status or error changed (test_market_pages)
    ("market.payment_return", "UPDATE market_payment"),
}


def exempt(endpoint: str, statement: str) -> bool:
    """Whether this write by this endpoint is one of the few GET writes with a reason."""
    return any(where in (None, endpoint) and statement.startswith(start) for where, start in EXEMPT)


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    """The authorisation matrix's world, plus a silent run and an expired reservation."""
    with seeded_matrix("sqlite", tmp_path_factory, "getwrites") as seeded:
        world = seeded.world
        run = PlanRun(
            plan_date=clock.today(),
            status=RunStatus.RUNNING,
            time_limit_s=5,
            created_by_id=world.users[Role.DISPATCHER].id,
        )
        run.heartbeat_at = clock.now() - timedelta(hours=1)
        db.session.add(run)
        order = db.session.get(Order, world.own["order"][Role.BUYER])
        assert order.status is OrderStatus.PENDING_PAYMENT
        order.reserved_until = clock.now() - timedelta(hours=1)
        db.session.commit()
        seeded.stale_run_id = run.id
        seeded.unopened_order_id = _order_without_payment(world.users[Role.BUYER])
        yield seeded


def _order_without_payment(buyer) -> int:
    """A pending, still reserved order of the buyer whose PaymentIntent was never opened."""
    pack = db.session.scalar(
        sa.select(Pack)
        .where(Pack.state == PackState.FINISHED, Pack.price_fen.is_not(None))
        .order_by(Pack.id)
    )
    order = market_checkout.checkout(buyer, [{"pack_id": pack.id}], {"kind": "pickup"})
    db.session.execute(sa.delete(Payment).where(Payment.order_id == order.id))
    db.session.commit()
    assert order.reserved_until > clock.now()
    return order.id


def get_routes(app) -> list[str]:
    """The endpoints answering GET, from the URL map."""
    return sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint != "static"
    )


@pytest.mark.parametrize("role", PRINCIPALS, ids=lambda r: getattr(r, "value", "anonymous"))
def test_no_get_route_writes(matrix, role):
    app, world = matrix.app, matrix.world
    writes = []
    with sent_statements(app, is_write) as statements:
        for endpoint in get_routes(app):
            rule = TABLE[f"GET {endpoint}"]
            for _scope, owned in scopes(rule, role, world):
                url = url_for_rule(app, endpoint, rule, values_for(world, role, owned))
                client = matrix.client(role if not url.startswith("/api/") else None)
                headers = {}
                if url.startswith("/api/") and role is not None:
                    headers["Authorization"] = f"Bearer {matrix.tokens[role]}"
                statements.clear()
                client.get(url, headers=headers)
                made = [first_line(s) for s in statements if not exempt(endpoint, s)]
                if made:
                    writes.append(f"GET {url}: {made}")
    assert writes == []


def test_reading_an_order_whose_payment_was_never_opened_writes_nothing(matrix):
    """Every GET of the buyer's order (page or API) leaves its payment unopened."""
    app, world = matrix.app, matrix.world
    order_id = matrix.unopened_order_id
    routes = [e for e in get_routes(app) if TABLE[f"GET {e}"].owned == "order"]
    assert "api_market.get_order" in routes and "market.pay" in routes
    writes = []
    with sent_statements(app, is_write) as statements:
        for endpoint in routes:
            url = url_for_rule(
                app, endpoint, TABLE[f"GET {endpoint}"], values_for(world, Role.BUYER, order_id)
            )
            api = url.startswith("/api/")
            headers = {"Authorization": f"Bearer {matrix.tokens[Role.BUYER]}"} if api else {}
            statements.clear()
            matrix.client(None if api else Role.BUYER).get(url, headers=headers)
            if made := [first_line(s) for s in statements if not exempt(endpoint, s)]:
                writes.append(f"GET {url}: {made}")
    assert writes == []
    with app.app_context():
        assert db.session.get(Order, order_id).payment is None
        db.session.remove()


def test_the_silent_run_shows_failed_and_housekeeping_stores_it(matrix):
    app = matrix.app
    with app.app_context():
        from lithloop.services.dispatch import runs

        assert runs.get_run(matrix.stale_run_id).status is RunStatus.FAILED  # as shown
        db.session.expire_all()
        stored = db.session.get(PlanRun, matrix.stale_run_id)
        assert stored.status is RunStatus.RUNNING  # showing it wrote nothing
        db.session.remove()
        assert housekeeping.run_all() == {
            "sweep_reservations": 1,
            "fail_stale_runs": 1,
            "return_undelivered": 0,
            "deliver_mail": 0,
            "reprice_listings": 0,
        }
        assert db.session.get(PlanRun, matrix.stale_run_id).status is RunStatus.FAILED
        pending = db.session.scalar(
            sa.select(sa.func.count(Order.id)).where(
                Order.status == OrderStatus.PENDING_PAYMENT,
                Order.reserved_until < clock.now(),
            )
        )
        assert pending == 0

"""History tables refuse raw UPDATE/DELETE in the database; park serials come from a sequence."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import current_app

from lithloop.extensions import db
from lithloop.models import (
    AuditEntry,
    BookingEvent,
    Order,
    OrderEvent,
    OrderStatus,
    Pack,
    PackEvent,
    ParkSerialCounter,
)
from lithloop.services.accounts import audit
from lithloop.services.errors import Conflict
from lithloop.services.plant import intake, park_serials
from tests.intake_world import build_arrival, receipt, row_counts


@pytest.fixture
def world(app):
    world = build_arrival()
    intake.receive(world["operator"], world["booking_id"], receipt(world))
    audit.record("test.action", actor=world["operator"], object_type="test", object_id=1)
    buyer = world["operator"]
    order = Order(
        buyer_org_id=buyer.organisation_id,
        user_id=buyer.id,
        status=OrderStatus.SHIPPED,
        total_fen=10_000,
    )
    db.session.add(order)
    db.session.flush()
    db.session.add(OrderEvent(order_id=order.id, kind="back_to_park", detail={"day": "x"}))
    db.session.commit()
    return world


def _refused(statement: str) -> None:
    with pytest.raises(sa.exc.DBAPIError) as info:
        with db.engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert "append-only" in str(info.value)


@pytest.mark.parametrize(
    ("model", "update"),
    [
        (PackEvent, "UPDATE pack_event SET kind = 'dismantled'"),
        (PackEvent, "UPDATE pack_event SET data = '{}', at = at"),
        (BookingEvent, "UPDATE booking_event SET note = 'rewritten'"),
        (AuditEntry, "UPDATE audit_entry SET actor_email = 'someone@else'"),
        (OrderEvent, "UPDATE order_event SET note = 'rewritten'"),
    ],
)
def test_raw_updates_and_deletes_of_history_are_refused(world, model, update):
    table = model.__table__.name
    before = db.session.scalar(sa.select(sa.func.count()).select_from(model))
    assert before > 0
    _refused(update)
    _refused(f"DELETE FROM {table}")  # noqa: S608 - a model's table name
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == before


def test_the_upload_mark_and_deadline_may_still_change(world):
    with db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE pack_event SET report_due = report_due, "
                "reported_at = NULL WHERE report_due IS NOT NULL"
            )
        )


def _set_used(count: int) -> None:
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text(f"ALTER SEQUENCE park_serial_seq RESTART WITH {count + 1}"))
    else:
        db.session.execute(sa.delete(ParkSerialCounter))
        db.session.add(ParkSerialCounter(id=1, last_value=count))
    db.session.commit()


def test_serials_come_from_the_database_counter_not_a_scan(app):
    world = build_arrival()
    _set_used(5_000_000)
    intake.receive(world["operator"], world["booking_id"], receipt(world))
    serials = sorted(
        int(p.code[17:])
        for p in db.session.scalars(sa.select(Pack).where(Pack.code_assigned.is_(True)))
    )
    assert serials == list(range(5_000_001, 5_000_001 + len(serials))) and serials
    assert park_serials.used() == serials[-1]


def test_admin_is_warned_at_ninety_percent_of_the_serial_space(app):
    _set_used(8_999_999)
    assert park_serials.warning() is None
    _set_used(9_000_000)
    assert park_serials.warning() == {"used": 9_000_000, "max": 9_999_999, "pct": 90.0}


def test_used_up_serials_refuse_the_intake_and_write_nothing(app):
    world = build_arrival()
    _set_used(9_999_999)
    before = row_counts()
    with pytest.raises(Conflict) as info:
        intake.receive(world["operator"], world["booking_id"], receipt(world))
    assert info.value.code == "serials_used_up"
    assert row_counts() == before


def test_restart_needs_an_unused_line(app):
    world = build_arrival()
    intake.receive(world["operator"], world["booking_id"], receipt(world))
    with pytest.raises(Conflict):
        park_serials.restart()  # line 0 has codes
    current_app.config["PARK_CODE_LINE"] = "1"
    park_serials.restart()
    assert park_serials.used() == 0


def test_flask_park_serials_refuses_a_used_line_in_english(app):
    """The command printed the service's refusal in the pages' Chinese."""
    world = build_arrival()
    intake.receive(world["operator"], world["booking_id"], receipt(world))
    result = app.test_cli_runner().invoke(args=["park-serials", "restart"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "Error: Park codes of line 0 exist already: set PARK_CODE_LINE" in result.output
    assert "已" not in result.output


def test_the_admin_dashboard_shows_the_serial_warning(app, client, auth):
    from lithloop.models import OrgKind, Role
    from tests.factories import make_org, make_user

    admin = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    auth.login(admin.email)
    assert 'id="warn-serials"' not in client.get("/dashboard/").get_data(as_text=True)
    _set_used(9_500_000)
    page = client.get("/dashboard/").get_data(as_text=True)
    assert 'id="warn-serials"' in page and "9500000" in page.replace(",", "")

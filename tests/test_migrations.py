"""Migrations apply from empty on SQLite and PostgreSQL, and match the models exactly."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from lithloop.extensions import db
from tests.conftest import PG_URL, fresh_pg_database, make_app


@pytest.fixture(params=["sqlite"] + (["postgresql"] if PG_URL else []))
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
        return
    with fresh_pg_database("lithloop_mig") as url:
        yield url


def test_upgrade_from_empty_has_no_drift_and_downgrades(empty_database):
    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            drift = compare_metadata(context, db.metadata)
        assert drift == [], f"models and migrations differ: {drift}"
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"organisation", "user", "site", "truck", "api_token"} <= tables
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_0019_keeps_the_plan_published_last_when_a_day_has_several(empty_database):
    # Two drafts of a day could both be published before migration 0019 (issue 17): the
    # upgrade keeps the one published last and supersedes the other, then adds the index.
    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision="0014")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO organisation (id, name, kind, status, city, phone, taxpayer_id, "
                    "created_at) VALUES (1, 'park', 'park_operator', 'active', '', '', '', "
                    "'2026-12-01 00:00:00')"
                )
            )
            conn.execute(
                sa.text(
                    'INSERT INTO "user" (id, email, name, password_hash, role, organisation_id, '
                    "enabled, failed_logins, created_at) VALUES (1, 'd@x', 'd', 'x', 'dispatcher', "
                    "1, true, 0, '2026-12-01 00:00:00')"
                )
            )
            for plan_id, published_at in (
                (1, "2026-12-06 09:00:00"),
                (2, "2026-12-06 08:00:00"),
                (3, None),
            ):
                conn.execute(
                    sa.text(
                        "INSERT INTO plan_run (id, plan_date, status, time_limit_s, horizon_days, "
                        "runner, progress, log, error, cancel_requested, created_by_id, "
                        "created_at) "
                        "VALUES (:id, '2026-12-07', 'succeeded', 1, 1, 'thread', '[]', '', '', "
                        "false, 1, '2026-12-01 00:00:00')"
                    ),
                    {"id": plan_id},
                )
                conn.execute(
                    sa.text(
                        "INSERT INTO plan (id, run_id, plan_date, status, distance_m, duration_s, "
                        "cost_fen, collected_kg, solution, published_at, created_at) VALUES "
                        "(:id, :id, '2026-12-07', :status, 0, 0, 0, 0, '{}', :at, "
                        "'2026-12-01 00:00:00')"
                    ),
                    {
                        "id": plan_id,
                        "at": published_at,
                        "status": "published" if published_at else "draft",
                    },
                )
        upgrade(revision="0019")
        with db.engine.connect() as conn:
            statuses = dict(conn.execute(sa.text("SELECT id, status FROM plan ORDER BY id")).all())
        assert statuses == {1: "published", 2: "superseded", 3: "draft"}
        downgrade(revision="0017")
        db.engine.dispose()


def _dealer_with_a_site(conn) -> None:
    """Organisation 1, its dealer user 1 and its site 1: what a booking row needs."""
    _insert(conn, "organisation", id=1, status="active")
    _insert(conn, "user", id=1, email="d@x", role="dealer", organisation_id=1)
    _insert(conn, "site", id=1, organisation_id=1, lat=44.55, lon=129.63)


def _insert(conn, table: str, **given) -> None:
    """A row of `table` with the given values and a plain value in every other NOT NULL
    column without a default (enough for the foreign keys the test names)."""
    values = dict(given)
    for column in sa.inspect(conn).get_columns(table):
        name, kind = column["name"], column["type"]
        if name in values or column["nullable"] or column.get("default") is not None:
            continue
        if isinstance(kind, sa.Boolean):
            values[name] = False
        elif isinstance(kind, (sa.Integer, sa.Numeric)):
            values[name] = 1
        elif isinstance(kind, sa.DateTime):
            values[name] = "2026-12-01 00:00:00"
        elif isinstance(kind, sa.Date):
            values[name] = "2026-12-07"
        elif isinstance(kind, sa.Time):
            values[name] = "10:00:00" if name == "window_end" else "09:00:00"
        elif isinstance(kind, sa.JSON):
            values[name] = "{}"
        else:
            values[name] = "park_operator" if name == "kind" else "x"
    conn.execute(sa.table(table, *(sa.column(n) for n in values)).insert().values(values))


def test_0030_turns_english_history_notes_into_details_and_partial_refunds_into_money(
    empty_database,
):
    # Before 0030 publishing, the driver's pickup and the intake wrote English notes
    # ("黑C·X0812, ETA 12:48") that the page parsed back and the owner's letter quoted as is.
    app = make_app(empty_database)
    notes = {
        1: "黑C·X0812, ETA 12:48",
        2: "re-planned: 黑C·F0614, ETA 09:52",
        3: "picked up 574.00 kg, 0 codes (mass -85.8%, 5 codes missing); 无编码",
        4: "received 2400.00 kg; 少了一箱",
        5: "2026-12-07 full: moved to 2026-12-08",
        6: "门口见",
        7: "moved from 2026-12-07 to 2026-12-09",
        8: "left out of the plan of 2026-12-07: day_full; 2026-12-08, 2026-12-09",
        9: "left out of the plan of 2026-12-07: too_far; ",
    }
    with app.app_context():
        upgrade(revision="0029")
        with db.engine.begin() as conn:
            _dealer_with_a_site(conn)
            _insert(conn, "booking", id=1, organisation_id=1, site_id=1, created_by_id=1)
            for event_id, note in notes.items():
                _insert(conn, "booking_event", id=event_id, booking_id=1, note=note)
            for order_id, status in ((1, "partially_refunded"), (2, "shipped")):
                _insert(
                    conn,
                    "market_order",
                    id=order_id,
                    buyer_org_id=1,
                    user_id=1,
                    status=status,
                    total_fen=10_000,
                    refunded_fen=3_000,
                )
        upgrade(revision="0030")
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, note, detail FROM booking_event ORDER BY id"))
            found = {r.id: (r.note, r.detail) for r in rows}
            orders = dict(conn.execute(sa.text("SELECT id, status FROM market_order")).all())
        assert orders == {1: "paid", 2: "shipped"}  # a partial refund is not a state
        as_json = {
            k: (n, json.loads(d) if isinstance(d, str) else d) for k, (n, d) in found.items()
        }
        with db.engine.begin() as conn, pytest.raises(sa.exc.DBAPIError):  # still append-only
            conn.execute(sa.text("DELETE FROM booking_event WHERE id = 6"))
        assert as_json == {
            1: ("", {"kind": "scheduled", "plate": "黑C·X0812", "eta": "12:48", "again": False}),
            2: ("", {"kind": "scheduled", "plate": "黑C·F0614", "eta": "09:52", "again": True}),
            3: (
                "无编码",
                {
                    "kind": "picked_up",
                    "kg": "574.00",
                    "codes": 0,
                    "mass_off_pct": "-85.8",
                    "missing": 5,
                    "unexpected": 0,
                },
            ),
            4: ("少了一箱", {"kind": "received", "kg": "2400.00"}),
            5: ("", {"kind": "moved", "from": "2026-12-07", "to": "2026-12-08", "full": True}),
            6: ("门口见", None),
            7: ("", {"kind": "moved", "from": "2026-12-07", "to": "2026-12-09", "full": False}),
            8: (
                "",
                {
                    "kind": "left_out",
                    "day": "2026-12-07",
                    "reason": "day_full",
                    "days": ["2026-12-08", "2026-12-09"],
                },
            ),
            9: ("", {"kind": "left_out", "day": "2026-12-07", "reason": "too_far", "days": []}),
        }
        downgrade(revision="0029")
        with db.engine.connect() as conn:
            back = dict(
                conn.execute(sa.text("SELECT id, note FROM booking_event ORDER BY id")).all()
            )
            orders = dict(conn.execute(sa.text("SELECT id, status FROM market_order")).all())
        assert back == notes
        assert orders == {1: "partially_refunded", 2: "partially_refunded"}
        with db.engine.begin() as conn, pytest.raises(sa.exc.DBAPIError):  # still append-only
            conn.execute(sa.text("UPDATE booking_event SET note = 'x' WHERE id = 6"))
        db.engine.dispose()


def test_0031_counts_the_bookings_already_there_by_their_beijing_month(empty_database):
    app = make_app(empty_database)
    created = {
        1: "2026-10-31 15:59:00",  # 23:59 in Beijing: October
        2: "2026-10-31 16:00:00",  # midnight in Beijing: November
        3: "2026-11-15 08:00:00",
        4: "2025-02-01 00:00:00",
    }
    with app.app_context():
        upgrade(revision="0030")
        with db.engine.begin() as conn:
            _dealer_with_a_site(conn)
            for booking_id, at in created.items():
                _insert(
                    conn,
                    "booking",
                    id=booking_id,
                    organisation_id=1,
                    site_id=1,
                    created_by_id=1,
                    created_at=at,
                )
            _insert(conn, "monthly_rollup", month="2026-11-01", measure="bookings", key="", value=7)
        upgrade(revision="0031")
        query = "SELECT month, value FROM monthly_rollup WHERE measure = 'bookings'"
        with db.engine.connect() as conn:
            months = {str(m)[:10]: int(v) for m, v in conn.execute(sa.text(query))}
        assert months == {"2026-10-01": 1, "2026-11-01": 2, "2025-02-01": 1}  # not 7 + 2
        downgrade(revision="0030")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text(query)).all() == []
        db.engine.dispose()


def test_0034_makes_order_event_append_only_and_0015_leaves_it_alone(empty_database):
    # append_only.FROZEN names order_event (0033) now: 0015 keeps its own three tables (it
    # ran before order_event existed), and 0034 adds order_event's triggers, then drops
    # only those (the PostgreSQL function stays for the others).
    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision="0033")
        with db.engine.begin() as conn:
            _dealer_with_a_site(conn)
            _insert(conn, "booking", id=1, organisation_id=1, site_id=1, created_by_id=1)
            _insert(conn, "booking_event", id=1, booking_id=1, note="")
            _insert(conn, "market_order", id=1, buyer_org_id=1, user_id=1, status="shipped")
            for event_id in (1, 2, 3):
                _insert(conn, "order_event", id=event_id, order_id=1, kind="back_to_park")
            conn.execute(sa.text("UPDATE order_event SET note = 'before 0034' WHERE id = 3"))
            conn.execute(sa.text("DELETE FROM order_event WHERE id = 3"))
        upgrade()
        for statement in (
            "UPDATE order_event SET note = 'rewritten' WHERE id = 1",
            "DELETE FROM order_event WHERE id = 2",
        ):
            with pytest.raises(sa.exc.DBAPIError) as info:
                with db.engine.begin() as conn:
                    conn.execute(sa.text(statement))
            assert "append-only" in str(info.value)
        with db.engine.begin() as conn:
            assert conn.scalar(sa.text("SELECT count(*) FROM order_event")) == 2
            _insert(conn, "order_event", id=4, order_id=1, kind="delivery_exception")
        downgrade(revision="0033")
        with db.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM order_event WHERE id = 4"))
        with pytest.raises(sa.exc.DBAPIError):  # booking_event keeps its own trigger
            with db.engine.begin() as conn:
                conn.execute(sa.text("DELETE FROM booking_event"))
        downgrade(revision="base")
        db.engine.dispose()


def test_0037_moves_the_held_lines_of_a_runs_log_into_its_held_column(empty_database):
    app = make_app(empty_database)
    held_line = (
        "2026-12-07: 3 bookings held from planning "
        "(organisation pending: 7,9; suspended: 11; rejected: -)"
    )
    day_line = "2026-12-07: solver solved; 0 unassigned"
    log = f"mode: quick\n{held_line}\n{day_line}\nengine note"
    with app.app_context():
        upgrade(revision="0036")
        with db.engine.begin() as conn:
            _insert(conn, "organisation", id=1, status="active")
            _insert(conn, "user", id=1, email="d@x", role="dispatcher", organisation_id=1)
            _insert(conn, "plan_run", id=1, log=log, created_by_id=1)
            _insert(conn, "plan_run", id=2, log="mode: quick", created_by_id=1)
        upgrade(revision="0037")
        query = sa.text("SELECT id, log, held FROM plan_run ORDER BY id")
        with db.engine.connect() as conn:
            rows = {
                i: (text, h if isinstance(h, list) else json.loads(h))
                for i, text, h in conn.execute(query)
            }
        assert rows[1] == (
            f"mode: quick\n{day_line}\nengine note",
            [{"date": "2026-12-07", "pending": [7, 9], "suspended": [11], "rejected": []}],
        )
        assert rows[2] == ("mode: quick", [])
        downgrade(revision="0036")
        with db.engine.connect() as conn:
            logs = dict(conn.execute(sa.text("SELECT id, log FROM plan_run ORDER BY id")).all())
        assert logs == {1: log, 2: "mode: quick"}  # the lines back where they were
        db.engine.dispose()


def test_0040_calls_invited_only_the_colleagues_invited_who_never_logged_in(empty_database):
    """User 2 was invited and never logged in: invited. User 3 was made by the park and
    never logged in, user 4 was invited and has logged in: neither is."""
    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision="0039")
        with db.engine.begin() as conn:
            _insert(conn, "organisation", id=1, status="active")
            for uid in (1, 2, 3, 4):
                login = "2026-12-02 08:00:00" if uid in (1, 4) else None
                _insert(
                    conn,
                    "user",
                    id=uid,
                    email=f"u{uid}@x",
                    role="dealer",
                    organisation_id=1,
                    last_login_at=login,
                )
            for eid, uid, at in ((1, 2, "2026-12-03 09:00:00"), (2, 4, "2026-12-01 09:00:00")):
                _insert(
                    conn,
                    "audit_entry",
                    id=eid,
                    action="company.invite",
                    actor_id=1,
                    object_type="user",
                    object_id=str(uid),
                    created_at=at,
                )
            _insert(
                conn,
                "audit_entry",
                id=3,
                action="user.enable",
                actor_id=1,
                object_type="user",
                object_id="3",
            )
        upgrade(revision="0040")
        with db.engine.connect() as conn:
            rows = dict(
                conn.execute(sa.text('SELECT id, invited_at FROM "user" ORDER BY id')).all()
            )
        assert {uid for uid, at in rows.items() if at is not None} == {2}
        assert str(rows[2]).startswith("2026-12-03 09:00:00")
        downgrade(revision="0039")
        db.engine.dispose()


def test_0042_indexes_the_buyer_of_a_pack_and_takes_it_back(empty_database):
    """The traceability filter finds the sales to an organisation by `pack.buyer_id`."""
    app = make_app(empty_database)

    def pack_indexes() -> set[str]:
        return {i["name"] for i in sa.inspect(db.engine).get_indexes("pack")}

    with app.app_context():
        upgrade(revision="0042")
        assert "ix_pack_buyer_id" in pack_indexes()
        downgrade(revision="0041")
        assert "ix_pack_buyer_id" not in pack_indexes() and "ix_pack_owner_id" in pack_indexes()
        db.engine.dispose()


def test_0044_gives_each_refund_a_status_booked_ones_succeeded(empty_database):
    """0044 adds `market_refund.status` (default `succeeded`: rows before were made refunds)."""
    app = make_app(empty_database)

    def columns() -> set[str]:
        return {c["name"] for c in sa.inspect(db.engine).get_columns("market_refund")}

    with app.app_context():
        upgrade(revision="0044")
        assert "status" in columns()
        downgrade(revision="0043")
        assert "status" not in columns() and "stripe_refund_id" in columns()
        db.engine.dispose()


def test_0045_adds_the_payments_given_up_mark_and_takes_it_back(empty_database):
    """The sweep's claim that it warned about a payment it gave up cancelling."""
    app = make_app(empty_database)

    def columns() -> set[str]:
        return {c["name"] for c in sa.inspect(db.engine).get_columns("market_payment")}

    with app.app_context():
        upgrade(revision="0045")
        assert "cancel_given_up_at" in columns()
        downgrade(revision="0044")
        assert "cancel_given_up_at" not in columns() and "cancel_due_since" in columns()
        db.engine.dispose()


def test_0046_adds_the_refunds_paid_back_mark_and_takes_it_back(empty_database):
    """A failed refund paid back another way: when, by whom, how (and its user key)."""
    app = make_app(empty_database)

    def columns() -> set[str]:
        return {c["name"] for c in sa.inspect(db.engine).get_columns("market_refund")}

    def user_keys() -> list[list[str]]:
        keys = sa.inspect(db.engine).get_foreign_keys("market_refund")
        return [k["constrained_columns"] for k in keys if k["referred_table"] == "user"]

    with app.app_context():
        upgrade(revision="0046")
        assert {"paid_back_at", "paid_back_by_id", "paid_back_note"} <= columns()
        assert ["paid_back_by_id"] in user_keys()
        downgrade(revision="0045")
        assert not {"paid_back_at", "paid_back_by_id", "paid_back_note"} & columns()
        assert "status" in columns() and ["paid_back_by_id"] not in user_keys()
        db.engine.dispose()


def test_0047_adds_the_batch_loss_confirmation_and_takes_it_back(empty_database):
    """Who confirmed a dismantling batch's high loss, when, and why."""
    app = make_app(empty_database)

    def columns() -> set[str]:
        return {c["name"] for c in sa.inspect(db.engine).get_columns("dismantling_batch")}

    added = {"loss_confirmed_by_id", "loss_confirmed_at", "loss_reason"}
    with app.app_context():
        upgrade(revision="0047")
        assert added <= columns()
        downgrade(revision="0046")
        assert not added & columns() and "closed_at" in columns()
        db.engine.dispose()

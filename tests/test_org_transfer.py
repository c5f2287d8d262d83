"""flask export-org / import-org: a round trip into another database, duplicates refused."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import (
    Booking,
    BookingDay,
    BookingStatus,
    BusPack,
    Organisation,
    OrgKind,
    Role,
    User,
)
from lithloop.services.booking import bookings as booking_service
from lithloop.services.booking import prices as price_service
from tests.conftest import make_app
from tests.factories import PASSWORD, make_org, make_park, make_site, make_user
from tests.web.test_bookings import open_day

LOT = {
    "chemistry": "LFP",
    "form": "pack",
    "count": 2,
    "mass_kg": "640.5",
    "condition": "intact",
    "damage": [],
    "codes": [],
}


def build_organisation():
    """A bus company with two users, two sites, two bookings (one cancelled), bus packs."""
    price_service.ensure_default_index()
    make_park()
    org = make_org(OrgKind.BUS_COMPANY, name="牡丹江公交")
    manager = make_user(org, email="fleet@mdj-bus.example")
    make_user(org, email="second@mdj-bus.example").enabled = False
    depot = make_site(org, name="东安车场", lat=44.58, lon=129.61)
    make_site(org, name="西安车场", lat=44.57, lon=129.58)
    kept, _ = booking_service.book_pickup(
        manager,
        {
            "site_id": depot.id,
            "date": open_day(2).isoformat(),
            "window": ["08:00", "12:00"],
            "lots": [LOT, {**LOT, "chemistry": "NCM523", "count": 1, "mass_kg": "410"}],
        },
    )
    gone, _ = booking_service.book_pickup(
        manager,
        {
            "site_id": depot.id,
            "date": open_day(3).isoformat(),
            "window": ["09:00", "15:00"],
            "lots": [LOT],
        },
    )
    booking_service.change_status(manager, gone.id, BookingStatus.CANCELLED, "bus stays")
    db.session.add_all(
        [
            BusPack(
                organisation_id=org.id,
                vehicle_plate="黑C·1001",
                pack_code=None,
                chemistry="LFP",
                rated_kwh=Decimal("281.9"),
                mass_kg=Decimal("2100.5"),
                in_service_since=date(2016, 5, 1),
                soh_pct=Decimal("71.5"),
                booking_id=kept.id,
            ),
            BusPack(
                organisation_id=org.id,
                vehicle_plate="黑C·1002",
                pack_code=None,
                chemistry="LFP",
                rated_kwh=Decimal("281.9"),
                mass_kg=Decimal("2100.5"),
                in_service_since=date(2017, 3, 1),
            ),
        ]
    )
    db.session.commit()
    return org, kept


def comparable(doc: dict) -> dict:
    """The document without what legitimately differs between databases (ids, export time)."""
    doc = json.loads(json.dumps(doc))
    doc.pop("exported_at")
    for user in doc["users"]:
        user.pop("ref")
    for site in doc["sites"]:
        site.pop("ref")
    for booking in doc["bookings"]:
        for key in ("ref", "site_ref", "created_by_ref"):
            booking.pop(key)
    for pack in doc["bus_packs"]:
        pack["booking_ref"] = pack["booking_ref"] is not None
    return doc


def test_round_trip_into_another_database(app, tmp_path):
    org, kept = build_organisation()
    out = tmp_path / "org.json"
    result = app.test_cli_runner().invoke(args=["export-org", str(org.id), str(out)])
    assert result.exit_code == 0, result.output
    assert "2 users, 2 sites, 2 bookings, 2 bus packs" in result.output
    exported = json.loads(out.read_text("utf-8"))
    text = out.read_text("utf-8")
    assert "password_hash" not in text and "scrypt" not in text

    other = make_app(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    with other.app_context():
        db.create_all()
        result = other.test_cli_runner().invoke(args=["import-org", str(out)])
        assert result.exit_code == 0, result.output
        new_org = db.session.scalar(
            sa.select(Organisation).where(Organisation.name == "牡丹江公交")
        )
        again = other.test_cli_runner().invoke(args=["export-org", str(new_org.id), "-"])
        assert comparable(json.loads(again.output)) == comparable(exported)
        # the pack still points at its booking; the live booking holds its day's capacity
        pack = db.session.scalar(sa.select(BusPack).where(BusPack.vehicle_plate == "黑C·1001"))
        booking = db.session.get(Booking, pack.booking_id)
        assert booking.lots[1].mass_kg == Decimal("410") and booking.site.name == "东安车场"
        day = db.session.get(BookingDay, booking.pickup_date)
        assert (day.booked_stops, day.booked_kg) == (1, booking.total_mass_kg)
        # imported users cannot log in with any old password: they set one by reset link
        user = db.session.scalar(sa.select(User).where(User.email == "fleet@mdj-bus.example"))
        from lithloop.services.accounts.passwords import verify_password

        assert not verify_password(user.password_hash, PASSWORD)
        assert [e.to_status for e in booking.events] == ["requested"]
        db.session.remove()
        db.engine.dispose()


def test_import_refuses_an_existing_organisation_and_writes_nothing(app, tmp_path):
    org, _ = build_organisation()
    out = tmp_path / "org.json"
    app.test_cli_runner().invoke(args=["export-org", str(org.id), str(out)])
    users_before = db.session.scalar(sa.select(sa.func.count(User.id)))
    result = app.test_cli_runner().invoke(args=["import-org", str(out)])
    assert result.exit_code != 0
    assert "牡丹江公交" in result.output and "已存在名为" in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == users_before


def test_import_refuses_taken_e_mails(app, tmp_path):
    org, _ = build_organisation()
    doc_path = tmp_path / "org.json"
    app.test_cli_runner().invoke(args=["export-org", str(org.id), str(doc_path)])
    doc = json.loads(doc_path.read_text("utf-8"))
    doc["organisation"]["name"] = "改名公交"
    doc_path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    result = app.test_cli_runner().invoke(args=["import-org", str(doc_path)])
    assert result.exit_code != 0
    assert "这些邮箱已有账户" in result.output
    assert "fleet@mdj-bus.example" in result.output and "second@mdj-bus.example" in result.output
    assert (
        db.session.scalar(sa.select(Organisation.id).where(Organisation.name == "改名公交")) is None
    )


def test_export_of_an_unknown_organisation_and_a_foreign_file(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["export-org", "999", str(tmp_path / "x.json")])
    assert result.exit_code != 0 and "没有该机构" in result.output
    bogus = tmp_path / "bogus.json"
    bogus.write_text('{"format": "something-else"}')
    result = app.test_cli_runner().invoke(args=["import-org", str(bogus)])
    assert result.exit_code != 0 and "lithloop-organisation" in result.output


def test_park_staff_on_a_booking_history_are_matched_by_e_mail(app, tmp_path):
    org, kept = build_organisation()
    dispatcher = make_user(
        make_org(OrgKind.PARK_OPERATOR), role=Role.DISPATCHER, email="dispatch@park.example"
    )
    booking_service.change_status(dispatcher, kept.id, BookingStatus.SCHEDULED, "")
    out = tmp_path / "org.json"
    app.test_cli_runner().invoke(args=["export-org", str(org.id), str(out)])
    other = make_app(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    with other.app_context():
        db.create_all()
        park_user = make_user(
            make_org(OrgKind.PARK_OPERATOR), role=Role.DISPATCHER, email="dispatch@park.example"
        )
        assert other.test_cli_runner().invoke(args=["import-org", str(out)]).exit_code == 0
        booking = db.session.scalar(
            sa.select(Booking).where(Booking.status == BookingStatus.SCHEDULED)
        )
        assert booking.events[-1].by_user_id == park_user.id
        db.session.remove()
        db.engine.dispose()

"""flask export-org / import-org: a round trip into another database, duplicates refused."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import (
    Booking,
    BookingDay,
    BookingStatus,
    BusPack,
    Organisation,
    OrgKind,
    OrgStatus,
    Role,
    User,
)
from lithloop.services.accounts.invitations import is_invited
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
    for key in ("status", "approved_at"):  # an import waits for approval here
        doc["organisation"].pop(key)
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
        assert exported["organisation"]["status"] == "active"
        assert (new_org.status, new_org.approved_at) == (OrgStatus.PENDING, None)
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


def test_an_open_invitation_stays_open_after_a_move(app, tmp_path):
    """A colleague still waiting on their invitation reads "invited" after the move, not
    "active"; one who accepted theirs stays accepted."""
    org, _ = build_organisation()
    waiting = db.session.scalar(sa.select(User).where(User.email == "second@mdj-bus.example"))
    waiting.enabled, waiting.invited_at = True, datetime(2026, 11, 30, 1, 2, 3, tzinfo=UTC)
    db.session.commit()
    out = tmp_path / "org.json"
    result = app.test_cli_runner().invoke(args=["export-org", str(org.id), str(out)])
    assert result.exit_code == 0, result.output
    exported = {u["email"]: u for u in json.loads(out.read_text("utf-8"))["users"]}
    assert exported["second@mdj-bus.example"]["invited_at"] == "2026-11-30T01:02:03+00:00"
    assert exported["fleet@mdj-bus.example"]["invited_at"] is None

    other = make_app(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    with other.app_context():
        db.create_all()
        result = other.test_cli_runner().invoke(args=["import-org", str(out)])
        assert result.exit_code == 0, result.output
        moved = {u.email: u for u in db.session.scalars(sa.select(User))}
        assert is_invited(moved["second@mdj-bus.example"])
        assert moved["second@mdj-bus.example"].invited_at == waiting.invited_at
        assert not is_invited(moved["fleet@mdj-bus.example"])
        db.session.remove()
        db.engine.dispose()


def test_import_refuses_an_existing_organisation_and_writes_nothing(app, tmp_path):
    org, _ = build_organisation()
    out = tmp_path / "org.json"
    app.test_cli_runner().invoke(args=["export-org", str(org.id), str(out)])
    users_before = db.session.scalar(sa.select(sa.func.count(User.id)))
    result = app.test_cli_runner().invoke(args=["import-org", str(out)])
    assert result.exit_code == 1
    assert "An organisation named 牡丹江公交 exists already; nothing imported." in result.output
    assert "已存在名为" not in result.output  # flask commands speak English
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == users_before


def test_import_refuses_taken_e_mails(app, tmp_path):
    org, _ = build_organisation()
    doc_path = tmp_path / "org.json"
    app.test_cli_runner().invoke(args=["export-org", str(org.id), str(doc_path)])
    doc = json.loads(doc_path.read_text("utf-8"))
    doc["organisation"]["name"] = "改名公交"
    doc_path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    result = app.test_cli_runner().invoke(args=["import-org", str(doc_path)])
    assert result.exit_code == 1
    assert "These e-mail addresses have accounts already" in result.output
    assert "fleet@mdj-bus.example" in result.output and "second@mdj-bus.example" in result.output
    assert "这些邮箱" not in result.output
    assert (
        db.session.scalar(sa.select(Organisation.id).where(Organisation.name == "改名公交")) is None
    )


def test_export_of_an_unknown_organisation_and_a_foreign_file(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["export-org", "999", str(tmp_path / "x.json")])
    assert result.exit_code == 2  # a usage error naming the argument, in English
    assert "Invalid value for 'ORG_ID': No such organisation." in result.output
    assert "没有该机构" not in result.output
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


def _exported_copy(app, tmp_path) -> dict:
    """The built organisation's export, renamed with new e-mails: it imports here as is."""
    org, _ = build_organisation()
    out = tmp_path / "org.json"
    assert app.test_cli_runner().invoke(args=["export-org", str(org.id), str(out)]).exit_code == 0
    doc = json.loads(out.read_text("utf-8"))
    doc["organisation"]["name"] = "改名公交"
    for user in doc["users"]:
        user["email"] = user["email"].replace("mdj-bus", "renamed")
    return doc


def _state() -> tuple:
    count = sa.func.count
    return (
        db.session.scalar(sa.select(count(Organisation.id))),
        db.session.scalar(sa.select(count(User.id))),
        db.session.scalar(sa.select(count(Booking.id))),
        db.session.scalar(sa.select(count(BusPack.id))),
        sorted(db.session.execute(sa.select(BookingDay.day, BookingDay.booked_kg)).all()),
    )


def _set(path: str, value):
    """A change to the document: set the value at 'bookings.0.total_mass_kg'."""

    def change(doc):
        *keys, last = [int(k) if k.isdigit() else k for k in path.split(".")]
        target = doc
        for key in keys:
            target = target[key]
        target[last] = value
        return doc

    return change


def _drop(path: str):
    def change(doc):
        *keys, last = path.split(".")
        target = doc
        for key in keys:
            target = target[key]
        del target[last]
        return doc

    return change


def test_a_pack_stored_heavier_than_the_forms_range_still_moves(app, tmp_path):
    """Review finding: the fleet register's ranges by form (a pack at most 5,000 kg) came
    after packs were stored up to the column's 100,000 kg, and the import took the new
    range: an installation's own export of such a pack could not be imported anywhere."""
    doc = _exported_copy(app, tmp_path)
    doc["bus_packs"][0]["mass_kg"] = "20000.5"
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    result = app.test_cli_runner().invoke(args=["import-org", str(path)])
    assert result.exit_code == 0, result.output
    copy = db.session.scalar(sa.select(Organisation).where(Organisation.name == "改名公交"))
    masses = db.session.scalars(
        sa.select(BusPack.mass_kg).where(BusPack.organisation_id == copy.id)
    ).all()
    assert Decimal("20000.5") in masses


def test_a_renamed_copy_imports_and_takes_its_days_capacity(app, tmp_path):
    doc = _exported_copy(app, tmp_path)
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    result = app.test_cli_runner().invoke(args=["import-org", str(path)])
    assert result.exit_code == 0, result.output
    copy = db.session.scalar(sa.select(Organisation).where(Organisation.name == "改名公交"))
    assert sorted(u.email for u in copy.users) == [
        "fleet@renamed.example",
        "second@renamed.example",
    ]


@pytest.mark.parametrize("status", ["active", "rejected", "pending"])
def test_an_import_waits_for_approval_whatever_status_the_file_gives(app, tmp_path, status):
    """A file must not make an organisation active behind the park's approval (nor bring
    back one rejected elsewhere): the new organisation starts pending, listed for the
    park's review, until an admin approves it."""
    from lithloop.services.accounts import approvals

    doc = _exported_copy(app, tmp_path)
    doc["organisation"].update(status=status, approved_at="2026-01-01T00:00:00+00:00")
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    result = app.test_cli_runner().invoke(args=["import-org", str(path)])
    assert result.exit_code == 0, result.output
    assert "/admin/approvals" in result.output
    copy = db.session.scalar(sa.select(Organisation).where(Organisation.name == "改名公交"))
    assert (copy.status, copy.approved_at) == (OrgStatus.PENDING, None)
    assert copy in approvals.pending_organisations() and not copy.is_active
    approvals.decide_organisation(copy.id, approve=True)
    assert db.session.get(Organisation, copy.id).status is OrgStatus.ACTIVE


#: Hand-edited exports the forms would refuse, or hand-damaged ones: (change, place, why).
REFUSED = {
    # defect 1: rules the forms and the API apply
    "admin in a bus company": (_set("users.0.role", "admin"), "users[0].role", "fleet_manager"),
    "park operator": (_set("organisation.kind", "park_operator"), "organisation.kind", ""),
    "government": (_set("organisation.kind", "government"), "organisation.kind", ""),
    "NaN mass": (_set("bookings.0.total_mass_kg", "NaN"), "bookings[0].total_mass_kg", ""),
    "negative mass": (_set("bookings.0.total_mass_kg", "-5000"), "bookings[0].total_mass_kg", ""),
    "lot mass": (_set("bookings.0.lots.0.mass_kg", "40000.01"), "bookings[0].lots[0].mass_kg", ""),
    "bus pack mass": (_set("bus_packs.0.mass_kg", "100000.01"), "bus_packs[0].mass_kg", ""),
    "year 9999": (_set("bookings.0.pickup_date", "9999-12-31"), "bookings[0].pickup_date", ""),
    "bad e-mail": (_set("users.0.email", "not an email"), "users[0].email", ""),
    "same e-mail twice": (
        _set("users.1.email", "FLEET@renamed.example"),
        "users[1].email",
        "fleet@renamed.example",
    ),
    "unknown status": (_set("bookings.0.status", "lost"), "bookings[0].status", "requested"),
    "unknown role": (_set("users.0.role", "king"), "users[0].role", ""),
    "naive invitation": (
        _set("users.0.invited_at", "2026-01-01T08:00:00"),
        "users[0].invited_at",
        "",
    ),
    "naive time": (
        _set("bookings.0.created_at", "2026-01-01T08:00:00"),
        "bookings[0].created_at",
        "",
    ),
    # defect 2: damaged files
    "list": (lambda doc: [1, 2, 3], "$", ""),
    "null": (lambda doc: None, "$", ""),
    "organisation a string": (_set("organisation", "abc"), "organisation", ""),
    "no organisation": (_drop("organisation"), "organisation", ""),
    "no name": (_drop("organisation.name"), "organisation.name", ""),
    "date tomorrow": (_set("bookings.0.pickup_date", "tomorrow"), "bookings[0].pickup_date", ""),
    "time 25:99": (_set("bookings.0.window_start", "25:99"), "bookings[0].window_start", ""),
    "mass a list": (_set("bookings.0.total_mass_kg", [1]), "bookings[0].total_mass_kg", ""),
    "booking_ref a list": (_set("bus_packs.0.booking_ref", [1]), "bus_packs[0].booking_ref", ""),
    "quote 10**30": (_set("bookings.0.quote_total_fen", 10**30), "bookings[0].quote_total_fen", ""),
    "long name": (_set("users.0.name", "长" * 500), "users[0].name", "120"),
    "NUL": (_set("organisation.name", "公\x00交"), "organisation.name", ""),
    "lat north": (_set("sites.0.lat", "north"), "sites[0].lat", ""),
    "pack_count many": (_set("bookings.0.lots.0.pack_count", "many"), "lots[0].pack_count", ""),
    "pack_count 2**63": (_set("bookings.0.lots.0.pack_count", 2**63), "lots[0].pack_count", ""),
    "site_ref a list": (_set("bookings.0.site_ref", [1]), "bookings[0]", ""),
    "no lots": (_set("bookings.0.lots", []), "bookings[0].lots", ""),
    "window backwards": (_set("bookings.0.window_end", "07:00"), "bookings[0].window_end", ""),
}


@pytest.mark.parametrize("backend", ["sqlite"])  # checked before any write: one backend
@pytest.mark.parametrize("case", list(REFUSED))
def test_import_refuses_a_bad_document_naming_the_place_and_writes_nothing(app, tmp_path, case):
    change, place, why = REFUSED[case]
    doc = change(_exported_copy(app, tmp_path))
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    before = _state()
    result = app.test_cli_runner().invoke(args=["import-org", str(path)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # no traceback
    assert place in result.output and why in result.output
    assert "Nothing imported." in result.output and "未导入" not in result.output
    db.session.rollback()
    assert _state() == before


def test_import_refuses_an_e_mail_taken_in_another_case(app, tmp_path):
    doc = _exported_copy(app, tmp_path)
    doc["users"][0]["email"] = "FLEET@MDJ-BUS.example"  # an account here has it in lower case
    path = tmp_path / "case.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    before = _state()
    result = app.test_cli_runner().invoke(args=["import-org", str(path)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "These e-mail addresses have accounts already" in result.output
    assert "fleet@mdj-bus.example" in result.output
    assert _state() == before


@pytest.mark.parametrize("backend", ["sqlite"])  # refused before the database is touched
@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b'{"format": "lithloop-organisation", "name": "\xc4\xe3\xba\xc3"}', "not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"version": NaN}', "not JSON"),
        (b"{not json", "not JSON"),
    ],
)
def test_import_refuses_a_file_that_is_not_an_export_without_a_traceback(
    app, tmp_path, content, why
):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    result = app.test_cli_runner().invoke(args=["import-org", str(path)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    assert why in result.output


@pytest.mark.parametrize(
    ("org_id", "out", "why"),
    [
        ("99999999999999999999", "x.json", "2147483647"),
        ("0", "x.json", "1<=x"),
        (None, "/nonexistent/dir/out.json", "cannot write /nonexistent/dir/out.json"),
        (None, "/proc/version", "cannot write /proc/version"),
    ],
)
def test_export_refuses_an_impossible_id_or_path_without_a_traceback(
    app, tmp_path, org_id, out, why
):
    org = make_org(OrgKind.BUS_COMPANY, name="导出公交")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["export-org", org_id or str(org.id), out])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert why in result.output

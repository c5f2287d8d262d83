"""flask import-org keeps who acted on a booking's history when that person (park staff)
is not in the exported organisation: linked to their account here by e-mail, else kept by
name and role; the import's summary says which."""

from __future__ import annotations

import json

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Booking, BookingEvent, BookingStatus, OrgKind, Role
from lithloop.services.booking import bookings as booking_service
from tests.conftest import make_app
from tests.factories import make_org, make_user
from tests.test_org_transfer import build_organisation

STAFF = "dispatch@park.example"


def _exported_with_a_dispatcher(app, tmp_path):
    org, kept = build_organisation()
    dispatcher = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.DISPATCHER, email=STAFF)
    dispatcher.name = "王调度"
    db.session.commit()
    booking_service.change_status(dispatcher, kept.id, BookingStatus.SCHEDULED, "")
    out = tmp_path / "org.json"
    result = app.test_cli_runner().invoke(args=["export-org", str(org.id), str(out)])
    assert result.exit_code == 0, result.output
    return out


def _import_elsewhere(tmp_path, path, prepare=None):
    """Import the file into a new database; (the CLI's output, the scheduled event, its
    export again)."""
    other = make_app(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    with other.app_context():
        db.create_all()
        made = prepare() if prepare else None
        result = other.test_cli_runner().invoke(args=["import-org", str(path)])
        assert result.exit_code == 0, result.output
        booking = db.session.scalar(
            sa.select(Booking).where(Booking.status == BookingStatus.SCHEDULED)
        )
        event = booking.events[-1]
        seen = (event.by_user_id, event.by_name, event.by_role)
        again = other.test_cli_runner().invoke(
            args=["export-org", str(booking.organisation_id), "-"]
        )
        db.session.remove()
        db.engine.dispose()
    return result.output, seen, json.loads(again.output), made


def _scheduled(doc) -> dict:
    (event,) = [e for b in doc["bookings"] for e in b["events"] if e["to_status"] == "scheduled"]
    return event


def test_staff_without_an_account_here_are_kept_by_name_and_role(app, tmp_path):
    path = _exported_with_a_dispatcher(app, tmp_path)
    sent = _scheduled(json.loads(path.read_text("utf-8")))
    assert (sent["by_user_email"], sent["by_name"], sent["by_role"]) == (
        STAFF,
        "王调度",
        "dispatcher",
    )
    output, seen, again, _ = _import_elsewhere(tmp_path, path)
    assert seen == (None, "王调度", Role.DISPATCHER)
    assert (
        "Booking history entries by people without an account here, kept by name and role "
        "only: 1 (王调度)." in output
    )
    kept = _scheduled(again)  # and a further export still says who acted, e-mail and all
    assert (kept["by_user_email"], kept["by_name"], kept["by_role"]) == (
        STAFF,
        "王调度",
        "dispatcher",
    )


def test_an_actor_kept_by_name_is_linked_by_a_later_import_where_they_have_an_account(
    app, tmp_path
):
    """export -> import (no account: kept by name) -> export -> import where the staff
    member has an account: linked to it, as if the first file had been imported there."""
    path = _exported_with_a_dispatcher(app, tmp_path)
    _, seen, again, _ = _import_elsewhere(tmp_path, path)
    assert seen == (None, "王调度", Role.DISPATCHER)
    second = tmp_path / "again.json"
    second.write_text(json.dumps(again, ensure_ascii=False), "utf-8")
    third = tmp_path / "third"
    third.mkdir()

    def staff_here():
        user = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.DISPATCHER, email=STAFF)
        db.session.commit()
        return user.id

    output, seen, _, staff_id = _import_elsewhere(third, second, staff_here)
    assert seen == (staff_id, None, None)
    assert f"Booking history entries linked by e-mail to accounts here: 1 ({STAFF})." in output


def test_an_older_file_without_e_mails_still_round_trips_the_name_and_role(app, tmp_path):
    """A file with the name and role but no e-mail (as exports wrote before) keeps them."""
    path = _exported_with_a_dispatcher(app, tmp_path)
    doc = json.loads(path.read_text("utf-8"))
    _scheduled(doc)["by_user_email"] = None
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    _, seen, again, _ = _import_elsewhere(tmp_path, path)
    assert seen == (None, "王调度", Role.DISPATCHER)
    kept = _scheduled(again)
    assert (kept["by_user_email"], kept["by_name"], kept["by_role"]) == (
        None,
        "王调度",
        "dispatcher",
    )


def test_an_older_file_without_names_keeps_the_e_mail(app, tmp_path):
    path = _exported_with_a_dispatcher(app, tmp_path)
    doc = json.loads(path.read_text("utf-8"))
    for booking in doc["bookings"]:
        for event in booking["events"]:
            event.pop("by_name")
            event.pop("by_role")
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    output, seen, _, _ = _import_elsewhere(tmp_path, path)
    assert seen == (None, STAFF, None)
    assert f"kept by name and role only: 1 ({STAFF})." in output


def test_staff_with_an_account_here_are_linked_and_said_so(app, tmp_path):
    path = _exported_with_a_dispatcher(app, tmp_path)

    def staff_here():
        user = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.DISPATCHER, email=STAFF)
        db.session.commit()
        return user.id

    output, seen, _, staff_id = _import_elsewhere(tmp_path, path, staff_here)
    assert seen == (staff_id, None, None)
    assert f"Booking history entries linked by e-mail to accounts here: 1 ({STAFF})." in output
    assert "kept by name and role only" not in output


def test_the_booking_page_names_who_acted_without_an_account(app, client, auth):
    org, kept = build_organisation()
    db.session.add(
        BookingEvent(
            booking_id=kept.id,
            from_status="requested",
            to_status="scheduled",
            by_name="王调度",
            by_role=Role.DISPATCHER,
        )
    )
    db.session.commit()
    auth.login("fleet@mdj-bus.example")
    page = client.get(f"/bookings/{kept.id}").get_data(as_text=True)
    assert "王调度 (调度员)" in page

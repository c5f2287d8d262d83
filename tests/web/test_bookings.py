"""Booking pickups: quote, lifecycle, idempotency, capacity, bad input, isolation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Booking, BookingDay, BookingStatus, OrgKind, OutboxMessage, Role
from lithloop.services.booking import bookings as booking_service
from lithloop.services.booking import capacity
from lithloop.services.errors import Conflict
from tests import worlds
from tests.booking_forms import one_lot_form
from tests.conftest import api_headers, submit
from tests.factories import make_org, make_site, make_user
from tests.route_world import open_day

VALID_CODE = "ABCPB01000000093A1Q0000001"[:24]


world = worlds.dealer_at_site


def body(site, **change) -> dict:
    data = {
        "site_id": site.id,
        "date": open_day(2).isoformat(),
        "window": ["09:00", "11:00"],
        "lots": [
            {
                "chemistry": "LFP",
                "form": "pack",
                "count": 2,
                "mass_kg": "2400",
                "condition": "intact",
                "codes": [],
            },
            {
                "chemistry": "NCM811",
                "form": "module",
                "count": 4,
                "mass_kg": "300",
                "condition": "damaged",
                "damage": ["deformed"],
                "codes": [],
            },
        ],
    }
    data.update(change)
    return data


def headers(client, user, key=None) -> dict:
    result = api_headers(client, user)
    if key:
        result["Idempotency-Key"] = key
    return result


def booking_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Booking.id)))


def test_book_with_frozen_quote(client, world):
    response = client.post(
        "/api/v1/bookings", json=body(world["site"]), headers=headers(client, world["dealer"])
    )
    assert response.status_code == 201, response.json
    booking = response.json
    assert booking["status"] == "requested" and booking["hazardous"] is True
    assert booking["total_mass_kg"] == "2700.00"
    quote = booking["quote"]
    assert quote["total_fen"] == sum(lot["total_fen"] for lot in quote["lots"])
    assert all(
        lot["total_fen"] == sum(line["amount_fen"] for line in lot["lines"])
        for lot in quote["lots"]
    )
    assert quote["inputs"]["lots"][1]["damage"] == ["deformed"]
    stored = db.session.get(Booking, booking["id"])
    assert stored.quote_total_fen == quote["total_fen"]
    assert stored.quote_index_version == quote["index_version"]
    assert (
        client.get(
            f"/api/v1/bookings/{booking['id']}", headers=headers(client, world["dealer"])
        ).json["quote"]
        == quote
    )


def test_same_idempotency_key_books_once(client, world):
    h = headers(client, world["dealer"], key="order-42")
    first = client.post("/api/v1/bookings", json=body(world["site"]), headers=h)
    second = client.post("/api/v1/bookings", json=body(world["site"]), headers=h)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json["id"] == second.json["id"] and booking_count() == 1
    day = db.session.get(BookingDay, open_day(2))
    assert day.booked_stops == 1  # capacity taken once


def _lot(i: int, mass_kg: str, condition: str = "intact") -> dict:
    """The booking form's fields of lot `i`: one LFP pack."""
    fields = {"chemistry": "LFP", "form": "pack", "count": "1", "mass_kg": mass_kg}
    return {f"lots-{i}-{k}": v for k, v in {**fields, "condition": condition}.items()}


def test_double_submitted_form_books_once(client, auth, world):
    auth.login(world["dealer"].email)
    form = {
        "site_id": world["site"].id,
        **_lot(0, "800"),
        "date": open_day(2).isoformat(),
        "slot": "10:00-12:00",
        "idempotency_key": "abc123",
    }
    first = submit(client, "/bookings/new", form)
    second = submit(client, "/bookings/new", form)
    assert first.status_code == second.status_code == 302
    assert first.location == second.location and booking_count() == 1
    page = client.get(first.location).get_data(as_text=True)
    assert "东安网点" in page and "已请求" in page


def test_the_form_names_every_problem_at_once_not_one_per_try(client, auth, world):
    auth.login(world["dealer"].email)
    form = {
        "site_id": world["site"].id,
        **_lot(0, "abc"),
        **_lot(1, "500", "damaged"),  # and no SP376 item ticked
        "date": "",
        "slot": "10:00-12:00",
    }
    response = submit(client, "/bookings/new", form)
    assert response.status_code == 422 and booking_count() == 0
    page = response.get_data(as_text=True)
    errors = re.findall(r'id="([\w.\[\]-]+)-err"', page)
    assert {"date", "lots-0-mass_kg"} <= set(errors), errors  # the day and lot 1's mass
    assert "SP376" in page.split('name="lots-1-damage"')[-1].split("</fieldset>")[0]  # lot 2's
    assert "请选择取货日期" in page and "YYYY-MM-DD" not in page


def test_a_refused_form_says_so_at_the_top_and_keeps_the_quote_of_its_lots(client, auth, world):
    """On a phone the refused form opens at its top, far above the day and the lots: a
    summary there links to each field marked, and the bar above the button still shows the
    quote of the lots typed (it said "fill in the lots" although they were filled in)."""
    auth.login(world["dealer"].email)
    form = {
        "site_id": world["site"].id,
        **_lot(0, "1200"),
        **_lot(1, "500", "damaged"),
        "lots-1-damage": "deformed",
        "date": "",  # the day forgotten
        "slot": "10:00-12:00",
    }
    response = submit(client, "/bookings/new", form)
    assert response.status_code == 422 and booking_count() == 0
    page = response.get_data(as_text=True)
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    links = re.findall(r'<a href="#([\w-]+)">([^<]+)</a>', summary)
    assert links == [("date", "请选择取货日期。")], links
    assert '<select id="date"' in page  # the link's target
    bar = page.split('id="quote-bar"')[1].split("</div>")[0]
    assert "填写批次信息即可查看报价" not in bar and re.search(r"¥[\d,]+\.\d\d", bar), bar
    panel = page.split('id="quote"')[1].split("</aside>")[0]
    assert "即时报价" in panel  # the quote itself, not the form's problems again


def test_the_summary_of_a_refused_form_links_every_field_in_the_order_of_the_page(
    client, auth, world
):
    auth.login(world["dealer"].email)
    form = {
        "site_id": world["site"].id,
        **_lot(0, "abc"),
        **_lot(1, "500", "damaged"),  # and no SP376 item ticked
        "date": "",
        "slot": "10:00-12:00",
    }
    page = submit(client, "/bookings/new", form).get_data(as_text=True)
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    anchors = re.findall(r'<a href="#([\w-]+)">', summary)
    assert anchors == ["lots-0-mass_kg", "lots-1-damage", "date"], anchors
    assert 'id="lots-1-damage"' in page and 'id="lots-0-mass_kg"' in page
    bar = page.split('id="quote-bar"')[1].split("</div>")[0]
    assert "暂无报价：" in bar and "填写批次信息即可查看报价" not in bar, bar  # what stops it


def test_quote_panel_updates_line_by_line(client, auth, world):
    auth.login(world["dealer"].email)
    form = one_lot_form(world["site"], chemistry="NCM811", mass_kg="450")
    panel = submit(client, "/bookings/quote", form, page="/bookings/new")
    text = panel.get_data(as_text=True)
    assert panel.status_code == 200 and "镍（回收）" in text and "运至产业园的运费" in text
    bigger = submit(
        client, "/bookings/quote", {**form, "lots-0-mass_kg": "900"}, page="/bookings/new"
    ).get_data(as_text=True)
    assert bigger != text
    bad = submit(
        client, "/bookings/quote", {**form, "lots-0-mass_kg": "-1"}, page="/bookings/new"
    ).get_data(as_text=True)
    assert "40,000" in bad  # the mass rule, shown instead of a quote


@pytest.mark.parametrize("typed", ["1e12", "1,000,000,000,000", "40001"])
def test_a_mass_too_large_says_so_and_the_most_a_lot_may_weigh(client, auth, world, typed):
    """Walk finding: 1e12 kg read "enter a number", as if it were not one."""
    auth.login(world["dealer"].email)
    form = one_lot_form(world["site"], chemistry="NCM811", mass_kg=typed)
    for url in ("/bookings/quote", "/bookings/new"):
        page = submit(client, url, form, page="/bookings/new").get_data(as_text=True)
        assert "质量过大：每批最多 40,000 千克" in page, url
        assert "请输入数字" not in page, url


def lot(**change) -> dict:
    data = {
        "chemistry": "LFP",
        "form": "pack",
        "count": 1,
        "mass_kg": "500",
        "condition": "intact",
        "codes": [],
    }
    data.update(change)
    return data


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"lots": [lot(mass_kg="0")]}, 422, "lots"),
        ({"lots": [lot(mass_kg="0.004")]}, 422, "lots[0].mass_kg"),  # 0.00 kg as stored
        ({"lots": [lot(count=0)]}, 422, "lots"),
        ({"lots": [lot(condition="damaged")]}, 422, "lots[0].damage"),
        ({"lots": [lot(codes=["ABC"])]}, 422, "lots[0].codes[0]"),
        ({"lots": [lot(codes=[VALID_CODE]), lot(codes=[VALID_CODE])]}, 422, "lots"),
        ({"date": "2020-01-01"}, 422, "date"),
        ({"date": (clock.today() + timedelta(days=400)).isoformat()}, 422, "date"),
        ({"window": ["11:00", "09:00"]}, 422, "window"),
        ({"window": ["06:00", "08:00"]}, 422, "window"),  # the site opens at 08:00
        ({"lots": []}, 422, "lots"),
    ],
)
def test_bad_booking_is_refused_and_nothing_stored(client, world, change, status, field):
    response = client.post(
        "/api/v1/bookings",
        json=body(world["site"], **change),
        headers=headers(client, world["dealer"]),
    )
    assert response.status_code == status, response.json
    reported = response.json.get("field") or next(
        iter(response.json.get("errors", {}).get("json", {})), ""
    )
    assert reported.startswith(field), response.json
    assert response.json["message"]
    assert booking_count() == 0
    assert (
        db.session.scalar(
            sa.select(sa.func.count(BookingDay.day)).where(BookingDay.booked_stops > 0)
        )
        == 0
    )


def test_invalid_code_names_the_failing_position(client, world):
    bad = VALID_CODE[:3] + "X" + VALID_CODE[4:]  # position 4 must be P, M or C
    response = client.post(
        "/api/v1/bookings",
        json=body(world["site"], lots=[lot(codes=[bad])]),
        headers=headers(client, world["dealer"]),
    )
    assert response.status_code == 422 and "4" in response.json["message"]


def test_a_code_listed_twice_is_named(client, world):
    """Walk finding: "a code is listed twice" did not say which code."""
    from tests.pack_builders import pack_code

    one, two, three = pack_code(), pack_code(), pack_code()
    twice = lot(count=5, codes=[one, two, one, three, two])
    response = client.post(
        "/api/v1/bookings",
        json=body(world["site"], lots=[twice]),
        headers=headers(client, world["dealer"]),
    )
    assert response.status_code == 422
    assert f"以下编码重复填写：{one}、{two}。" in response.json["message"], response.json
    across = [lot(count=2, codes=[one, two]), lot(count=2, codes=[three, one])]
    response = client.post(
        "/api/v1/bookings",
        json=body(world["site"], lots=across),
        headers=headers(client, world["dealer"]),
    )
    assert response.status_code == 422
    assert f"以下编码出现在多批中：{one}。" in response.json["message"], response.json
    assert booking_count() == 0


def test_repeated_codes_are_named_once_each_and_at_most_five():
    from lithloop.services.booking.draft import repeated

    assert repeated(["a", "b", "a", "a", "b", "c"]) == ["a", "b"]
    many = [f"c{i}" for i in range(7)]
    assert repeated(many + many) == ["c0", "c1", "c2", "c3", "c4", "…"]


def test_another_organisations_site_is_404(client, world):
    other = make_site(make_org(OrgKind.BUS_COMPANY))
    response = client.post(
        "/api/v1/bookings", json=body(other), headers=headers(client, world["dealer"])
    )
    assert response.status_code == 404 and booking_count() == 0


def test_full_day_is_409_naming_free_days_and_cancel_frees_it(app, client, world):
    app.config["TRUCK_TRIPS_PER_DAY"] = 1  # 2 trucks x 12 t = 24 t a day
    h = headers(client, world["dealer"])
    heavy = [lot(count=8, mass_kg="20000")]  # bus packs of 2.5 t
    first = client.post("/api/v1/bookings", json=body(world["site"], lots=heavy), headers=h)
    assert first.status_code == 201
    second = client.post("/api/v1/bookings", json=body(world["site"], lots=heavy), headers=h)
    assert second.status_code == 409 and second.json["error"] == "day_full"
    assert open_day(3).isoformat() in second.json["message"]
    free = second.json["message"].split("：", 1)[1]  # the token's user reads Chinese
    assert "、" in free and ", " not in free, free  # a Chinese list, not an English one
    cancel = client.post(f"/api/v1/bookings/{first.json['id']}/cancel", json={}, headers=h)
    assert cancel.status_code == 200
    assert (
        client.post("/api/v1/bookings", json=body(world["site"], lots=heavy), headers=h).status_code
        == 201
    )


def test_a_closed_weekday_is_refused_as_closed_not_as_full(client, world):
    """A Sunday has room enough (nothing is booked on it): it was refused as "full", which
    tells the owner to wait for room rather than that trucks never come that day."""
    sunday = clock.today() + timedelta(days=1)
    while sunday.weekday() != 6 or capacity.is_holiday(sunday):  # a holiday says so instead
        sunday += timedelta(days=1)
    response = client.post(
        "/api/v1/bookings",
        json=body(world["site"], date=sunday.isoformat(), lots=[lot()]),
        headers=headers(client, world["dealer"]),
    )
    assert response.status_code == 409 and response.json["field"] == "date", response.json
    message = response.json["message"]
    assert "不上门收货" in message and "约满" not in message, message
    assert booking_count() == 0


def test_a_code_waiting_in_one_booking_is_refused_in_another(client, auth, world):
    """The same pack code was accepted in a second booking while the first still waited:
    two trucks sent for one pack. Refused beside the lot's codes until the first is
    cancelled; another organisation is not told which booking holds it."""
    from datetime import date

    from lithloop.batteries import make_park_code

    code = make_park_code(8, chemistry_letter="B", product_type="P", produced=date(2019, 5, 4))
    h = headers(client, world["dealer"])
    coded = [lot(codes=[code])]
    first = client.post("/api/v1/bookings", json=body(world["site"], lots=coded), headers=h)
    assert first.status_code == 201, first.json
    again = client.post("/api/v1/bookings", json=body(world["site"], lots=coded), headers=h)
    assert again.status_code == 409 and again.json["error"] == "already_booked", again.json
    assert again.json["field"] == "lots[0].codes"
    assert f"#{first.json['id']}" in again.json["message"] and booking_count() == 1

    auth.login(world["dealer"].email)
    form = one_lot_form(world["site"], codes=code, slot="08:00-10:00")
    page = submit(client, "/bookings/new", form, page="/bookings/new")
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and booking_count() == 1  # the form's answer to any refusal
    assert re.search(r'id="lots-0-codes-err">[^<]*已在预约 #', html), html

    other_org = make_org(name="另一家经销店")
    other = make_user(other_org)
    theirs = body(make_site(other_org), lots=coded)
    refused = client.post("/api/v1/bookings", json=theirs, headers=headers(client, other))
    assert refused.status_code == 409 and f"#{first.json['id']}" not in refused.json["message"]

    cancel = client.post(f"/api/v1/bookings/{first.json['id']}/cancel", json={}, headers=h)
    assert cancel.status_code == 200
    later = client.post("/api/v1/bookings", json=body(world["site"], lots=coded), headers=h)
    assert later.status_code == 201, later.json


def test_damaged_lots_must_take_an_early_day(client, world):
    h = headers(client, world["dealer"])
    late = body(world["site"], date=open_day(10).isoformat())
    response = client.post("/api/v1/bookings", json=late, headers=h)
    assert response.status_code == 422 and response.json["field"] == "date"
    intact = {**late, "lots": [lot()]}
    assert client.post("/api/v1/bookings", json=intact, headers=h).status_code == 201


def test_lifecycle_history_and_notifications(client, world):
    h = headers(client, world["dealer"])
    booking_id = client.post("/api/v1/bookings", json=body(world["site"]), headers=h).json["id"]
    dispatcher = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.DISPATCHER)
    booking_service.change_status(dispatcher, booking_id, BookingStatus.SCHEDULED)
    refused = client.post(f"/api/v1/bookings/{booking_id}/cancel", json={}, headers=h)
    assert refused.status_code == 409 and refused.json["error"] == "already_scheduled"
    with pytest.raises(Exception, match="请说明产业园取消的原因"):
        booking_service.change_status(dispatcher, booking_id, BookingStatus.CANCELLED, "")
    booking_service.change_status(
        dispatcher, booking_id, BookingStatus.CANCELLED, "Road closed by snow"
    )
    events = client.get(f"/api/v1/bookings/{booking_id}", headers=h).json["events"]
    assert [e["to_status"] for e in events] == ["requested", "scheduled", "cancelled"]
    assert events[-1]["note"] == "Road closed by snow"
    mails = db.session.scalar(
        sa.select(sa.func.count(OutboxMessage.id)).where(
            OutboxMessage.recipient == world["dealer"].email
        )
    )
    assert mails == 3
    with pytest.raises(Exception, match="不能变为"):
        booking_service.change_status(dispatcher, booking_id, BookingStatus.SCHEDULED)


def test_owner_may_not_schedule(client, world):
    booking_id = client.post(
        "/api/v1/bookings", json=body(world["site"]), headers=headers(client, world["dealer"])
    ).json["id"]
    with pytest.raises(Exception, match="只有产业园"):
        booking_service.change_status(world["dealer"], booking_id, BookingStatus.SCHEDULED)


def test_other_organisations_cannot_see_a_booking(client, auth, world):
    booking_id = client.post(
        "/api/v1/bookings", json=body(world["site"]), headers=headers(client, world["dealer"])
    ).json["id"]
    stranger = make_user(make_org())
    assert (
        client.get(f"/api/v1/bookings/{booking_id}", headers=headers(client, stranger)).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/bookings/{booking_id}/cancel", json={}, headers=headers(client, stranger)
        ).status_code
        == 404
    )
    auth.login(stranger.email)
    assert client.get(f"/bookings/{booking_id}").status_code == 404
    assert client.get("/api/v1/bookings", headers=headers(client, stranger)).json == []


def test_calendar_shows_bookings_and_closed_days(client, world):
    h = headers(client, world["dealer"])
    client.post("/api/v1/bookings", json=body(world["site"]), headers=h)
    start = clock.today() + timedelta(days=1)
    days = client.get(
        f"/api/v1/calendar?from={start}&to={start + timedelta(days=13)}", headers=h
    ).json
    by_day = {d["date"]: d for d in days}
    assert by_day[open_day(2).isoformat()]["booked_kg"] == "2700.00"
    assert any(not d["open"] and d["full"] for d in days)  # Sundays
    bad = client.get(f"/api/v1/calendar?from={start}&to={start - timedelta(days=1)}", headers=h)
    assert bad.status_code == 422


def test_unknown_codes_are_accepted_with_a_warning(client, auth, world):
    from datetime import date

    from lithloop.batteries import make_park_code

    code = make_park_code(7, chemistry_letter="B", product_type="P", produced=date(2019, 5, 4))
    auth.login(world["dealer"].email)
    form = one_lot_form(world["site"], mass_kg="450", codes=code)
    panel = submit(client, "/bookings/quote", form, page="/bookings/new").get_data(as_text=True)
    assert code in panel and 'class="warning"' in panel


def test_unknown_codes_are_listed_with_the_readers_list_mark(client, auth, world):
    """Two codes no register knows were joined with ", " on the Chinese form too."""
    from datetime import date

    from lithloop.batteries import make_park_code

    codes = [
        make_park_code(n, chemistry_letter="B", product_type="P", produced=date(2019, 5, 4))
        for n in (8, 9)
    ]
    auth.login(world["dealer"].email)
    form = one_lot_form(world["site"], count=2, mass_kg="900", codes=codes)
    panel = submit(client, "/bookings/quote", form, page="/bookings/new").get_data(as_text=True)
    assert f"{codes[0]}\u3001{codes[1]}" in panel, panel


def test_the_booking_form_marks_days_of_a_year_without_a_holiday_calendar(
    client, auth, world, frozen_clock
):
    """On 2026-12-04 the form offered 2027-01-01 as a plain working day: the calendar ends
    with 2026, so 2027's holidays are not known. They are not invented: the days are open,
    marked provisional, and the form says why; National Day was offered too, now closed."""
    from datetime import UTC, date, datetime

    from tests.calendar_gap import GAP_YEAR, first_open_day

    frozen_clock(datetime(GAP_YEAR - 1, 12, 4, 3, 0, tzinfo=UTC))
    auth.login(world["dealer"].email)
    client.get("/lang/zh_CN")
    page = client.get("/bookings/new").get_data(as_text=True)
    new = first_open_day().isoformat()  # of a year the calendar lacks
    assert re.search(rf'value="{new}"[^>]*>{new} [^<]* \*</option>', page)
    old = f"{GAP_YEAR - 1}-12-31"
    assert not re.search(rf'value="{old}"[^>]*>[^<]*\*</option>', page)
    assert 'id="provisional-days"' in page
    assert str(GAP_YEAR) in page.split('id="provisional-days"')[1]
    frozen_clock(datetime(2026, 9, 28, 3, 0, tzinfo=UTC))
    page = client.get("/bookings/new").get_data(as_text=True)
    national_day = re.search(r'<option value="2026-10-01"[^>]*>[^<]*</option>', page)[0]
    assert "disabled" in national_day and "法定节假日" in national_day
    assert 'id="provisional-days"' not in page
    holiday = body(world["site"], date="2026-10-01")
    holiday["lots"] = holiday["lots"][:1]
    with pytest.raises(Conflict) as refused:
        booking_service.book_pickup(world["dealer"], holiday)
    assert refused.value.field == "date" and "2026-10-08" in str(refused.value.message)
    assert date(2026, 10, 1).weekday() == 3  # a Thursday: only the calendar closes it


def test_a_status_letter_without_a_note_has_no_empty_line(client, auth, world):
    from lithloop.models import OutboxMessage

    h = api_headers(client, world["dealer"])
    assert client.post("/api/v1/bookings", json=body(world["site"]), headers=h).status_code == 201
    letter = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == world["dealer"].email)
    ).all()[-1]
    assert "\n\n" not in letter.body.strip(), letter.body


@pytest.mark.parametrize(
    ("lang", "first", "second"),
    [
        ("zh_CN", "磷酸铁锂 LFP · 2 个电池包 · ", "三元 NCM811 · 4 个模组 · "),
        ("en", "LFP · 2 packs · ", "NCM811 · 4 modules · "),
    ],
)
def test_a_booking_names_what_each_lot_counts(client, auth, world, lang, first, second):
    """Each lot says how many of what ("2 packs"), not a bare "2 ×"."""
    made = client.post(
        "/api/v1/bookings", json=body(world["site"]), headers=headers(client, world["dealer"])
    )
    client.get(f"/lang/{lang}")
    auth.login(world["dealer"].email)
    page = client.get(f"/bookings/{made.json['id']}").get_data(as_text=True)
    lots = page.split("<main", 1)[1]  # not the menu's summary
    summaries = [re.sub(r"<[^>]+>", "", s) for s in re.findall(r"<summary>(.*?)</summary>", lots)]
    assert len(summaries) == 2 and " × " not in lots, summaries
    assert first in summaries[0] and second in summaries[1], summaries


@pytest.mark.parametrize(("lang", "one"), [("zh_CN", "1 个电池包 · "), ("en", "1 pack · ")])
def test_a_lot_of_one_pack_is_not_one_packs(client, auth, world, lang, one):
    """An English page read "LFP · 1 packs · 500 kg"."""
    made = client.post(
        "/api/v1/bookings",
        json=body(world["site"], lots=[lot(count=1)]),
        headers=headers(client, world["dealer"]),
    )
    client.get(f"/lang/{lang}")
    auth.login(world["dealer"].email)
    page = client.get(f"/bookings/{made.json['id']}").get_data(as_text=True)
    summary = re.sub(
        r"<[^>]+>", "", re.findall(r"<summary>(.*?)</summary>", page.split("<main")[1])[0]
    )
    assert one in summary and "1 packs" not in summary, summary


@pytest.mark.parametrize(
    ("lang", "label"),
    [("zh_CN", "数量"), ("en", "Quantity")],
)
def test_the_count_of_a_lot_is_not_only_of_packs(client, auth, world, lang, label):
    """A lot may be modules or cells (its form, beside it): its count was labelled "number
    of packs"."""
    client.get(f"/lang/{lang}")
    auth.login(world["dealer"].email)
    page = client.get("/bookings/new").get_data(as_text=True)
    assert f'<label for="lots-0-count">{label}</label>' in page
    assert "电池包数量" not in page and "Number of packs<" not in page


def test_full_width_digits_from_a_chinese_keyboard_are_read_in_the_booking_form(
    client, auth, world
):
    """ "９０００" typed with a Chinese keyboard was refused with "enter a number" (it is one);
    intake and the fleet import already read it. Superscripts and other scripts' digits
    stay refused."""
    auth.login(world["dealer"].email)
    form = {
        "site_id": world["site"].id,
        **_lot(0, "１，２００．５"),
        "lots-0-count": "２",
        "date": open_day(2).isoformat(),
        "slot": "10:00-12:00",
    }
    quote = submit(client, "/bookings/quote", form, page="/bookings/new")
    assert "1,200.50 千克" in quote.get_data(as_text=True)  # tests/test_kilogram_words.py
    booked = submit(client, "/bookings/new", form)
    assert booked.status_code == 302, booked.get_data(as_text=True)[:2000]
    stored = db.session.scalar(sa.select(Booking))
    assert stored.lots[0].pack_count == 2 and str(stored.lots[0].mass_kg) == "1200.50"
    refused = submit(client, "/bookings/new", {**form, "lots-0-mass_kg": "１²００"})
    assert refused.status_code == 422 and booking_count() == 1


def test_the_quote_bar_says_what_stops_the_quote_once_a_lot_is_typed(client, auth, world):
    """Right above the confirm button (the panel is far below on a phone) the bar said
    "fill in the lots to see the quote" for lots filled in with a problem; and an untouched
    lot is invited, not refused."""
    auth.login(world["dealer"].email)
    damaged = {"site_id": world["site"].id, **_lot(0, "500", "damaged")}  # no SP376 item
    answer = submit(client, "/bookings/quote", damaged, page="/bookings/new")
    bar = answer.get_data(as_text=True).split('id="quote-bar"')[1].split("</div>")[0]
    assert 'id="quote-bar-problem"' in bar and "暂无报价：" in bar and "SP376" in bar, bar
    untouched = {"site_id": world["site"].id, **_lot(0, ""), "lots-0-count": ""}
    answer = submit(client, "/bookings/quote", untouched, page="/bookings/new")
    panel, bar = answer.get_data(as_text=True).split('id="quote-bar"')
    assert "填写批次信息即可查看报价" in bar and "quote-bar-problem" not in bar
    assert 'class="error"' not in panel  # nothing typed yet, nothing wrong yet


def test_a_full_day_names_the_free_days_as_a_list_of_the_readers_language(app, client, auth, world):
    app.config["TRUCK_TRIPS_PER_DAY"] = 1  # 2 trucks x 12 t = 24 t a day
    h = headers(client, world["dealer"])
    heavy = [lot(count=8, mass_kg="20000")]  # bus packs of 2.5 t
    first = client.post("/api/v1/bookings", json=body(world["site"], lots=heavy), headers=h)
    assert first.status_code == 201
    client.get("/lang/en")
    auth.login(world["dealer"].email)
    form = {
        "site_id": world["site"].id,
        **_lot(0, "20000"),
        "lots-0-count": "8",  # bus packs of 2.5 t
        "date": open_day(2).isoformat(),
        "slot": "10:00-12:00",
    }
    page = submit(client, "/bookings/new", form).get_data(as_text=True)
    said = page.split('id="date-err">', 1)[1].split("</p>", 1)[0]
    assert "Next free days: " in said and ", " in said.split("Next free days: ")[1], said


def test_the_quotes_index_version_and_distance_never_break_across_lines(client, auth, world):
    """At 390 px the booking page broke "(价格指数 2026-01-" from "26)", and the quote's
    "4.4 公里" could lose its unit to the next line."""
    auth.login(world["dealer"].email)
    form = {
        "site_id": world["site"].id,
        **_lot(0, "800"),
        "date": open_day(2).isoformat(),
        "slot": "10:00-12:00",
    }
    panel = submit(client, "/bookings/quote", form, page="/bookings/new").get_data(as_text=True)
    note = panel.split("最终结算按过磅质量计算")[0].rsplit('<p class="muted">', 1)[1]
    assert re.search(
        r'价格指数 <span class="nowrap">[^<]+</span>；距产业园 <span class="quantity '
        r'nowrap">[\d.]+ 公里</span>。',
        note,
    ), note
    booked = submit(client, "/bookings/new", form)
    page = client.get(booked.location).get_data(as_text=True)
    version = db.session.scalar(sa.select(Booking)).quote_index_version
    # Chinese brackets around Chinese words (were "(价格指数 …)" in ASCII ones)
    assert f'\uff08价格指数 <span class="nowrap">{version}</span>\uff09' in page
    client.get("/lang/en")
    page = client.get(booked.location).get_data(as_text=True)
    assert f'(price index <span class="nowrap">{version}</span>)' in page


def test_a_long_paste_in_the_codes_is_quoted_short_in_the_error(client, auth, world):
    """Walk finding: 20,000 characters pasted as a code were quoted whole in the error, a
    line 200,000 px wide at phone width."""
    auth.login(world["dealer"].email)
    form = {
        "site_id": world["site"].id,
        **_lot(0, "800"),
        "lots-0-codes": "A" * 20000,
        "date": open_day(2).isoformat(),
        "slot": "10:00-12:00",
    }
    page = submit(client, "/bookings/new", form).get_data(as_text=True)
    errors = re.findall(r'class="error"[^>]*>([^<]*)<', page)
    assert errors and all("A" * 30 not in e for e in errors), errors
    assert any("A" * 29 + "…" in e and "GB/T 34014" in e for e in errors), errors
    assert booking_count() == 0
    response = client.post(
        "/api/v1/bookings",
        json=body(world["site"], lots=[lot(codes=["B" * 5000])]),
        headers=headers(client, world["dealer"]),
    )
    assert response.status_code == 422 and "B" * 30 not in response.json["message"]


def test_a_count_with_too_many_digits_is_out_of_range_not_not_a_number(client, auth, world):
    """Walk finding: a count of 99999999999999999999 read "enter a whole number", as if it
    were not one."""
    auth.login(world["dealer"].email)
    form = {
        "site_id": world["site"].id,
        **_lot(0, "800"),
        "lots-0-count": "99999999999999999999",
        "date": open_day(2).isoformat(),
        "slot": "10:00-12:00",
    }
    page = submit(client, "/bookings/new", form).get_data(as_text=True)
    beside = re.search(r'<p class="error" id="lots-0-count-err">([^<]*)</p>', page)
    assert beside and "1 到 10,000" in beside.group(1), beside
    assert booking_count() == 0


def test_the_packs_without_a_code_are_counted_per_lot_in_the_page_language(client, auth, world):
    """Walk finding: two lots without codes gave "3 packs without a code" and "1 packs
    without a code", neither saying which lot."""
    auth.login(world["dealer"].email)
    form = {
        "site_id": world["site"].id,
        **_lot(0, "800"),
        **_lot(1, "300"),
        "lots-0-count": "3",
        "date": open_day(2).isoformat(),
        "slot": "10:00-12:00",
    }
    zh = submit(client, "/bookings/quote", form, page="/bookings/new").get_data(as_text=True)
    assert "第 1 批：3 个电池包没有编码" in zh and "第 2 批：1 个电池包没有编码" in zh, zh
    client.get("/lang/en")
    en = submit(client, "/bookings/quote", form, page="/bookings/new").get_data(as_text=True)
    assert "Lot 1: 3 packs without a code" in en, en
    assert "Lot 2: 1 pack without a code: the park will code it on arrival." in en, en


def test_a_note_over_500_characters_is_refused_beside_it_not_cut(client, auth, world):
    """Walk finding: a 5,000-character note was booked with its first 500 characters."""
    auth.login(world["dealer"].email)
    form = {
        "site_id": world["site"].id,
        **_lot(0, "800"),
        "date": open_day(2).isoformat(),
        "slot": "10:00-12:00",
        "note": "长" * 501,
    }
    response = submit(client, "/bookings/new", form)
    assert response.status_code == 422 and booking_count() == 0
    page = response.get_data(as_text=True)
    beside = re.search(r'<p class="error" id="note-err">([^<]*)</p>', page)
    assert beside and "500" in beside.group(1) and "501" in beside.group(1), page
    assert 'href="#note"' in page  # the summary at the top links to it
    booked = submit(client, "/bookings/new", {**form, "note": "长" * 500})
    assert booked.status_code == 302 and booking_count() == 1


def test_a_search_or_status_that_finds_nothing_does_not_say_there_are_no_bookings(
    client, auth, world
):
    """Walk finding: a dealer with bookings who searched, or chose a status none had, read
    "No bookings yet. Book a pickup...", as if none had ever been made."""
    booked = client.post(
        "/api/v1/bookings", json=body(world["site"]), headers=headers(client, world["dealer"])
    )
    assert booked.status_code == 201, booked.json
    auth.login(world["dealer"].email)
    never = "还没有预约"
    assert never not in client.get("/bookings/").get_data(as_text=True)
    searched = client.get("/bookings/?q=nothing-like-this").get_data(as_text=True)
    assert "没有符合搜索条件的预约" in searched and never not in searched
    cancelled = client.get("/bookings/?status=cancelled").get_data(as_text=True)
    assert "没有处于该状态的预约" in cancelled and never not in cancelled


def test_a_cancel_reason_over_500_characters_is_refused_beside_it(client, auth, world):
    """Walk finding: the reason went whole into booking.cancel_reason (500 characters): a
    textarea at its limit sends each line break as two characters, and PostgreSQL refused
    the longer text with a server error."""
    booked = client.post(
        "/api/v1/bookings", json=body(world["site"]), headers=headers(client, world["dealer"])
    )
    booking_id = booked.json["id"]
    auth.login(world["dealer"].email)
    typed = "计划有变\r\n" * 90  # 540 characters as sent, 450 as the textarea counts them
    answer = submit(
        client,
        f"/bookings/{booking_id}/cancel",
        {"reason": typed, "confirmed": "1"},
        page=f"/bookings/{booking_id}",
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    beside = re.search(r'<p class="error" id="reason-err"[^>]*>([^<]*)</p>', page)
    assert beside and "500" in beside.group(1), page
    db.session.expire_all()
    assert db.session.get(Booking, booking_id).status is BookingStatus.REQUESTED


@pytest.mark.parametrize("reason", ["\u200b", "\u200b\u200c", "\u202e计划有变"])
def test_a_cancel_reason_of_invisible_or_reversing_characters_is_refused_beside_it(
    client, auth, world, reason
):
    """walk: a dealer's reason of two zero-width spaces cancelled the booking and was
    stored; the page then showed "Reason for cancelling" over an empty line."""
    booked = client.post(
        "/api/v1/bookings", json=body(world["site"]), headers=headers(client, world["dealer"])
    )
    booking_id = booked.json["id"]
    auth.login(world["dealer"].email)
    answer = submit(
        client,
        f"/bookings/{booking_id}/cancel",
        {"reason": reason, "confirmed": "1"},
        page=f"/bookings/{booking_id}",
    )
    assert answer.status_code == 422
    beside = re.search(
        r'<p class="error" id="reason-err"[^>]*>([^<]*)</p>', answer.get_data(as_text=True)
    )
    assert beside and ("看不见的字符" in beside.group(1) or "文字方向控制字符" in beside.group(1))
    db.session.expire_all()
    booking = db.session.get(Booking, booking_id)
    assert booking.status is BookingStatus.REQUESTED and not booking.cancel_reason


def test_a_booked_mass_with_a_fraction_of_a_kilogram_is_shown_as_booked(client, auth, world):
    """walk: a lot booked at 350.5 kg read "350 千克" on the dealer's booking page (and the
    total 1,550.5 kg read "1,550 千克", also in the list), while the quote said 350.50."""
    lots = body(world["site"])["lots"]
    lots[0]["mass_kg"], lots[1]["mass_kg"] = "1200", "350.5"
    booked = client.post(
        "/api/v1/bookings",
        json=body(world["site"], lots=lots),
        headers=headers(client, world["dealer"]),
    )
    assert booked.status_code == 201, booked.json
    auth.login(world["dealer"].email)
    page = client.get(f"/bookings/{booked.json['id']}").get_data(as_text=True)
    assert "350.5 千克" in page and "1,550.5 千克" in page and "1,200 千克" in page
    assert "1,550.5 千克" in client.get("/bookings/").get_data(as_text=True)


@pytest.mark.parametrize("note", ["\u202eabc", "请走东门\u2067"])
def test_a_note_with_a_direction_control_is_refused_beside_it(client, auth, world, note):
    """walk: a note holding U+202E (right-to-left override) was booked and shown reversed
    to the park and the driver; names already refuse these characters."""
    before = db.session.scalar(sa.select(sa.func.count(Booking.id)))
    api = client.post(
        "/api/v1/bookings",
        json=body(world["site"], note=note),
        headers=headers(client, world["dealer"]),
    )
    assert api.status_code == 422 and api.json["field"] == "note", api.json
    auth.login(world["dealer"].email)
    form = {
        "site_id": world["site"].id,
        **_lot(0, "800"),
        "date": open_day(2).isoformat(),
        "slot": "10:00-12:00",
        "note": note,
    }
    page = submit(client, "/bookings/new", form)
    assert page.status_code == 422
    beside = re.search(
        r'<p class="error" id="note-err"[^>]*>([^<]*)</p>', page.get_data(as_text=True)
    )
    assert beside and "文字方向控制字符" in beside.group(1)
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == before


def test_a_codes_line_of_only_a_zero_width_space_is_a_blank_line(client, auth, world):
    """walk: a line holding only U+200B in the codes box was refused as a code, quoted
    invisibly: "编码  无效。该编码有 1 位；GB/T 34014 编码为 24 位。"."""
    auth.login(world["dealer"].email)
    form = {
        "site_id": world["site"].id,
        **_lot(0, "800"),
        "lots-0-codes": "\u200b\n\ufeff",
        "date": open_day(2).isoformat(),
        "slot": "10:00-12:00",
    }
    answer = submit(client, "/bookings/new", form)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert booking_count() == 1


def test_at_twenty_lots_the_form_says_so_instead_of_offering_another(client, auth, world):
    """Walk finding: at 20 lots "Add a lot" stayed on the form and did nothing when pressed."""
    auth.login(world["dealer"].email)
    form = {"site_id": world["site"].id, "add_lot": "1"}
    for i in range(19):
        form.update(_lot(i, "100"))
    page = submit(client, "/bookings/new", form).get_data(as_text=True)
    assert page.count('class="lot"') == 20 and 'name="add_lot"' not in page
    assert "每个预约最多 20 批" in page
    fewer = {k: v for k, v in form.items() if not k.startswith("lots-18-")}
    page = submit(client, "/bookings/new", fewer).get_data(as_text=True)
    assert page.count('class="lot"') == 19 and 'name="add_lot"' in page


def test_a_form_of_more_than_twenty_lots_is_refused_not_cut_to_twenty(client, auth, world):
    """Walk finding: a form sent with 21 lots booked the first 20 and dropped the last."""
    auth.login(world["dealer"].email)
    form = {
        "site_id": world["site"].id,
        "date": open_day(2).isoformat(),
        "slot": "10:00-12:00",
    }
    for i in range(21):
        form.update(_lot(i, "100"))
    answer = submit(client, "/bookings/new", form)
    assert answer.status_code == 422 and booking_count() == 0
    assert "1 到 20" in answer.get_data(as_text=True)
    twenty = {k: v for k, v in form.items() if not k.startswith("lots-20-")}
    assert submit(client, "/bookings/new", twenty).status_code == 302 and booking_count() == 1


def test_a_booking_sent_without_a_site_asks_for_the_site(client, auth, world):
    """Walk finding: an empty site read "enter a whole number" beside the site list."""
    auth.login(world["dealer"].email)
    form = {"site_id": "", **_lot(0, "800"), "date": open_day(2).isoformat()}
    answer = submit(client, "/bookings/new", form)
    assert answer.status_code == 422 and booking_count() == 0
    beside = re.search(r'id="site_id-err">([^<]*)<', answer.get_data(as_text=True))
    assert beside and beside.group(1) == "请选择取货地点。", beside


def test_the_quote_bar_in_english_starts_the_problem_as_its_own_sentence(client, auth, world):
    """Walk finding: "No quote yet: The number..." kept the sentence's capital after a colon."""
    auth.login(world["dealer"].email)
    client.get("/lang/en")
    damaged = {"site_id": world["site"].id, **_lot(0, "500", "damaged")}  # no SP376 item
    answer = submit(client, "/bookings/quote", damaged, page="/bookings/new")
    bar = answer.get_data(as_text=True).split('id="quote-bar"')[1].split("</div>")[0]
    problem = re.search(r'id="quote-bar-problem">([^<]*)<', bar)
    assert problem and problem.group(1).startswith("No quote yet. "), bar
    assert not re.search(r": [A-Z]", problem.group(1)), bar


def test_the_booking_pages_bracket_the_chinese_way(client, auth, world):
    """Trace walk: a dispatcher's cancel form read "原因 (必填)" (half-width brackets on a
    Chinese page), as did the day's slots "(营业时间外)" on the booking form."""
    booked = client.post(
        "/api/v1/bookings", json=body(world["site"]), headers=headers(client, world["dealer"])
    ).json["id"]
    dispatcher = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.DISPATCHER)
    auth.login(dispatcher.email)
    page = client.get(f"/bookings/{booked}").get_data(as_text=True)
    assert "原因（必填）</label>" in page and "(必填)" not in page
    site = world["site"]
    site.closes_at = site.opens_at.replace(hour=site.opens_at.hour + 2)  # most slots outside
    db.session.commit()
    auth.logout()
    auth.login(world["dealer"].email)
    form = client.get(f"/bookings/new?site_id={site.id}").get_data(as_text=True)
    slots = form.split('id="slot"')[1]
    outside = re.findall(r"<option value=\"[^\"]+\"[^>]*>[^<]*</option>", slots)
    assert any("）</option>" in o for o in outside) and not any(" (" in o for o in outside)

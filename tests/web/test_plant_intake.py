"""The plant operator's pages: arrivals, receiving, grading, warehouses; errors beside fields."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import (
    Booking,
    BookingEvent,
    BookingStatus,
    Grade,
    Intake,
    Pack,
    PackState,
    Role,
    Warehouse,
)
from tests import worlds
from tests.conftest import submit
from tests.factories import make_user
from tests.intake_world import row_counts

world = worlds.arrival


def form_of(world, *, lot0_mass="2400", codes=None, note="", generate="1") -> dict:
    codes = world["codes"] if codes is None else codes
    return {
        "lot-0-mass_kg": lot0_mass,
        "lot-0-codes": "\n".join(codes),
        "lot-1-mass_kg": "300",
        "lot-1-codes": "",
        "generate": generate,
        "note": note,
    }


def receive(client, world, data):
    url = f"/plant/bookings/{world['booking_id']}/receive"
    return submit(client, url, data)


def packs(world) -> list[Pack]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Pack).where(Pack.booking_id == world["booking_id"]).order_by(Pack.id)
        )
    )


def login(client, auth, world):
    auth.login(world["operator"].email)
    client.get("/lang/en")


def test_arrivals_list_the_truck_and_only_the_park_sees_them(client, auth, world):
    login(client, auth, world)
    text = client.get("/plant/").get_data(as_text=True)
    assert world["trucks"][0].plate in text
    assert f"/plant/bookings/{world['booking_id']}/receive" in text
    assert not re.search(r"<script(?![^>]*\bsrc=)", text) and 'style="' not in text
    assert 'href="/plant/"' in text and 'href="/plant/warehouses/"' in text  # nav entries
    # "picked up 12-05 16:03" on one line: at phone width the date broke after "12-"
    picked = r'<span class="nowrap">picked up \d\d-\d\d \d\d:\d\d</span>'
    assert re.search(picked, text)
    form = client.get(f"/plant/bookings/{world['booking_id']}/receive").get_data(as_text=True)
    # there the time alone is kept whole: the phrase is wider than the truck's column
    assert re.search(r'picked up <span class="nowrap">\d\d-\d\d \d\d:\d\d</span>', form)
    assert all(code in form for code in world["codes"]) and "data-confirm" in form
    auth.logout()
    auth.login(world["dealer"].email)
    assert client.get("/plant/").status_code == 403
    assert client.get("/plant/warehouses/raw").status_code == 403


def test_a_truck_back_with_one_booking_reads_in_the_singular(client, auth, world):
    """Walk finding: the arrivals read "1 bookings, 2,700 kg loaded" in English."""
    login(client, auth, world)
    page = client.get("/plant/").get_data(as_text=True)
    assert "1 booking, 2,700 kg loaded" in page and "1 bookings" not in page


def test_an_arriving_lots_mass_is_bracketed_the_chinese_way(client, auth, world):
    """Walk finding: the arrivals read "三元 NCM523 × 4 (1,260 千克)", half-width brackets."""
    login(client, auth, world)
    english = client.get("/plant/").get_data(as_text=True)
    assert re.search(r'× \d+<span class="nowrap"> \([\d,]+ kg\)</span>', english)
    client.get("/lang/zh_CN")
    page = client.get("/plant/").get_data(as_text=True)
    assert re.search(r'× \d+<span class="nowrap">（[\d,]+ 千克）</span>', page), page
    assert not re.search(r"\([\d,]+ 千克\)", page)


def test_receiving_through_the_form(client, auth, world):
    login(client, auth, world)
    response = receive(client, world, form_of(world))
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    booking = db.session.get(Booking, world["booking_id"])
    assert booking.status is BookingStatus.RECEIVED
    received = packs(world)
    assert len(received) == 6 and sum(p.mass_kg for p in received) == 2700
    for pack in received:
        kinds = [e.kind for e in pack.events]
        expected = ["booked", "picked_up", "received"]
        assert kinds == (["retired", *expected] if pack.vehicle_plate else expected)
        assert pack.events[-1].report_due is not None
        assert pack.events[-1].by_user_id == world["operator"].id
    again = receive(client, world, form_of(world))
    assert again.status_code == 409 or "cannot be received" in again.get_data(as_text=True)
    assert len(packs(world)) == 6


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"codes": "twice"}, "lots-0-codes", "scanned twice"),
        ({"lot0_mass": "3000"}, "note", "add a note"),
        ({"generate": ""}, "lots-1-codes", "have no code"),
        ({"lot0_mass": "zero"}, "lots-0-mass_kg", "not a mass in kg"),
    ],
)
def test_bad_intake_shows_the_error_beside_the_field(client, auth, world, change, field, message):
    login(client, auth, world)
    before = row_counts()
    if change.get("codes") == "twice":
        change = {"codes": [world["codes"][0]] * 2}
    response = receive(client, world, form_of(world, **change))
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(rf'id="err-{field}"[^>]*>[^<]*{message}', text), text[-3000:]
    assert row_counts() == before
    assert db.session.get(Booking, world["booking_id"]).status is BookingStatus.PICKED_UP


def test_every_refused_field_of_every_lot_is_named_at_once(client, auth, world):
    """Walk finding: the form named one problem a submit (a bad count hidden behind a bad
    mass, the second lot's missing codes behind the first lot's)."""
    login(client, auth, world)
    before = row_counts()
    data = {**form_of(world, lot0_mass="zero", generate=""), "lot-0-count": "-3"}
    response = receive(client, world, data)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    for field, message in (
        ("lots-0-mass_kg", "not a mass in kg"),
        ("lots-0-count", "how many packs"),
        ("lots-1-codes", "have no code"),
    ):
        assert re.search(rf'id="err-{field}"[^>]*>[^<]*{message}', text), (field, text[-3000:])
    assert row_counts() == before


@pytest.mark.parametrize("mass", ["-5", "0", "1000000000", "1e12", "1E+999999"])
def test_a_weighed_mass_out_of_range_says_the_range_beside_the_lot(client, auth, world, mass):
    """Walk finding: -5, 0 and 1,000,000,000 read "enter the weighed mass of the lot in kg",
    as if the box were empty."""
    login(client, auth, world)
    before = row_counts()
    response = receive(client, world, form_of(world, lot0_mass=mass))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert re.search(r'id="err-lots-0-mass_kg"[^>]*>[^<]*more than 0 kg and less than', text)
    assert row_counts() == before


def test_packs_weighed_over_their_lot_say_both_masses_grouped(client, auth, world):
    """Walk finding: "单独称重的电池包合计 99999.00 kg，而该批次为 2400.00 kg" (ungrouped, where
    the page writes 2,400.00 kg)."""
    login(client, auth, world)
    codes = [f"{world['codes'][0]}, 2000", f"{world['codes'][1]}, 1500", *world["codes"][2:]]
    response = receive(client, world, form_of(world, codes=codes))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "add up to 3,500.00 kg, the lot to 2,400.00 kg" in text


@pytest.mark.parametrize("own", ["9000", "0.1"])
def test_a_pack_weighed_on_its_own_beyond_what_a_pack_weighs_is_refused(client, auth, world, own):
    """Walk finding: a pack typed as "code, 9000" (and one of 0.1 kg) was received, its
    mass then pricing it; the lot's total alone was held to what its packs can weigh."""
    login(client, auth, world)
    before = row_counts()
    codes = [f"{world['codes'][0]}, {own}", *world["codes"][1:]]
    response = receive(client, world, form_of(world, lot0_mass="9500", codes=codes))
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(
        r'id="err-lots-0-codes"[^>]*>[^<]*is not what one pack weighs \(5 to 5,000', text
    )
    assert row_counts() == before


def test_existing_code_is_a_conflict_on_the_page(client, auth, world):
    login(client, auth, world)
    db.session.add(Pack(code=world["codes"][0], chemistry="LFP", mass_kg=100))
    db.session.commit()
    before = row_counts()
    response = receive(client, world, form_of(world))
    assert response.status_code == 409 and world["codes"][0] in response.get_data(as_text=True)
    assert row_counts() == before


def test_existing_codes_are_listed_with_the_readers_list_mark(client, auth, world):
    """Codes already registered were joined with ", " on the Chinese page too."""
    auth.login(world["operator"].email)
    for code in world["codes"][:2]:
        db.session.add(Pack(code=code, chemistry="LFP", mass_kg=100))
    db.session.commit()
    first, second = sorted(world["codes"][:2])
    body = receive(client, world, form_of(world)).get_data(as_text=True)
    assert f"{first}\u3001{second}" in body, body


def test_the_insulation_result_is_asked_not_assumed(client, auth, world):
    login(client, auth, world)
    receive(client, world, form_of(world))
    pack = packs(world)[0]
    url = f"/plant/packs/{pack.id}"
    form = client.get(url).get_data(as_text=True)
    radios = re.findall(r'<input type="radio" name="insulation_ok"[^>]*>', form)
    assert len(radios) == 2 and not any("checked" in r for r in radios)  # no answer given
    typed = {"capacity_ah": "180", "soh_pct": "85", "visual_damage": "dent on the lid"}
    missing = submit(client, f"{url}/test", typed, page=url)
    text = missing.get_data(as_text=True)
    assert missing.status_code == 422 and 'id="err-insulation_ok"' in text
    assert "insulation test passed or failed" in text
    assert 'value="180"' in text and 'value="dent on the lid"' in text  # typed values kept
    db.session.expire_all()
    assert db.session.get(Pack, pack.id).grade is None and not db.session.get(Pack, pack.id).tests
    failed = submit(client, f"{url}/test", {**typed, "insulation_ok": "0"}, page=url)
    assert failed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Pack, pack.id).grade is Grade.S


def test_a_double_submitted_test_form_counts_once(client, auth, world):
    login(client, auth, world)
    receive(client, world, form_of(world))
    pack = packs(world)[0]
    url = f"/plant/packs/{pack.id}"
    token = re.search(r'name="test_token" value="([^"]+)"', client.get(url).get_data(as_text=True))
    typed = {"capacity_ah": "180", "soh_pct": "85", "insulation_ok": "1", "test_token": token[1]}
    for _ in range(2):  # the same form twice: a double click
        assert submit(client, f"{url}/test", typed, page=url).status_code == 302
    db.session.expire_all()
    pack = db.session.get(Pack, pack.id)
    assert len(pack.tests) == 1 and [e.kind for e in pack.events].count("graded") == 1


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_test_form_sent_again_with_corrected_values_is_not_lost_silently(
    client, auth, world, lang
):
    """walk: the operator saved 18 Ah, saw the slip, went back (the browser restores the form
    and its one-time token), typed 180 and saved: "test recorded", but the second form was
    taken for a double click and 180 was dropped; the pack stayed graded on 18 Ah."""
    login(client, auth, world)
    receive(client, world, form_of(world))
    pack = packs(world)[0]
    url = f"/plant/packs/{pack.id}"
    client.get(f"/lang/{lang}")
    token = re.search(r'name="test_token" value="([^"]+)"', client.get(url).get_data(as_text=True))
    slip = {"capacity_ah": "18", "soh_pct": "85", "insulation_ok": "1", "test_token": token[1]}
    assert submit(client, f"{url}/test", slip, page=url).status_code == 302
    corrected = submit(client, f"{url}/test", {**slip, "capacity_ah": "180"}, page=url)
    body = corrected.get_data(as_text=True)
    told = re.search(r'id="err-test_token">([^<]+)<', body)
    said = {"zh_CN": "此表单之前已保存过", "en": "This form was saved before, with other values"}
    assert corrected.status_code == 409 and told and said[lang] in told[1]
    assert 'value="180"' in body  # what was typed is kept, under a new token
    assert token[1] not in body
    db.session.expire_all()
    assert [t.capacity_ah for t in db.session.get(Pack, pack.id).tests] == [18]


@pytest.mark.parametrize("token", ["测试令牌", "x" * 300, "tab\there"])
def test_a_changed_test_token_is_told_above_the_form_and_nothing_is_stored(
    client, auth, world, token
):
    login(client, auth, world)
    receive(client, world, form_of(world))
    pack = packs(world)[0]
    url = f"/plant/packs/{pack.id}"
    client.get("/lang/zh_CN")
    typed = {"capacity_ah": "180", "soh_pct": "85", "insulation_ok": "1", "test_token": token}
    response = submit(client, f"{url}/test", typed, page=url)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    told = re.search(r'id="err-test_token">([^<]+)<', body)
    assert told and told[1] == "表单的一次性令牌被改动，测试未保存。请核对下面的数值后再次保存。"
    assert 'value="180"' in body  # what was typed is kept
    db.session.expire_all()
    assert db.session.get(Pack, pack.id).tests == []


def _row(page: str, pack_id: int) -> str:
    start = page.index(f'<tr id="pack-{pack_id}"')
    return page[start : page.index("</tr>", start)]


def test_a_graded_pack_leaves_the_grading_list_and_is_offered_only_possible_moves(
    client, auth, world
):
    login(client, auth, world)
    receive(client, world, form_of(world))
    scrap, good = packs(world)[:2]
    for pack, insulation in ((scrap, "0"), (good, "1")):
        url = f"/plant/packs/{pack.id}"
        typed = {"capacity_ah": "180", "soh_pct": "85", "insulation_ok": insulation}
        assert submit(client, f"{url}/test", typed, page=url).status_code == 302
    page = client.get(f"/plant/packs/{scrap.id}").get_data(as_text=True)
    assert "Received, not graded" not in page and "Received and graded" in page
    assert "S (scrap: recycled)" in page
    home = client.get("/plant/").get_data(as_text=True)
    to_grade, to_send = home.split("Graded packs to send to a warehouse")
    assert scrap.code not in to_grade and good.code not in to_grade
    assert scrap.code in to_send and good.code in to_send and "S (scrap: recycled)" in to_send
    for pack in (scrap, good):
        url = f"/plant/packs/{pack.id}"
        assert submit(client, f"{url}/send", {"to": "raw"}, page=url).status_code == 302
    stock = client.get("/plant/warehouses/raw").get_data(as_text=True)
    assert 'value="aging"' not in _row(stock, scrap.id)  # grade S: never to aging
    assert 'value="aging"' in _row(stock, good.id)
    assert 'value="aging"' not in client.get(f"/plant/packs/{scrap.id}").get_data(as_text=True)
    client.get("/lang/zh_CN")
    chinese = client.get(f"/plant/packs/{scrap.id}").get_data(as_text=True)
    assert "S（报废，进入回收拆解）" in chinese


def test_grading_sending_and_moving(client, auth, world):
    login(client, auth, world)
    receive(client, world, form_of(world))
    pack = packs(world)[0]
    url = f"/plant/packs/{pack.id}"
    bad = submit(client, f"{url}/test", {"capacity_ah": "180", "soh_pct": "101"}, page=url)
    assert bad.status_code == 422 and 'id="err-soh_pct"' in bad.get_data(as_text=True)
    good = submit(
        client,
        f"{url}/test",
        {"capacity_ah": "180", "soh_pct": "85", "insulation_ok": "1"},
        page=url,
    )
    assert good.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "<strong>A</strong>" in page and "index" in page  # grade and the decision's index
    assert re.search(r" \(second life net ¥[\d,.]+, scrap value ¥[\d,.]+; index [^)]+\)", page)
    client.get("/lang/zh_CN")
    chinese = client.get(url).get_data(as_text=True)
    # Chinese brackets around the Chinese words (were ASCII ones, outside the translation),
    # with no space before them
    assert re.search(
        r"[^\s]\uff08梯次利用净值 ¥[\d,.]+，废料价值 ¥[\d,.]+；指数 [^\uff09]+\uff09", chinese
    )
    client.get("/lang/en")
    sent = submit(client, f"{url}/send", {"to": "raw"}, page=url)
    assert sent.status_code == 302
    db.session.expire_all()
    assert db.session.get(Pack, pack.id).warehouse is Warehouse.RAW
    stock = client.get("/plant/warehouses/raw").get_data(as_text=True)
    assert pack.code in stock and 'data-confirm="' in stock
    wrong = submit(client, f"{url}/move", {"from": "aging", "to": "finished"}, page=url)
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 409 and pack.code in text and "Raw-material warehouse" in text
    back = submit(
        client,
        f"{url}/move",
        {"from": "raw", "to": "aging", "next": "/plant/warehouses/raw"},
        page=url,
    )
    assert back.status_code == 302 and back.headers["Location"].endswith("/plant/warehouses/raw")
    release = submit(client, f"{url}/move", {"from": "aging", "to": "finished"}, page=url)
    assert release.status_code == 409 and "re-tested" in release.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Pack, pack.id).state is PackState.AGING


def test_failed_insulation_grades_s_on_the_page(client, auth, world):
    login(client, auth, world)
    receive(client, world, form_of(world))
    pack = packs(world)[1]
    url = f"/plant/packs/{pack.id}"
    failed = {"capacity_ah": "180", "soh_pct": "95", "insulation_ok": "0"}
    assert submit(client, f"{url}/test", failed, page=url).status_code == 302
    db.session.expire_all()
    assert db.session.get(Pack, pack.id).grade is Grade.S
    refused = submit(client, f"{url}/send", {"to": "aging"}, page=url)
    assert refused.status_code == 409


def test_admin_may_use_the_plant_pages_in_chinese(client, auth, world):
    admin = make_user(world["park"], role=Role.ADMIN)
    auth.login(admin.email)
    client.get("/lang/zh_CN")
    text = client.get("/plant/").get_data(as_text=True)
    assert "到达的货车" in text
    assert client.get("/plant/warehouses/aging").status_code == 200
    assert client.get("/plant/warehouses/nowhere").status_code == 404


def test_demo_plant_operator_sees_the_plant(client, auth, demo):
    auth.login_demo("plant")
    response = client.get("/plant/")
    assert response.status_code == 200
    for name in ("raw", "aging", "finished"):
        assert client.get(f"/plant/warehouses/{name}").status_code == 200


def test_an_unknown_cycle_count_is_shown_priced_at_the_largest_discount(client, auth, world):
    login(client, auth, world)
    receive(client, world, form_of(world))
    unread, counted = packs(world)[:2]
    typed = {"capacity_ah": "180", "soh_pct": "85", "insulation_ok": "1"}
    for pack, cycles in ((unread, ""), (counted, "800")):
        url = f"/plant/packs/{pack.id}"
        done = submit(client, f"{url}/test", {**typed, "cycle_count": cycles}, page=url)
        assert done.status_code == 302
    page = client.get(f"/plant/packs/{unread.id}").get_data(as_text=True)
    assert 'id="cycles-unknown"' in page and "Cycle count unknown: priced conservatively" in page
    assert 'id="cycles-unknown"' not in client.get(f"/plant/packs/{counted.id}").get_data(
        as_text=True
    )
    client.get("/lang/zh_CN")
    page = client.get(f"/plant/packs/{unread.id}").get_data(as_text=True)
    assert "循环次数未知：按最保守的情况计价" in page


def test_the_state_of_health_label_takes_the_pages_parentheses(client, auth, world):
    """ "健康度 (%)" beside "容量（Ah）": the label was glued from two pieces, so its
    parentheses stayed half-width in Chinese."""
    login(client, auth, world)
    receive(client, world, form_of(world))
    url = f"/plant/packs/{packs(world)[0].id}"
    english = client.get(url).get_data(as_text=True)
    assert '<label for="soh_pct">State of health (%)</label>' in english
    client.get("/lang/zh_CN")
    for page in (url, "/plant/assembly"):
        chinese = client.get(page).get_data(as_text=True)
        assert '<label for="soh_pct">健康度（%）</label>' in chinese, page


def test_a_test_refused_names_every_field_to_correct_at_once(client, auth, world):
    """Five fields typed wrong took five submits, one reason at a time."""
    login(client, auth, world)
    receive(client, world, form_of(world))
    url = f"/plant/packs/{packs(world)[0].id}"
    typed = {"capacity_ah": "-5", "soh_pct": "150", "ocv_v": "nan", "cycle_count": "1.5"}
    response = submit(client, f"{url}/test", typed, page=url)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for field in ("capacity_ah", "soh_pct", "ocv_v", "cycle_count", "insulation_ok"):
        assert f'id="err-{field}"' in page, field
    assert 'value="-5"' in page and 'value="150"' in page  # kept as typed
    assert db.session.get(Pack, packs(world)[0].id).grade is None


@pytest.mark.parametrize("capacity", ["0", "0.00", "0.004"])
def test_a_test_of_0_ah_is_refused_beside_the_capacity(client, auth, world, capacity):
    """Walk finding: 0 Ah with 85 % state of health was recorded and graded A (the
    assembly's own test already refused it)."""
    login(client, auth, world)
    receive(client, world, form_of(world))
    pack_id = packs(world)[0].id
    url = f"/plant/packs/{pack_id}"
    typed = {"capacity_ah": capacity, "soh_pct": "85", "insulation_ok": "1"}
    response = submit(client, f"{url}/test", typed, page=url)
    assert response.status_code == 422
    assert re.search(
        r'id="err-capacity_ah"[^>]*>[^<]*must be more than 0 Ah', response.get_data(as_text=True)
    )
    db.session.expire_all()
    assert db.session.get(Pack, pack_id).grade is None


@pytest.mark.parametrize("capacity", ["100000", "2,000.01"])
def test_a_capacity_beyond_any_pack_is_refused_without_a_rated_energy(
    client, auth, world, capacity
):
    """Walk finding: 100,000 Ah was recorded when the pack's rated energy was unknown (the
    Ah x V check needs it); a bus pack of 400 kWh holds under 2,000 Ah."""
    login(client, auth, world)
    receive(client, world, form_of(world))
    pack = packs(world)[0]
    pack.rated_wh = None
    db.session.commit()
    url = f"/plant/packs/{pack.id}"
    typed = {"capacity_ah": capacity, "soh_pct": "85", "insulation_ok": "1", "ocv_v": "320"}
    response = submit(client, f"{url}/test", typed, page=url)
    assert response.status_code == 422
    beside = re.search(r'id="err-capacity_ah"[^>]*>([^<]*)<', response.get_data(as_text=True))
    assert beside and "at most 2,000 Ah" in beside.group(1), beside
    db.session.expire_all()
    assert db.session.get(Pack, pack.id).grade is None
    kept = submit(client, f"{url}/test", {**typed, "capacity_ah": "2000"}, page=url)
    assert kept.status_code == 302  # the ceiling itself is a pack's


def _events() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(BookingEvent))


def _received_detail(world) -> dict:
    db.session.expire_all()
    event = db.session.scalar(
        sa.select(BookingEvent).where(
            BookingEvent.booking_id == world["booking_id"],
            BookingEvent.to_status == BookingStatus.RECEIVED,
        )
    )
    return event.detail


def test_a_lot_short_of_its_booked_count_needs_a_note_beside_the_lot(client, auth, world):
    """Three of four booked modules arrived: refused until the lot says why, nothing stored."""
    login(client, auth, world)
    before, events = row_counts(), _events()
    response = receive(client, world, {**form_of(world), "lot-1-count": "3"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="err-lots-1-note"[^>]*>3 arrived, 4 booked: add a note', text), text
    assert 'name="lot-1-note"' in text and 'value="3"' in text  # the typed count is kept
    assert row_counts() == before and _events() == events
    assert db.session.get(Booking, world["booking_id"]).status is BookingStatus.PICKED_UP


def test_a_lot_count_with_its_note_is_received_and_the_note_shown(client, auth, world):
    login(client, auth, world)
    why = "one module left at the branch: case cracked"
    data = {**form_of(world), "lot-1-count": "3", "lot-1-note": why}
    response = receive(client, world, data)
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    assert len(packs(world)) == 5  # 2 coded LFP packs + 3 of the 4 modules
    assert _received_detail(world)["lots"] == [{"lot": 2, "booked": 4, "count": 3, "note": why}]
    auth.logout()
    auth.login(world["dealer"].email)
    page = client.get(f"/bookings/{world['booking_id']}").get_data(as_text=True)
    assert f"Lot 2: 3 arrived, 4 booked ({why})" in page
    client.get("/lang/zh_CN")
    page = client.get(f"/bookings/{world['booking_id']}").get_data(as_text=True)
    assert f"第 2 批：到货 3 件，预约 4 件（{why}）" in page


def test_a_lot_arrived_as_booked_needs_no_note(client, auth, world):
    """Counts as booked go through without a note; a note given anyway is kept with its lot."""
    login(client, auth, world)
    data = {**form_of(world), "lot-0-count": "2", "lot-1-count": "4", "lot-1-note": "tabs bent"}
    response = receive(client, world, data)
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    assert len(packs(world)) == 6
    assert _received_detail(world)["lots"] == [
        {"lot": 2, "booked": 4, "count": 4, "note": "tabs bent"}
    ]
    auth.logout()
    auth.login(world["dealer"].email)
    page = client.get(f"/bookings/{world['booking_id']}").get_data(as_text=True)
    assert "Weighed at the park: 2,700 kg; Lot 2 (tabs bent)" in page


@pytest.mark.parametrize(("field", "name"), [("note", "note"), ("lot-0-note", "lots-0-note")])
def test_an_intake_note_over_500_characters_is_refused_beside_it_not_cut(
    client, auth, world, field, name
):
    """Walk finding: a longer note was received with its first 500 characters."""
    login(client, auth, world)
    before = row_counts()
    response = receive(client, world, {**form_of(world), field: "长" * 501})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and row_counts() == before
    assert re.search(rf'id="err-{name}"[^>]*>[^<]*at most 500 characters; this has 501', page)
    assert receive(client, world, {**form_of(world), field: "长" * 500}).status_code == 302
    db.session.expire_all()
    stored = db.session.scalar(sa.select(Intake)) if field == "note" else None
    assert stored is None or stored.note == "长" * 500


def test_visual_damage_over_200_characters_is_refused_beside_it_not_cut(client, auth, world):
    """Walk finding: a longer description of the damage was stored cut to 200 characters."""
    login(client, auth, world)
    receive(client, world, form_of(world))
    pack = packs(world)[0]
    url = f"/plant/packs/{pack.id}"
    typed = {"capacity_ah": "180", "soh_pct": "85", "insulation_ok": "1"}
    response = submit(client, f"{url}/test", {**typed, "visual_damage": "x" * 201}, page=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="err-visual_damage"[^>]*>[^<]*at most 200 characters; this has 201', page)
    db.session.expire_all()
    assert not db.session.get(Pack, pack.id).tests
    done = submit(client, f"{url}/test", {**typed, "visual_damage": "x" * 200}, page=url)
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Pack, pack.id).tests[0].visual_damage == "x" * 200


@pytest.mark.parametrize(
    "lang, arrivals, packs",
    [
        ("en", "once its driver confirms a pickup", "Each pack of a received booking"),
        ("zh_CN", "司机在已发布的路线上确认提货后", "已接收预约中的每个电池包"),
    ],
)
def test_a_new_plant_operators_empty_page_says_where_trucks_and_packs_come_from(
    app, client, auth, lang, arrivals, packs
):
    from tests.factories import make_park

    operator = make_user(make_park(), role=Role.PLANT_OPERATOR)
    db.session.commit()
    auth.login(operator.email)
    client.get(f"/lang/{lang}")
    text = client.get("/plant/").get_data(as_text=True)
    assert 'id="arrivals-come-from"' in text and arrivals in text
    assert 'id="packs-come-from"' in text and packs in text

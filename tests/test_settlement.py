"""Settlement: frozen index arithmetic line by line, second-life margin, once only, mail."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from lithloop import clock, pricing
from lithloop.extensions import db
from lithloop.models import (
    BookingStatus,
    Grade,
    OutboxMessage,
    PackEvent,
    PackState,
    Settlement,
)
from lithloop.services.booking import price_versions
from lithloop.services.booking import prices as price_service
from lithloop.services.errors import Conflict, Forbidden, NotFound
from lithloop.services.plant import certificates
from lithloop.services.plant import settlement as settlement_service
from tests import worlds
from tests.plant_world import booked, make_pack, receive

world = worlds.plant_staff


def frozen_expected(booking, lot_index: int, mass: str) -> pricing.ScrapQuote:
    """The pure engine's quote of a lot at the booking's frozen version and measured mass."""
    row = price_service.get_version(booking.quote_index_version)
    index = pricing.IndexSnapshot.from_dict(row.snapshot)
    frozen = booking.quote["lots"][lot_index]
    lot = pricing.ScrapLot.from_dict({**frozen["inputs"], "mass_kg": mass})
    return pricing.quote_scrap(lot, index, quoted_on=date.fromisoformat(frozen["quoted_on"]))


def raise_prices_today(admin):
    """A new index version in force today: lithium and nickel much dearer."""
    old = price_service.current_index()
    price_versions.add_version(
        admin,
        version="test-dear",
        effective_date=clock.today(),
        note="test",
        prices={"li2co3": old.prices["li2co3"].value * 3, "ni": old.prices["ni"].value * 2},
    )


def test_settles_at_the_frozen_index_line_by_line(world):
    booking = booked(
        world,
        [
            {
                "chemistry": "LFP",
                "form": "pack",
                "count": 2,
                "mass_kg": "600",
                "condition": "intact",
                "codes": [],
            },
            {
                "chemistry": "NCM523",
                "form": "pack",
                "count": 1,
                "mass_kg": "400",
                "condition": "damaged",
                "damage": ["deformed"],
                "codes": [],
            },
        ],
    )
    frozen_version = booking.quote_index_version
    raise_prices_today(world["admin"])
    assert price_service.current_index().version == "test-dear" != frozen_version
    receive(world, booking, "1100")  # 10 % over the booked 1000 kg
    lots = sorted(booking.lots, key=lambda lot: lot.position)
    for lot, mass in ((lots[0], "320"), (lots[0], "340"), (lots[1], "440")):
        make_pack(
            world["plant"],
            PackState.RAW,
            grade=Grade.S,
            soh="30",
            mass=mass,
            chemistry=lot.chemistry,
            booking=booking,
            lot=lot,
        )

    settled = settlement_service.settle(world["plant"], booking.id)

    # weighed packs 660 : 440 of the measured 1100 kg
    expected = [frozen_expected(booking, 0, "660.00"), frozen_expected(booking, 1, "440.00")]
    assert settled.index_version == frozen_version
    assert settled.total_fen == sum(q.total_fen for q in expected)
    assert settled.quote_total_fen == booking.quote_total_fen
    for entry, quote, frozen in zip(settled.lines, expected, booking.quote["lots"], strict=True):
        assert entry["measured_kg"] == str(quote.lot.mass_kg)
        assert entry["settled_fen"] == quote.total_fen
        assert entry["difference_fen"] == quote.total_fen - frozen["total_fen"]
        by_key = {row["key"]: row for row in entry["rows"]}
        for line in quote.lines:
            assert by_key[line.key]["settled_fen"] == line.amount_fen
        for line in frozen["lines"]:
            row = by_key[line["key"]]
            assert row["quoted_fen"] == line["amount_fen"]
            assert row["difference_fen"] == row["settled_fen"] - line["amount_fen"]
    # the dearer current index would have given another figure
    dear = pricing.quote_scrap(
        expected[0].lot, price_service.current_index(), quoted_on=expected[0].quoted_on
    )
    assert dear.total_fen != expected[0].total_fen
    db.session.refresh(booking)
    assert booking.status is BookingStatus.SETTLED
    settled_events = db.session.scalars(sa.select(PackEvent).where(PackEvent.kind == "settled"))
    assert [e.public for e in settled_events] == [False, False, False]
    [mail] = [
        m
        for m in db.session.scalars(sa.select(OutboxMessage))
        if settled.certificate_token in m.body
    ]
    assert mail.recipient == world["dealer"].email and "结算" in mail.subject
    about = [m for m in db.session.scalars(sa.select(OutboxMessage)) if "已结算" in m.subject]
    assert about == [mail]  # one letter for the settlement, not a second status notice


def test_second_life_pack_adds_its_margin_over_scrap(world):
    booking = booked(world)
    receive(world, booking, "600")
    lot = booking.lots[0]
    keeper = make_pack(
        world["plant"],
        PackState.AGING,
        grade=Grade.A,
        soh="88",
        rated_wh=60000,
        mass="300",
        booking=booking,
        lot=lot,
    )
    make_pack(
        world["plant"], PackState.RAW, grade=Grade.S, soh="35", mass="300", booking=booking, lot=lot
    )
    settled = settlement_service.settle(world["admin"], booking.id)
    index = price_service.snapshot_of(price_service.get_version(booking.quote_index_version))
    decision = pricing.refurbish_or_recycle(
        pricing.SecondLifePack(
            chemistry="LFP",
            rated_kwh=Decimal(60),
            soh_pct=Decimal(88),
            cycles=800,
            grade="A",
            mass_kg=Decimal(300),
        ),
        index,
    )
    assert decision.choice is pricing.Choice.REFURBISH  # the engine would refurbish it
    [extra] = [e for e in settled.lines if e["kind"] == "second_life"]
    assert extra["code"] == keeper.code and extra["settled_fen"] == decision.total_fen
    scrap = frozen_expected(booking, 0, "600.00")
    assert settled.total_fen == scrap.total_fen + decision.total_fen


def test_a_second_life_pack_with_no_rated_energy_is_paid_its_margin_on_grading_s_estimate(world):
    """Walk finding: a dealer's A pack (in no fleet register, so no rated energy) was shown
    "refurbish: second life nets ¥3,802.47 more than recycling" on its page and then settled
    as scrap. It is settled on the estimate grading used: its mass x the chemistry's Wh/kg."""
    booking = booked(world)
    receive(world, booking, "600")
    keeper = make_pack(
        world["plant"], PackState.AGING, grade=Grade.A, soh="88", mass="300", booking=booking
    )
    keeper.rated_wh = None
    db.session.commit()
    settled = settlement_service.settle(world["admin"], booking.id)
    index = price_service.snapshot_of(price_service.get_version(booking.quote_index_version))
    estimate = Decimal(300) * index.table(pricing.Chemistry("LFP")).pack_wh_per_kg / 1000
    decision = pricing.refurbish_or_recycle(
        pricing.SecondLifePack(
            chemistry="LFP",
            rated_kwh=estimate.quantize(Decimal("0.01")),
            soh_pct=Decimal(88),
            cycles=keeper.cycle_count,
            grade="A",
            mass_kg=Decimal(300),
        ),
        index,
    )
    assert decision.choice is pricing.Choice.REFURBISH
    [extra] = [e for e in settled.lines if e["kind"] == "second_life"]
    assert extra["code"] == keeper.code and extra["settled_fen"] == decision.total_fen > 0
    assert extra["rated_estimated"] is True


def test_the_ungraded_packs_are_listed_in_the_readers_language(world):
    """The codes were joined with ", " on Chinese pages too, whose list mark is "\u3001"."""
    from flask_babel import force_locale

    booking = booked(world)
    receive(world, booking, "590")
    packs = [
        make_pack(world["plant"], PackState.RECEIVED, booking=booking, lot=booking.lots[0])
        for _ in range(2)
    ]
    with pytest.raises(Conflict) as caught:
        settlement_service.settle(world["plant"], booking.id)
    with force_locale("zh_CN"):
        assert f"{packs[0].code}\u3001{packs[1].code}" in str(caught.value.message)
    with force_locale("en"):
        assert f"{packs[0].code}, {packs[1].code}" in str(caught.value.message)


def test_settle_twice_and_before_receipt_are_conflicts(world):
    booking = booked(world)
    with pytest.raises(Conflict) as caught:
        settlement_service.settle(world["plant"], booking.id)
    assert caught.value.code == "not_received"
    with force_locale("en"):  # its status in a sentence, not a badge's word in brackets
        assert str(caught.value.message) == (
            f"Booking #{booking.id} is still waiting to be planned; it has not been received "
            "at the park yet."
        )
    receive(world, booking, "590")
    ungraded = make_pack(world["plant"], PackState.RECEIVED, booking=booking, lot=booking.lots[0])
    with pytest.raises(Conflict) as caught:
        settlement_service.settle(world["plant"], booking.id)
    assert caught.value.code == "ungraded" and ungraded.code in str(caught.value.message)
    ungraded.grade = Grade.S
    db.session.commit()
    first = settlement_service.settle(world["plant"], booking.id)
    outbox = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
    with pytest.raises(Conflict) as caught:
        settlement_service.settle(world["plant"], booking.id)
    assert caught.value.code == "already_settled"
    assert db.session.scalar(sa.select(sa.func.count(Settlement.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == outbox
    assert db.session.get(Settlement, first.id).total_fen == first.total_fen
    with pytest.raises(Forbidden):
        settlement_service.settle(world["dealer"], booking.id)


def test_certificate_and_statement_isolation(world):
    booking = booked(world)
    receive(world, booking, "600")
    lot = booking.lots[0]
    gone = make_pack(
        world["plant"], PackState.DISMANTLED, grade=Grade.S, soh="20", booking=booking, lot=lot
    )
    kept = make_pack(
        world["plant"], PackState.CONSUMED, grade=Grade.B, soh="70", booking=booking, lot=lot
    )
    waiting = make_pack(
        world["plant"], PackState.RAW, grade=Grade.S, soh="30", booking=booking, lot=lot
    )
    settled = settlement_service.settle(world["plant"], booking.id)
    cert = certificates.certificate(settled.certificate_token)
    where = {p.code: p.destination for p in cert.packs}
    assert where == {gone.code: "dismantled", kept.code: "second_life", waiting.code: "awaiting"}
    assert cert.owner == world["dealer"].organisation.name
    assert cert.issuer == world["park"].name and cert.booking_id == booking.id
    assert certificates.statement(world["dealer"], booking.id).id == settled.id
    assert certificates.statement(world["plant"], booking.id).id == settled.id
    with pytest.raises(NotFound):
        certificates.statement(world["other"], booking.id)
    with pytest.raises(NotFound):
        certificates.certificate("not-a-token")
    assert certificates.own_settlements(world["other"]) == []
    assert [s.id for s in certificates.own_settlements(world["dealer"])] == [settled.id]
    first = certificates.settled_page(world["dealer"], 1, per_page=1)
    assert [s.id for s in first.rows] == [settled.id] and not first.has_next
    assert first.pages is None  # not counted on a page with rows
    past = certificates.settled_page(world["dealer"], 4, per_page=1)
    assert past.rows == [] and past.pages == 1  # past the end: the last page, counted
    assert certificates.settled_page(world["other"], 2).pages == 0  # none to see

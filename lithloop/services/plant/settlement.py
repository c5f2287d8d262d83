"""Settling a received booking on measured mass and grade at its frozen price index.

- Each booked lot is re-quoted with the pure engine at the booking's frozen index version
  (booking.quote_index_version), with the frozen lot inputs (chemistry, form, condition,
  distance) and the quote's own date, on the lot's MEASURED mass; every line sits next to
  the quoted line with the difference.
- Measured mass per lot: the intake weighs the whole booking (Intake.measured_kg). With one
  lot it is that lot's mass; with several it is shared in proportion to the weighed packs of
  each lot (or the booked lot masses when some lot has no pack), to 0.01 kg, the last lot
  taking the rounding remainder, so the lots always add up to the measured mass.
- Second life: the scrap lines already pay the materials of every pack. A pack graded A/B/C
  for which the engine's refurbish-or-recycle decision says "refurbish" adds one line: the
  decision's margin (second-life price - refurbishing - aging/test - the pack's scrap value),
  so that the owner is paid the pack's net second-life value rather than its scrap value.
  A pack without a rated energy (a dealer's pack in no fleet register) is priced on the
  estimate grading used (`grading.rated_kwh_of`: its mass x the chemistry's Wh/kg), so the
  owner is paid the margin the pack's page announced. Packs without a SoH, or that the
  engine would recycle, add nothing.
"""

from __future__ import annotations

import secrets
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import labels, letters, pricing
from lithloop.extensions import db
from lithloop.i18n import listed, money
from lithloop.models import Booking, BookingStatus, Grade, Intake, Pack, Settlement, User
from lithloop.services.booking import bookings as booking_service
from lithloop.services.booking.prices import get_version, snapshot_of
from lithloop.services.errors import Conflict, NotFound
from lithloop.services.packs import events as pack_events
from lithloop.services.plant import grading
from lithloop.services.plant.dismantling import check_role
from lithloop.services.plant.errors import Code

KG = Decimal("0.01")
SECOND_LIFE = (Grade.A, Grade.B, Grade.C)


def lot_masses(booking: Booking, packs: list[Pack], measured: Decimal) -> list[Decimal]:
    """The measured mass shared over the booked lots (see the module docstring)."""
    lots = sorted(booking.lots, key=lambda lot: lot.position)
    by_lot = {lot.id: Decimal(0) for lot in lots}
    for pack in packs:
        if pack.lot_id in by_lot:
            by_lot[pack.lot_id] += Decimal(pack.mass_kg)
    weights = [by_lot[lot.id] for lot in lots]
    if not all(weights):
        weights = [Decimal(lot.mass_kg) for lot in lots]
    total = sum(weights, Decimal(0))
    shares = [(measured * w / total).quantize(KG, ROUND_HALF_UP) for w in weights[:-1]]
    return [*shares, measured - sum(shares, Decimal(0))]


def _rows(quoted: list[dict], settled: pricing.ScrapQuote) -> list[dict]:
    """Quoted and settled lines side by side, matched by key (a line may exist on one side)."""
    new = {line.key: line for line in settled.lines}
    old = {line["key"]: line for line in quoted}
    keys = list(old) + [k for k in new if k not in old]
    rows = []
    for key in keys:
        q, s = old.get(key), new.get(key)
        quoted_fen = q["amount_fen"] if q else 0
        settled_fen = s.amount_fen if s else 0
        rows.append(
            {
                "key": key,
                "text": s.text if s else q["text"],
                "unit": s.unit if s else q["unit"],
                "quoted_quantity": q["quantity"] if q else None,
                "quantity": str(s.quantity) if s else None,
                "quoted_fen": quoted_fen,
                "settled_fen": settled_fen,
                "difference_fen": settled_fen - quoted_fen,
            }
        )
    return rows


def lot_lines(booking: Booking, masses: list[Decimal], index: pricing.IndexSnapshot) -> list:
    """One entry per lot: its quoted and measured mass and its rows, at the frozen index."""
    entries = []
    for number, (frozen, mass) in enumerate(zip(booking.quote["lots"], masses, strict=True), 1):
        inputs = {**frozen["inputs"], "mass_kg": str(mass)}
        quote = pricing.quote_scrap(
            pricing.ScrapLot.from_dict(inputs),
            index,
            quoted_on=date.fromisoformat(frozen["quoted_on"]),
        )
        entries.append(
            {
                "kind": "lot",
                "lot": number,
                "chemistry": inputs["chemistry"],
                "form": inputs["form"],
                "condition": inputs["condition"],
                "quoted_kg": frozen["inputs"]["mass_kg"],
                "measured_kg": str(mass),
                "rows": _rows(frozen["lines"], quote),
                "quoted_fen": frozen["total_fen"],
                "settled_fen": quote.total_fen,
                "difference_fen": quote.total_fen - frozen["total_fen"],
            }
        )
    return entries


def second_life_lines(packs: list[Pack], index: pricing.IndexSnapshot) -> list[dict]:
    """One entry per pack the engine would refurbish: its margin over scrapping it."""
    entries = []
    for pack in packs:
        if pack.grade not in SECOND_LIFE or pack.soh_pct is None:
            continue
        try:
            rated_kwh = grading.rated_kwh_of(pack, index)
            decision = pricing.refurbish_or_recycle(
                pricing.SecondLifePack(
                    chemistry=pack.chemistry,
                    rated_kwh=rated_kwh,
                    soh_pct=Decimal(pack.soh_pct),
                    cycles=pack.cycle_count,  # None: priced as the most worn
                    grade=pack.grade.value,
                    mass_kg=Decimal(pack.mass_kg),
                ),
                index,
            )
        except pricing.PricingError:
            continue
        if decision.choice is not pricing.Choice.REFURBISH:
            continue
        entries.append(
            {
                "kind": "second_life",
                "code": pack.code,
                "grade": pack.grade.value,
                "soh_pct": str(pack.soh_pct),
                "rated_wh": pack.rated_wh or int(rated_kwh * 1000),
                "rated_estimated": not pack.rated_wh,
                "quoted_fen": 0,
                "settled_fen": decision.total_fen,
                "difference_fen": decision.total_fen,
                "second_life_net_fen": decision.second_life_net_fen,
                "scrap_value_fen": decision.scrap_value_fen,
            }
        )
    return entries


class PacksToGrade(Conflict):
    """Settling refused: these packs (id, code) are not graded yet; the message names the
    first five, `packs` holds them all (the page links each to its test form)."""

    def __init__(self, packs: list[tuple[int, str]]):
        codes = listed([code for _id, code in packs[:5]])
        super().__init__(_l("Grade every pack first: %(codes)s.", codes=codes), code=Code.UNGRADED)
        self.packs = packs


class TotalChanged(Conflict):
    """Settling refused: the amount is no longer the one the person confirmed (a pack was
    tested again since the preview); `total_fen` is what settling would pay now."""

    def __init__(self, confirmed_fen: int, total_fen: int):
        super().__init__(
            _l(
                "Not settled: the amount changed since you checked it, from %(was)s to %(now)s "
                "(a pack of the booking was tested again). Check the new lines and settle again.",
                was=money(confirmed_fen),
                now=money(total_fen),
            ),
            code=Code.TOTAL_CHANGED,
        )
        self.total_fen = total_fen


def _lock_received(booking_id: int) -> tuple[Booking, Intake]:
    booking = db.session.scalar(
        sa.select(Booking)
        .where(Booking.id == booking_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if booking is None:
        raise NotFound(_l("No such booking."))
    if db.session.scalar(sa.select(Settlement.id).where(Settlement.booking_id == booking.id)):
        raise Conflict(
            _l("Booking #%(id)s is settled already.", id=booking.id), code=Code.ALREADY_SETTLED
        )
    intake = db.session.scalar(sa.select(Intake).where(Intake.booking_id == booking.id))
    if booking.status is not BookingStatus.RECEIVED or intake is None:
        raise Conflict(
            _l(
                "%(what)s; it has not been received at the park yet.",
                what=labels.clause(labels.BOOKING_IS, booking.status, booking.id),
            ),
            code=Code.NOT_RECEIVED,
        )
    return booking, intake


def _lines_of(booking: Booking, intake: Intake) -> tuple[pricing.IndexSnapshot, list, list]:
    """The frozen index, the booking's packs and its settlement lines (every pack graded)."""
    packs = list(
        db.session.scalars(sa.select(Pack).where(Pack.booking_id == booking.id).order_by(Pack.id))
    )
    ungraded = [p for p in packs if p.grade is None]
    if ungraded:
        raise PacksToGrade([(p.id, p.code) for p in ungraded])
    index = snapshot_of(get_version(booking.quote_index_version))
    masses = lot_masses(booking, packs, Decimal(intake.measured_kg))
    return index, packs, lot_lines(booking, masses, index) + second_life_lines(packs, index)


def preview(user: User, booking_id: int) -> tuple[Booking, list[dict], int]:
    """What settling would pay, line by line, and the total; nothing is stored or locked."""
    check_role(user)
    booking = db.session.get(Booking, booking_id)
    if booking is None:
        raise NotFound(_l("No such booking."))
    intake = db.session.scalar(sa.select(Intake).where(Intake.booking_id == booking.id))
    if db.session.scalar(sa.select(Settlement.id).where(Settlement.booking_id == booking.id)):
        raise Conflict(
            _l("Booking #%(id)s is settled already.", id=booking.id), code=Code.ALREADY_SETTLED
        )
    if booking.status is not BookingStatus.RECEIVED or intake is None:
        raise Conflict(_l("Booking #%(id)s has not been received yet.", id=booking.id))
    _index, _packs, lines = _lines_of(booking, intake)
    return booking, lines, sum(entry["settled_fen"] for entry in lines)


def settle(user: User, booking_id: int, confirmed_fen: int | None = None) -> Settlement:
    """Settle a received booking once: lines vs the quote, events, status, mail (all or none);
    refused (TotalChanged) when the total is not `confirmed_fen`, the amount the person saw."""
    check_role(user)
    try:
        booking, intake = _lock_received(booking_id)
        index, packs, lines = _lines_of(booking, intake)
        total_fen = sum(entry["settled_fen"] for entry in lines)
        if confirmed_fen is not None and confirmed_fen != total_fen:
            raise TotalChanged(confirmed_fen, total_fen)
        settlement = Settlement(
            booking_id=booking.id,
            index_version=index.version,
            quote_total_fen=booking.quote_total_fen,
            total_fen=total_fen,
            lines=lines,
            certificate_token=secrets.token_urlsafe(24),
            by_user_id=user.id,
        )
        db.session.add(settlement)
        for pack in packs:
            pack_events.record(pack, "settled", user, public=False, data={"booking": booking.id})
        tell_owner(booking, settlement)
        # commits; the letter above tells the owner (with the amount), not a second one
        booking_service.change_status(user, booking.id, BookingStatus.SETTLED, tell=False)
    except Exception:
        db.session.rollback()
        raise
    return settlement


def tell_owner(booking: Booking, settlement: Settlement) -> None:
    """Mail the booking's owner the settled amount, who pays whom, and the two documents."""
    letters.send_letter(
        booking.created_by,
        _l("Booking #%(id)s settled: %(total)s"),
        _l(
            "Booking #%(id)s is settled at %(total)s (quoted %(quote)s). %(who)s\n"
            "Statement: %(statement)s\nCertificate of recycling: %(certificate)s\n"
        ),
        id=booking.id,
        total=money(settlement.total_fen),
        quote=money(booking.quote_total_fen),
        who=_l("The park pays you this amount.")
        if settlement.total_fen >= 0
        else _l("You pay the park this fee."),
        statement=letters.link("settlements.statement", booking_id=booking.id),
        certificate=letters.link("settlements.certificate", token=settlement.certificate_token),
    )

"""Years of plausible park operation, written straight into PostgreSQL with COPY.

Per year (about the park's design figures): ~6,000 bookings of ~2.5 lots, ~19,000 packs
received (~10,000 t), about half graded for second life and rebuilt into a listed pack, the
rest dismantled on the three lines in daily batches; ~7,500 rebuilt packs sold in ~2,700
orders (a few refunded, a few cancelled), every handover given an upload deadline and most
of them reported; ~200,000 pack events. Dates run day by day; whatever would happen after
"now" has not happened yet, so the last weeks leave packs in the warehouses, listings in
the catalog and handovers due — the same amount of current work whatever the history.

Rows respect every constraint of the schema (foreign keys, uniques, checks, the enums'
values); ids are allocated above the existing ones and the sequences moved past them.
"""

from __future__ import annotations

import json
import random
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

CHEMISTRY = (("LFP", 60), ("NCM523", 14), ("NCM622", 10), ("NCM811", 10), ("LMO", 4), ("NCA", 2))
SHARES = {"black_mass": "0.36", "copper": "0.08", "aluminium": "0.11", "steel": "0.22"}
TABLES = (
    "booking",
    "booking_lot",
    "booking_event",
    "intake",
    "settlement",
    "dismantling_batch",
    "pack",
    "pack_test",
    "pack_parent",
    "pack_event",
    "market_order",
    "market_order_line",
    "market_payment",
    "market_refund",
)


@dataclass
class Context:
    """Ids and template rows read from the seeded database once."""

    owners: list[tuple[int, int, int]]  # (organisation, site, user)
    buyers: list[tuple[int, int]]  # (organisation, user)
    plant_user: int
    admin_user: int
    index_version: str
    quote: str
    settlement_lines: str
    next_id: dict[str, int] = field(default_factory=dict)

    def take(self, table: str) -> int:
        """The next id of a table."""
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value


def read_context(conn) -> Context:
    """Owners with a site and a user, buyers, staff users and template JSON from the demo."""
    q = lambda sql: conn.execute(sa.text(sql)).all()  # noqa: E731
    users = {org: uid for uid, org in q('SELECT min(id), organisation_id FROM "user" GROUP BY 2')}
    fallback = q("SELECT id FROM \"user\" WHERE role = 'dealer_staff' ORDER BY id LIMIT 1")[0][0]
    owners = [
        (org, site, users.get(org, fallback))
        for org, site in q(
            "SELECT o.id, min(s.id) FROM organisation o JOIN site s ON s.organisation_id = o.id "
            "WHERE o.kind IN ('dealer_branch', 'bus_company') AND o.status = 'active' "
            "AND o.name NOT LIKE 'AUTHZ%' GROUP BY o.id ORDER BY o.id"
        )
    ]
    buyers = q(
        'SELECT u.organisation_id, min(u.id) FROM "user" u JOIN organisation o ON '
        "o.id = u.organisation_id WHERE u.role = 'buyer' AND o.name NOT LIKE 'AUTHZ%' GROUP BY 1"
    )
    role = lambda r: q(f"SELECT min(id) FROM \"user\" WHERE role = '{r}'")[0][0]  # noqa: E731, S608
    booking = q("SELECT CAST(quote AS TEXT), quote_index_version FROM booking ORDER BY id")[0]
    lines = q("SELECT CAST(lines AS TEXT) FROM settlement ORDER BY id")[0][0]
    context = Context(
        owners, buyers, role("plant_operator"), role("admin"), booking[1], booking[0], lines
    )
    for table in TABLES:
        if table != "pack_parent":
            top = q(f'SELECT coalesce(max(id), 0) FROM "{table}"')[0][0]  # noqa: S608
            context.next_id[table] = top + 1_000_000  # room for the demo's own later rows
    return context


def _at(day: date, hour: float) -> datetime:
    return datetime.combine(day, time(0), tzinfo=None) + timedelta(hours=hour)


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


class Year:
    """The rows of one stretch of days, table by table, ready for COPY."""

    def __init__(self, context: Context, now: datetime, rng: random.Random, per_day: float = 19):
        self.c, self.now, self.rng, self.per_day = context, _naive(now), rng, per_day
        self.rows: dict[str, list[tuple]] = defaultdict(list)
        self.sold: dict[date, list[tuple[int, int]]] = defaultdict(list)  # day -> (pack, fen)
        self.dismantled: dict[tuple[date, int], list[tuple[int, Decimal]]] = defaultdict(list)
        self.buyer_of: dict[int, int] = {}

    def event(self, pack, kind, at, org=None, data=None, handover=False, public=True):
        """One pack event; handovers get a deadline and (mostly) an upload mark."""
        due = reported = reporter = None
        if handover:
            due = (at + timedelta(hours=8)).date() + timedelta(days=21)
            late = timedelta(days=self.rng.uniform(0.5, 20))
            if self.rng.random() > 0.015 and at + late < self.now:
                reported, reporter = at + late, self.c.admin_user
        self.rows["pack_event"].append(
            (
                self.c.take("pack_event"),
                pack,
                kind,
                at,
                self.c.plant_user,
                org,
                json.dumps(data or {}),
                public,
                None,
                due,
                reported,
                reporter,
            )
        )

    def day(self, day: date) -> None:
        """Bookings picked up on `day`, and everything that follows from them."""
        rng = self.rng
        if day.weekday() == 6:
            return
        for _ in range(max(0, round(rng.gauss(self.per_day, self.per_day / 5)))):
            self.booking(day, *rng.choice(self.c.owners))

    def booking(self, day: date, org: int, site: int, user: int) -> None:
        """One booking with its lots, intake, packs and their lives."""
        rng, c, now = self.rng, self.c, self.now
        bid, hour = c.take("booking"), rng.choice((0, 2, 4, 6))
        picked, received = _at(day, hour + 1), _at(day, hour + 4)
        cancelled = rng.random() < 0.06
        status = (
            "cancelled"
            if cancelled
            else "requested"
            if picked > now
            else "received"
            if received + timedelta(days=2) > now
            else "settled"
        )
        lots, total = [], Decimal(0)
        for position in range(rng.choice((1, 2, 2, 3, 3, 4))):
            chemistry = rng.choices([k for k, _ in CHEMISTRY], [w for _, w in CHEMISTRY])[0]
            count = rng.choice((1, 1, 1, 1, 2, 2, 3))
            each = Decimal(rng.randint(380, 680))
            lots.append((c.take("booking_lot"), position, chemistry, count, each))
            total += each * count
        created = _at(day - timedelta(days=rng.randint(2, 9)), 1)
        self.rows["booking"].append(
            (
                bid,
                org,
                site,
                user,
                status,
                day,
                time(8 + hour),
                time(11 + hour),
                total,
                False,
                int(total) * 800,
                c.index_version,
                c.quote,
                None,
                "",
                "history" if cancelled else "",
                None,
                None,
                created,
            )
        )
        for lid, position, chemistry, count, each in lots:
            self.rows["booking_lot"].append(
                (lid, bid, position, chemistry, "pack", count, each * count, "intact", "[]", "[]")
            )
        steps = [("requested", created), ("scheduled", created + timedelta(days=1))]
        if cancelled:
            steps.append(("cancelled", created + timedelta(days=1, hours=2)))
        else:
            steps += [("picked_up", picked), ("received", received)]
            steps += [("settled", received + timedelta(days=2))]
        previous = None
        for to, at in steps:
            if at <= now:
                row = (c.take("booking_event"), bid, previous, to, at, user, "")
                self.rows["booking_event"].append(row)
                previous = to
        if cancelled or received > now:
            return
        self.rows["intake"].append((c.take("intake"), bid, total, "", received, c.plant_user))
        if status == "settled":
            token = secrets.token_urlsafe(24)
            settled = received + timedelta(days=2)
            fen = int(total) * 800
            self.rows["settlement"].append(
                (c.take("settlement"), bid, c.index_version, fen, fen, c.settlement_lines, token)
                + (settled, c.plant_user)
            )
        for lid, _position, chemistry, count, each in lots:
            for _ in range(count):
                self.pack(bid, lid, org, chemistry, each, picked, received, status == "settled")

    def pack(self, bid, lid, org, chemistry, kg, picked, received, settled) -> None:
        """A received pack's life: tested, graded, aged and rebuilt, or dismantled."""
        rng, c, now = self.rng, self.c, self.now
        pid = c.take("pack")
        code = f"HISPB{pid:019d}"
        soh = Decimal(rng.randint(55, 92))
        refurbish = chemistry == "LFP" and soh >= 70 and rng.random() < 0.85
        grade = ("A" if soh >= 85 else "B" if soh >= 78 else "C") if refurbish else "S"
        graded = received + timedelta(hours=20)
        aging_until = (graded + timedelta(days=14)).date()
        released = graded + timedelta(days=15)
        gone = (
            released + timedelta(hours=3)
            if refurbish
            else graded + timedelta(days=rng.randint(1, 9))
        )
        stuck = rng.random() < 0.004  # forgotten in a warehouse for good
        if gone <= now and not stuck:
            state, warehouse, since = ("consumed" if refurbish else "dismantled"), None, None
        elif graded <= now:
            warehouse = "aging" if refurbish else "raw"
            state, since = warehouse, graded
        else:
            state, warehouse, since = "received", None, None
        batch = None
        if state == "dismantled":
            batch = (gone.date(), rng.randint(1, 3))
            self.dismantled[batch].append((pid, kg))
        plate = f"黑C·{rng.randint(10000, 99999)}" if rng.random() < 0.5 else None
        self.rows["pack"].append(
            (pid, code, code, False, chemistry, "pack", 51200, kg, state, warehouse, since)
            + ((aging_until if warehouse == "aging" else None), grade)
            + (("refurbish" if refurbish else "recycle"), soh, Decimal("120.00"), 1800, False)
            + (org, bid, lid, plate, False, None, None, None, None, batch, None, received)
        )
        test = (c.take("pack_test"), pid, "intake", Decimal("120.00"), soh, Decimal("0.8"))
        self.rows["pack_test"].append(test + (Decimal("330"), True, "", graded, c.plant_user))
        ev = self.event
        ev(pid, "booked", received - timedelta(days=3), org, {"booking_id": bid, "lot": 0})
        ev(pid, "picked_up", picked, org, {"truck": "黑C·F1486"})
        ev(pid, "received", received, org, {"booking_id": bid, "pack_kg": str(kg)}, True)
        if graded > now:
            return
        ev(pid, "tested", graded, org, {"kind": "intake", "soh_pct": str(soh)})
        ev(pid, "graded", graded, org, {"grade": grade, "decision": "refurbish"})
        to = "aging" if refurbish else "raw"
        ev(pid, "moved", graded, org, {"from": "received", "to": to, "warehouse": to})
        if settled:
            ev(pid, "settled", received + timedelta(days=2), org, {"booking": bid}, public=False)
        if state == "dismantled":
            ev(
                pid,
                "dismantled",
                gone,
                org,
                {"from": "raw", "to": "dismantled", "line": batch[1]},
                True,
            )
        elif state == "consumed":
            ev(pid, "aged", released, org, {"from": "aging", "to": "finished"})
            self.built(pid, soh, grade, gone)

    def built(self, parent: int, soh: Decimal, grade: str, at: datetime) -> None:
        """The rebuilt pack of one parent: listed, then sold (or still for sale)."""
        rng, c = self.rng, self.c
        pid = c.take("pack")
        price = 300_000 + int(soh) * 9_000 + rng.randint(0, 50_000)
        sale = at + timedelta(days=rng.randint(3, 60), hours=rng.randint(0, 10))
        sold = sale <= self.now
        self.rows["pack"].append(
            (pid, f"LLPPB00RF{pid:015d}", None, True, "LFP", "pack", 51200, Decimal("409.60"))
            + (("sold", None, None) if sold else ("finished", "finished", at))
            + (None, grade, "refurbish", soh, Decimal("144.80"), 1100, False, None, None, None)
            + (None, True, price, c.index_version, 24, "storage", None, None, at)
        )
        self.rows["pack_parent"].append((pid, parent))
        self.event(parent, "consumed", at, None, {"into": pid})
        self.event(pid, "built", at, None, {"parents": [parent], "grade": grade}, True)
        self.event(pid, "listed", at, None, {"to": "finished", "price_fen": price})
        if sold:
            self.sold[sale.date()].append((pid, price))

    def finish(self) -> None:
        """Batches of the dismantled packs, and the orders of the sold ones."""
        c, rng = self.c, self.rng
        batch_ids = {}
        for (day, line), packs in self.dismantled.items():
            bid = batch_ids[(day, line)] = c.take("dismantling_batch")
            kg = sum(m for _p, m in packs)
            outputs = {
                k: str((kg * Decimal(v)).quantize(Decimal("0.01"))) for k, v in SHARES.items()
            }
            closed = _at(day, 9)
            self.rows["dismantling_batch"].append(
                (bid, line, "closed", kg, json.dumps(outputs), closed, c.plant_user, _at(day, 1))
            )
        pack_rows = self.rows["pack"]
        for day, sold in self.sold.items():
            rng.shuffle(sold)
            while sold:
                take = [sold.pop() for _ in range(min(len(sold), rng.choice((1, 2, 3, 3, 4, 5))))]
                self.order(day, take, rng.choice(c.buyers))
        for i, row in enumerate(pack_rows):  # batch (col 27) and buyer (col 28) known now
            batch, buyer = row[27], self.buyer_of.get(row[0])
            if batch is not None or buyer is not None:
                batch = batch_ids[batch] if batch is not None else None
                pack_rows[i] = row[:27] + (batch, buyer) + row[29:]

    def order(self, day: date, lines: list[tuple[int, int]], buyer: tuple[int, int]) -> None:
        """A paid order of sold packs; a few refunded or preceded by a cancelled try."""
        rng, c = self.rng, self.c
        org, user = buyer
        paid = _at(day, rng.uniform(1, 10))
        total = sum(fen for _p, fen in lines)
        age = self.now - paid
        status = "delivered" if age > timedelta(days=7) else "paid"
        refund = rng.random()
        status = "refunded" if refund < 0.02 else status
        partial = 0.02 <= refund < 0.04  # money beside the fulfilment state, not a state
        if rng.random() < 0.05:  # an earlier try, cancelled when its reservation lapsed
            oid = c.take("market_order")
            self.rows["market_order"].append(
                (oid, org, user, "cancelled", total, 0, "pickup", "", "", "", None, None, None)
                + (None, None, None, paid - timedelta(hours=1), "reservation lapsed", None)
                + (paid - timedelta(hours=2),)
            )
            for pid, fen in lines:
                self.rows["market_order_line"].append(
                    (c.take("market_order_line"), oid, pid, fen, 0, None)
                )
        oid = c.take("market_order")
        first_fen = lines[0][1]
        refunded = total if status == "refunded" else first_fen if partial else 0
        status = "refunded" if refunded >= total else status
        delivered = paid + timedelta(days=3) if status == "delivered" else None
        self.rows["market_order"].append(
            (oid, org, user, status, total, refunded, "pickup", "", "", "", None, None, None)
            + (delivered, None, paid, paid + timedelta(days=3 if delivered else 0), "", None, paid)
        )
        for n, (pid, fen) in enumerate(lines):
            back = fen if status == "refunded" or (partial and n == 0) else 0
            lid = c.take("market_order_line")
            self.rows["market_order_line"].append(
                (lid, oid, pid, fen, back, paid + timedelta(days=5) if back else None)
            )
            self.event(pid, "sold", paid, org, {"order_id": oid}, True)
            self.buyer_of[pid] = org
            if back:
                refund_id = c.take("market_refund")
                self.rows["market_refund"].append(
                    (refund_id, oid, lid, back, "returned", c.admin_user, f"re_hist_{refund_id}")
                    + (paid + timedelta(days=5),)
                )
        self.rows["market_payment"].append(
            (c.take("market_payment"), oid, f"pi_hist_{oid}", f"pi_hist_{oid}_secret", total)
            + ("succeeded", None, "", paid)
        )


COLUMNS = {
    "booking": "id organisation_id site_id created_by_id status pickup_date window_start "
    "window_end total_mass_kg hazardous quote_total_fen quote_index_version quote "
    "idempotency_key note cancel_reason eta_start eta_end created_at",
    "booking_lot": "id booking_id position chemistry form pack_count mass_kg condition damage "
    "codes",
    "booking_event": "id booking_id from_status to_status at by_user_id note",
    "intake": "id booking_id measured_kg note at by_user_id",
    "settlement": "id booking_id index_version quote_total_fen total_fen lines certificate_token "
    "at by_user_id",
    "dismantling_batch": "id line status input_kg outputs closed_at by_user_id created_at",
    "pack": "id code original_code code_assigned chemistry form rated_wh mass_kg state warehouse "
    "warehouse_since aging_until grade decision soh_pct capacity_ah cycle_count damaged owner_id "
    "booking_id lot_id vehicle_plate refurbished price_fen price_index_version warranty_months "
    "use_case batch_id buyer_id created_at",
    "pack_test": "id pack_id kind capacity_ah soh_pct resistance_mohm ocv_v insulation_ok "
    "visual_damage at by_user_id",
    "pack_parent": "child_id parent_id",
    "pack_event": "id pack_id kind at by_user_id organisation_id data public corrects_id "
    "report_due reported_at reported_by_id",
    "market_order": "id buyer_org_id user_id status total_fen refunded_fen delivery_kind "
    "delivery_address delivery_contact delivery_phone delivery_lat delivery_lon delivery_date "
    "delivered_at reserved_until paid_at status_at cancel_reason invoice created_at",
    "market_order_line": "id order_id pack_id price_fen refunded_fen returned_at",
    "market_payment": "id order_id intent_id client_secret amount_fen status next_action "
    "last_error updated_at",
    "market_refund": "id order_id line_id amount_fen reason by_user_id stripe_refund_id at",
}
#: Parents before children, so that COPY meets every foreign key.
ORDER = (
    "booking booking_lot booking_event intake settlement dismantling_batch pack pack_test "
    "pack_parent pack_event market_order market_order_line market_payment market_refund"
).split()


def _sqlite_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(" ", timespec="microseconds")
    if isinstance(value, date | time):
        return value.isoformat()
    return value


def write(engine, year: Year) -> int:
    """COPY a stretch's rows into their tables in one transaction (INSERTs on SQLite, for
    the tests); the number of rows."""
    written = 0
    if engine.dialect.name != "postgresql":
        with engine.begin() as conn:
            for table in ORDER:
                rows = year.rows.get(table, ())
                names = COLUMNS[table].split()
                columns = ", ".join(f'"{c}"' for c in names)
                marks = ", ".join("?" * len(names))
                if rows:
                    conn.exec_driver_sql(
                        f'INSERT INTO "{table}" ({columns}) VALUES ({marks})',  # noqa: S608
                        [tuple(_sqlite_value(v) for v in row) for row in rows],
                    )
                written += len(rows)
        return written
    with engine.begin() as conn:
        cursor = conn.connection.driver_connection.cursor()
        for table in ORDER:
            columns = ", ".join(f'"{c}"' for c in COLUMNS[table].split())
            with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for row in year.rows.get(table, ()):
                    copy.write_row(row)
            written += len(year.rows.get(table, ()))
    return written


def move_sequences(engine) -> None:
    """Every id sequence past the rows written with explicit ids (PostgreSQL)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in TABLES:
            if table != "pack_parent":
                sql = (
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
                    f'(SELECT coalesce(max(id), 1) FROM "{table}"))'
                )
                conn.execute(sa.text(sql))

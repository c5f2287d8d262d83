"""Order invoices (pro-forma, not the official 发票): details frozen when the order is paid.

Prices in the market include VAT. On the invoice each line's price is split into the
amount without tax and the tax, at the rate frozen with the order: tax = price − round(
price × 100 / (100 + rate)), rounded half up to the fen, so that the lines add up to the
total exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import clock, labels
from lithloop.extensions import db
from lithloop.i18n import kwh
from lithloop.models import InvoiceDetails, Order, Organisation, OrgKind, User
from lithloop.services.errors import Conflict
from lithloop.services.market import orders as market_orders
from lithloop.services.market import refund_shares
from lithloop.services.market.errors import Code


def _details(org: Organisation | None) -> dict:
    if org is None:
        return {"company_name": ""}
    found = db.session.scalar(
        sa.select(InvoiceDetails).where(InvoiceDetails.organisation_id == org.id)
    )
    return (
        found.as_dict()
        if found
        else {"company_name": org.name, "taxpayer_id": org.taxpayer_id or ""}
    )


#: The seller's invoice details in configuration, by the key they take on the invoice.
SELLER_SETTINGS = {
    "company_name": "SELLER_NAME",
    "taxpayer_id": "SELLER_TAXPAYER_ID",
    "address": "SELLER_ADDRESS",
    "phone": "SELLER_PHONE",
    "bank_name": "SELLER_BANK",
    "bank_account": "SELLER_ACCOUNT",
}


#: The seller's details an invoice needs, each named in words for the incomplete-invoice note.
SELLER_FIELD_NAMES = {
    "company_name": _l("Company name"),
    "taxpayer_id": _l("Taxpayer ID"),
    "address": _l("Address"),
    "phone": _l("Phone"),
    "bank_name": _l("Bank"),
    "bank_account": _l("Bank account"),
}


def missing_seller(seller: dict) -> list:
    """The names of the seller's details an invoice lacks (none when the park gave them all)."""
    return [
        name for key, name in SELLER_FIELD_NAMES.items() if not str(seller.get(key) or "").strip()
    ]


def seller_details(park: Organisation | None) -> dict:
    """The park's invoice details: configuration (SELLER_*) first, then what the park saved."""
    details = dict(_details(park))
    for key, setting in SELLER_SETTINGS.items():
        if value := str(current_app.config.get(setting) or "").strip():
            details[key] = value
    return details


def freeze(order: Order) -> dict:
    """Seller (the park), buyer and VAT rate as they are now: stored on the order when paid."""
    park = db.session.scalar(
        sa.select(Organisation)
        .where(Organisation.kind == OrgKind.PARK_OPERATOR)
        .order_by(Organisation.id)
        .limit(1)
    )
    paid_day = clock.local_day(order.paid_at)
    return {
        "number": f"LL{paid_day:%Y%m%d}-{order.id:06d}",
        "date": paid_day.isoformat(),
        "seller": seller_details(park),
        "buyer": _details(order.buyer_org),
        "vat_rate_pct": int(current_app.config.get("VAT_RATE_PCT", 13)),
    }


def split_vat(price_fen: int, rate_pct: int) -> tuple[int, int]:
    """(amount without tax, tax) of a price that includes VAT, in fen."""
    net = (Decimal(price_fen) * 100 / (100 + rate_pct)).quantize(Decimal(1), ROUND_HALF_UP)
    return int(net), price_fen - int(net)


@dataclass(frozen=True)
class InvoiceLine:
    """One pack on the invoice, or the delivery fee (`delivery`, no pack code)."""

    code: str
    description: str
    price_fen: int
    net_fen: int
    vat_fen: int
    refunded_fen: int
    delivery: bool = False


@dataclass(frozen=True)
class Invoice:
    """What the invoice page prints."""

    order: Order
    number: str
    date: str
    seller: dict
    buyer: dict
    vat_rate_pct: int
    lines: list[InvoiceLine]

    @property
    def missing_seller(self) -> list:
        """The seller's details this invoice lacks, by name: the page says so, never blank."""
        return missing_seller(self.seller)

    @property
    def pack_count(self) -> int:
        """How many packs the invoice lists (the delivery line is not one)."""
        return sum(1 for li in self.lines if not li.delivery)

    @property
    def total_fen(self) -> int:
        """The amount of the order, VAT included."""
        return sum(li.price_fen for li in self.lines)

    @property
    def net_fen(self) -> int:
        """The amount without tax."""
        return sum(li.net_fen for li in self.lines)

    @property
    def vat_fen(self) -> int:
        """The VAT included in the total."""
        return sum(li.vat_fen for li in self.lines)

    @property
    def refunded_fen(self) -> int:
        """The money given back so far (not a refund that did not go through, until the
        park pays it back another way)."""
        return sum(li.refunded_fen for li in self.lines)


def _describe(line) -> str:
    pack = line.pack
    parts = [
        labels.chemistry_name(pack.chemistry),  # 磷酸铁锂 LFP on a Chinese invoice
        _l("grade %(g)s", g=pack.grade.value) if pack.grade else "",
        # the rated energy, as the order and the catalog name the pack, then the usable
        # (an invoice saying only the usable energy read as another pack than the order's)
        f"{kwh(pack.rated_kwh)} kWh" if pack.rated_kwh is not None else "",
        _l("usable %(k)s kWh", k=kwh(pack.usable_kwh)) if pack.usable_kwh is not None else "",
        _l("refurbished") if pack.refurbished else "",
    ]
    return " · ".join(str(p) for p in parts if p)


def invoice_for(user: User, order_id: int) -> Invoice:
    """The invoice of a paid order the user may see (404 for another buyer's, 409 unpaid)."""
    order = market_orders.get_order(user, order_id)
    if order.paid_at is None:
        raise Conflict(
            _l("Order #%(id)s is not paid: an invoice is made once it is paid.", id=order.id),
            code=Code.NOT_PAID,
        )
    frozen = order.invoice or freeze(order)  # orders paid before invoices were frozen
    rate = int(frozen.get("vat_rate_pct", 13))
    back = refund_shares.refunded_back(order)  # a refund that did not go through is not
    lines = []
    for line in order.lines:
        net, vat = split_vat(line.price_fen, rate)
        lines.append(
            InvoiceLine(
                line.pack.code, _describe(line), line.price_fen, net, vat, back.line(line.id)
            )
        )
    if order.delivery_fee_fen:
        net, vat = split_vat(order.delivery_fee_fen, rate)
        lines.append(InvoiceLine("", "", order.delivery_fee_fen, net, vat, back.fee, True))
    return Invoice(
        order, frozen["number"], frozen["date"], frozen["seller"], frozen["buyer"], rate, lines
    )

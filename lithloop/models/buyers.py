"""Business buyers: invoice details of an organisation, and requests for quote (RFQ)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lithloop.extensions import db
from lithloop.models.accounts import Organisation, User
from lithloop.models.base import TimestampMixin, UTCDateTime, VocabString, enum_column, utcnow
from lithloop.models.market import Order
from lithloop.vocab import PriceGrade, RfqStatus


class InvoiceDetails(db.Model):
    """What a VAT invoice (增值税发票) names about a company: one row per organisation."""

    __tablename__ = "invoice_details"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), unique=True)
    company_name: Mapped[str] = mapped_column(sa.String(200))
    taxpayer_id: Mapped[str] = mapped_column(sa.String(18))
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    bank_name: Mapped[str] = mapped_column(sa.String(200), default="")
    bank_account: Mapped[str] = mapped_column(sa.String(40), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    organisation: Mapped[Organisation] = relationship()
    updated_by: Mapped[User | None] = relationship()

    def as_dict(self) -> dict:
        """The fields an invoice shows, as plain strings."""
        return {
            "company_name": self.company_name,
            "taxpayer_id": self.taxpayer_id,
            "address": self.address,
            "phone": self.phone,
            "bank_name": self.bank_name,
            "bank_account": self.bank_account,
        }


class QuoteRequest(TimestampMixin, db.Model):
    """A buyer's request for N packs meeting a spec, and the park's answer to it."""

    __tablename__ = "quote_request"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="positive_quantity"),
        sa.CheckConstraint("unit_price_fen IS NULL OR unit_price_fen > 0", name="positive_price"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    status: Mapped[RfqStatus] = mapped_column(
        enum_column(RfqStatus), default=RfqStatus.OPEN, index=True
    )
    chemistry: Mapped[str] = mapped_column(sa.String(20), default="")  # "" = any
    min_usable_wh: Mapped[int] = mapped_column(default=0)
    min_soh_pct: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    min_grade: Mapped[str] = mapped_column(
        VocabString(PriceGrade, 1), default="C"
    )  # A best, C lowest
    use_case: Mapped[str] = mapped_column(sa.String(30), default="")  # "" = any
    quantity: Mapped[int]
    wanted_by: Mapped[date] = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.String(1000), default="")
    unit_price_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    valid_until: Mapped[date | None] = mapped_column(sa.Date)  # last day, China time
    answer_note: Mapped[str] = mapped_column(sa.String(1000), default="")
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("market_order.id"))

    buyer_org: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    order: Mapped[Order | None] = relationship()

    @property
    def total_fen(self) -> int | None:
        """Quoted unit price × quantity."""
        return None if self.unit_price_fen is None else self.unit_price_fen * self.quantity

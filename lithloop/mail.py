"""Outgoing mail: always recorded in the outbox, delivered by SMTP when configured.

A message is delivered once the transaction that queued it has committed: a rolled back
one sends nothing (its letter would tell of something that did not happen). A request
spends at most MAIL_REQUEST_BUDGET_S on SMTP (a publish may tell dozens of owners, and a
silent server costs MAIL_TIMEOUT_S a message): what it could not deliver waits in the
outbox, and housekeeping (`deliver_pending`) sends it within a minute or so.

A message is sent at most once: each delivery first claims it (`claimed_at`) in a
transaction of its own, committed before any SMTP, and records the outcome after. A
message the server surely did not take is freed for the next try; one it may have taken
(the outcome could not be recorded, or the connection broke after the message went out)
stays claimed, and is sent again only when an admin releases it (`flask mail-release`),
which is logged. Its Message-ID is kept from the start, so a copy sent again is known.
"""

from __future__ import annotations

import logging
import smtplib
import time
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

import sqlalchemy as sa
from flask import current_app, g, has_app_context
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import OutboxMessage

log = logging.getLogger(__name__)
REFUSED = "refused: "  # an error the server gave for good: never tried again
IN_DOUBT = "in doubt: "  # the server may have taken it: not sent again unless released
RETRY_FOR = timedelta(days=1)
QUEUED = "lithloop_mail_queued"  # session.info: messages added in the open transaction
COMMITTED = "lithloop_mail_committed"  # ... and committed, delivered as the transaction ends


def send_mail(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Queue a message in the outbox (the caller commits); once committed it is delivered
    if SMTP is set and this request's mail budget is not spent (else housekeeping does)."""
    limit = OutboxMessage.subject.type.length  # a subject never fails the insert
    if len(subject) > limit:
        subject = subject[: limit - 1] + "…"
    message = OutboxMessage(
        recipient=recipient, subject=subject, body=body, error="", message_id=new_message_id()
    )
    db.session.add(message)
    db.session.info.setdefault(QUEUED, []).append(message)
    return message


@sa.event.listens_for(Session, "after_commit")
def _committed(session) -> None:
    """Mark the queued messages committed (a savepoint's commit is not the transaction's)."""
    if not session.in_nested_transaction() and (queued := session.info.pop(QUEUED, None)):
        session.info.setdefault(COMMITTED, []).extend(queued)


@sa.event.listens_for(Session, "after_transaction_end")
def _ended(session, transaction) -> None:
    """Deliver what the outermost transaction committed, once its connection is given back."""
    # A rolled back or closed one's are dropped; a rolled back savepoint's have no row.
    if transaction.parent is not None:
        return
    session.info.pop(QUEUED, None)
    committed = session.info.pop(COMMITTED, None)
    if committed and has_app_context():
        _deliver_after_commit(committed)


def _deliver_after_commit(queued: list[OutboxMessage]) -> None:
    """Deliver committed messages within the budget; the caller's copies say how it went."""
    ids = [key[0] for m in queued if (key := sa.inspect(m).identity)]
    server = current_app.config.get("MAIL_SERVER")
    outcome: dict = {}
    if server and ids and _budget_left():
        try:
            outcome = _deliver_committed(ids, server)
        except Exception:  # the transaction is committed: never fail it; housekeeping retries
            log.exception("mail %s left for housekeeping", ids)
    for message in queued:
        if key := sa.inspect(message).identity:
            for name, value in zip(
                ("sent_at", "error"), outcome.get(key[0], (None, "")), strict=True
            ):
                set_committed_value(message, name, value)


def _deliver_committed(ids: list[int], server: str) -> dict:
    """Deliver committed messages not sent yet (each claimed first, as housekeeping claims
    them) within this request's budget; their (sent_at, error) by id."""
    outcome = {}
    for key in ids:
        if not _budget_left():
            break
        started = time.monotonic()
        try:
            if (result := _send_one(key, server)) is not None:
                outcome[key] = result
        finally:
            g.lithloop_mail_s = getattr(g, "lithloop_mail_s", 0.0) + time.monotonic() - started
    return outcome


def _send_one(key: int, server: str) -> tuple | None:
    """Claim one message in its own committed transaction, hand it to SMTP, record how it
    went; (sent_at, error), or None when it was not this call's to send."""
    with Session(db.engine) as session:
        if not _claim(session, key):
            return None
        message = session.get(OutboxMessage, key)
        if _attempt(message, server) is not IN_DOUBT and message.sent_at is None:
            message.claimed_at = None  # the server surely did not take it: free to try again
        try:
            session.commit()  # the recording step
        except Exception:
            # the server may have taken it: the claim stands and nothing sends it again
            # without an admin's decision (release); its Message-ID stays the same
            log.exception(
                "mail %s to %s: how its delivery went could not be recorded; it stays claimed "
                "and is not sent again unless released (flask mail-release %s)",
                key,
                message.recipient,
                key,
            )
            return None
        return message.sent_at, message.error


def _claim(session: Session, key: int) -> bool:
    """Mark a message as being sent, committed before any SMTP, unless it was sent, is
    claimed by another delivery, or was refused for good; True when this call holds it."""
    claimed = session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id == key,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.claimed_at.is_(None),
            sa.not_(OutboxMessage.error.startswith(REFUSED)),
        )
        .values(
            claimed_at=clock.now(),
            message_id=sa.func.coalesce(OutboxMessage.message_id, new_message_id()),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    return claimed == 1


def release(key: int, by: str) -> bool:
    """An admin's decision to send again a message claimed whose delivery is not known (the
    server may have taken it): logged; the resend keeps its Message-ID. True if released."""
    message = db.session.get(OutboxMessage, key)
    if message is None or message.sent_at is not None or message.claimed_at is None:
        return False
    log.warning(
        "mail %s to %s released for sending again by %s (claimed %s, Message-ID %s kept)",
        message.id,
        message.recipient,
        by,
        message.claimed_at.isoformat(),
        message.message_id,
    )
    message.claimed_at = None
    message.error = f"released by {by} to be sent again"[:500]
    db.session.commit()
    return True


def _budget_left() -> bool:
    """False once this request (or command) spent its SMTP time or met a silent server."""
    if getattr(g, "lithloop_mail_down", False):
        return False
    return getattr(g, "lithloop_mail_s", 0.0) < current_app.config["MAIL_REQUEST_BUDGET_S"]


def _attempt(message: OutboxMessage, server: str) -> bool | str:
    """Try to deliver one message; True when sent, IN_DOUBT when the server may have taken
    it (the connection failed once the message was sent, before the server's answer). A
    server that does not answer marks the rest of this request's mail for housekeeping."""
    smtp = _SMTP(timeout=current_app.config["MAIL_TIMEOUT_S"])
    try:
        _deliver(message, smtp, server)
    except smtplib.SMTPRecipientsRefused as exc:
        message.error = f"{REFUSED}{exc}"[:500]
        log.warning("mail to %s refused: %s", *_why(message))
        return False
    except (OSError, smtplib.SMTPException) as exc:
        message.error = f"{type(exc).__name__}: {exc}"[:500]
        g.lithloop_mail_down = True
        if smtp.data_sent and not isinstance(exc, smtplib.SMTPResponseException):
            message.error = f"{IN_DOUBT}{message.error}"[:500]
            log.error("mail %s to %s may have been delivered: %s", message.id, *_why(message))
            return IN_DOUBT
        log.warning("mail to %s not delivered yet: %s", *_why(message))
        return False
    message.sent_at, message.error = clock.now(), ""
    return True


def deliver_pending(budget_s: float = 20.0) -> int:
    """Deliver the outbox's undelivered messages of the last day (oldest first) until the
    server stops answering or `budget_s` is spent; returns how many were sent. Each web
    process's housekeeping may call it at once: each message is claimed before it is sent,
    and one claimed but never recorded as sent or failed is left for an admin (release)."""
    server = current_app.config.get("MAIL_SERVER")
    if not server:
        return 0
    waiting = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.claimed_at.is_(None),
            OutboxMessage.created_at > clock.now() - RETRY_FOR,
            sa.not_(OutboxMessage.error.startswith(REFUSED)),
        )
        .order_by(OutboxMessage.id)
        .limit(200)
    ).all()
    db.session.commit()  # nothing held while sending
    sent, end = 0, time.monotonic() + budget_s
    for key in waiting:
        if time.monotonic() > end or getattr(g, "lithloop_mail_down", False):
            break
        result = _send_one(key, server)
        sent += result is not None and result[0] is not None
    return sent


def new_message_id() -> str:
    """A Message-ID for a new message (kept with it, so a message sent again is known)."""
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2]
    return make_msgid(domain=domain or None)


def _why(message: OutboxMessage) -> tuple[str, str]:
    return message.recipient, message.error


class _SMTP(smtplib.SMTP):
    """smtplib's client, knowing whether the message itself went out (after DATA)."""

    data_sent = False

    def data(self, msg):
        """Send the message; from here on a failure may follow the server's acceptance."""
        self.data_sent = True
        return super().data(msg)


def _deliver(message: OutboxMessage, smtp: _SMTP, server: str) -> None:
    cfg = current_app.config
    email = EmailMessage()
    email["From"] = cfg["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False, usegmt=True)
    email["Message-ID"] = message.message_id
    email.set_content(message.body)
    try:
        smtp.connect(server, cfg["MAIL_PORT"])
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls()
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(email)
    except BaseException:
        smtp.close()
        raise
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):  # the server took the message: sent
        smtp.close()

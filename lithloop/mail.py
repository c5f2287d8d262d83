"""Outgoing mail: always recorded in the outbox, delivered by SMTP when configured.

A message is delivered once the transaction that queued it has committed: a rolled back
one sends nothing (its letter would tell of something that did not happen). A request
spends at most MAIL_REQUEST_BUDGET_S on SMTP (a publish may tell dozens of owners, and a
silent server costs MAIL_TIMEOUT_S a message): what it could not deliver waits in the
outbox, and housekeeping (`deliver_pending`) sends it within a minute or so.
"""

from __future__ import annotations

import logging
import smtplib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
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
RETRY_FOR = timedelta(days=1)
QUEUED = "lithloop_mail_queued"  # session.info: messages added in the open transaction
COMMITTED = "lithloop_mail_committed"  # ... and committed, delivered as the transaction ends
_SENDING: set[int] = set()  # the messages this process is delivering (_claimed)
_SENDING_LOCK = threading.Lock()


def send_mail(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Queue a message in the outbox (the caller commits); once committed it is delivered
    if SMTP is set and this request's mail budget is not spent (else housekeeping does)."""
    limit = OutboxMessage.subject.type.length  # a subject never fails the insert
    if len(subject) > limit:
        subject = subject[: limit - 1] + "…"
    message = OutboxMessage(recipient=recipient, subject=subject, body=body, error="")
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
    """Deliver committed messages not sent yet (claimed, as housekeeping claims them) within
    this request's budget; their (sent_at, error) by id."""
    with Session(db.engine) as session:
        rows = session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.sent_at.is_(None))
            .order_by(OutboxMessage.id)
            .with_for_update(skip_locked=True)
        ).all()
        with _claimed(session, rows) as waiting:
            for message in waiting:
                if not _budget_left():
                    break
                started = time.monotonic()
                try:
                    _attempt(message, server)
                finally:
                    spent = time.monotonic() - started
                    g.lithloop_mail_s = getattr(g, "lithloop_mail_s", 0.0) + spent
            outcome = {m.id: (m.sent_at, m.error) for m in waiting}
            session.commit()
    return outcome


@contextmanager
def _claimed(session: Session, rows) -> Iterator[list[OutboxMessage]]:
    """Of `rows`, those no other delivery of this process holds, read again once held."""
    # SQLite drops FOR UPDATE: without this a request and housekeeping could both send one;
    # held until the caller's commit is done, read again as the other may have sent it.
    with _SENDING_LOCK:
        ids = [m.id for m in rows if m.id not in _SENDING]
        _SENDING.update(ids)
    try:
        query = (
            sa.select(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.sent_at.is_(None))
            .order_by(OutboxMessage.id)
            .execution_options(populate_existing=True)
        )
        yield list(session.scalars(query)) if ids else []
    finally:
        with _SENDING_LOCK:
            _SENDING.difference_update(ids)


def _budget_left() -> bool:
    """False once this request (or command) spent its SMTP time or met a silent server."""
    if getattr(g, "lithloop_mail_down", False):
        return False
    return getattr(g, "lithloop_mail_s", 0.0) < current_app.config["MAIL_REQUEST_BUDGET_S"]


def _attempt(message: OutboxMessage, server: str) -> bool:
    """Try to deliver one message; True when sent. A server that does not answer marks
    the rest of this request's mail for housekeeping."""
    try:
        _deliver(message, server)
    except smtplib.SMTPRecipientsRefused as exc:
        message.error = f"{REFUSED}{exc}"[:500]
        log.warning("mail to %s refused: %s", message.recipient, message.error)
        return False
    except (OSError, smtplib.SMTPException) as exc:
        message.error = f"{type(exc).__name__}: {exc}"[:500]
        g.lithloop_mail_down = True
        log.warning("mail to %s not delivered yet: %s", message.recipient, message.error)
        return False
    message.sent_at, message.error = clock.now(), ""
    return True


def deliver_pending(budget_s: float = 20.0) -> int:
    """Deliver the outbox's undelivered messages of the last day (oldest first) until the
    server stops answering or `budget_s` is spent; returns how many were sent. Each web
    process's housekeeping may call it at once: rows are claimed (SKIP LOCKED, and within
    this process as well, for SQLite)."""
    server = current_app.config.get("MAIL_SERVER")
    if not server:
        return 0
    waiting = db.session.scalars(
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.created_at > clock.now() - RETRY_FOR,
            sa.not_(OutboxMessage.error.startswith(REFUSED)),
        )
        .order_by(OutboxMessage.id)
        .limit(200)
        .with_for_update(skip_locked=True)
    ).all()
    sent, end = 0, time.monotonic() + budget_s
    with _claimed(db.session, waiting) as mine:
        for message in mine:
            if time.monotonic() > end or getattr(g, "lithloop_mail_down", False):
                break
            sent += _attempt(message, server)
        db.session.commit()
    return sent


def _deliver(message: OutboxMessage, server: str) -> None:
    cfg = current_app.config
    email = EmailMessage()
    email["From"] = cfg["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False, usegmt=True)
    domain = parseaddr(cfg["MAIL_FROM"])[1].rpartition("@")[2]
    email["Message-ID"] = make_msgid(domain=domain or None)
    email.set_content(message.body)
    with smtplib.SMTP(server, cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT_S"]) as smtp:
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls()
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(email)

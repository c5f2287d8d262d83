"""Mail leaves only once its transaction has committed: a rolled back or failed commit
sends nothing, and a committed message is delivered by the request that queued it."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from lithloop import mail
from lithloop.extensions import db
from lithloop.models import OutboxMessage
from tests.fake_smtp import FakeSMTP


@pytest.fixture
def smtp(app):
    with FakeSMTP() as server, app.app_context():
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
        yield server


def _rows() -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_message_leaves_at_the_commit_not_before(smtp):
    message = mail.send_mail("a@example.com", "s", "b")
    db.session.flush()
    assert smtp.messages == []  # queued, not sent: the transaction may still fail
    db.session.commit()
    assert [m["To"] for m in smtp.messages] == ["a@example.com"]
    assert message.sent_at is not None and message.error == ""
    db.session.expire_all()
    assert [m.sent_at is not None for m in _rows()] == [True]


def test_a_rolled_back_or_failed_commit_sends_nothing(smtp):
    mail.send_mail("rolled@example.com", "s", "b")
    db.session.flush()
    db.session.rollback()

    def refuse(session):
        raise RuntimeError("the database said no")

    mail.send_mail("failed@example.com", "s", "b")
    sa.event.listen(db.session(), "before_commit", refuse)
    try:
        with pytest.raises(RuntimeError):
            db.session.commit()
    finally:
        sa.event.remove(db.session(), "before_commit", refuse)
    db.session.rollback()
    mail.send_mail("later@example.com", "s", "b")
    db.session.commit()  # the next transaction sends only its own message
    assert [m["To"] for m in smtp.messages] == ["later@example.com"]
    assert [m.recipient for m in _rows()] == ["later@example.com"]


def test_a_savepoint_commit_sends_nothing_the_outer_commit_sends_all(smtp):
    mail.send_mail("before@example.com", "s", "b")
    with db.session.begin_nested():  # as capacity.lock_day does inside a booking
        mail.send_mail("inside@example.com", "s", "b")
    assert smtp.messages == []  # the outer transaction may still roll back
    db.session.commit()
    assert sorted(m["To"] for m in smtp.messages) == ["before@example.com", "inside@example.com"]


def test_a_rolled_back_savepoint_drops_only_its_own_message(smtp):
    mail.send_mail("kept@example.com", "s", "b")
    try:
        with db.session.begin_nested():
            mail.send_mail("dropped@example.com", "s", "b")
            raise ValueError("give up the savepoint")
    except ValueError:
        pass
    db.session.commit()
    assert [m["To"] for m in smtp.messages] == ["kept@example.com"]
    assert [m.recipient for m in _rows()] == ["kept@example.com"]


def test_the_callers_copy_says_sent_or_not_after_the_app_context(app, smtp):
    with app.app_context():
        sent = mail.send_mail("a@example.com", "s", "b")
        db.session.commit()
    app.config.update(MAIL_SERVER="")
    with app.app_context():
        waiting = mail.send_mail("b@example.com", "s", "b")
        db.session.commit()
    # the contexts ended (their sessions closed): the copies still read, without the database
    assert sent.sent_at is not None and sent.error == ""
    assert waiting.sent_at is None and waiting.error == ""


def test_housekeeping_during_a_requests_delivery_does_not_send_it_twice(app, smtp, monkeypatch):
    """Each delivery claims its message in a committed transaction first (SQLite drops FOR
    UPDATE, and the claim holds across processes as well)."""
    deliver, rounds = mail._deliver, []

    def housekeeping():
        with app.app_context():
            rounds.append(mail.deliver_pending())

    def housekeeping_meanwhile(message, *args):
        if not rounds:  # the request is sending: a housekeeping round runs in another thread
            rounds.append("started")
            worker = threading.Thread(target=housekeeping)
            worker.start()
            worker.join(timeout=30)
        deliver(message, *args)

    monkeypatch.setattr(mail, "_deliver", housekeeping_meanwhile)
    mail.send_mail("once@example.com", "s", "b")
    db.session.commit()
    assert rounds == ["started", 0]  # housekeeping found nothing of its own to send
    assert [m["To"] for m in smtp.messages] == ["once@example.com"]

"""Mail is sent at most once: when recording a delivery fails after the SMTP server took
the message, no retry sends it again by itself; only an admin's logged release does, and
the copy carries the same Message-ID."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from lithloop import mail
from lithloop.extensions import db
from lithloop.jobs import housekeeping
from lithloop.models import OutboxMessage
from tests.fake_smtp import FakeSMTP


@pytest.fixture
def smtp(app):
    with FakeSMTP() as server, app.app_context():
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
        yield server


class RecordingFails:
    """The database refuses the commit that records a message as sent (the fault)."""

    def __init__(self):
        self.failed = 0

    def __call__(self, session):
        for row in session.dirty:
            if isinstance(row, OutboxMessage) and row.sent_at is not None:
                self.failed += 1
                raise sa.exc.OperationalError("COMMIT", {}, Exception("connection lost"))

    def __enter__(self):
        sa.event.listen(Session, "before_commit", self)
        return self

    def __exit__(self, *exc):
        sa.event.remove(Session, "before_commit", self)


def _row(key: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, key)


def test_a_message_whose_sending_was_not_recorded_is_not_sent_again(app, smtp, caplog):
    with RecordingFails() as fault:
        message = mail.send_mail("once@example.com", "s", "b")
        db.session.flush()
        key = message.id
        db.session.commit()  # delivered once committed; the record of it fails
    assert fault.failed == 1
    assert [m["To"] for m in smtp.messages] == ["once@example.com"]
    # the next request's delivery and housekeeping, now that the database records again
    mail.send_mail("other@example.com", "s", "b")
    db.session.commit()
    housekeeping.run_all()
    mail.deliver_pending()
    assert [m["To"] for m in smtp.messages] == ["once@example.com", "other@example.com"]
    row = _row(key)
    assert row.sent_at is None and row.claimed_at is not None  # claimed before SMTP
    assert "not sent again unless released" in caplog.text
    # an admin decides to send it again: logged, and the copy is recognisable
    with caplog.at_level(logging.WARNING, logger="lithloop.mail"):
        assert mail.release(key, by="admin@example.com")
    assert "released for sending again by admin@example.com" in caplog.text
    assert mail.deliver_pending() == 1
    first, again = (m for m in smtp.messages if m["To"] == "once@example.com")
    assert first["Message-ID"] == again["Message-ID"] == _row(key).message_id
    assert _row(key).sent_at is not None
    assert not mail.release(key, by="admin@example.com")  # sent: nothing to decide


def test_a_server_that_surely_did_not_take_it_leaves_it_for_the_next_try(app, smtp):
    port = smtp.port
    app.config.update(MAIL_PORT=1)  # nothing listens: refused before any message went out
    mail.send_mail("later@example.com", "s", "b")
    db.session.commit()
    (row,) = db.session.scalars(sa.select(OutboxMessage)).all()
    assert row.sent_at is None and row.claimed_at is None and row.error
    app.config.update(MAIL_PORT=port)
    with app.app_context():  # housekeeping, later
        assert mail.deliver_pending() == 1
        assert [m["To"] for m in smtp.messages] == ["later@example.com"]
        assert smtp.messages[0]["Message-ID"] == _row(row.id).message_id


def test_the_cli_release_needs_a_message_waiting_for_a_decision(app, smtp):
    message = mail.send_mail("sent@example.com", "s", "b")
    db.session.commit()
    result = app.test_cli_runner().invoke(
        args=["mail-release", str(message.id), "--by", "admin@example.com"]
    )
    assert result.exit_code != 0 and "not waiting for a decision" in result.output


def test_the_outbox_page_names_a_message_waiting_for_a_decision(app, smtp, client, login_as):
    from lithloop.models import Role

    with RecordingFails():
        mail.send_mail("once@example.com", "s", "b")
        db.session.commit()
    (row,) = db.session.scalars(sa.select(OutboxMessage)).all()
    login_as(Role.ADMIN)
    client.get("/lang/zh_CN")
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert f"第 {row.id} 号邮件已交给邮件服务器，是否送达未知" in page

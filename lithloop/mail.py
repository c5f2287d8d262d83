"""Outgoing mail: always recorded in the outbox, delivered by SMTP when configured."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import OutboxMessage

log = logging.getLogger(__name__)


def send_mail(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Queue a message in the outbox (the caller commits) and deliver it if SMTP is set."""
    limit = OutboxMessage.subject.type.length  # a subject never fails the insert
    if len(subject) > limit:
        subject = subject[: limit - 1] + "…"
    message = OutboxMessage(recipient=recipient, subject=subject, body=body)
    db.session.add(message)
    server = current_app.config.get("MAIL_SERVER")
    if server:
        try:
            _deliver(message, server)
            message.sent_at = clock.now()
        except (OSError, smtplib.SMTPException) as exc:
            message.error = f"{type(exc).__name__}: {exc}"[:500]
            log.warning("mail to %s not delivered: %s", recipient, message.error)
    return message


def _deliver(message: OutboxMessage, server: str) -> None:
    cfg = current_app.config
    email = EmailMessage()
    email["From"] = cfg["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    with smtplib.SMTP(server, cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT_S"]) as smtp:
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls()
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(email)

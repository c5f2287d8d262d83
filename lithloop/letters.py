"""E-mails people read: in the recipient's language, numbered subjects, absolute links.

A letter is a subject and a body given as lazy msgids with their parameters; each is
rendered in the recipient's saved language (zh_CN when none is saved), so one event mails a
Chinese dealer in Chinese and an English buyer in English. Links are absolute on the public
origin (`public_urls.external_url`), never relative, never from the request's Host.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import current_app
from flask_babel import force_locale

from lithloop.mail import send_mail
from lithloop.models import OutboxMessage, PendingRegistration, User
from lithloop.public_urls import external_url

PREFIX = "[lithloop] "


def language_of(user: User | PendingRegistration | None) -> str:
    """The language a user's mail is written in: their saved choice, else the default."""
    languages = current_app.config["LANGUAGES"]
    saved = getattr(user, "locale", None)
    return saved if saved in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def link(endpoint: str, **values) -> str:
    """An absolute link for a mail."""
    return external_url(endpoint, **values)


def _render(message, params: Mapping[str, object]) -> str:
    """A lazy msgid in the forced language with its parameters (lazy ones rendered too)."""
    text = str(message)
    return text % {k: str(v) for k, v in params.items()} if params else text


def send_letter(to: User | PendingRegistration, subject, body, **params) -> OutboxMessage:
    """Mail `to` the subject and body (lazy msgids) in their language; the caller commits.

    Parameters that must themselves be translated (a status, a reason) are passed as lazy
    strings: they are rendered in the recipient's language too."""
    with force_locale(language_of(to)):
        rendered_subject = PREFIX + _render(subject, params)
        rendered_body = _render(body, params)
    return send_mail(to.email, rendered_subject, rendered_body)

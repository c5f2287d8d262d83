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


#: Stands for a part left empty (no note, no reason) until its line is tidied.
_MISSING = "\ue000"


def _render(message, params: Mapping[str, object]) -> str:
    """A lazy msgid in the forced language with its parameters (lazy ones rendered too)."""
    text = str(message)
    return text % {k: str(v) for k, v in params.items()} if params else text


def _render_body(message, params: Mapping[str, object]) -> str:
    """A letter's body as `_render` makes it, with no trace of an empty part: a line that
    held only missing parts is dropped, with the blank line it leaves beside another (no
    empty paragraph), and a line that held one loses the spaces it leaves at its end."""
    values = {k: str(v) if str(v).strip() else _MISSING for k, v in params.items()}
    if not params or _MISSING not in values.values():
        return _render(message, params)
    kept: list[str] = []
    dropped = False
    for line in (str(message) % values).split("\n"):
        if _MISSING in line and not line.replace(_MISSING, "").strip():
            dropped = True
            continue
        if not line and dropped and (not kept or not kept[-1]):
            continue
        dropped = dropped and not line
        kept.append(line.replace(_MISSING, "").rstrip() if _MISSING in line else line)
    return "\n".join(kept)


def send_letter(to: User | PendingRegistration, subject, body, **params) -> OutboxMessage:
    """Mail `to` the subject and body (lazy msgids) in their language; the caller commits.

    Parameters that must themselves be translated (a status, a reason) are passed as lazy
    strings: they are rendered in the recipient's language too."""
    with force_locale(language_of(to)):
        rendered_subject = PREFIX + _render(subject, params)
        rendered_body = _render_body(body, params)
    return send_mail(to.email, rendered_subject, rendered_body)

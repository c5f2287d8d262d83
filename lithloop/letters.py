"""E-mails people read: in the recipient's language, numbered subjects, absolute links.

A letter is a subject and a body given as lazy msgids with their parameters; each is
rendered in the recipient's saved language, so one event mails a Chinese dealer in Chinese
and an English buyer in English. One who saved none is written to in the language of the page
the request came from when the letter answers it (a reset or a registration asked logged out,
a colleague's invitation, anything they do logged in), else in zh_CN. Links are absolute on
the public origin (`public_urls.external_url`), never relative, never from the request's Host.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import current_app, g, has_request_context
from flask_babel import force_locale
from flask_login import current_user

from lithloop.i18n import current_language
from lithloop.mail import send_mail
from lithloop.models import OutboxMessage, PendingRegistration, User
from lithloop.public_urls import external_url

PREFIX = "[lithloop] "


def language_of(user: User | PendingRegistration | None, asked_in: str | None = None) -> str:
    """A user's letters' language: their saved one, else `asked_in` (the page's), else zh_CN."""
    languages = current_app.config["LANGUAGES"]
    for choice in (getattr(user, "locale", None), asked_in):
        if choice in languages:
            return choice
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def page_language() -> str | None:
    """This request's page (or API answer) language; None in a job or a command."""
    return current_language() if has_request_context() else None


def _asked_by(to: User | PendingRegistration) -> str | None:
    """The page's language when `to` made this request (logged in or by API token)."""
    if not has_request_context() or not isinstance(to, User):
        return None
    asker = g.get("api_user") or (current_user if current_user.is_authenticated else None)
    return page_language() if isinstance(asker, User) and asker.id == to.id else None


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
    """A body with no trace of an empty part: no line or paragraph of missing parts alone."""
    # a line that held only missing parts goes, with the blank line it leaves beside another;
    # a line that held one loses the spaces it leaves at its end
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


def send_letter(
    to: User | PendingRegistration, subject, body, *, asked_in: str | None = None, **params
) -> OutboxMessage:
    """Mail `to` the subject and body (lazy msgids) in their language; the caller commits.

    Parameters that must themselves be translated (a status, a reason) are passed as lazy
    strings: they are rendered in the recipient's language too. `asked_in`: the language of
    the page a request this letter answers came from (a reset asked logged out, an
    invitation), for a recipient with none saved; `to`'s own request needs none."""
    with force_locale(language_of(to, asked_in or _asked_by(to))):
        rendered_subject = PREFIX + _render(subject, params)
        rendered_body = _render_body(body, params)
    return send_mail(to.email, rendered_subject, rendered_body)

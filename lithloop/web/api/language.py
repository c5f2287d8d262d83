"""The API's language: one rule for every JSON answer (messages, field errors, quote lines).

An explicit Accept-Language header wins (zh, zh-CN, en, ...; q-values honoured: the first
language lithloop speaks in the client's order of preference), else the language the
token's user chose on the site, else Chinese. The site's cookie and session play no part.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import current_app, request

log = logging.getLogger(__name__)

#: How the OpenAPI document states the rule (info.description).
RULE = (
    "Every human-readable text of an answer (an error's `message` and its `errors` per "
    "field, a quote's `lines[].text`, a booking's frozen quote's lines and explanation, a "
    "booking's `note` and its history's `events[].text`, why a stop was left out of a plan "
    "or a solution (`unassigned[].reason_text`), a failed run's `failure`) is in one "
    "language, chosen the same way for every operation: "
    "an explicit `Accept-Language` header wins (`zh`, `zh-CN`: Chinese; `en`, `en-US`: "
    "English; q-values honoured, the first of these in your order of preference; other "
    "languages and `*` are passed over), else the language the token's user chose on the "
    "site (their account's language), else Chinese. Machine-readable values (`error` codes, "
    "`field` names, statuses, keys, reason codes, a history entry's `detail`) never change "
    "with the language."
)


def is_api_request() -> bool:
    """True for the JSON API's paths (the readable docs page is a page like the others)."""
    return request.path.startswith("/api/") and request.endpoint != "api_docs.docs"


def language_asked() -> str | None:
    """The language the Accept-Language header prefers among those lithloop speaks, or None
    when it names none of them (werkzeug's best_match prefers an exact tag over a higher
    q-value, so the client's order is read here)."""
    languages = current_app.config["LANGUAGES"]
    for tag, quality in request.accept_languages:  # highest quality first
        primary = tag.replace("_", "-").split("-")[0].lower()
        if quality <= 0 or primary == "*":
            continue
        for language in languages:
            if language.split("_")[0].lower() == primary:
                return language
    return None


def api_locale() -> str:
    """The language of this API answer: Accept-Language, else the token user's, else zh_CN."""
    from lithloop.web.api.security import token_user

    asked = language_asked()
    if asked:
        return asked
    try:
        user = token_user()
    except sa.exc.SQLAlchemyError as exc:  # the answer (an error, likely) is still written
        log.warning("no language for the API answer from its token: %s", exc)
        user = None
    saved = getattr(user, "locale", None)
    if saved in current_app.config["LANGUAGES"]:
        return saved
    return current_app.config["BABEL_DEFAULT_LOCALE"]

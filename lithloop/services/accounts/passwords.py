"""Password policy and hashing (scrypt through Werkzeug)."""

from __future__ import annotations

import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from lithloop.services.errors import Invalid

MIN_LENGTH = 10
#: An e-mail name this long or longer may not be in the password: a shorter one ("li@",
#: "a@") is a syllable found in countless passwords and says nothing about this one.
EMAIL_NAME_MIN = 3
COMMON = frozenset(
    {
        "password123",
        "1234567890",
        "qwertyuiop",
        "iloveyou12",
        "password12",
        "abcdefghij",
        "0123456789",
        "woaini1314",
        "a123456789",
        "1qaz2wsx3edc",
    }
)


def check_policy(password: str, email: str = "") -> None:
    """Raise Invalid(field='password') unless the password is long and not guessable."""
    if len(password) < MIN_LENGTH:
        raise Invalid(_l("Use at least %(n)s characters.", n=MIN_LENGTH), field="password")
    if len(password) > 200:
        raise Invalid(_l("Use at most 200 characters."), field="password")
    lowered = password.lower()
    if lowered in COMMON or len(set(lowered)) < 4:
        raise Invalid(_l("This password is too easy to guess."), field="password")
    if lowered.isdigit():
        raise Invalid(_l("Use letters as well as digits."), field="password")
    name = email.split("@")[0].lower()
    if len(name) >= EMAIL_NAME_MIN and name in lowered:
        raise Invalid(_l("The password must not contain your e-mail name."), field="password")


def hash_password(password: str) -> str:
    """Hash with scrypt (PASSWORD_HASH_METHOD may lower its cost for tests)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


_dummies: dict[str, str] = {}


def dummy_hash() -> str:
    """A hash of a random password with the configured method, made once per process: an
    unknown e-mail's login costs the same as a known one's."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _dummies:
        _dummies[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
    return _dummies[method]


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches the stored hash."""
    return check_password_hash(password_hash, password)

"""Registration, approval, login and password reset (API tokens: api_tokens.py)."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from lithloop import clock, labels, letters
from lithloop.extensions import db
from lithloop.models import (
    ROLES_BY_KIND,
    Organisation,
    OrgKind,
    OrgStatus,
    Role,
    User,
)
from lithloop.services.accounts import api_tokens, audit, lockout, login_sessions
from lithloop.services.accounts.errors import Code
from lithloop.services.accounts.passwords import (
    check_policy,
    dummy_hash,
    hash_password,
    verify_password,
)
from lithloop.services.errors import AuthError, Conflict, Invalid, NotFound, ServiceError
from lithloop.services.strict_input import check_visible, phone_number


def normalise_email(email: str) -> str:
    """Return the canonical (lower-case) address or raise Invalid(field='email')."""
    try:
        info = validate_email((email or "").strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise Invalid(_email_problem(str(exc)), field="email") from exc
    return info.normalized.lower()


def _email_problem(why: str):
    """email_validator's English reason as a message in the reader's language."""
    if "too long" in why or "so many characters" in why:  # "(251 characters too many)"
        return _l("Enter a valid e-mail address: this one is too long (or one of its parts is).")
    if "characters" in why:  # before the @-sign checks: "invalid characters before the @-sign"
        return _l(
            "Enter a valid e-mail address: it contains a character (such as a space) that "
            "e-mail addresses cannot have."
        )
    if "must have an @-sign" in why:
        return _l("Enter a valid e-mail address: it needs an @ sign.")
    if "after the @-sign" in why or "should have a period" in why:
        return _l("Enter a valid e-mail address: after the @ comes a domain like example.com.")
    if "before the @-sign" in why:
        return _l("Enter a valid e-mail address: a name must come before the @ sign.")
    return _l("Enter a valid e-mail address, such as name@example.com.")


def find_user_by_email(email: str) -> User | None:
    """The user with this e-mail, or None."""
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


EMAIL_TAKEN = _l("An account with this e-mail already exists.")
ORG_TAKEN = _l("An organisation with this name is already registered.")


def _org_name_taken(org_name: str) -> bool:
    return bool(db.session.scalar(sa.select(Organisation.id).where(Organisation.name == org_name)))


def registration_problems(
    *, organisation: str, name: str, email: str, password: str, phone: str = "", taken=True
) -> list[ServiceError]:
    """Every field's problem at once, in the form's order (reads only): what register()
    refuses, so that a form can show each beside its field in one round. `taken=False`
    leaves out whether the e-mail or the name is registered already (a request whose form
    token failed learns nothing about other people's accounts)."""
    organisation, name = (organisation or "").strip(), (name or "").strip()
    problems: list[ServiceError] = []
    if not organisation:
        problems.append(Invalid(_l("Enter the organisation's name."), field="organisation"))
    if not name:
        problems.append(Invalid(_l("Enter your name."), field="name"))
    for field, text in (("organisation", organisation), ("name", name)):
        try:
            check_visible(text, field)  # a direction mark alone looks empty and is not
        except Invalid as exc:
            problems.append(exc)
    try:
        phone_number(phone, "phone")
    except Invalid as exc:
        problems.append(exc)
    try:
        email = normalise_email(email)
    except Invalid as exc:
        problems.append(exc)
        email = ""
    try:
        check_policy(password or "", email)
    except Invalid as exc:
        problems.append(exc)
    if taken and email and find_user_by_email(email):
        problems.append(Conflict(EMAIL_TAKEN, field="email"))
    if taken and organisation and _org_name_taken(organisation):
        problems.append(Conflict(ORG_TAKEN, field="organisation"))
    return problems


def register(
    *,
    kind: OrgKind,
    organisation: str,
    name: str,
    email: str,
    password: str,
    city: str = "",
    phone: str = "",
    locale: str | None = None,
) -> User:
    """Register an organisation with its first user.

    Buyers are active at once; dealer branches and bus companies wait for an admin.
    `locale` is the language the person registered in: their letters are written in it.
    """
    if kind not in (OrgKind.BUYER, OrgKind.DEALER_BRANCH, OrgKind.BUS_COMPANY):
        raise Invalid(_l("This kind of organisation cannot register itself."), field="kind")
    problems = registration_problems(
        organisation=organisation, name=name, email=email, password=password, phone=phone
    )
    if problems:
        raise problems[0]
    organisation, name = organisation.strip(), name.strip()
    phone, email = phone_number(phone, "phone"), normalise_email(email)
    status = OrgStatus.ACTIVE if kind is OrgKind.BUYER else OrgStatus.PENDING
    org = Organisation(name=organisation, kind=kind, status=status, city=city.strip(), phone=phone)
    if status is OrgStatus.ACTIVE:
        org.approved_at = clock.now()
    (role,) = ROLES_BY_KIND[kind]
    user = User(
        email=email,
        name=name,
        password_hash=hash_password(password),
        role=role,
        organisation=org,
        locale=locale if locale in current_app.config["LANGUAGES"] else None,
    )
    db.session.add_all([org, user])
    if status is OrgStatus.PENDING:
        for admin in db.session.scalars(sa.select(User).where(User.role == Role.ADMIN)):
            letters.send_letter(
                admin,
                _l("Approval needed: %(org)s"),
                _l("%(org)s (%(kind)s) was registered by %(name)s <%(email)s>.\n%(link)s\n"),
                org=organisation,
                kind=labels.ORG_KIND.get(kind.value, kind.value),
                name=name,
                email=email,
                link=letters.link("admin.approvals"),
            )
    try:
        db.session.commit()
    except sa.exc.IntegrityError as exc:  # a concurrent registration took the name or e-mail
        db.session.rollback()
        raise Conflict(
            _l("This e-mail or organisation was registered a moment ago."), field="email"
        ) from exc
    return user


def pending_organisations() -> list[Organisation]:
    """Organisations waiting for approval, oldest first."""
    query = sa.select(Organisation).where(Organisation.status == OrgStatus.PENDING)
    return list(db.session.scalars(query.order_by(Organisation.created_at)))


def decide_organisation(org_id: int, *, approve: bool, actor: User | None = None) -> Organisation:
    """Approve or reject a pending organisation, tell its users, and audit the decision."""
    org = db.session.get(Organisation, org_id)
    if org is None:
        raise NotFound(_l("No such organisation."))
    if org.status is not OrgStatus.PENDING:
        raise Conflict(_l("This organisation has already been decided."))
    org.status = OrgStatus.ACTIVE if approve else OrgStatus.REJECTED
    if approve:
        org.approved_at = clock.now()
    audit.record(
        "organisation.approve" if approve else "organisation.reject",
        actor=actor,
        obj=org,
        details={"name": org.name, "kind": org.kind.value},
    )
    for user in org.users:
        if approve:
            letters.send_letter(
                user,
                _l("%(org)s: approved"),
                _l("Your organisation %(org)s was approved. Log in: %(link)s\n"),
                org=org.name,
                link=letters.link("auth.login"),
            )
        else:
            letters.send_letter(
                user,
                _l("%(org)s: not approved"),
                _l("Your organisation %(org)s was not approved on lithloop.\n"),
                org=org.name,
            )
    db.session.commit()
    return org


def authenticate(email: str, password: str, address: str = "") -> User:
    """Log in: check the credentials as check_credentials does and stamp the last login."""
    user = check_credentials(email, password, address)
    user.last_login_at = clock.now()
    db.session.commit()
    return user


def check_credentials(email: str, password: str, address: str = "") -> User:
    """Return the user for these credentials or raise AuthError saying why not (Invalid,
    field 'email', for an address no account could have: a typo shown where it was made).
    It is not a login (issuing an API token asks the password too): last_login_at stays.

    Unknown e-mail, wrong password and a locked (e-mail, address) pair give the same
    answer in the same time: the password is always hashed, against a dummy hash when no
    account has this e-mail, and lockout counts unknown e-mails like real ones.
    """
    user = find_user_by_email(email or "")
    if user is None:
        normalise_email(email)  # a malformed address is refused beside the field: no account
    right = verify_password(user.password_hash if user else dummy_hash(), password or "")
    lockout.refuse_if_locked(email, address)
    if user is None or not right:
        lockout.record_failure(email, address, user)
        lockout.refuse_if_locked(email, address)  # this failure was the last one allowed
        raise AuthError(_l("E-mail or password is wrong."))
    lockout.clear_failures(email, address)
    if user.organisation.status is OrgStatus.PENDING:
        db.session.commit()
        raise AuthError(
            _l("Your organisation is waiting for approval by the park."), code=Code.PENDING_APPROVAL
        )
    if not user.is_active:
        db.session.commit()
        raise AuthError(_l("This account is disabled."), code=Code.DISABLED)
    db.session.commit()  # the cleared failures
    return user


def change_password(user: User, current: str, new: str) -> int:
    """A logged-in user changes their password; every other session ends. The new
    session version (for the session that made the change) is returned."""
    user = db.session.get(User, user.id)
    if not verify_password(user.password_hash, current or ""):
        raise Invalid(_l("The current password is wrong."), field="current")
    check_policy(new or "", user.email)
    user.password_hash = hash_password(new)
    login_sessions.end_all_sessions(user, actor=user, reason="password change")
    db.session.commit()
    return user.session_version


def _reset_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _hash_fragment(user: User) -> str:
    # Changes when the password changes, so a used link cannot be used again.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_reset_token(user: User) -> str:
    """A signed token naming the user, the current password and when it was issued."""
    issued = int(clock.now().timestamp())
    return _reset_serializer().dumps({"u": user.id, "h": _hash_fragment(user), "iat": issued})


def request_password_reset(email: str, link_for) -> None:
    """Mail a reset link if the address has an account; say nothing either way (a malformed
    address is refused as Invalid: that tells nothing about accounts)."""
    normalise_email(email)
    user = find_user_by_email(email or "")
    if user is None:
        return
    link = link_for(make_reset_token(user))
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE_S"] // 60
    letters.send_letter(
        user,
        _l("Reset your password"),
        _l("Open this link to choose a new password (valid %(minutes)s minutes):\n%(link)s\n"),
        minutes=minutes,
        link=link,
    )
    db.session.commit()


def user_for_reset_token(token: str) -> User:
    """The user a valid reset token names, or Invalid(field='token') saying what is wrong."""
    try:
        data = _reset_serializer().loads(token)
    except BadSignature as exc:
        raise Invalid(
            _l("This reset link is not valid. Ask for a new one."), field="token"
        ) from exc
    age = clock.now().timestamp() - data.get("iat", 0)
    if age > current_app.config["PASSWORD_RESET_MAX_AGE_S"] or age < -60:
        raise Invalid(_l("This reset link has expired. Ask for a new one."), field="token")
    user = db.session.get(User, data.get("u"))
    if user is None or data.get("h") != _hash_fragment(user):
        raise Invalid(
            _l("This reset link has already been used. Ask for a new one."), field="token"
        )
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password through a reset token; the token cannot be used again, and every
    session and API token of the account ends (whoever knew the old password is out)."""
    user = user_for_reset_token(token)
    check_policy(password, user.email)
    user.password_hash = hash_password(password)
    login_sessions.end_all_sessions(user, actor=None, reason="password reset")
    api_tokens.revoke_all(user, actor=None, reason="password reset")
    db.session.commit()
    return user

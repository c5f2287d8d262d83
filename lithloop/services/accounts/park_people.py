"""The park's own people and the regulator's: an administrator invites them choosing the role.

The park operator organisation holds dispatchers, plant operators, drivers and admins
(PARK_ROLES); the government partner's holds the regulator's accounts (Role.GOVERNMENT).
Only an administrator invites into either, through the same invitation as a dealer's or
buyer's colleague (colleagues.add_member: the letter with its set-password link, the
limits, the audit entry). An administrator also changes a park colleague's role (audited,
with a letter), never leaving the park without an active administrator; removing is the
users page's disabling (user_admin.set_enabled), which never disables oneself.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock, labels, letters
from lithloop.extensions import db
from lithloop.models import Organisation, OrgKind, OrgStatus, Role, User
from lithloop.models.accounts import ROLES_BY_KIND
from lithloop.services.accounts import audit, colleagues, park_contact
from lithloop.services.accounts.errors import Code
from lithloop.services.errors import Conflict, Forbidden, Invalid, NotFound
from lithloop.services.strict_input import check_controls, typed_text

#: The roles an administrator chooses from for the park's people, in the form's order.
PARK_CHOICES = (Role.DISPATCHER, Role.PLANT_OPERATOR, Role.DRIVER, Role.ADMIN)
ORG_NAME_MAX = 200  # the column's length


def _require_admin(actor: User) -> None:
    if actor.role is not Role.ADMIN:
        raise Forbidden(_l("Only administrators add the park's and the regulator's people."))


def _org_of(kind: OrgKind) -> Organisation | None:
    return db.session.scalar(
        sa.select(Organisation).where(Organisation.kind == kind).order_by(Organisation.id).limit(1)
    )


def park(actor: User) -> Organisation:
    """The park operator organisation (the administrator's own)."""
    _require_admin(actor)
    return actor.organisation


def government(actor: User) -> Organisation | None:
    """The government partner's organisation, None while there is none."""
    _require_admin(actor)
    return _org_of(OrgKind.GOVERNMENT)


def members(actor: User, org: Organisation | None) -> list[User]:
    """The people of the park's or the regulator's organisation, by name."""
    _require_admin(actor)
    if org is None:
        return []
    return list(
        db.session.scalars(
            sa.select(User).where(User.organisation_id == org.id).order_by(User.name, User.id)
        )
    )


def _role(org: Organisation, raw) -> Role:
    """The role chosen in the form, or Invalid(field='role') if the organisation's kind
    cannot hold it (or it names no role)."""
    allowed = ROLES_BY_KIND.get(org.kind, set())
    try:
        role = Role(str(raw or ""))
    except ValueError:
        role = None
    if role is None or role not in allowed:
        raise Invalid(_l("Choose one of the roles listed."), field="role")
    return role


def invite(actor: User, kind: OrgKind, *, name, email, role, link_for, language=None) -> User:
    """Invite a person into the park (`kind` PARK_OPERATOR, with the chosen role) or the
    government partner's organisation (role government)."""
    _require_admin(actor)
    org = park(actor) if kind is OrgKind.PARK_OPERATOR else _org_of(kind)
    if org is None or org.kind not in (OrgKind.PARK_OPERATOR, OrgKind.GOVERNMENT):
        raise NotFound(_l("Create the government partner's organisation first."))
    chosen = _role(org, role)
    return colleagues.add_member(
        actor, org, chosen, name=name, email=email, link_for=link_for, language=language
    )


def resend(actor: User, kind: OrgKind, user_id: int, *, link_for, language=None) -> User:
    """Send an open invitation of the park's or the regulator's organisation again."""
    _require_admin(actor)
    org = park(actor) if kind is OrgKind.PARK_OPERATOR else _org_of(kind)
    if org is None:
        raise NotFound(_l("No such colleague in your organisation."))
    return colleagues.resend_member(actor, org, user_id, link_for=link_for, language=language)


def _active_admins(org: Organisation, but: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(User.id)).where(
            User.organisation_id == org.id,
            User.id != but,
            User.role == Role.ADMIN,
            User.enabled.is_(True),
            User.invited_at.is_(None),
        )
    )


def change_role(actor: User, user_id: int, role) -> User:
    """Give a park colleague another park role (audited, and they are mailed); refused
    for the last active administrator."""
    _require_admin(actor)
    org = colleagues.lock(actor.organisation)  # two admins demoting each other: one waits
    try:
        db.session.refresh(actor)  # demoted by another while this one waited: refused
        _require_admin(actor)
        person = db.session.get(User, user_id)
        if person is None or person.organisation_id != org.id:
            raise NotFound(_l("No such colleague in your organisation."))
        chosen = _role(org, role)
        if chosen is person.role:
            raise Invalid(_l("%(email)s already has this role.", email=person.email), field="role")
        if person.role is Role.ADMIN and not _active_admins(org, person.id):
            raise Conflict(
                _l(
                    "%(email)s is the park's last active administrator: make another "
                    "colleague an administrator first.",
                    email=person.email,
                ),
                field="role",
                code=Code.LAST_MEMBER,
            )
        before, person.role = person.role, chosen
        audit.record(
            "user.role_change",
            actor=actor,
            obj=person,
            details={"email": person.email, "role_before": before.value, "role": chosen.value},
        )
        letters.send_letter(
            person,
            _l("Your role on lithloop was changed"),
            _l(
                "%(name)s changed the role of your lithloop account %(email)s at %(org)s "
                "to: %(role)s.\nWhat you see and do on the platform follows it from your "
                "next page.\n\n%(call)s\n"
            ),
            name=actor.name,
            email=person.email,
            org=org.name,
            role=labels.mid_sentence(labels.ROLE[chosen.value]),
            call=park_contact.call_the_park(),
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return person


def create_government(actor: User, name) -> Organisation:
    """Create the government partner's organisation (active at once), if there is none."""
    _require_admin(actor)
    name = typed_text(" ".join(check_controls(str(name or ""), "org_name").split()), "org_name")
    if not name:
        raise Invalid(_l("Enter the organisation's name."), field="org_name")
    if len(name) > ORG_NAME_MAX:
        raise Invalid(_l("At most %(n)s characters.", n=ORG_NAME_MAX), field="org_name")
    if _org_of(OrgKind.GOVERNMENT) is not None:
        raise Conflict(_l("The government partner's organisation already exists."))
    if db.session.scalar(sa.select(Organisation.id).where(Organisation.name == name)):
        raise Conflict(
            _l("An organisation named %(name)s already exists.", name=name), field="org_name"
        )
    org = Organisation(
        name=name, kind=OrgKind.GOVERNMENT, status=OrgStatus.ACTIVE, approved_at=clock.now()
    )
    db.session.add(org)
    db.session.flush()
    audit.record("organisation.create", actor=actor, obj=org, details={"name": name})
    db.session.commit()
    return org

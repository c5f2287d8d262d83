"""Approval of the organisations that wait for the park: the list, and the decision."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from lithloop import clock, letters
from lithloop.extensions import db
from lithloop.models import Organisation, OrgStatus, User
from lithloop.services import paging
from lithloop.services.accounts import audit, park_contact
from lithloop.services.errors import Conflict, NotFound
from lithloop.services.strict_input import limited_text, typed_text

PAGE_SIZE = 50
REASON_MAX = 500  # as a suspension's reason
REJECTED = _l(
    "Your organisation %(org)s was not approved on lithloop.\n\n%(call)s\n\n"
    "You may register again with this e-mail address (with the details "
    "corrected, or as another organisation): %(link)s\n"
)
REJECTED_BECAUSE = _l(
    "Your organisation %(org)s was not approved on lithloop.\n\nReason: %(reason)s\n\n"
    "%(call)s\n\nYou may register again with this e-mail address (with the details "
    "corrected, or as another organisation): %(link)s\n"
)


def pending_organisations() -> list[Organisation]:
    """Organisations waiting for approval, oldest first."""
    query = sa.select(Organisation).where(Organisation.status == OrgStatus.PENDING)
    return list(db.session.scalars(query.order_by(Organisation.created_at)))


def pending_count() -> int:
    """How many organisations wait for approval (counted in SQL, none loaded)."""
    query = sa.select(sa.func.count(Organisation.id))
    return db.session.scalar(query.where(Organisation.status == OrgStatus.PENDING)) or 0


def pending_page(page: int = 1) -> paging.Page[Organisation]:
    """One page of the organisations waiting for approval (with their users), oldest first."""
    page = max(1, page)
    query = sa.select(Organisation.id).where(Organisation.status == OrgStatus.PENDING)
    ordered = (
        sa.select(Organisation)
        .where(Organisation.id.in_(query))
        .options(selectinload(Organisation.users))
        .order_by(Organisation.created_at, Organisation.id)
    )
    rows = list(db.session.scalars(paging.window(ordered, page=page, per_page=PAGE_SIZE)))
    return paging.page_of(rows, page=page, per_page=PAGE_SIZE, count=query)


def decide_organisation(
    org_id: int, *, approve: bool, actor: User | None = None, reason: str = ""
) -> Organisation:
    """Approve or reject a pending organisation, tell its users (a rejection with the
    reason the admin gave, if any), and audit the decision."""
    org = db.session.get(Organisation, org_id)
    if org is None:
        raise NotFound(_l("No such organisation."))
    if org.status is not OrgStatus.PENDING:
        raise Conflict(_l("This organisation has already been decided."))
    reason = "" if approve else limited_text(typed_text(reason, "reason"), "reason", REASON_MAX)
    org.status = OrgStatus.ACTIVE if approve else OrgStatus.REJECTED
    if approve:
        org.approved_at = clock.now()
    audit.record(
        "organisation.approve" if approve else "organisation.reject",
        actor=actor,
        obj=org,
        details={"name": org.name, "kind": org.kind.value} | ({"reason": reason} if reason else {}),
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
                REJECTED_BECAUSE if reason else REJECTED,
                org=org.name,
                reason=reason,
                call=park_contact.call_the_park(),
                link=letters.link("auth.register"),
            )
    db.session.commit()
    return org

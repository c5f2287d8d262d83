"""An organisation export read in full before anything is written: its shape, every value,
the rules the forms apply, references, and names or e-mails already taken here. The value
checks are in `org_document_checks`, the bookings and fleet packs in `org_document_bookings`."""

from __future__ import annotations

from datetime import time

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop.extensions import db
from lithloop.i18n import listed
from lithloop.models import ROLES_BY_KIND, Organisation, Site, User
from lithloop.services.booking.errors import Code
from lithloop.services.booking.org_document_bookings import read_bookings, read_bus_packs
from lithloop.services.booking.org_document_checks import (
    ImportPlan,
    read_email,
    read_ref,
    require_between,
    require_text,
)
from lithloop.services.booking.org_values import (
    FORMAT,
    IMPORTABLE_KINDS,
    VERSION,
    items,
    load_row,
    mapping,
    refuse,
)
from lithloop.services.errors import Conflict, Invalid


def _read_organisation(doc) -> ImportPlan:
    doc = mapping(doc, "$")
    if doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise Invalid(
            _l("Not a lithloop organisation export (format %(f)s, version 1 expected).", f=FORMAT),
            field="format",
        )
    org = load_row(Organisation, doc.get("organisation"), "organisation")
    require_text(org, "name", "organisation")
    if org["kind"] not in IMPORTABLE_KINDS:
        raise refuse(
            _l(
                "Only dealer branches, bus companies and buyers can be imported; the park's "
                "own organisation and government partners are set up here, never imported."
            ),
            "organisation.kind",
        )
    return ImportPlan(organisation=org)


def _read_users(plan: ImportPlan, users: list) -> None:
    kind = plan.organisation["kind"]
    allowed = sorted(role.value for role in ROLES_BY_KIND[kind])
    languages = current_app.config["LANGUAGES"]
    emails: set[str] = set()
    for i, data in enumerate(users):
        where = f"users[{i}]"
        values = load_row(User, data, where)
        ref = read_ref(data, "ref", where, plan.users)
        require_text(values, "name", where)
        values["email"] = email = read_email(data["email"], f"{where}.email")
        if email in emails:
            raise refuse(_l("%(value)s appears twice in the file.", value=email), f"{where}.email")
        emails.add(email)
        if values["role"].value not in allowed:
            raise refuse(
                _l(
                    "A %(kind)s organisation's users may only hold the role %(allowed)s, "
                    "not %(role)s.",
                    kind=kind.value,
                    allowed=listed(list(allowed)),
                    role=values["role"].value,
                ),
                f"{where}.role",
            )
        if values.get("locale") is not None and values["locale"] not in languages:
            raise refuse(
                _l("Expected one of: %(allowed)s.", allowed=listed(list(languages))),
                f"{where}.locale",
            )
        plan.users[ref] = values


def _read_sites(plan: ImportPlan, sites: list) -> None:
    for i, data in enumerate(sites):
        where = f"sites[{i}]"
        values = load_row(Site, data, where)
        ref = read_ref(data, "ref", where, plan.sites)
        require_text(values, "name", where)
        require_between(
            values["lat"], -90, 90, f"{where}.lat", _l("Latitude must be between -90 and 90.")
        )
        require_between(
            values["lon"], -180, 180, f"{where}.lon", _l("Longitude must be between -180 and 180.")
        )
        if values.get("closes_at", time(17)) <= values.get("opens_at", time(8)):
            raise refuse(_l("Closing time must be after opening time."), f"{where}.closes_at")
        plan.sites[ref] = values


def _check_free(plan: ImportPlan) -> None:
    name = plan.organisation["name"]
    if db.session.scalar(sa.select(Organisation.id).where(Organisation.name == name)):
        raise Conflict(
            _l("An organisation named %(name)s exists already; nothing imported.", name=name),
            code=Code.DUPLICATE_ORGANISATION,
        )
    emails = [u["email"] for u in plan.users.values()]
    taken = sorted(
        db.session.scalars(sa.select(User.email).where(sa.func.lower(User.email).in_(emails)))
    )
    if taken:
        raise Conflict(
            _l(
                "These e-mail addresses have accounts already: %(emails)s; nothing imported.",
                emails=listed(list(taken)),
            ),
            code=Code.DUPLICATE_USER,
        )


def read_document(doc) -> ImportPlan:
    """Check a whole export before anything is written: its shape, every value against its
    column, the rules the forms apply (roles allowed for the organisation's kind, e-mails,
    masses, dates, windows, coordinates), references, and names or e-mails taken here.
    Raises Invalid naming the place in the file (`bookings[3].total_mass_kg`) or Conflict."""
    plan = _read_organisation(doc)
    _read_users(plan, items(doc.get("users"), "users"))
    _check_free(plan)
    file_users = {values["email"]: ref for ref, values in plan.users.items()}

    def by_email(email: str | None):
        """A creator: a user of the file (by ref) or one already here (a User)."""
        if email is None:
            return None
        if email in file_users:
            return file_users[email]
        return db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email))

    _read_sites(plan, items(doc.get("sites"), "sites"))
    read_bookings(plan, items(doc.get("bookings"), "bookings"), by_email)
    read_bus_packs(plan, items(doc.get("bus_packs"), "bus_packs"))
    return plan

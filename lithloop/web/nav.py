"""Navigation per role: (endpoint, label) pairs shown in the header."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lithloop import labels
from lithloop.labels.places import place_word
from lithloop.models import Role
from lithloop.services.accounts import policies

_HOME = ("home.index", _l("Home"))
_SITES = ("sites.index", _l("Sites"))
_REGION = ("sites.index", _l("Region"))
_PRICES = ("prices.public", _l("Prices"))
_BOOKINGS = ("bookings.index", _l("Bookings"))
_DASHBOARD = ("dashboard.index", _l("Dashboard"))
_SETTLEMENTS = ("settlements.index", _l("Settlements"))
_LINES = ("lines.index", _l("Lines"))
_ASSEMBLY = ("lines.assembly_page", _l("Assembly"))
_ORGANISATION = ("organisation.index", _l("Colleagues"))

NAV = {
    Role.DEALER_STAFF: [_HOME, _BOOKINGS, _SETTLEMENTS, _SITES, _PRICES, _ORGANISATION],
    Role.FLEET_MANAGER: [
        _HOME,
        _BOOKINGS,
        _SETTLEMENTS,
        ("fleet.packs", _l("Fleet packs")),
        ("fleet.forecast", _l("Retirement forecast")),
        ("sites.index", _l("Depots")),
        _PRICES,
        _ORGANISATION,
    ],
    Role.DISPATCHER: [_HOME, ("dispatch.index", _l("Dispatch")), _BOOKINGS, _REGION],
    Role.PLANT_OPERATOR: [
        _HOME,
        ("plant.index", _l("Plant")),
        ("plant.warehouses_home", _l("Warehouses")),
        _LINES,
        _ASSEMBLY,
        _SETTLEMENTS,
        _PRICES,
    ],
    Role.DRIVER: [_HOME, ("driver.today", _l("My route"))],
    Role.BUYER: [
        _HOME,
        ("market.catalog_page", _l("Packs for sale")),
        ("market.cart", _l("Cart")),
        ("market.orders", _l("Orders")),
        ("rfq.index", _l("Requests for quote")),
        ("company.company", _l("Company")),
        _PRICES,
    ],
    Role.ADMIN: [
        _HOME,
        ("admin.approvals", _l("Approvals")),
        _REGION,
        ("plant.index", _l("Plant")),
        _LINES,
        _SETTLEMENTS,
        ("prices.versions", _l("Price index")),
        ("market.orders", _l("Orders")),
        ("rfq.admin_index", _l("Quote requests")),
        ("admin.outbox", _l("Outbox")),
        _DASHBOARD,
        ("trace.index", _l("Traceability")),
        ("admin_orgs.organisations", _l("Organisations")),
        ("admin_users.users", _l("Users")),
        ("admin_people.park", _l("Park people")),
        ("admin_people.government", _l("Government partner")),
        ("account.all_tokens", _l("API tokens")),
        ("admin_users.audit_log", _l("Audit log")),
        ("admin_calendar.index", _l("Holiday calendar")),
    ],
    Role.GOVERNMENT: [_DASHBOARD, ("trace.index", _l("Traceability"))],
}


def nav_for(role: Role | None) -> list[tuple[str, str]]:
    """The header links for a role (none when logged out)."""
    return NAV.get(role, []) if role else []


def role_label(role: Role) -> str:
    """The role's name in the current language."""
    return str(labels.ROLE[role.value])


def init_templates(app) -> None:
    """Make the navigation helpers available to every template."""
    app.jinja_env.globals.update(
        nav_for=nav_for,
        role_label=role_label,
        may=lambda ability, record=None: policies.may(current_user, ability, record),
        kind_label=lambda k: labels.label(labels.ORG_KINDS, k),  # a group: "Bus companies"
        org_kind_label=lambda k: labels.label(labels.ORG_KIND, k),  # one: "Bus company"
        org_status_label=lambda s: labels.label(labels.ORG_STATUS, s),
        payments_off=payments_off,
        place_word=place_word,  # a bus company's sites are depots
    )


def payments_off() -> bool:
    """True when an administrator should be warned that payments are not configured."""
    from lithloop import payments

    return not payments.enabled()

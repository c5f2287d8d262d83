"""Every GET of the URL map with the role that uses it and a URL filled from the
authorisation matrix's world: what bench/data_growth.py times and
tests/test_query_growth.py counts statements of."""

from __future__ import annotations

from lithloop.models import Role
from tests.authz_table import ANYONE, PUBLIC, TABLE
from tests.test_authz_matrix import IGNORED_METHODS, url_for_rule, values_for

#: The role a page is measured as besides the admin: the first of these that may use it.
USERS = (
    Role.BUYER,
    Role.PLANT_OPERATOR,
    Role.DISPATCHER,
    Role.FLEET_MANAGER,
    Role.DEALER_STAFF,
    Role.GOVERNMENT,
    Role.DRIVER,
)


def roles_for(spec, world) -> list[Role | None]:
    """Anonymous for public pages; else the admin (where allowed) and the first other user
    (one owning such an object, for pages about one)."""
    if spec.who == PUBLIC:
        return [None]
    if spec.who == ANYONE:
        return [Role.ADMIN]
    chosen = [Role.ADMIN] if Role.ADMIN in spec.who else []
    users = [r for r in USERS if r in spec.who]
    if spec.owned is not None:
        users = [r for r in users if world.own[spec.owned].get(r) is not None] or users
    other = next(iter(users), None)
    return chosen + ([other] if other else [])


def targets(matrix) -> list[tuple]:
    """(endpoint, who, role, url, spec) for every GET of the URL map but static files."""
    app, world, found = matrix.app, matrix.world, []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if "GET" not in rule.methods - IGNORED_METHODS or rule.endpoint == "static":
            continue
        spec = TABLE[f"GET {rule.endpoint}"]
        for role in roles_for(spec, world):
            owned = None
            if spec.owned is not None:
                owned = (world.own[spec.owned].get(role) if role else None) or (
                    world.other[spec.owned]
                )
            url = url_for_rule(app, rule.endpoint, spec, values_for(world, role, owned))
            found.append((rule.endpoint, role.value if role else "anonymous", role, url, spec))
    return found

"""The build form's one-time token: a form sent twice (a double click, a slow phone) builds
one pack, and its repeat is answered with that pack, never "parent already used".

The token is claimed in the build's own transaction, before its parents are locked: a twin
request waits for the first one's commit, then finds the token bound to the pack it built.
A repeat with other values (the browser's back, a box changed) builds nothing and says so.
"""

from __future__ import annotations

from dataclasses import asdict

from flask_babel import lazy_gettext as _l

from lithloop.extensions import db
from lithloop.models import Pack, User
from lithloop.services import idempotency
from lithloop.services.errors import Conflict
from lithloop.services.plant import assembly
from lithloop.services.plant.dismantling import check_role
from lithloop.services.plant.errors import Code

SCOPE = "assembly_build"
RESENT_CHANGED = _l(
    "This form built a pack before, with other values (it is in the list below), so nothing "
    "was built now. To build another pack, fill in the form below."
)


def build_once(user: User, order: assembly.BuildOrder, token: str | None) -> tuple[Pack, bool]:
    """assembly.build for a form with a one-time token: (the pack, False) when built now,
    (the pack the form built before, True) when the same form comes again."""
    check_role(user)
    try:
        held = idempotency.claim(
            SCOPE, user.organisation_id, token, asdict(order), field="build_token"
        )
    except idempotency.KeyReused as exc:  # sent again, changed
        db.session.rollback()
        raise Conflict(RESENT_CHANGED, field="build_token", code=Code.RESENT_CHANGED) from exc
    except Exception:
        db.session.rollback()
        raise
    if held.replay_of is not None:
        db.session.rollback()  # nothing written: the key was found, not stored
        built = db.session.get(Pack, held.replay_of)
        if built is not None:
            return built, True
    try:
        return assembly.build(user, order, held=held), False
    except Exception:
        db.session.rollback()  # a refusal before build's own transaction: the key too
        raise

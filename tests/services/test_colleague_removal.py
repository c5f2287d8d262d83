"""Removing a colleague from the people page: the admin's disabling (user_admin.disable),
the same audit entry, sessions ended and API tokens revoked; a member of one's own
organisation only; never the last member who can log in, whoever asks."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import AuditEntry, OrgKind, Role, User
from lithloop.services.accounts import api_tokens, colleagues, user_admin
from lithloop.services.errors import Conflict, Forbidden, NotFound
from tests.factories import make_org, make_user, make_user_as


def _entries(action: str, user: User) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.action == action, AuditEntry.object_id == str(user.id)
            )
        )
    )


@pytest.mark.parametrize("kind", [OrgKind.DEALER_BRANCH, OrgKind.BUS_COMPANY, OrgKind.BUYER])
def test_a_removed_colleague_is_disabled_as_an_admin_disables_one(app, kind):
    org = make_org(kind)
    me, colleague = make_user(org), make_user(org)
    plain = api_tokens.issue_api_token(colleague, "their system")
    version = colleague.session_version
    colleagues.remove_colleague(me, colleague.id)
    db.session.expire_all()
    colleague = db.session.get(User, colleague.id)
    assert not colleague.enabled and not colleague.is_active  # Flask-Login refuses them
    assert colleague.session_version == version + 1
    assert api_tokens.user_for_token(plain) is None
    (entry,) = _entries("user.disable", colleague)
    assert entry.actor_id == me.id and entry.details["email"] == colleague.email
    assert _entries("user.sessions_ended", colleague)
    assert {u.id for u in colleagues.members(me)} == {me.id, colleague.id}  # listed, disabled


def test_the_admin_path_is_the_same_and_still_works(app):
    admin = make_user_as(Role.ADMIN)
    dealer = make_user(make_org())
    plain = api_tokens.issue_api_token(dealer)
    user_admin.set_enabled(admin, dealer.id, False)
    assert not db.session.get(User, dealer.id).enabled
    assert api_tokens.user_for_token(plain) is None
    assert _entries("user.disable", dealer)[0].actor_id == admin.id
    user_admin.set_enabled(admin, dealer.id, True)
    assert db.session.get(User, dealer.id).enabled and _entries("user.enable", dealer)


def test_only_a_member_of_the_own_organisation_is_removed(app):
    me = make_user(make_org())
    stranger = make_user(make_org())
    make_user(stranger.organisation)
    with pytest.raises(NotFound):
        colleagues.remove_colleague(me, stranger.id)
    with pytest.raises(NotFound):
        colleagues.remove_colleague(me, 10**9)
    assert db.session.get(User, stranger.id).enabled and not _entries("user.disable", stranger)
    driver = make_user_as(Role.DRIVER)  # the park's people are the admin's to remove
    make_user(driver.organisation, role=Role.DRIVER)
    with pytest.raises(Forbidden):
        colleagues.remove_colleague(driver, driver.id)


def test_the_last_member_who_can_log_in_cannot_leave(app):
    """Alone, or beside colleagues who are removed or have not accepted their invitation:
    the organisation would be left with nobody to log in."""
    me = make_user(make_org())
    gone = make_user(me.organisation)
    colleagues.remove_colleague(me, gone.id)
    waiting = make_user(me.organisation)
    waiting.invited_at = clock.now()
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        colleagues.remove_colleague(me, me.id)
    assert refused.value.code == "last_member" and "最后" in str(refused.value.message)
    assert db.session.get(User, me.id).enabled and not _entries("user.disable", me)
    with pytest.raises(Conflict):  # removed already
        colleagues.remove_colleague(me, gone.id)


def test_a_member_leaves_when_another_can_log_in(app):
    me = make_user(make_org())
    other = make_user(me.organisation)
    colleagues.remove_colleague(me, me.id)
    assert not db.session.get(User, me.id).enabled
    with pytest.raises(Conflict):  # and now `other` is the last one
        colleagues.remove_colleague(other, other.id)

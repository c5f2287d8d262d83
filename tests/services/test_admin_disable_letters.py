"""An account an administrator disables is told, as a removed colleague is: one letter in
its own language with the optional reason (kept in the `user.disable` entry too) and whom
to call; enabled again, a short letter says it can log in. The same code writes both
removal letters (org_letters.removed)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import current_app

from lithloop.extensions import db
from lithloop.models import AuditEntry, OrgKind, OrgStatus, OutboxMessage, Role, User
from lithloop.services.accounts import user_admin
from lithloop.services.errors import Invalid
from tests.conftest import submit
from tests.factories import make_org, make_user


def _letters(user: User) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).where(OutboxMessage.recipient == user.email)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def _entry(user: User, action: str = "user.disable") -> AuditEntry | None:
    return db.session.scalar(
        sa.select(AuditEntry).where(
            AuditEntry.action == action, AuditEntry.object_id == str(user.id)
        )
    )


@pytest.fixture
def pair(app):
    """The park's administrator and a dealer's user; the park's phone configured."""
    current_app.config["SELLER_PHONE"] = "0453-6123456"
    admin = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    user = make_user(make_org(name="海林经销店"), email="zhao@example.com")
    return admin, user


def test_a_disabled_account_is_mailed_why_in_chinese_and_the_reason_is_audited(pair):
    admin, user = pair
    user_admin.set_enabled(admin, user.id, False, reason="  多次违规预约  ")
    (letter,) = _letters(user)
    assert letter.subject == "[lithloop] 您的 lithloop 账户已被停用"
    assert "产业园已停用您的 lithloop 账户 zhao@example.com" in letter.body
    assert "原因：多次违规预约\n" in letter.body
    assert "如有疑问，请致电产业园：0453-6123456。" in letter.body
    assert "user.disable" not in letter.body
    entry = _entry(user)
    assert entry.actor_id == admin.id and entry.details["reason"] == "多次违规预约"


def test_in_english_without_a_reason_line_and_enabled_again_is_told(pair):
    admin, user = pair
    user.locale = "en"
    db.session.commit()
    user_admin.set_enabled(admin, user.id, False)
    user_admin.set_enabled(admin, user.id, False)  # already disabled: no second letter
    user_admin.set_enabled(admin, user.id, True)
    user_admin.set_enabled(admin, user.id, True)  # already enabled: no second letter
    disabled, enabled = _letters(user)
    assert disabled.subject == "[lithloop] Your lithloop account was disabled"
    assert "Reason" not in disabled.body and "\n\n\n" not in disabled.body
    assert enabled.subject == "[lithloop] Your lithloop account is enabled again"
    assert "/login" in enabled.body and "Questions: call the park on 0453-6123456." in enabled.body
    assert _entry(user).details["reason"] == ""


@pytest.mark.parametrize(
    "reason", ["理" * (user_admin.REASON_MAX + 1), "违\x00规", "\u202e规违", "\u200b\u200b"]
)
def test_a_hostile_reason_is_refused_naming_its_field_and_nothing_happens(pair, reason):
    admin, user = pair
    with pytest.raises(Invalid) as refused:
        user_admin.set_enabled(admin, user.id, False, reason=reason)
    assert refused.value.field == "reason"
    db.session.expire_all()
    assert db.session.get(User, user.id).enabled
    assert _letters(user) == [] and _entry(user) is None


def test_the_admin_page_takes_the_reason_and_says_a_refused_one(pair, client, auth):
    admin, user = pair
    auth.login(admin.email)
    page = client.get("/admin/users").get_data(as_text=True)
    assert 'name="reason"' in page and 'maxlength="300"' in page
    url = f"/admin/users/{user.id}/enabled"
    for typed in ("理" * 301, "合同\u202e到期"):  # too long; an invisible direction mark
        refused = submit(client, url, {"enabled": "0", "reason": typed}, page="/admin/users")
        assert refused.status_code == 422  # the page again, not a redirect losing the text
        html = refused.get_data(as_text=True)
        row = html[html.index(f'action="{url}') :]
        row = row[: row.index("</form>")]
        assert f'value="{typed}"' in row and 'aria-invalid="true"' in row
        assert f'<p class="error" id="reason-err-{user.id}" role="alert">原因：' in row
        assert html.count('aria-invalid="true"') == 1  # only that row's field
        db.session.expire_all()
        assert db.session.get(User, user.id).enabled
        assert _letters(user) == [] and _entry(user) is None
    submit(client, url, {"enabled": "0", "reason": "合同到期"}, page="/admin/users")
    db.session.expire_all()
    assert not db.session.get(User, user.id).enabled
    assert _entry(user).details["reason"] == "合同到期" and len(_letters(user)) == 1


def test_no_letter_says_it_can_log_in_while_its_organisation_is_suspended(pair):
    admin, user = pair
    user_admin.set_enabled(admin, user.id, False)
    user.organisation.status = OrgStatus.SUSPENDED
    db.session.commit()
    user_admin.set_enabled(admin, user.id, True)
    (disabled,) = _letters(user)
    assert "停用" in disabled.subject and _entry(user, "user.enable") is not None

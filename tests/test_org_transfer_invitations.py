"""An open invitation carried by flask export-org / import-org: its mailed link cannot work in
the other installation, so the import names it and the people page asks for a new link."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Organisation, OrgStatus, User
from lithloop.services.accounts import colleagues, password_reset
from lithloop.services.accounts.passwords import hash_password
from lithloop.services.errors import Invalid
from tests.conftest import Auth, make_app, submit
from tests.factories import PASSWORD
from tests.test_org_transfer import build_organisation

WAITING, MANAGER = "second@mdj-bus.example", "fleet@mdj-bus.example"


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_an_imported_invitation_is_named_and_shown_as_needing_a_new_link(app, tmp_path):
    """The link mailed before the move is refused after it (signed there, for that database's
    account id and password); the import says which invitations to send again, the people
    page marks them, and sending again gives a link that works and clears the mark."""
    org, _ = build_organisation()
    waiting = _user(WAITING)
    waiting.enabled, waiting.invited_at = True, datetime(2026, 11, 30, 1, 2, 3, tzinfo=UTC)
    db.session.commit()
    mailed = password_reset.make_reset_token(waiting)  # the link in the letter sent there
    out = tmp_path / "org.json"
    result = app.test_cli_runner().invoke(args=["export-org", str(org.id), str(out)])
    assert result.exit_code == 0, result.output
    assert "invite_link_lost" not in out.read_text("utf-8")  # this database's own mark

    other = make_app(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    with other.app_context():
        db.create_all()
        result = other.test_cli_runner().invoke(args=["import-org", str(out)])
        assert result.exit_code == 0, result.output
        last = result.output.rstrip().splitlines()[-1]  # in the default language, Chinese
        assert last.startswith("1 ") and WAITING in last and MANAGER not in last
        moved, manager = _user(WAITING), _user(MANAGER)
        assert (moved.invite_link_lost, manager.invite_link_lost) == (True, False)
        with pytest.raises(Invalid):
            password_reset.user_for_reset_token(mailed)

        new_org = db.session.scalar(sa.select(Organisation))
        new_org.status = OrgStatus.ACTIVE  # approved here
        manager.password_hash = hash_password(PASSWORD)  # set through "forgot password"
        db.session.commit()
        moved_id = moved.id
        db.session.remove()
    # requests outside the app context, as a server makes them (each its own `g`)
    client = other.test_client()
    assert Auth(client).login(MANAGER).status_code == 302
    page = client.get("/organisation").get_data(as_text=True)
    assert f'id="link-lost-{moved_id}"' in page and "需要新链接" in page
    url = f"/organisation/colleagues/{moved_id}/invitation"
    assert submit(client, url, {}, page="/organisation").status_code == 302
    page = client.get("/organisation").get_data(as_text=True)
    assert f'id="link-lost-{moved_id}"' not in page and "需要新链接" not in page
    with other.app_context():
        assert not _user(WAITING).invite_link_lost
        db.session.remove()
        db.engine.dispose()


def test_choosing_a_password_clears_the_mark(app, tmp_path):
    """A colleague who sets a password through "forgot password" instead has accepted."""
    org, _ = build_organisation()
    waiting = _user(WAITING)
    waiting.enabled, waiting.invited_at = True, datetime(2026, 11, 30, 1, 2, 3, tzinfo=UTC)
    db.session.commit()
    out = tmp_path / "org.json"
    app.test_cli_runner().invoke(args=["export-org", str(org.id), str(out)])
    other = make_app(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    with other.app_context():
        db.create_all()
        assert other.test_cli_runner().invoke(args=["import-org", str(out)]).exit_code == 0
        token = password_reset.make_reset_token(_user(WAITING))
        user = password_reset.reset_password(token, "a long new passphrase 42")
        assert (user.invited_at, user.invite_link_lost) == (None, False)
        assert not colleagues.is_invited(user)
        db.session.remove()
        db.engine.dispose()

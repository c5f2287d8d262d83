"""`flask create-admin`: the first administrator of a new database, without the demo."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

PASSWORD = "quiet-harbour-71"


def _invoke(app, *args):
    return app.test_cli_runner().invoke(args=["create-admin", *args])


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_new_database_gets_its_park_operator_and_first_admin(app, backend):
    from lithloop.extensions import db
    from lithloop.models import Organisation, OrgKind, OrgStatus, Role, User
    from lithloop.services.accounts.passwords import verify_password

    refused = _invoke(app, "ops@park.example", "--password", PASSWORD)
    assert refused.exit_code != 0 and "--organisation" in refused.output
    made = _invoke(
        app, "Ops@Park.example", "--name", "Wang", "--organisation", "Park Co",
        "--password", PASSWORD,
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "ops@park.example"))
        assert user.role is Role.ADMIN and user.name == "Wang" and user.is_active
        assert user.organisation.kind is OrgKind.PARK_OPERATOR
        assert user.organisation.status is OrgStatus.ACTIVE
        assert verify_password(user.password_hash, PASSWORD)
    second = _invoke(app, "two@park.example", "--password", PASSWORD)
    assert second.exit_code == 0, second.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 1


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_taken_address_or_a_weak_password_changes_nothing(app, backend):
    from lithloop.extensions import db
    from lithloop.models import Organisation

    args = ("--organisation", "Park Co", "--password")
    assert _invoke(app, "ops@park.example", *args, PASSWORD).exit_code == 0
    taken = _invoke(app, "OPS@park.example", *args, PASSWORD)
    assert taken.exit_code != 0 and "already has an account" in taken.output
    weak = _invoke(app, "new@park.example", *args, "short")
    assert weak.exit_code != 0 and "password" in weak.output
    bad = _invoke(app, "not-an-address", *args, PASSWORD)
    assert bad.exit_code == 2 and "EMAIL" in bad.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 1


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_refusals_are_usage_errors_in_english_naming_the_option(app, backend):
    """The command answered a weak password with 请至少使用 12 个字符 (the pages' zh_CN
    default outside a request) and exit 1, where the other commands speak English and a bad
    option is a usage error (exit 2) naming it."""
    from lithloop.extensions import db
    from lithloop.models import User

    args = ("--organisation", "Park Co", "--password")
    for given, option, words in (
        (("new@park.example", *args, "short"), "'--password'", "Use at least"),
        (("new@park.example", *args, "12345678901234"), "'--password'", "digits"),
        (("not-an-address", *args, PASSWORD), "'EMAIL'", "e-mail address"),
        (("new@park.example", "--password", PASSWORD), "'--organisation'", "no park operator"),
    ):
        refused = _invoke(app, *given)
        assert refused.exit_code == 2, refused.output
        assert f"Invalid value for {option}" in refused.output and words in refused.output
        assert not _cjk(refused.output), refused.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


@pytest.mark.parametrize("backend", ["sqlite"])
def test_seed_demo_refuses_a_weak_password_in_english_too(app, backend):
    refused = app.test_cli_runner().invoke(args=["seed-demo", "--password", "short"])
    assert refused.exit_code == 2 and "Invalid value for '--password'" in refused.output
    assert "Use at least" in refused.output and not _cjk(refused.output), refused.output

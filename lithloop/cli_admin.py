"""`flask create-admin`: the first administrator of a database `flask db upgrade` made."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask
from flask_babel import force_locale

from lithloop import clock
from lithloop.db import atomic
from lithloop.extensions import db


def create_admin(email: str, name: str, password: str, organisation: str) -> str:
    """Make an admin of the park operator (the operator too when there is none); its name."""
    from lithloop.models import Organisation, OrgKind, OrgStatus, Role, User
    from lithloop.services.accounts.passwords import check_policy, hash_password
    from lithloop.services.accounts.registration import normalise_email

    email = normalise_email(email)
    check_policy(password, email)
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise click.ClickException(f"{email} already has an account: nothing was changed.")
    park = db.session.scalar(
        sa.select(Organisation).where(Organisation.kind == OrgKind.PARK_OPERATOR).limit(1)
    )
    if park is None:
        if not organisation.strip():
            raise click.BadParameter(
                "the database has no park operator yet: give its name.",
                param_hint="'--organisation'",
            )
        park = Organisation(
            name=organisation.strip(),
            kind=OrgKind.PARK_OPERATOR,
            status=OrgStatus.ACTIVE,
            approved_at=clock.now(),
        )
        db.session.add(park)
    db.session.add(
        User(
            email=email,
            name=name.strip() or email,
            password_hash=hash_password(password),
            role=Role.ADMIN,
            organisation=park,
        )
    )
    return park.name


#: The command's parameter a refused field came from (named in the exit-2 usage error).
OPTION_OF_FIELD = {"password": "'--password'", "email": "'EMAIL'", "name": "'--name'"}


def register(app: Flask) -> None:
    """Attach `flask create-admin`."""

    @app.cli.command("create-admin")
    @click.argument("email")
    @click.option("--name", default="", help="The administrator's name (default: the e-mail).")
    @click.option(
        "--organisation",
        default="",
        help="The park operator's name, when the database has none yet (a first install).",
    )
    @click.password_option(help="Asked twice without echo when not given.")
    def create_admin_command(email: str, name: str, organisation: str, password: str) -> None:
        """Create an administrator of the park operator (and the operator on a new database)."""
        from lithloop.models import User
        from lithloop.services.errors import Invalid

        if not sa.inspect(db.engine).has_table(User.__tablename__):
            raise click.ClickException("The database has no tables yet: run `flask db upgrade`.")
        try:  # in English, as every flask command speaks (not the pages' zh_CN default)
            with force_locale("en"):
                park = atomic(lambda: create_admin(email, name, password, organisation))
        except Invalid as error:
            with force_locale("en"):
                message = str(error.message)
            hint = OPTION_OF_FIELD.get(error.field or "", "'EMAIL'")
            raise click.BadParameter(message, param_hint=hint) from None
        click.echo(f"Administrator {email.strip()} of {park} created: log in at /login.")

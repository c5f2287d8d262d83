"""flask commands: seed-prices, seed-demo, export-org and import-org (create-admin: cli_admin)."""

from __future__ import annotations

import functools
import json

import click
import sqlalchemy as sa
from flask import Flask
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from lithloop.extensions import db
from lithloop.services.strict_input import INT32_MAX


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _read_json(source: str):
    """The JSON document in SOURCE ('-' = stdin), or a ClickException saying what is wrong
    with the file: unreadable, not UTF-8, not JSON, NaN or Infinity, nested too deeply."""
    try:
        with click.open_file(source, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise click.ClickException(f"Cannot read {source}: {exc.strerror}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise click.ClickException(
            f"{source} is not UTF-8 text (byte {exc.start}); nothing imported."
        ) from exc
    try:
        return json.loads(text, parse_constant=_no_constant)
    except RecursionError as exc:
        raise click.ClickException(
            f"{source} is nested too deeply to be an export; nothing imported."
        ) from exc
    except ValueError as exc:  # JSONDecodeError, NaN, an integer of over 4,300 digits
        raise click.ClickException(f"{source} is not JSON: {exc}; nothing imported.") from exc


def in_english(command):
    """Run a command's body in English, as every flask command speaks (not the pages' zh_CN
    default): its refusals and summaries read a service's translated messages."""

    @functools.wraps(command)
    def english(*args, **kwargs):
        with force_locale("en"):
            return command(*args, **kwargs)

    return english


def _actors_summary(done) -> list[str]:
    """What an import did with the people outside the organisation on its bookings' history."""
    lines = []
    if done.linked:
        lines.append(
            str(
                _l(
                    "Booking history entries linked by e-mail to accounts here: %(n)s (%(who)s).",
                    n=sum(done.linked.values()),
                    who=", ".join(sorted(done.linked)),
                )
            )
        )
    if done.named:
        lines.append(
            str(
                _l(
                    "Booking history entries by people without an account here, kept by name and "
                    "role only: %(n)s (%(who)s).",
                    n=sum(done.named.values()),
                    who=", ".join(sorted(done.named)),
                )
            )
        )
    return lines


def _invitations_summary(done) -> list[str]:
    """The open invitations an import carried, whose mailed links do not work here."""
    if not done.resend:
        return []
    return [
        str(
            _l(
                "%(n)s open invitations were mailed by the other installation; their links do "
                "not work here (they were signed there, for its account ids). Once the "
                "organisation is approved, a colleague sends each again from the people page, "
                "where they are marked as needing a new link: %(who)s.",
                n=len(done.resend),
                who=", ".join(sorted(done.resend)),
            )
        )
    ]


def register_commands(app: Flask) -> None:
    """Attach lithloop's commands to `flask`."""
    from lithloop import cli_admin

    cli_admin.register(app)

    @app.cli.command("park-serials")
    @click.argument("action", type=click.Choice(["status", "restart"]))
    @in_english
    def park_serials_command(action: str) -> None:
        """Show how many park code serials are used, or restart them for a new code line."""
        from lithloop.batteries.codes import MAX_SERIAL
        from lithloop.services.errors import ServiceError
        from lithloop.services.plant import park_serials

        if action == "restart":
            try:
                park_serials.restart()
            except ServiceError as exc:
                raise click.ClickException(str(exc.message)) from exc
        click.echo(
            f"line {park_serials.line()}: {park_serials.used()} of {MAX_SERIAL} serials used"
        )

    @app.cli.command("rebuild-rollups")
    def rebuild_rollups_command() -> None:
        """Recompute the dashboard's monthly rollups from intakes, pack events and batches."""
        from lithloop.services.reporting import rollups

        click.echo(f"{rollups.rebuild()} rollup rows rebuilt from the event log")

    @app.cli.command("seed-prices")
    def seed_prices_command() -> None:
        """Store the embedded default price index versions not stored yet (safe to repeat)."""
        from lithloop.models import PriceIndexVersion
        from lithloop.services.booking.prices import ensure_default_index

        if not sa.inspect(db.engine).has_table(PriceIndexVersion.__tablename__):
            raise click.ClickException(
                "The database has no tables yet: run `flask db upgrade` first, then seed-prices."
            )
        click.echo(f"{ensure_default_index()} price index versions stored")

    @app.cli.command("seed-demo")
    @click.option(
        "--seed", default=7, show_default=True, help="Random seed; same seed, same region."
    )
    @click.option(
        "--password",
        default="lithloop-demo",
        show_default=True,
        help="Password for every demo user.",
    )
    @click.option("--if-empty", is_flag=True, help="Do nothing (exit 0) if data exists.")
    @click.option(
        "--activity/--no-activity",
        default=True,
        show_default=True,
        help="Also book pickups and publish today's plan for the demo driver.",
    )
    def seed_demo_command(seed: int, password: str, if_empty: bool, activity: bool) -> None:
        """Create the demo region (park, ~200 dealers, 5 bus companies, trucks, users)."""
        from lithloop.demo import seed_demo
        from lithloop.models import Organisation
        from lithloop.services.accounts.passwords import check_policy
        from lithloop.services.errors import Invalid

        try:  # the policy every form applies; a demo login is still a login
            with force_locale("en"):  # commands speak English, not the pages' zh_CN default
                check_policy(password)
        except Invalid as exc:
            with force_locale("en"):
                message = str(exc.message)
            raise click.BadParameter(message, param_hint="'--password'") from exc

        if not sa.inspect(db.engine).has_table(Organisation.__tablename__):
            raise click.ClickException(
                "The database has no tables yet: run `flask db upgrade` first, then seed-demo."
            )
        if db.session.scalar(sa.select(sa.func.count(Organisation.id))):
            if if_empty:
                click.echo("Database already has data; demo not seeded.")
                return
            raise click.ClickException("The database already has data; seed-demo needs it empty.")
        summary = seed_demo(seed=seed, password=password, activity=activity)
        click.echo(
            f"Seeded {summary.organisations} organisations, {summary.sites} sites, "
            f"{summary.trucks} trucks."
        )
        if summary.activity:
            done = summary.activity
            click.echo(
                f"Booked {done.bookings_next_day} pickups for the next open day and "
                f"{done.bookings_today} for today; today's plan #{done.today_plan_id} "
                f"gives the demo driver {done.driver_stops} stops."
            )
        click.echo(f"Demo users (password: {password}):")
        for role, email in summary.users:
            click.echo(f"  {role:<15} {email}")

    @app.cli.command("export-org")
    @click.argument("org_id", type=click.IntRange(1, INT32_MAX))  # organisation.id is INTEGER
    @click.argument("out", type=click.Path(dir_okay=False, writable=True, allow_dash=True))
    @in_english
    def export_org_command(org_id: int, out: str) -> None:
        """Write one organisation's data (no password hashes) as JSON to OUT ('-' = stdout)."""
        from lithloop.services.booking import org_transfer
        from lithloop.services.errors import ServiceError

        try:
            doc = org_transfer.export_organisation(org_id)
        except ServiceError as exc:  # no such organisation: a usage error naming ORG_ID
            raise click.BadParameter(str(exc.message), param_hint="'ORG_ID'") from exc
        text = json.dumps(doc, ensure_ascii=False, indent=1)
        try:
            with click.open_file(out, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:  # no such directory, a file of /proc, a full disk
            raise click.BadParameter(
                f"cannot write {out}: {exc.strerror or exc}", param_hint="OUT"
            ) from exc
        if out != "-":
            click.echo(
                f"Exported {doc['organisation']['name']}: {len(doc['users'])} users, "
                f"{len(doc['sites'])} sites, {len(doc['bookings'])} bookings, "
                f"{len(doc['bus_packs'])} bus packs."
            )

    @app.cli.command("import-org")
    @click.argument("source", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
    @in_english
    def import_org_command(source: str) -> None:
        """Create an exported organisation here; refuses names or e-mails already present."""
        from lithloop.services.booking import org_transfer
        from lithloop.services.errors import ServiceError

        doc = _read_json(source)
        try:
            done = org_transfer.import_with_summary(doc)
        except ServiceError as exc:
            if exc.field:
                raise click.ClickException(
                    str(
                        _l("%(place)s: %(why)s Nothing imported.", place=exc.field, why=exc.message)
                    )
                ) from exc
            raise click.ClickException(str(exc.message)) from exc
        org = done.organisation
        click.echo(
            f"Imported {org.name} as organisation {org.id}. It waits for approval at "
            "/admin/approvals (an import never keeps the file's status). Its users have no "
            "password yet: each sets one through 'forgot password' (/reset)."
        )
        for line in _actors_summary(done) + _invitations_summary(done):
            click.echo(line)

    @app.cli.command("housekeeping")
    def housekeeping_command() -> None:
        """Run each housekeeping task once: runs whose worker died stored failed, expired
        reservations released, mail sent, ... (cron, or Celery with no worker on the
        housekeeping queue)."""
        from lithloop.jobs import housekeeping

        done = housekeeping.run_all()
        for name, count in done.items():
            click.echo(f"{name}: {'failed (see the log)' if count < 0 else count}")
        if any(count < 0 for count in done.values()):
            raise click.ClickException("Some housekeeping tasks failed; see the log.")

    @app.cli.command("mail-release")
    @click.argument("message_id", type=click.IntRange(1, INT32_MAX))
    @click.option("--by", required=True, help="Who decided to send it again (logged).")
    def mail_release_command(message_id: int, by: str) -> None:
        """Send again an outbox message the mail server may already have taken (logged)."""
        from lithloop import mail

        if not mail.release(message_id, by):
            raise click.ClickException(
                f"outbox message {message_id} is not waiting for a decision (no such message, "
                "sent, or not claimed)"
            )
        click.echo(
            f"Outbox message {message_id} released: housekeeping sends it again, with the "
            "same Message-ID."
        )

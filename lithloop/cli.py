"""flask commands: seed-demo (more arrive with routing, pricing and the plant)."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask

from lithloop.extensions import db


def register_commands(app: Flask) -> None:
    """Attach lithloop's commands to `flask`."""

    @app.cli.command("seed-demo")
    @click.option("--seed", default=7, show_default=True,
                  help="Random seed; same seed, same region.")
    @click.option("--password", default="lithloop-demo", show_default=True,
                  help="Password for every demo user.")
    @click.option("--if-empty", is_flag=True, help="Do nothing (exit 0) if data exists.")
    @click.option("--activity/--no-activity", default=True, show_default=True,
                  help="Also book pickups and publish today's plan for the demo driver.")
    def seed_demo_command(seed: int, password: str, if_empty: bool, activity: bool) -> None:
        """Create the demo region (park, ~200 dealers, 5 bus companies, trucks, users)."""
        from lithloop.demo import seed_demo
        from lithloop.models import Organisation

        if db.session.scalar(sa.select(sa.func.count(Organisation.id))):
            if if_empty:
                click.echo("Database already has data; demo not seeded.")
                return
            raise click.ClickException("The database already has data; seed-demo needs it empty.")
        summary = seed_demo(seed=seed, password=password, activity=activity)
        click.echo(f"Seeded {summary.organisations} organisations, {summary.sites} sites, "
                   f"{summary.trucks} trucks.")
        if summary.activity:
            done = summary.activity
            click.echo(f"Booked {done.bookings_next_day} pickups for the next open day and "
                       f"{done.bookings_today} for today; today's plan #{done.today_plan_id} "
                       f"gives the demo driver {done.driver_stops} stops.")
        click.echo(f"Demo users (password: {password}):")
        for role, email in summary.users:
            click.echo(f"  {role:<15} {email}")

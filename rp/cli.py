"""``fedlab rp ...`` commands: database, regions, diary people (more areas add their groups here)."""

from __future__ import annotations

import click
from flask import current_app

from fedlab.cliutil import in_app_of

in_app = in_app_of("rp:create_app")


@click.group("rp")
def rp_cli() -> None:
    """The school diary (Дневник)."""


@rp_cli.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@in_app
def db_upgrade() -> None:
    """Create or migrate the diary database to the latest schema."""
    from flask_migrate import upgrade

    upgrade(directory=current_app.extensions["migrate"].directory)
    click.echo("rp database is up to date")

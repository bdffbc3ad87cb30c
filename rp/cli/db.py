"""``fedlab rp db ...``: the diary's database schema."""

from __future__ import annotations

import click
from flask import current_app

from labkit.cliutil import in_app_of

in_app = in_app_of("rp:create_app")


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@in_app
def db_upgrade() -> None:
    """Create or migrate the diary database to the latest schema."""
    from flask_migrate import upgrade

    upgrade(directory=current_app.extensions["migrate"].directory)
    click.echo("rp database is up to date")

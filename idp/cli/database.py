"""``fedlab idp db upgrade``: the IdP's database schema."""

from __future__ import annotations

import click
from flask import current_app

from labkit.cliutil import in_app_of

in_app = in_app_of("idp:create_app")


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@in_app
def db_upgrade() -> None:
    """Create or migrate the IdP database to the latest schema."""
    from flask_migrate import upgrade

    upgrade(directory=current_app.extensions["migrate"].directory)
    click.echo("idp database is up to date")

"""``fedlab rp ...`` commands: database, regions, diary people (more areas add their groups here)."""

from __future__ import annotations

import click
from flask import current_app

from labkit.cliutil import in_app_of
from labkit.cliutil import trainer_command as make_trainer_command

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


def _add_linking_commands() -> None:
    from rp.region_cli import linking_log
    from rp.region_cli import region_group

    rp_cli.add_command(region_group)
    rp_cli.add_command(linking_log)


_add_linking_commands()


def _add_people_commands() -> None:
    from rp.people_cli import link_group
    from rp.people_cli import people_group

    rp_cli.add_command(people_group)
    rp_cli.add_command(people_group, name="person")  # `fedlab rp person create ...`: the same group under both names
    rp_cli.add_command(link_group)


_add_people_commands()


def _trainer_and_db():
    from rp import trainer
    from rp.extensions import db

    return trainer, db


trainer_command = make_trainer_command(
    in_app,
    _trainer_and_db,
    "rp",
    "Switch the diary's guided (trainer) mode of its login and linking pages: on, off, status.",
)
rp_cli.add_command(trainer_command)

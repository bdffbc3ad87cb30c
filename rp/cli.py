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
    rp_cli.add_command(link_group)


_add_people_commands()


@rp_cli.command("trainer")
@click.argument("state", type=click.Choice(["on", "off", "status"]), default="status")
@click.option("--json", "as_json", is_flag=True)
@in_app
def trainer_command(state: str, as_json: bool) -> None:
    """Switch the diary's guided (trainer) mode of its login and linking pages: on, off, status."""
    from fedlab.cliutil import emit
    from rp import trainer
    from rp.extensions import db

    if state != "status":
        trainer.set_enabled(db.session, state == "on")
        db.session.commit()
    enabled = trainer.is_enabled(db.session)
    emit({"trainer": enabled}, as_json, f"rp trainer mode: {'on' if enabled else 'off'}")

"""``fedlab rp ...``: the diary's commands, assembled from one module per area (db, regions, people, lab)."""

from __future__ import annotations

import click

from rp.cli.db import db_group
from rp.cli.lab import trainer_command
from rp.cli.people import link_group
from rp.cli.people import people_group
from rp.cli.regions import linking_log
from rp.cli.regions import region_group


@click.group("rp")
def rp_cli() -> None:
    """The school diary (Дневник)."""


rp_cli.add_command(db_group)
rp_cli.add_command(region_group)
rp_cli.add_command(linking_log)
rp_cli.add_command(people_group)
rp_cli.add_command(people_group, name="person")  # `fedlab rp person create ...`: the singular reads naturally
rp_cli.add_command(link_group)
rp_cli.add_command(trainer_command)

"""``fedlab idp ...``: the identity provider's command group, assembled from one module per area."""

from __future__ import annotations

import click

from idp.cli import accounts
from idp.cli import database
from idp.cli import faults
from idp.cli import lab
from idp.cli import oidc


@click.group("idp")
def idp_cli() -> None:
    """The identity provider (Госуслуги)."""


for _command in (
    accounts.account_group,
    database.db_group,
    oidc.client_group,
    oidc.keys_group,
    *lab.COMMANDS,
    *faults.COMMANDS,
):
    idp_cli.add_command(_command)

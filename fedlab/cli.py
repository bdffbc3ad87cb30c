"""The ``fedlab`` console command: ``fedlab idp ...``, ``fedlab rp ...``, ``fedlab setup``, ``fedlab serve``."""

from __future__ import annotations

import click

from idp.cli import idp_cli
from rp.cli import rp_cli
from shared.localhost_names import install as resolve_localhost_names

resolve_localhost_names()  # `fedlab scenario check` follows the apps' redirects to http://idp.localhost:5001


@click.group()
def main() -> None:
    """fedlab: an OpenID Connect federation lab (Госуслуги-like IdP and a school diary)."""


main.add_command(idp_cli)
main.add_command(rp_cli)

# Root aliases of the lab's everyday commands: ``fedlab clock advance 2d``, ``fedlab inbox``.
from idp.cli.lab import clock_group  # noqa: E402
from idp.cli.lab import inbox_command  # noqa: E402

main.add_command(clock_group, "clock")
main.add_command(inbox_command, "inbox")

# QA scenarios and the one-call reset, over the running apps' lab APIs.
from fedlab.scenarios import reset_command  # noqa: E402
from fedlab.scenarios import scenario_group  # noqa: E402

main.add_command(scenario_group)
main.add_command(reset_command)


@main.command("setup")
@click.option("--only", type=click.Choice(["idp", "rp"]), default=None, help="One app's database (a container's).")
def setup(only: str | None) -> None:
    """Create or migrate both databases and seed the demo data once."""
    from fedlab.setup import setup_all

    setup_all(echo=click.echo, only=only)


@main.command("serve")
@click.option("--workers", type=int, default=None, help="gunicorn workers per app (default: one per CPU, at least 2).")
def serve(workers: int | None) -> None:
    """Serve both apps with gunicorn on loopback until Ctrl-C."""
    from fedlab.serve import serve_both

    raise SystemExit(serve_both(workers=workers))

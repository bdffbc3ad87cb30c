"""The ``fedlab`` console command: ``fedlab idp ...``, ``fedlab rp ...``, ``fedlab setup``, ``fedlab serve``."""

from __future__ import annotations

from pathlib import Path

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
from fedlab.inbox import inbox_command  # noqa: E402
from idp.cli.lab import clock_group  # noqa: E402

main.add_command(clock_group, "clock")
main.add_command(inbox_command, "inbox")

# QA scenarios and the one-call reset, over the running apps' lab APIs.
from fedlab.scenarios import reset_command  # noqa: E402
from fedlab.scenarios import scenario_group  # noqa: E402

main.add_command(scenario_group)
main.add_command(reset_command)

# Lab files: fedlab lab check|apply|schema.
from fedlab.lab_command import lab_group  # noqa: E402

main.add_command(lab_group)

_SIGNING_KEY = click.option(
    "--signing-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A PEM or JWK private key file: the IdP signs ID tokens with it (pin the issuer's keys).",
)


@main.command("setup")
@click.option("--only", type=click.Choice(["idp", "rp"]), default=None, help="One app's database (a container's).")
@_SIGNING_KEY
def setup(only: str | None, signing_key: Path | None) -> None:
    """Create or migrate both databases and seed the demo data once."""
    from fedlab.setup import setup_all

    setup_all(echo=click.echo, only=only)
    if signing_key is not None and only in (None, "idp"):
        _install_key(signing_key)


def _install_key(path: Path) -> None:
    from fedlab.lab_command import install_key_file
    from fedlab.signing_key import SigningKeyError

    try:
        kid = install_key_file(path)
    except SigningKeyError as exc:
        raise click.ClickException(f"{path}: {exc}") from None
    click.echo(f"idp: signing key {kid} from {path} is active")


@main.command("serve")
@click.option("--workers", type=int, default=None, help="gunicorn workers per app (default: one per CPU, at least 2).")
@click.option(
    "--lab-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Load this lab file (TOML) into the databases before serving.",
)
@_SIGNING_KEY
def serve(workers: int | None, lab_file: Path | None, signing_key: Path | None) -> None:
    """Serve both apps with gunicorn on loopback until Ctrl-C."""
    from fedlab.serve import serve_both

    if signing_key is not None:
        _install_key(signing_key)
    if lab_file is not None:
        from fedlab.lab_command import apply_to_configured_apps
        from fedlab.labfile import LabFileError

        try:
            made = apply_to_configured_apps(lab_file)
        except LabFileError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"loaded {lab_file}: {len(made['accounts'])} account(s), {len(made['clients'])} client(s)")

    raise SystemExit(serve_both(workers=workers))

"""``fedlab lab check|apply|schema``: lab files (TOML) checked and loaded into the lab's databases."""

from __future__ import annotations

import json
from pathlib import Path

import click

from labkit.cliutil import emit
from labkit.cliutil import fail


def apply_to_configured_apps(path: Path) -> dict:
    """Load the lab file into the databases both apps are configured with (the running apps read them)."""
    from fedlab.labfile import apply_direct
    from fedlab.labfile import load
    from idp import create_app as create_idp
    from rp import create_app as create_rp

    lab = load(path)
    needs_diary = bool(lab.regions or lab.people or lab.links)
    made = apply_direct(lab, create_idp(), create_rp() if needs_diary else None)
    return {
        "accounts": {key: account.oid for key, account in made["accounts"].items()},
        "clients": {cid: {"client_id": c.client_id, "secret": c.secret} for cid, c in made["clients"].items()},
    }


def install_key_file(path: Path) -> str:
    """Make the key in ``path`` the configured IdP's active signing key; return its ``kid``."""
    from fedlab.signing_key import install_signing_key
    from idp import create_app
    from idp.db import db

    app = create_app()
    with app.app_context():
        row = install_signing_key(db.session, path.read_text(encoding="utf-8"))
        db.session.commit()
        return row.kid


@click.group("lab")
def lab_group() -> None:
    """Lab files (TOML): clients, accounts, registry, regions, people, links, faults, claims, signing key."""


@lab_group.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check_command(path: Path) -> None:
    """Validate a lab file against the schema (errors name the line)."""
    from fedlab.labfile import LabFileError
    from fedlab.labfile import load

    try:
        lab = load(path)
    except LabFileError as exc:
        fail(str(exc))
    counts = {k: len(getattr(lab, k)) for k in ("clients", "accounts", "registry", "regions", "people", "links")}
    click.echo(f"{path}: valid ({', '.join(f'{v} {k}' for k, v in counts.items() if v) or 'empty'})")


@lab_group.command("apply")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def apply_command(path: Path, as_json: bool) -> None:
    """Load a lab file into the lab's databases (as `fedlab idp ...` commands do; running apps see it at once)."""
    from fedlab.labfile import LabFileError

    try:
        made = apply_to_configured_apps(path)
    except LabFileError as exc:
        fail(str(exc), as_json=as_json)
    emit(made, as_json, f"applied {path}: {len(made['accounts'])} account(s), {len(made['clients'])} client(s)")


@lab_group.command("schema")
def schema_command() -> None:
    """Print the lab file's JSON Schema."""
    from fedlab.labfile import schema

    click.echo(json.dumps(schema(), ensure_ascii=False, indent=2))

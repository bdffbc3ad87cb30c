"""``fedlab idp fault|claims|trainer``: fault injection, scripted claims and the trainer mode."""

from __future__ import annotations

import json

import click

from idp.db import db
from labkit.cliutil import emit
from labkit.cliutil import fail
from labkit.cliutil import in_app_of
from labkit.cliutil import trainer_command as make_trainer_command

in_app = in_app_of("idp:create_app")


def _fault_line(data: dict) -> str:
    params = " ".join(f"{k}={','.join(v) if isinstance(v, list) else v}" for k, v in data["params"].items())
    remaining = "until cleared" if data["remaining"] is None else f"{data['remaining']} left"
    return f"#{data['id']} {data['kind']} client={data['client_id'] or '*'} {remaining} fired={data['fired']} {params}"


@click.group("fault")
def fault_group() -> None:
    """Fault injection on the OpenID Provider (per client or global)."""


@fault_group.command("add")
@click.argument("kind")
@click.option("--client", "client_id", help="Only this client (default: every client).")
@click.option("--count", type=click.IntRange(min=1), help="For the next N matching requests (default: until cleared).")
@click.option("--error", help="OAuth error code (authorize_error, token_error).")
@click.option("--delay", help="Delay for token_slow, e.g. 5s or 250ms (at most 30s).")
@click.option("--claims", help="Comma-separated claims the ID token lacks (id_token_missing_claims).")
@click.option("--description", help="error_description to send.")
@click.option("--json", "as_json", is_flag=True)
@in_app
def fault_add(kind: str, as_json: bool, **options) -> None:
    """Add a fault of KIND.

    KIND is one of: authorize_error, token_error, token_slow, id_token_unknown_key, id_token_wrong_iss,
    id_token_wrong_aud, id_token_wrong_nonce, id_token_expired, id_token_missing_claims, userinfo_wrong_sub.
    """
    from idp.domain import faults

    try:
        row = faults.add_fault(db.session, kind, **options)
    except faults.FaultInvalid as exc:
        db.session.rollback()
        fail(str(exc), {"field": exc.field}, as_json)
    db.session.commit()
    data = faults.fault_json(row)
    emit(data, as_json, "added " + _fault_line(data))


@fault_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@in_app
def fault_list(as_json: bool) -> None:
    """List the faults in force."""
    from idp.domain import faults

    rows = [faults.fault_json(f) for f in faults.active_faults(db.session)]
    emit(rows, as_json, "\n".join(_fault_line(r) for r in rows) or "no faults")


@fault_group.command("clear")
@click.argument("fault_id", type=int, required=False)
@click.option("--all", "clear_all", is_flag=True, help="Remove every fault.")
@click.option("--json", "as_json", is_flag=True)
@in_app
def fault_clear(fault_id: int | None, clear_all: bool, as_json: bool) -> None:
    """Remove fault ID, or every fault with --all."""
    from idp.domain import faults

    if fault_id is None and not clear_all:
        fail("give a fault id or --all", None, as_json)
    removed = faults.clear(db.session, None if clear_all else fault_id)
    db.session.commit()
    if not removed and not clear_all:
        fail(f"no fault #{fault_id}", None, as_json)
    emit({"cleared": removed}, as_json, f"cleared {removed} fault(s)")


@click.group("claims")
def claims_group() -> None:
    """Scripted claims: override or add ID token / userinfo claims for an account or a client."""


@claims_group.command("set")
@click.option("--account", "account_oid", help="The account's oid (its sub).")
@click.option("--client", "client_id", help="The client id.")
@click.argument("assignments", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True)
@in_app
def claims_set(account_oid: str | None, client_id: str | None, assignments: tuple[str, ...], as_json: bool) -> None:
    """Set NAME=JSONVALUE ... (a value that is not JSON is a string; null removes the claim)."""
    from idp.domain import claim_overrides as co

    try:
        claims = dict(co.parse_assignment(a) for a in assignments)
        rows = co.set_claims(db.session, claims, account_oid=account_oid, client_id=client_id)
    except co.OverrideInvalid as exc:
        db.session.rollback()
        fail(str(exc), {"field": exc.field}, as_json)
    db.session.commit()
    data = [co.override_json(r) for r in rows]
    emit(data, as_json, "\n".join(f"set {d['name']}={json.dumps(d['value'], ensure_ascii=False)}" for d in data))


@claims_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@in_app
def claims_list(as_json: bool) -> None:
    """List the claim overrides."""
    from idp.domain import claim_overrides as co

    data = [co.override_json(r) for r in co.list_overrides(db.session)]
    lines = [
        f"#{d['id']} account={d['account_oid'] or '*'} client={d['client_id'] or '*'} "
        f"{d['name']}={json.dumps(d['value'], ensure_ascii=False)}"
        for d in data
    ]
    emit(data, as_json, "\n".join(lines) or "no claim overrides")


@claims_group.command("clear")
@click.option("--account", "account_oid")
@click.option("--client", "client_id")
@click.option("--name")
@click.option("--json", "as_json", is_flag=True)
@in_app
def claims_clear(account_oid: str | None, client_id: str | None, name: str | None, as_json: bool) -> None:
    """Remove the overrides matching the filters (all of them without filters)."""
    from idp.domain import claim_overrides as co

    removed = co.clear(db.session, account_oid=account_oid, client_id=client_id, name=name)
    db.session.commit()
    emit({"cleared": removed}, as_json, f"cleared {removed} claim override(s)")


def _trainer_and_db():
    from idp import trainer

    return trainer, db


trainer_command = make_trainer_command(
    in_app,
    _trainer_and_db,
    "idp",
    "Switch the guided (trainer) mode of the IdP's registration and login screens: on, off, status.",
)


#: The fault, scripted-claims and trainer commands of the ``fedlab idp`` group.
COMMANDS = (fault_group, claims_group, trainer_command)

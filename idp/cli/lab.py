"""``fedlab idp clock|inbox|registry|checks|policy|pace``: the lab clock, inbox, citizen registry and checks."""

from __future__ import annotations

from typing import Any

import click
from flask import current_app

from idp.db import db
from labkit.cliutil import emit
from labkit.cliutil import fail
from labkit.cliutil import in_app_of
from labkit.cliutil import iso_date

in_app = in_app_of("idp:create_app")


def _iso(value) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


def _clock_json() -> dict[str, Any]:
    from idp.domain import labstate

    return {
        "now": _iso(labstate.now(db.session)),
        "offset_seconds": labstate.clock_offset(db.session).total_seconds(),
    }


@click.group("clock")
def clock_group() -> None:
    """The lab clock (business time = real time + offset)."""


@clock_group.command("show")
@click.option("--json", "as_json", is_flag=True)
@in_app
def clock_show(as_json: bool) -> None:
    """Print the lab clock's time and offset."""
    data = _clock_json()
    emit(data, as_json, f"lab clock: {data['now']} (offset {data['offset_seconds']:.0f}s)")


@clock_group.command("advance")
@click.argument("duration")
@click.option("--json", "as_json", is_flag=True)
@in_app
def clock_advance(duration: str, as_json: bool) -> None:
    """Move the lab clock forward by DURATION (e.g. 2d, 15m, 1d12h) and run the checks that fell due."""
    from idp.domain import verification as ver
    from shared.clock import parse_duration

    try:
        delta = parse_duration(duration)
    except ValueError:
        fail(f"bad duration {duration!r} (use e.g. 2d, 15m, 1d12h)", None, as_json)
    _, done = ver.advance_clock(db.session, delta, current_app.config["REGISTRY_POLICY"])
    db.session.commit()
    data = {**_clock_json(), "completed_checks": [check_json(c) for c in done]}
    emit(data, as_json, f"lab clock: {data['now']}; completed checks: {len(done)}")


@clock_group.command("reset")
@click.option("--json", "as_json", is_flag=True)
@in_app
def clock_reset(as_json: bool) -> None:
    """Put the lab clock back on real time."""
    from idp.domain import labstate

    labstate.reset_clock(db.session)
    db.session.commit()
    data = _clock_json()
    emit(data, as_json, f"lab clock: {data['now']} (real time)")


@click.command("inbox")
@click.option("--to", "recipient", help="Phone or e-mail address (any typing) or a letter's recipient.")
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@in_app
def inbox_command(recipient: str | None, limit: int, as_json: bool) -> None:
    """Show the lab inbox: every SMS, e-mail and letter the IdP sent, newest first."""
    from idp.domain import inbox
    from idp.views.lab import message_json
    from idp.views.lab import recipient_key

    messages = inbox.messages(db.session, recipient_key(recipient), limit=limit)
    lines = [
        f"[{m.business_time or m.created_at:%Y-%m-%d %H:%M}] {m.channel} -> {m.recipient}: "
        + (f"{m.subject}: " if m.subject else "")
        + m.body
        for m in messages
    ]
    emit({"messages": [message_json(m) for m in messages]}, as_json, "\n".join(lines) or "(no messages)")


@click.group("registry")
def registry_group() -> None:
    """The lab registry of citizens that the МВД and СФР checks compare against."""


@registry_group.command("add")
@click.option("--last-name", required=True)
@click.option("--first-name", required=True)
@click.option("--middle-name")
@click.option("--gender", type=click.Choice(["M", "F"]), required=True)
@click.option("--birth-date", callback=iso_date, required=True, help="YYYY-MM-DD")
@click.option("--snils")
@click.option("--passport-series")
@click.option("--passport-number")
@click.option("--json", "as_json", is_flag=True)
@in_app
def registry_add(as_json: bool, **fields: Any) -> None:
    """Add a citizen to the lab registry."""
    from idp.domain import registry

    try:
        citizen = registry.add_citizen(db.session, **fields)
        db.session.commit()
    except registry.CitizenInvalid as exc:
        db.session.rollback()
        fail("invalid citizen data", {"fields": exc.errors}, as_json)
    emit(registry.citizen_json(citizen), as_json, f"added citizen {citizen.id} ({citizen.full_name})")


@registry_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@in_app
def registry_list(as_json: bool) -> None:
    """List the citizens of the lab registry."""
    from idp.domain import registry

    citizens = registry.list_citizens(db.session)
    lines = [
        f"{c.id:>4} {c.full_name} {c.gender} {c.birth_date} SNILS {c.snils or '-'} "
        f"passport {c.passport_series or '-'} {c.passport_number or '-'}"
        for c in citizens
    ]
    emit([registry.citizen_json(c) for c in citizens], as_json, "\n".join(lines) or "(registry is empty)")


def check_json(check) -> dict[str, Any]:
    """Return a registry check as a JSON-ready dict."""
    return {
        "id": check.id,
        "account_oid": check.account.oid,
        "account": check.account.full_name,
        "status": check.status,
        "submitted_at": _iso(check.submitted_at),
        "due_at": _iso(check.due_at),
        "completed_at": _iso(check.completed_at),
        "mvd_result": check.mvd_result,
        "sfr_result": check.sfr_result,
        "reason": check.reason,
        "decided_by": check.decided_by,
    }


@click.group("checks")
def checks_group() -> None:
    """State registry checks of submitted profiles."""


@checks_group.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include completed checks.")
@click.option("--json", "as_json", is_flag=True)
@in_app
def checks_list(show_all: bool, as_json: bool) -> None:
    """List pending checks (with --all, every check), soonest due first."""
    from sqlalchemy import select

    from idp.domain import verification as ver
    from idp.models.verification import VerificationCheck

    if show_all:
        checks = list(db.session.scalars(select(VerificationCheck).order_by(VerificationCheck.id)))
    else:
        checks = ver.pending_checks(db.session)
    lines = [f"{c.id:>4} {c.status:<8} due {c.due_at:%Y-%m-%d %H:%M} {c.account.full_name}" for c in checks]
    emit([check_json(c) for c in checks], as_json, "\n".join(lines) or "(no checks)")


@checks_group.command("run-due")
@click.option("--json", "as_json", is_flag=True)
@in_app
def checks_run_due(as_json: bool) -> None:
    """Complete every check that is due on the lab clock now."""
    from idp.domain import labstate
    from idp.domain import registry
    from idp.domain import verification as ver

    policy = registry.get_policy(db.session, current_app.config["REGISTRY_POLICY"])
    done = ver.run_due_checks(db.session, labstate.now(db.session), policy)
    db.session.commit()
    lines = [f"{c.id:>4} {c.status} {c.account.full_name} {c.reason or ''}" for c in done]
    emit([check_json(c) for c in done], as_json, "\n".join(lines) or "no checks were due")


@click.group("policy")
def policy_group() -> None:
    """How the registries check profiles: lenient or strict."""


@policy_group.command("show")
@in_app
def policy_show() -> None:
    """Print the registry policy."""
    from idp.domain import registry

    click.echo(registry.get_policy(db.session, current_app.config["REGISTRY_POLICY"]))


@policy_group.command("set")
@click.argument("policy", type=click.Choice(["lenient", "strict"]))
@in_app
def policy_set(policy: str) -> None:
    """Set the registry policy (lenient: any well-formed data; strict: must match the registry)."""
    from idp.domain import registry

    registry.set_policy(db.session, policy)
    db.session.commit()
    click.echo(f"registry policy: {policy}")


@click.group("pace")
def pace_group() -> None:
    """How fast registry checks complete: real, instant or accelerated."""


def _pace_line(data: dict[str, Any]) -> str:
    factor = f" (factor {data['factor']})" if data["factor"] else ""
    return f"verification pace: {data['pace']}{factor}"


@pace_group.command("show")
@click.option("--json", "as_json", is_flag=True)
@in_app
def pace_show(as_json: bool) -> None:
    """Print the verification pace."""
    from idp.domain import verification as ver

    data = ver.get_pace(db.session).as_json()
    emit(data, as_json, _pace_line(data))


@pace_group.command("set")
@click.argument("pace", type=click.Choice(["real", "instant", "accelerated"]))
@click.option("--factor", type=int, help="For accelerated: divide the drawn delay by N (1440 = a day per minute).")
@click.option("--json", "as_json", is_flag=True)
@in_app
def pace_set(pace: str, factor: int | None, as_json: bool) -> None:
    """Set the verification pace for profiles submitted from now on."""
    from idp.domain import verification as ver

    if factor is not None and pace != "accelerated":
        fail("--factor applies only to the accelerated pace", None, as_json)
    try:
        data = ver.set_pace(db.session, pace, factor).as_json()
    except ValueError as exc:
        fail(str(exc), None, as_json)
    db.session.commit()
    emit(data, as_json, _pace_line(data))


#: The lab's commands of the ``fedlab idp`` group.
COMMANDS = (clock_group, inbox_command, registry_group, checks_group, policy_group, pace_group)

"""``fedlab idp account ...``: accounts created directly, with their JSON form."""

from __future__ import annotations

import json
from typing import Any

import click

from idp.db import db
from labkit.cliutil import fail
from labkit.cliutil import in_app_of
from labkit.cliutil import iso_date


def account_json(account) -> dict[str, Any]:
    """Return the account's data as a JSON-ready dict (no password hash)."""
    from shared.validators import format_phone
    from shared.validators import format_snils

    return {
        "oid": account.oid,
        "last_name": account.last_name,
        "first_name": account.first_name,
        "middle_name": account.middle_name,
        "phone": format_phone(account.phone) if account.phone else None,
        "email": account.email,
        "gender": account.gender,
        "birth_date": account.birth_date.isoformat() if account.birth_date else None,
        "birth_place": account.birth_place,
        "citizenship": account.citizenship,
        "snils": format_snils(account.snils) if account.snils else None,
        "inn": account.inn,
        "passport": (
            {
                "series": account.doc_series,
                "number": account.doc_number,
                "issue_date": account.doc_issue_date.isoformat() if account.doc_issue_date else None,
                "issued_by": account.doc_issued_by,
                "department_code": account.doc_department_code,
            }
            if account.doc_series
            else None
        ),
        "level": account.level,
        "profile_status": account.profile_status,
    }


in_app = in_app_of("idp:create_app")


@click.group("account")
def account_group() -> None:
    """Accounts."""


@account_group.command("create")
@click.option("--last-name", required=True)
@click.option("--first-name", required=True)
@click.option("--middle-name")
@click.option("--phone")
@click.option("--email")
@click.option("--password", help="Must satisfy the password policy.")
@click.option("--gender", type=click.Choice(["M", "F"]))
@click.option("--birth-date", callback=iso_date, help="YYYY-MM-DD")
@click.option("--birth-place")
@click.option("--citizenship", help="ISO alpha-3, e.g. RUS")
@click.option("--snils")
@click.option("--inn")
@click.option("--passport-series", "doc_series")
@click.option("--passport-number", "doc_number")
@click.option("--passport-issue-date", "doc_issue_date", callback=iso_date)
@click.option("--passport-issued-by", "doc_issued_by")
@click.option("--passport-department-code", "doc_department_code")
@click.option("--level", type=click.Choice(["simplified", "standard", "verified"]), default="simplified")
@click.option("--json", "as_json", is_flag=True, help="Print the account as JSON.")
@in_app
def account_create(as_json: bool, **fields: Any) -> None:
    """Create an account directly (contacts count as confirmed)."""
    from idp.domain import labstate
    from idp.domain.accounts import AccountInvalid
    from idp.domain.accounts import AccountTaken
    from idp.domain.accounts import create_account
    from labkit.web import password_hasher

    try:
        account = create_account(db.session, password_hasher(), today=labstate.now(db.session).date(), **fields)
        db.session.commit()
    except AccountInvalid as exc:
        db.session.rollback()
        fail("invalid account data", {"fields": exc.errors}, as_json)
    except AccountTaken as exc:
        db.session.rollback()
        fail(f"{exc.field} already belongs to another account", {"field": exc.field}, as_json)
    if as_json:
        click.echo(json.dumps(account_json(account), ensure_ascii=False, indent=2))
    else:
        click.echo(f"created account {account.oid} ({account.full_name}, {account.level})")

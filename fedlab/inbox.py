"""``fedlab inbox``: the lab phone and mailbox of both apps, newest first.

The IdP's SMS, e-mails and letters and the diary's messages to parents, read from each app's own database.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from labkit.cliutil import emit


def _app_context(package: str):
    """Return the running app's context when it is ``package``'s app, else a new app's (made from settings)."""
    import importlib

    from flask import current_app
    from flask import has_app_context

    if has_app_context() and current_app.import_name == package:
        return current_app.app_context()
    return importlib.import_module(package).create_app().app_context()


def _idp_messages(recipient: str | None, limit: int) -> list[dict[str, Any]]:
    from idp.db import db
    from idp.domain import inbox
    from idp.views.lab import message_json
    from idp.views.lab import recipient_key

    with _app_context("idp"):
        rows = inbox.messages(db.session, recipient_key(recipient), limit=limit)
        return [{**message_json(m), "source": "idp"} for m in rows]


def _diary_messages(recipient: str | None, limit: int) -> list[dict[str, Any]]:
    from rp.extensions import db
    from rp.models.comms import OutboxMessage
    from rp.views.lab_api import outbox_json
    from shared import validators as v

    key = (recipient or "").strip()
    if key and "@" in key:
        key = key.lower()
    elif key:
        try:
            key = v.normalize_phone(key)
        except v.ValidationError:
            pass
    with _app_context("rp"):
        query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
        if key:
            query = query.where(OutboxMessage.to_address == key)
        return [{**outbox_json(m), "source": "diary"} for m in db.session.scalars(query)]


def _when(message: dict[str, Any]) -> datetime:
    text = (message.get("business_time") or message.get("created_at") or "").removesuffix("Z")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return datetime.min


def _line(m: dict[str, Any]) -> str:
    source = "diary" if m["source"] == "diary" else "idp"
    subject = f"{m['subject']}: " if m.get("subject") else ""
    return f"[{_when(m):%Y-%m-%d %H:%M}] {source} {m['channel']} -> {m['recipient']}: {subject}{m['body']}"


@click.command("inbox")
@click.option("--to", "recipient", help="Phone or e-mail address (any typing) or a letter's recipient.")
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def inbox_command(recipient: str | None, limit: int, as_json: bool) -> None:
    """Show the lab inbox of both apps: the IdP's SMS, e-mails, letters and the diary's messages, newest first."""
    messages: list[dict[str, Any]] = []
    problems: dict[str, str] = {}
    for source, read in (("idp", _idp_messages), ("diary", _diary_messages)):
        try:
            messages.extend(read(recipient, limit))
        except SQLAlchemyError as exc:
            problems[source] = f"database not readable ({type(exc).__name__})"
    messages.sort(key=_when, reverse=True)
    messages = messages[:limit]
    lines = [_line(m) for m in messages] or ["(no messages)"]
    lines += [f"warning: {source}: {problem}" for source, problem in problems.items()]
    emit({"messages": messages, "problems": problems}, as_json, "\n".join(lines))

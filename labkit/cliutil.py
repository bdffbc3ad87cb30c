"""Helpers for the apps' click commands."""

from __future__ import annotations

import functools
import importlib
import json
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

import click
from flask import has_app_context


def in_app_of(factory: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Return a decorator running a command inside the app made by ``factory`` ("module:function")."""
    module_name, func_name = factory.split(":")

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if has_app_context():
                return func(*args, **kwargs)
            create_app = getattr(importlib.import_module(module_name), func_name)
            with create_app().app_context():
                return func(*args, **kwargs)

        return wrapper

    return decorator


def fail(message: str, payload: dict | None = None, as_json: bool = False) -> None:
    """Print an error (as JSON with ``--json``) and exit with status 1."""
    if as_json:
        click.echo(json.dumps({"error": message, **(payload or {})}, ensure_ascii=False))
    else:
        click.echo(f"error: {message}", err=True)
        for key, value in (payload or {}).items():
            click.echo(f"  {key}: {value}", err=True)
    sys.exit(1)


def emit(data: Any, as_json: bool, text: str) -> None:
    """Print ``data`` as JSON with ``--json``, else the human-readable ``text``."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str) if as_json else text)


def iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """Click callback: turn a ``YYYY-MM-DD`` option into a date (None stays None)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("expected YYYY-MM-DD") from None


def trainer_command(
    in_app: Callable[[Callable[..., Any]], Callable[..., Any]],
    load: Callable[[], tuple[Any, Any]],
    label: str,
    doc: str,
) -> click.Command:
    """Build the ``trainer on|off|status`` command of one app (``load`` returns its trainer module and db)."""

    @click.command("trainer", help=doc)
    @click.argument("state", type=click.Choice(["on", "off", "status"]), default="status")
    @click.option("--json", "as_json", is_flag=True)
    @in_app
    def command(state: str, as_json: bool) -> None:
        trainer, db = load()
        if state != "status":
            trainer.set_enabled(db.session, state == "on")
            db.session.commit()
        enabled = trainer.is_enabled(db.session)
        emit({"trainer": enabled}, as_json, f"{label} trainer mode: {'on' if enabled else 'off'}")

    return command

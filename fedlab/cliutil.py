"""Helpers for the apps' click commands."""

from __future__ import annotations

import functools
import importlib
import json
import sys
from collections.abc import Callable
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

"""Login sessions both apps keep the same way: a fresh session per login, the logged-in row, safe redirects.

Each app's ``auth_session`` module names its own session keys and model and calls these helpers. The
values live on the server (:mod:`labkit.session_interface`); the cookie carries only a random id,
renewed at every login and logout.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import current_app
from flask import g
from flask import redirect
from flask import request
from flask import session
from flask import url_for
from flask_sqlalchemy import SQLAlchemy

#: What a fresh session keeps: the language and which login's ``ui_locales`` chose it (labkit.web).
KEPT_KEYS = ("lang", "ui_locales_for")


def reset_session() -> None:
    """End the session on the server and start a new one under a new id, keeping only the language choice."""
    kept = {key: session[key] for key in KEPT_KEYS if session.get(key)}
    session.clear()
    renew = getattr(session, "renew", None)
    if renew is not None:
        renew()
    session.update(kept)


def end_sessions_of(subject: Any) -> None:
    """End every session logged in as ``subject`` (a password reset or change).

    In the database this runs in the request's transaction: the caller commits it with the new password.
    The current request's own session ends too unless the caller starts a new one afterwards.
    """
    from labkit.session_interface import interface

    interface(current_app).end_subject(subject)


def end_logged_in_sessions() -> None:
    """End every logged-in session of the app (a lab reset); anonymous ones keep their language and messages."""
    from labkit.session_interface import ServerSessionInterface

    si = current_app.session_interface
    if isinstance(si, ServerSessionInterface):
        si.store.end_all_subjects()


def start_session(id_key: str, id_value: Any, method_key: str, method: str, auth_time: int) -> None:
    """Start a fresh session (a new id) holding ``id_key``, the ``auth_time`` (epoch seconds) and ``method_key``."""
    reset_session()
    session[id_key] = id_value
    session["auth_time"] = auth_time
    session[method_key] = method


def logged_in(db: SQLAlchemy, model: type, id_key: str, cache_key: str) -> Any:
    """Return the ``model`` row whose id the session holds under ``id_key`` (or None), cached on ``g``."""
    if cache_key not in g:
        row_id = session.get(id_key)
        setattr(g, cache_key, db.session.get(model, row_id) if row_id else None)
    return getattr(g, cache_key)


def safe_next(target: str | None, default: str) -> str:
    """Return ``target`` only if it is a local path on this site; otherwise ``default``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    # Browsers drop tabs and newlines from URLs ("/\t/evil" becomes "//evil"): refuse any control or space.
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in target):
        return default
    return target


def require_login(current: Callable[[], Any], view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ``view`` so that when ``current()`` is None the visitor goes to the login page and comes back."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current() is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped

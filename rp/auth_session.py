"""Who is logged in to the diary: the signed session cookie holds the diary user id.

Every area uses these helpers; nothing else reads ``session["user_id"]``.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from flask import g
from flask import redirect
from flask import request
from flask import session
from flask import url_for

from rp.extensions import db
from rp.models.people import User


def login_user(user: User, method: str = "password") -> None:
    """Start a fresh session for ``user`` (old session data is dropped: no fixation)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session["user_id"] = user.id
    session["auth_time"] = int(time.time())
    session["login_method"] = method
    session.permanent = True


def logout_user() -> None:
    """End the session, keeping only the language choice."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def current_user() -> User | None:
    """Return the logged-in diary user, or None."""
    if "current_user" not in g:
        user_id = session.get("user_id")
        g.current_user = db.session.get(User, user_id) if user_id else None
    return g.current_user


def safe_next(target: str | None, default: str) -> str:
    """Return ``target`` only if it is a local path on this site; otherwise ``default``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    # Browsers drop tabs and newlines from URLs ("/\t/evil" becomes "//evil"): refuse any control or space.
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in target):
        return default
    return target


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send anonymous visitors to the login page, coming back here afterwards."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped

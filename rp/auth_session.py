"""Who is logged in to the diary: the server-side session holds the diary user id.

Every area uses these helpers; nothing else reads ``session["user_id"]``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import session

from labkit.sessions import end_sessions_of
from labkit.sessions import logged_in
from labkit.sessions import require_login
from labkit.sessions import reset_session
from labkit.sessions import safe_next
from labkit.sessions import start_session
from rp.clock import clock
from rp.extensions import db
from rp.models.people import User

__all__ = ["current_user", "end_sessions_of_user", "login_required", "login_user", "logout_user", "safe_next"]


def login_user(user: User, method: str = "password") -> None:
    """Start a fresh session for ``user`` (old session data is dropped: no fixation)."""
    start_session("user_id", user.id, "login_method", method, clock.timestamp())


def logout_user() -> None:
    """End the session on the server (a copy of the cookie opens nothing), keeping only the language choice."""
    reset_session()


def end_sessions_of_user(user_id: int) -> None:
    """End every session of the diary user, in every browser (the caller commits, with the new password)."""
    end_sessions_of(user_id)
    if session.get("user_id") == user_id:
        reset_session()  # this browser goes on anonymous, under a new id (its messages kept)


def current_user() -> User | None:
    """Return the logged-in diary user, or None."""
    return logged_in(db, User, "user_id", "current_user")


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send anonymous visitors to the login page, coming back here afterwards."""
    return require_login(current_user, view)

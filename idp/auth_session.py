"""Who is logged in to the IdP: the server-side session holds the account id and auth time.

Every area uses these helpers; nothing else reads ``session["account_id"]``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import session

from idp.clock import clock
from idp.db import db
from idp.models.accounts import Account
from labkit.sessions import end_sessions_of
from labkit.sessions import logged_in
from labkit.sessions import require_login
from labkit.sessions import reset_session
from labkit.sessions import safe_next
from labkit.sessions import start_session

__all__ = [
    "auth_time",
    "current_account",
    "current_account_id",
    "end_sessions_of_account",
    "login_account",
    "login_required",
    "logout",
    "safe_next",
]


def login_account(account: Account, method: str = "pwd") -> None:
    """Start a fresh session for ``account`` (old session data is dropped: no fixation)."""
    start_session("account_id", account.id, "amr", method, clock.timestamp())


def logout() -> None:
    """End the session on the server (a copy of the cookie opens nothing), keeping only the language choice."""
    reset_session()


def end_sessions_of_account(account_id: int) -> None:
    """End every session of the account, in every browser (the caller commits, with the new password)."""
    end_sessions_of(account_id)
    if current_account_id() == account_id:
        reset_session()  # this browser goes on anonymous, under a new id (its messages kept)


def current_account() -> Account | None:
    """Return the logged-in account, or None."""
    return logged_in(db, Account, "account_id", "current_account")


def current_account_id() -> int | None:
    """Return the logged-in account's id from the session (already read with the request), or None."""
    return session.get("account_id")


def auth_time() -> int | None:
    """Return when the current session authenticated (epoch seconds)."""
    return session.get("auth_time")


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send anonymous visitors to the login page, coming back here afterwards."""
    return require_login(current_account, view)

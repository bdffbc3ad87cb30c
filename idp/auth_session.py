"""Who is logged in to the IdP: the signed session cookie holds the account id and auth time.

Every area uses these helpers; nothing else reads ``session["account_id"]``.
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

from idp.extensions import db
from idp.models.accounts import Account


def login_account(account: Account, method: str = "pwd") -> None:
    """Start a fresh session for ``account`` (old session data is dropped: no fixation)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session["account_id"] = account.id
    session["auth_time"] = int(time.time())
    session["amr"] = method
    session.permanent = True


def logout() -> None:
    """End the session, keeping only the language choice."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def current_account() -> Account | None:
    """Return the logged-in account, or None."""
    if "current_account" not in g:
        account_id = session.get("account_id")
        g.current_account = db.session.get(Account, account_id) if account_id else None
    return g.current_account


def auth_time() -> int | None:
    """Return when the current session authenticated (epoch seconds)."""
    return session.get("auth_time")


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
        if current_account() is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped

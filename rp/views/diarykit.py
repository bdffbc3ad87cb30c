"""Helpers the diary's pages share: the viewer of this request, the consent gate, the diary's today."""

from __future__ import annotations

import functools
from collections.abc import Callable
from collections.abc import Sequence
from datetime import date
from datetime import datetime
from typing import Any

from flask import abort
from flask import current_app
from flask import g
from flask import redirect
from flask import request
from flask import url_for
from sqlalchemy.exc import SQLAlchemyError

from rp.auth_session import current_user
from rp.auth_session import login_required
from rp.clock import clock
from rp.domain import access
from rp.domain.calendar import choose_period
from rp.domain.consent import ACCEPTED
from rp.domain.consent import consent_state
from rp.extensions import db
from rp.models.school import Period


def viewer() -> access.Viewer:
    """Return the access profile of the logged-in person (computed once per request)."""
    if "diary_viewer" not in g:
        g.diary_viewer = access.viewer_for(db.session, current_user().person_id)
    return g.diary_viewer


def today() -> date:
    """Return the diary's today: the clock's day (``DIARY_TODAY`` pins it for demos and tests)."""
    return clock.today()


def now() -> datetime:
    """Return the current time on the diary's day."""
    return clock.now()


def consent_ok() -> bool:
    """Return whether the viewer may see diary data: non-parents always, parents after accepting the current text."""
    who = viewer()
    if not who.is_parent:
        return True
    return consent_state(db.session, who.person_id, current_app.config["CONSENT_VERSION"]) == ACCEPTED


def diary_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Require a login, and send parents without a valid consent to the consent page first."""

    @login_required
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not consent_ok():
            if request.path.startswith("/api/"):
                abort(403, description="consent_required")
            return redirect(url_for("consent.show", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def require(allowed: bool) -> None:
    """Answer 404 unless ``allowed``: someone else's data is never shown, nor confirmed to exist."""
    if not allowed:
        abort(404)


def chosen_period(periods: Sequence[Period], day: date | None = None) -> Period | None:
    """Return the period picked by ``?period=<id>``, else the one :func:`choose_period` gives for ``day`` (today)."""
    return choose_period(periods, request.args.get("period", type=int), day or today())


def inject_nav() -> dict[str, Any]:
    """Context processor: the top navigation on every page of a signed-in person (settings, 404 and the rest)."""
    try:
        if current_user() is None:
            return {"viewer": None}
        return nav_context()
    except SQLAlchemyError:  # an error page after a failed transaction still renders, without the menu
        db.session.rollback()
        return {"viewer": None}


def nav_context() -> dict[str, Any]:
    """Return what the diary's top navigation needs (read once per request: the view and ``inject_nav`` both ask)."""
    if "diary_nav" not in g:
        who = viewer()
        g.diary_nav = {
            "viewer": who,
            "my_pupils": access.visible_pupils(db.session, who),
            "can_logout": "auth.logout" in current_app.view_functions,
        }
    return dict(g.diary_nav)

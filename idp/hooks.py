"""Per-request work of the IdP outside any one view: completing registry checks that fell due.

Registered by the app factory (:func:`setup_due_checks`). The protocol endpoints (discovery, JWKS,
token, userinfo…), the health check and the JSON APIs do no such work; only the pages that show
an account's level or its checks do.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Flask
from flask import current_app
from flask import request
from sqlalchemy.exc import SQLAlchemyError

from idp import auth_session
from idp.db import db
from idp.domain import labstate
from idp.domain import registry
from idp.domain import verification as ver

log = logging.getLogger(__name__)

#: Blueprints whose pages show an account's level or its registry checks.
ACCOUNT_STATE_BLUEPRINTS = frozenset({"home", "profile", "operator", "lab", "consents"})
#: Further pages that depend on the logged-in account's level: the login page and the authorization request
#: (for an anonymous visitor they show no account, so they complete nothing).
ACCOUNT_STATE_ENDPOINTS = frozenset({"auth.login", "oidc.authorization.authorize"})
#: Routes of those blueprints that are not pages (the health check, the presenter's inbox poll).
NOT_PAGES = frozenset({"home.healthz", "lab.inbox_json"})


def shows_account_state(endpoint: str | None, blueprint: str | None, logged_in: bool = True) -> bool:
    """Return whether the request is for a page that shows account state (so due checks complete first)."""
    if endpoint is None or endpoint in NOT_PAGES:
        return False
    return (endpoint in ACCOUNT_STATE_ENDPOINTS and logged_in) or blueprint in ACCOUNT_STATE_BLUEPRINTS


def run_due(now: datetime | None = None) -> int:
    """Complete the checks that are due on the lab clock, with the lab's policy; return how many."""
    session = db.session
    if now is None:
        now = labstate.now(session)
    policy = registry.get_policy(session, current_app.config["REGISTRY_POLICY"])
    return len(ver.run_due_checks(session, now, policy))


def complete_due_checks() -> None:
    """Complete checks that fell due (also after a restart); one indexed query when none is due."""
    # The session is read only where it matters (the protocol's back-channel requests never read it).
    logged_in = request.endpoint in ACCOUNT_STATE_ENDPOINTS and auth_session.current_account_id() is not None
    if not shows_account_state(request.endpoint, request.blueprint, logged_in):
        return
    try:
        first_due, now = ver.first_due_and_now(db.session)
        if first_due is not None and first_due <= now:
            run_due(now)
            db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("completing due registry checks failed")


def setup_due_checks(app: Flask) -> None:
    """Complete due registry checks before each page that shows account state."""
    app.before_request(complete_due_checks)

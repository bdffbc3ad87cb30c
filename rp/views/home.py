"""The diary's front door and the health check."""

from __future__ import annotations

from flask import Blueprint
from flask import redirect
from flask import url_for

from labkit.health import health_response
from rp.extensions import db

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """Send visitors to the login page (the diary itself lives behind it)."""
    return redirect(url_for("auth.login"))


@bp.get("/healthz")
def healthz():
    """Answer 200 with a small JSON body when the app and its database respond, else 503 with the reason."""
    return health_response(db.session, "rp")

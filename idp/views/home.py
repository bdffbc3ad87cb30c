"""The portal's home page and the health check."""

from __future__ import annotations

from flask import Blueprint
from flask import render_template

from idp.auth_session import current_account
from idp.db import db
from labkit.health import health_response

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """Show the portal's front page with "Войти" and "Регистрация"."""
    return render_template("home/index.html", account=current_account())


@bp.get("/healthz")
def healthz():
    """Answer 200 with a small JSON body when the app and its database respond, else 503 with the reason."""
    return health_response(db.session, "idp")

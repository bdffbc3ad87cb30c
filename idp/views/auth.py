"""Log in with phone, e-mail or SNILS and the password; log out."""

from __future__ import annotations

import math

from flask import Blueprint
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _

from idp import auth_session
from idp.db import db
from idp.domain import labstate
from idp.domain import login as login_domain
from idp.extensions import csrf
from idp.forms.auth import LoginForm
from idp.forms.auth import LogoutForm
from idp.oidc.endpoints.logout import RP_LOGOUT_PARAMETERS
from idp.oidc.endpoints.logout import end_session
from idp.oidc.endpoints.tracing import begin_login_step
from idp.oidc.endpoints.tracing import record_exchange
from labkit.web import password_hasher

bp = Blueprint("auth", __name__)

#: The log-in form's POST during a client's login is a step of that login's protocol trace.
bp.after_request(record_exchange)


def _policy() -> login_domain.LockoutPolicy:
    cfg = current_app.config
    return login_domain.LockoutPolicy(int(cfg["LOGIN_MAX_FAILURES"]), int(cfg["LOGIN_LOCKOUT_SECONDS"]))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the log-in form; on success go to a safe ``next`` or the home page."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        # OIDC ``login_hint`` (passed on by the authorization endpoint) prefills the login field.
        form.login.data = request.args.get("login_hint", "")[:254]
    error = None
    status = 200
    if form.validate_on_submit():
        begin_login_step(form.next.data)
        try:
            account = login_domain.authenticate(
                db.session, password_hasher(), form.login.data, form.password.data, _policy(), request.remote_addr
            )
        except login_domain.LoginFailed:
            db.session.commit()  # the failure counts
            error = _("Неверный логин или пароль.")
            status = 401
        except login_domain.LoginLocked as exc:
            db.session.commit()
            minutes = max(1, math.ceil((exc.until - labstate.now(db.session)).total_seconds() / 60))
            error = _(
                "Слишком много неудачных попыток входа. Вход временно заблокирован, "
                "попробуйте через %(minutes)s мин. или воспользуйтесь восстановлением доступа.",
                minutes=minutes,
            )
            status = 429
        else:
            auth_session.login_account(account)  # before the commit, which would expire the account
            begin_login_step(form.next.data, str(account.oid))
            db.session.commit()
            return redirect(auth_session.safe_next(form.next.data, url_for("home.index")))
        form.password.data = ""
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
@csrf.exempt
def logout():
    """End the session: the IdP's own button (CSRF-protected), or a relying party's logout request.

    OIDC RP-Initiated Logout 1.0 §2 lets the relying party POST its request; that request carries no
    CSRF token (an ``id_token_hint`` authenticates it, or the person confirms on a CSRF-protected page).
    """
    if any(name in request.form for name in RP_LOGOUT_PARAMETERS):
        return end_session()
    csrf.protect()
    form = LogoutForm()
    if form.validate_on_submit():
        auth_session.logout()
    return redirect(url_for("home.index"))

"""The diary's login page (own login and password, "Войти через ГосУслуги"), logout and profile settings."""

from __future__ import annotations

import logging

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from labkit.web import password_hasher
from rp.auth_session import current_user
from rp.auth_session import login_required
from rp.auth_session import login_user
from rp.auth_session import logout_user
from rp.auth_session import safe_next
from rp.clock import clock
from rp.domain import linking
from rp.domain.logins import LoginPolicy
from rp.domain.logins import check_password
from rp.domain.regions import get_region
from rp.extensions import db
from rp.forms.auth import LoginForm
from rp.forms.auth import LogoutForm
from rp.forms.auth import UnlinkForm

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)


def diary_home() -> str:
    """Return the diary's landing page after login (``/diary``)."""
    try:
        return url_for("diary.index")
    except BuildError:
        return "/diary"


def login_policy() -> LoginPolicy:
    """Return the configured lockout policy for diary passwords."""
    cfg = current_app.config
    return LoginPolicy(int(cfg["LOGIN_MAX_FAILURES"]), int(cfg["LOGIN_LOCKOUT_SECONDS"]))


def login_problem_message(problem: str | None) -> str:
    """Return the Russian message for a refused diary password."""
    if problem == "locked":
        return _("Слишком много неудачных попыток. Вход по этому логину временно заблокирован, попробуйте позже.")
    return _("Неверный логин или пароль.")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show and check the diary's login form; offer "Войти через ГосУслуги"."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    target = safe_next(form.next.data, diary_home())
    if current_user() is not None and request.method == "GET":
        return redirect(target)
    error = None
    if form.validate_on_submit():
        result = check_password(
            db.session, password_hasher(), form.login.data, form.password.data, login_policy(), clock.real()
        )
        db.session.commit()
        if result.user is not None:
            login_user(result.user, method="password")
            return redirect(target)
        log.info("diary password refused for login %r: %s", form.login.data, result.problem)
        error = login_problem_message(result.problem)
        form.password.data = ""
    region_name = current_app.config.get("DEFAULT_REGION")
    region = get_region(db.session, region_name) if region_name else None
    status = 200 if error is None and not form.errors else 400
    return render_template("auth/login.html", form=form, error=error, region=region), status


@bp.post("/logout")
def logout():
    """End the diary session (CSRF-checked)."""
    form = LogoutForm()
    if form.validate_on_submit():
        logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Profile settings: the Gosuslugi link and a way to remove it."""
    user = current_user()
    form = UnlinkForm()
    if form.validate_on_submit():
        removed = linking.unlink(db.session, user)
        db.session.commit()
        if removed:
            log.info("diary login %r unlinked from Gosuslugi", user.login)
            flash(
                _("Учётная запись госуслуг отвязана. Войти через госуслуги можно будет после новой привязки."),
                "success",
            )
        return redirect(url_for("auth.settings"))
    return render_template("auth/settings.html", user=user, form=form, logout_form=LogoutForm())

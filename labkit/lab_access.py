"""Lab pages off loopback: a visitor enters the lab token once and the session remembers it.

On loopback (the default ``make run``) lab pages open as they are; from another machine they need
the ``LAB_TOKEN`` of the app's configuration, like the lab API does with its header.
"""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint
from flask import Flask
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms import PasswordField
from wtforms import SubmitField
from wtforms.validators import InputRequired
from wtforms.validators import Length

from labkit.forms import FlaskForm
from labkit.sessions import safe_next

log = logging.getLogger(__name__)

#: Session key set once the visitor gave the right lab token.
UNLOCKED = "lab_unlocked"

bp = Blueprint("lab_access", __name__, template_folder="templates")


class UnlockForm(FlaskForm):
    """The lab token, asked once per browser session."""

    token = PasswordField(_l("Токен лаборатории"), validators=[InputRequired(), Length(max=256)])
    next = HiddenField()
    submit = SubmitField(_l("Открыть"))


def unlocked() -> bool:
    """Return whether this browser session gave the right lab token."""
    return session.get(UNLOCKED) is True


@bp.route("/lab-access", methods=["GET", "POST"])
def unlock():
    """Ask for the lab token and, when it is right, open the lab pages for this session."""
    if not current_app.config.get("LAB_MODE"):
        return render_template("error.html", code=404, title="404", message=""), 404
    form = UnlockForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    error = None
    if form.validate_on_submit():
        expected = str(current_app.config.get("LAB_TOKEN") or "")
        if expected and hmac.compare_digest(form.token.data.encode(), expected.encode()):
            session[UNLOCKED] = True
            return redirect(safe_next(form.next.data, "/"))
        log.warning("wrong lab token from %s", request.remote_addr)
        error = _l("Токен не подходит.")
    status = 401 if request.method == "POST" else 200
    return render_template("lab_access/unlock.html", form=form, error=error), status


def setup_lab_access(app: Flask) -> None:
    """Register the page that opens the lab pages to a visitor off loopback."""
    app.register_blueprint(bp)

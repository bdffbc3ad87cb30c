"""Lab pages off loopback: a visitor enters the lab token once and the session remembers it.

On loopback (the default ``make run``) lab pages open as they are; from another machine they need
the ``LAB_TOKEN`` of the app's configuration, like the lab API does with its header. Wrong tokens are
counted per address (:class:`TokenAttempts`): after ``LAB_TOKEN_MAX_ATTEMPTS`` in
``LAB_TOKEN_WINDOW_SECONDS`` the address gets 429 with ``Retry-After`` until the window has passed.
"""

from __future__ import annotations

import hmac
import logging
import math
import threading
from collections import deque

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


class TokenAttempts:
    """Wrong lab tokens per client address in a sliding window (per worker process, thread-safe).

    Times come from the app's clock (real time, not the lab's business time).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, address: str, now: float, window: float) -> deque[float]:
        failures = self._failures.setdefault(address, deque())
        while failures and failures[0] <= now - window:
            failures.popleft()
        return failures

    def retry_after(self, address: str, now: float, limit: int, window: float) -> int:
        """Return the seconds until ``address`` may try again (0: it may try now)."""
        with self._lock:
            failures = self._recent(address, now, window)
            if len(failures) < limit:
                if not failures:
                    self._failures.pop(address, None)
                return 0
            return max(1, math.ceil(failures[-limit] + window - now))

    def fail(self, address: str, now: float, window: float) -> None:
        """Count one wrong token from ``address``."""
        with self._lock:
            self._recent(address, now, window).append(now)
            if len(self._failures) > 10_000:  # forget the oldest addresses rather than grow without bound
                for stale in list(self._failures)[:1000]:
                    del self._failures[stale]


def attempts() -> TokenAttempts:
    """Return this app's counter of wrong lab tokens."""
    return current_app.extensions.setdefault("lab_token_attempts", TokenAttempts())


def _now() -> float:
    return float(current_app.extensions["clock"].timestamp())


def token_retry_after() -> int:
    """Return the seconds this request's address must wait before another lab token is looked at (0: none)."""
    cfg = current_app.config
    return attempts().retry_after(
        request.remote_addr or "", _now(), cfg["LAB_TOKEN_MAX_ATTEMPTS"], cfg["LAB_TOKEN_WINDOW_SECONDS"]
    )


def count_wrong_token() -> None:
    """Count a wrong lab token from this request's address."""
    log.warning("wrong lab token from %s", request.remote_addr)
    attempts().fail(request.remote_addr or "", _now(), current_app.config["LAB_TOKEN_WINDOW_SECONDS"])


def too_many(retry_after: int, api: bool):
    """The 429 answer for an address that sent too many wrong lab tokens."""
    from labkit.same_site import refusal

    response = refusal(
        429,
        "too_many_attempts",
        _l("Слишком много неверных токенов. Повторите через %(minutes)s мин.", minutes=max(1, retry_after // 60)),
        api,
    )
    response.headers["Retry-After"] = str(retry_after)
    return response


def unlocked() -> bool:
    """Return whether this browser session gave the right lab token."""
    return session.get(UNLOCKED) is True


@bp.route("/lab-access", methods=["GET", "POST"])
def unlock():
    """Ask for the lab token and, when it is right, open the lab pages for this session."""
    if not current_app.config.get("LAB_MODE"):
        return render_template("error.html", code=404, title="404", message=""), 404
    from labkit.same_site import refuse_foreign

    refused = refuse_foreign(api=False)
    if refused is not None:
        return refused
    form = UnlockForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    error = None
    if form.validate_on_submit():
        wait = token_retry_after()
        if wait:
            return too_many(wait, api=False)
        expected = str(current_app.config.get("LAB_TOKEN") or "")
        if expected and hmac.compare_digest(form.token.data.encode(), expected.encode()):
            session[UNLOCKED] = True
            return redirect(safe_next(form.next.data, "/"))
        count_wrong_token()
        error = _l("Токен не подходит.")
    status = 401 if request.method == "POST" else 200
    return render_template("lab_access/unlock.html", form=form, error=error), status


def setup_lab_access(app: Flask) -> None:
    """Register the page that opens the lab pages to a visitor off loopback."""
    app.register_blueprint(bp)

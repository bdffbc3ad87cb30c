"""Screen logic that registration and access recovery share: the pending row, the code and the password steps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from flask import flash
from flask import render_template
from flask import session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from idp.db import db
from idp.domain import registration as reg
from idp.domain.registration import RegistrationError
from idp.messages import ALLOWED_SYMBOLS_TEXT
from idp.messages import PASSWORD_RULES_HINT

#: Messages for the code errors that both flows word the same way.
CODE_ERRORS = {
    "code_dead": _l("Код введён неверно слишком много раз и больше не действует. Запросите новый код."),
    "code_expired": _l("Срок действия кода истёк. Запросите новый код."),
}


def code_policy() -> reg.CodePolicy:
    """Return the code policy of the running app."""
    return reg.code_policy(current_app.config)


def code_minutes() -> int:
    """Return how many minutes a code lives, as the messages that carry it say (at least 1)."""
    return max(1, int(current_app.config["CODE_TTL_SECONDS"]) // 60)


def pending_or_restart(find: Callable[[Any, str | None], Any], session_key: str, restart_message) -> Any:
    """Return the pending row this browser's session names, or None after flashing ``restart_message``."""
    pending = find(db.session, session.get(session_key))
    if pending is None:
        session.pop(session_key, None)
        flash(restart_message, "error")
    return pending


def resend_state(pending) -> dict[str, Any]:
    """Return what the confirm screen shows about sending again: ``can_resend``, ``wait_seconds``, ``sends_left``."""
    policy = code_policy()
    return {
        "can_resend": reg.can_resend(db.session, policy, pending),
        "wait_seconds": reg.resend_wait_seconds(db.session, policy, pending),
        "sends_left": max(0, policy.max_sends - pending.sends),
    }


def code_error_message(exc: RegistrationError, errors: dict) -> str:
    """Return the message for a refused code: attempts left for a wrong one, else the flow's wording."""
    if exc.code == "code_wrong":
        return _("Неверный код. Осталось попыток: %(remaining)s.", remaining=exc.remaining)
    return str(errors[exc.code])


def flash_resend_refused(exc: RegistrationError, errors: dict) -> None:
    """Flash why a new code was refused: the seconds to wait, else the flow's wording."""
    if exc.code == "resend_too_soon":
        flash(_("Новый код можно запросить через %(seconds)s с.", seconds=exc.wait_seconds), "error")
    else:
        flash(errors[exc.code], "error")


def password_page(template: str, form) -> str:
    """Render a "choose a password" screen with the password rules and the allowed symbols."""
    return render_template(template, form=form, rules_hint=PASSWORD_RULES_HINT, allowed_symbols=ALLOWED_SYMBOLS_TEXT)

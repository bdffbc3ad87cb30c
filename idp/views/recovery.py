"""Access recovery ("Восстановление доступа"): login -> code -> new password.

``/recovery`` (phone, e-mail or SNILS) -> ``/recovery/confirm`` (the code sent by SMS, or by
e-mail when the account has no phone) -> ``/recovery/password`` -> the login page. The screens
are the same whether or not an account matched.
"""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from idp import auth_session
from idp.db import db
from idp.domain import inbox
from idp.domain import recovery as rec
from idp.domain.accounts import AccountInvalid
from idp.forms.recovery import NewPasswordForm
from idp.forms.recovery import RecoveryCodeForm
from idp.forms.recovery import RecoveryForm
from idp.forms.recovery import RecoveryResendForm
from idp.forms.registration import attach_errors
from idp.views.code_steps import CODE_ERRORS
from idp.views.code_steps import code_error_message
from idp.views.code_steps import code_minutes
from idp.views.code_steps import code_policy
from idp.views.code_steps import flash_resend_refused
from idp.views.code_steps import password_page
from idp.views.code_steps import pending_or_restart
from idp.views.code_steps import resend_state
from labkit.web import password_hasher

bp = Blueprint("recovery", __name__, url_prefix="/recovery")


#: Session key holding the pending recovery's public id.
SESSION_KEY = "recovery_id"

ERRORS = {
    **CODE_ERRORS,
    "too_many_sends": _l("Код отправлялся слишком много раз. Начните восстановление заново позже."),
    "too_many_requests": _l("Слишком много запросов на восстановление доступа с этими данными. Попробуйте через час."),
    "not_confirmed": _l("Сначала введите код подтверждения."),
    "restart": _l("Восстановление доступа не найдено или устарело. Начните заново."),
}


def _send(outgoing: rec.Outgoing | None) -> None:
    """Put the code in the lab inbox (and SMTP for e-mail); nothing when there is nothing to send."""
    if outgoing is None:
        return
    minutes = code_minutes()
    if outgoing.channel == "sms":
        body = _(
            "Госуслуги: код для восстановления доступа %(code)s. Действует %(minutes)s мин. Никому не сообщайте код.",
            code=outgoing.code,
            minutes=minutes,
        )
        inbox.send(db.session, "sms", outgoing.recipient, body)
        return
    body = _(
        "Здравствуйте!\n\nКод для восстановления доступа к Госуслугам: %(code)s. Он действует %(minutes)s мин.\n\n"
        "Никому не сообщайте код. Если вы не восстанавливали доступ, просто удалите это письмо.",
        code=outgoing.code,
        minutes=minutes,
    )
    inbox.send(
        db.session,
        "email",
        outgoing.recipient,
        body,
        subject=_("Восстановление доступа к Госуслугам"),
        smtp_url=current_app.config.get("SMTP_URL", ""),
        mail_from=current_app.config.get("MAIL_FROM", ""),
    )


def _pending_or_restart():
    """Return the pending recovery of this browser, or None after flashing "start again"."""
    return pending_or_restart(rec.find_pending, SESSION_KEY, ERRORS["restart"])


@bp.route("", methods=["GET", "POST"])
def start():
    """Step 1: the phone, e-mail or SNILS of the account."""
    form = RecoveryForm()
    if form.validate_on_submit():
        try:
            pending, outgoing = rec.start(db.session, code_policy(), form.login.data)
        except AccountInvalid as exc:
            db.session.rollback()
            attach_errors(form, exc.errors)
        except rec.RecoveryError as exc:
            db.session.rollback()
            form.form_errors.append(str(ERRORS.get(exc.code, ERRORS["too_many_requests"])))
        else:
            _send(outgoing)
            db.session.commit()
            session[SESSION_KEY] = pending.public_id
            return redirect(url_for("recovery.confirm"))
    return render_template("recovery/start.html", form=form)


def _confirm_page(pending, form: RecoveryCodeForm, error: str | None = None):
    return render_template(
        "recovery/confirm.html", form=form, resend_form=RecoveryResendForm(), error=error, **resend_state(pending)
    )


@bp.route("/confirm", methods=["GET", "POST"])
def confirm():
    """Step 2: the code from the SMS (or the e-mail)."""
    pending = _pending_or_restart()
    if pending is None:
        return redirect(url_for("recovery.start"))
    if pending.confirmed_at is not None:
        return redirect(url_for("recovery.password"))
    form = RecoveryCodeForm()
    if form.validate_on_submit():
        try:
            rec.check_code(db.session, code_policy(), pending, form.code.data)
        except rec.RecoveryError as exc:
            db.session.commit()  # the wrong attempt counts
            form.code.data = ""
            return _confirm_page(pending, form, error=code_error_message(exc, ERRORS))
        db.session.commit()
        return redirect(url_for("recovery.password"))
    return _confirm_page(pending, form)


@bp.post("/resend")
def resend():
    """Answer "Отправить код ещё раз": a new code, rate limited."""
    pending = _pending_or_restart()
    if pending is None:
        return redirect(url_for("recovery.start"))
    form = RecoveryResendForm()
    if form.validate_on_submit():
        try:
            outgoing = rec.resend(db.session, code_policy(), pending)
        except rec.RecoveryError as exc:
            db.session.rollback()
            flash_resend_refused(exc, ERRORS)
        else:
            _send(outgoing)
            db.session.commit()
            flash(_("Если учётная запись найдена, новый код отправлен."), "success")
    return redirect(url_for("recovery.confirm"))


@bp.route("/password", methods=["GET", "POST"])
def password():
    """Step 3: the new password; it also lifts a login lockout. Then the person logs in."""
    pending = _pending_or_restart()
    if pending is None:
        return redirect(url_for("recovery.start"))
    if pending.confirmed_at is None:
        flash(ERRORS["not_confirmed"], "error")
        return redirect(url_for("recovery.confirm"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            account = rec.complete(
                db.session, password_hasher(), pending, form.password.data, form.password_repeat.data
            )
            auth_session.end_sessions_of_account(account.id)  # every browser, committed with the new password
        except AccountInvalid as exc:
            db.session.rollback()
            attach_errors(form, exc.errors)
        except rec.RecoveryError:
            db.session.rollback()
            session.pop(SESSION_KEY, None)
            flash(ERRORS["restart"], "error")
            return redirect(url_for("recovery.start"))
        else:
            db.session.commit()
            session.pop(SESSION_KEY, None)
            flash(_("Пароль изменён. Войдите с новым паролем."), "success")
            return redirect(url_for("auth.login"))
    return password_page("recovery/password.html", form)

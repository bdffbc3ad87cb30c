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

from fedlab.web import password_hasher
from idp.domain import inbox
from idp.domain import recovery as rec
from idp.domain import registration as reg
from idp.domain.accounts import AccountInvalid
from idp.extensions import db
from idp.forms.recovery import NewPasswordForm
from idp.forms.recovery import RecoveryCodeForm
from idp.forms.recovery import RecoveryForm
from idp.forms.recovery import RecoveryResendForm
from idp.forms.registration import attach_errors
from idp.messages import ALLOWED_SYMBOLS_TEXT
from idp.messages import PASSWORD_RULES_HINT

bp = Blueprint("recovery", __name__, url_prefix="/recovery")


def _policy() -> reg.CodePolicy:
    return reg.code_policy(current_app.config)


#: Session key holding the pending recovery's public id.
SESSION_KEY = "recovery_id"

ERRORS = {
    "code_dead": _l("Код введён неверно слишком много раз и больше не действует. Запросите новый код."),
    "code_expired": _l("Срок действия кода истёк. Запросите новый код."),
    "too_many_sends": _l("Код отправлялся слишком много раз. Начните восстановление заново позже."),
    "too_many_requests": _l("Слишком много запросов на восстановление доступа с этими данными. Попробуйте через час."),
    "not_confirmed": _l("Сначала введите код подтверждения."),
    "restart": _l("Восстановление доступа не найдено или устарело. Начните заново."),
}


def _send(outgoing: rec.Outgoing | None) -> None:
    """Put the code in the lab inbox (and SMTP for e-mail); nothing when there is nothing to send."""
    if outgoing is None:
        return
    minutes = max(1, int(current_app.config["CODE_TTL_SECONDS"]) // 60)
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
    pending = rec.find_pending(db.session, session.get(SESSION_KEY))
    if pending is None:
        session.pop(SESSION_KEY, None)
        flash(ERRORS["restart"], "error")
    return pending


@bp.route("", methods=["GET", "POST"])
def start():
    """Step 1: the phone, e-mail or SNILS of the account."""
    form = RecoveryForm()
    if form.validate_on_submit():
        try:
            pending, outgoing = rec.start(db.session, _policy(), form.login.data)
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
    policy = _policy()
    return render_template(
        "recovery/confirm.html",
        form=form,
        resend_form=RecoveryResendForm(),
        error=error,
        can_resend=reg.can_resend(db.session, policy, pending),
        wait_seconds=reg.resend_wait_seconds(db.session, policy, pending),
        sends_left=max(0, policy.max_sends - pending.sends),
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
            rec.check_code(db.session, _policy(), pending, form.code.data)
        except rec.RecoveryError as exc:
            db.session.commit()  # the wrong attempt counts
            if exc.code == "code_wrong":
                message = _("Неверный код. Осталось попыток: %(remaining)s.", remaining=exc.remaining)
            else:
                message = str(ERRORS[exc.code])
            form.code.data = ""
            return _confirm_page(pending, form, error=message)
        db.session.commit()
        return redirect(url_for("recovery.password"))
    return _confirm_page(pending, form)


@bp.post("/resend")
def resend():
    """ "Отправить код ещё раз": a new code, rate limited."""
    pending = _pending_or_restart()
    if pending is None:
        return redirect(url_for("recovery.start"))
    form = RecoveryResendForm()
    if form.validate_on_submit():
        try:
            outgoing = rec.resend(db.session, _policy(), pending)
        except rec.RecoveryError as exc:
            db.session.rollback()
            if exc.code == "resend_too_soon":
                flash(_("Новый код можно запросить через %(seconds)s с.", seconds=exc.wait_seconds), "error")
            else:
                flash(ERRORS[exc.code], "error")
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
            rec.complete(db.session, password_hasher(), pending, form.password.data, form.password_repeat.data)
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
    return render_template(
        "recovery/password.html",
        form=form,
        rules_hint=PASSWORD_RULES_HINT,
        allowed_symbols=ALLOWED_SYMBOLS_TEXT,
    )

"""Registration of a simplified account, screen by screen as the seed describes it.

``/registration`` (contacts) -> ``/registration/confirm`` (SMS code, or "open the link" for
e-mail) -> ``/registration/password`` -> ``/registration/done``.
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
from idp.auth_session import current_account
from idp.auth_session import login_account
from idp.domain import inbox
from idp.domain import registration as reg
from idp.domain.accounts import AccountInvalid
from idp.domain.accounts import AccountTaken
from idp.extensions import db
from idp.forms.registration import CodeForm
from idp.forms.registration import PasswordForm
from idp.forms.registration import RegistrationForm
from idp.forms.registration import ResendForm
from idp.forms.registration import attach_errors
from idp.messages import ALLOWED_SYMBOLS_TEXT
from idp.messages import PASSWORD_RULES_HINT
from idp.messages import TAKEN_MESSAGES
from shared.validators import format_phone

bp = Blueprint("registration", __name__, url_prefix="/registration")

#: Session key holding the pending registration's public id.
SESSION_KEY = "registration_id"

ERRORS = {
    "code_dead": _l("Код введён неверно слишком много раз и больше не действует. Запросите новый код."),
    "code_expired": _l("Срок действия кода истёк. Запросите новый код."),
    "link_invalid": _l("Ссылка недействительна: возможно, уже отправлена новая. Начните регистрацию заново."),
    "too_many_sends": _l("Код отправлялся слишком много раз. Начните регистрацию заново позже."),
    "recipient_busy": _l(
        "На этот номер телефона или адрес почты за последний час уже отправлено слишком много кодов. Попробуйте позже."
    ),
    "not_confirmed": _l("Сначала подтвердите телефон или электронную почту."),
    "restart": _l("Регистрация не найдена или устарела. Начните заново."),
}


def _policy() -> reg.CodePolicy:
    cfg = current_app.config
    return reg.CodePolicy(
        secret_key=cfg["SECRET_KEY"],
        ttl_seconds=int(cfg["CODE_TTL_SECONDS"]),
        max_attempts=int(cfg["CODE_MAX_ATTEMPTS"]),
        resend_interval_seconds=int(cfg["CODE_RESEND_INTERVAL_SECONDS"]),
        max_sends=int(cfg["CODE_MAX_SENDS"]),
    )


def _send(pending, secret: str) -> None:
    """Store the SMS with the code, or the e-mail with the link, in the lab inbox (and SMTP)."""
    minutes = max(1, int(current_app.config["CODE_TTL_SECONDS"]) // 60)
    if pending.channel == "sms":
        body = _(
            "Госуслуги: код подтверждения %(code)s. Действует %(minutes)s мин. Никому не сообщайте код.",
            code=secret,
            minutes=minutes,
        )
        inbox.send(db.session, "sms", pending.phone, body)
        return
    link = url_for("registration.link", token=secret, _external=True)
    body = _(
        "Здравствуйте, %(name)s!\n\nЧтобы подтвердить адрес электронной почты и продолжить регистрацию "
        "на Госуслугах, перейдите по ссылке (действует %(minutes)s мин.):\n\n%(link)s\n\n"
        "Если вы не регистрировались, просто удалите это письмо.",
        name=pending.first_name,
        minutes=minutes,
        link=link,
    )
    inbox.send(
        db.session,
        "email",
        pending.email,
        body,
        subject=_("Подтверждение регистрации на Госуслугах"),
        smtp_url=current_app.config.get("SMTP_URL", ""),
        mail_from=current_app.config.get("MAIL_FROM", ""),
    )


def _pending_or_restart():
    """Return the pending registration of this browser, or None after flashing "start again"."""
    pending = reg.find_pending(db.session, session.get(SESSION_KEY))
    if pending is None:
        session.pop(SESSION_KEY, None)
        flash(ERRORS["restart"], "error")
    return pending


@bp.route("", methods=["GET", "POST"])
def start():
    """Step 1, "Регистрация": surname, name, phone, e-mail and the way to confirm."""
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            pending, secret = reg.start(
                db.session,
                _policy(),
                last_name=form.last_name.data,
                first_name=form.first_name.data,
                phone=form.phone.data,
                email=form.email.data,
                channel=form.channel.data,
            )
        except AccountInvalid as exc:
            db.session.rollback()
            attach_errors(form, exc.errors)
        except AccountTaken as exc:
            db.session.rollback()
            form[exc.field].errors = [*form[exc.field].errors, TAKEN_MESSAGES[exc.field]]
        except reg.RegistrationError as exc:
            db.session.rollback()
            form.form_errors.append(str(ERRORS[exc.code]))
        else:
            _send(pending, secret)
            db.session.commit()
            session[SESSION_KEY] = pending.public_id
            return redirect(url_for("registration.confirm"))
    return render_template("registration/start.html", form=form)


def _confirm_page(pending, form: CodeForm, error: str | None = None, status: int = 200):
    policy = _policy()
    return (
        render_template(
            "registration/confirm.html",
            pending=pending,
            form=form,
            resend_form=ResendForm(),
            error=error,
            phone=format_phone(pending.phone),
            can_resend=reg.can_resend(db.session, policy, pending),
            wait_seconds=reg.resend_wait_seconds(db.session, policy, pending),
            sends_left=max(0, policy.max_sends - pending.sends),
        ),
        status,
    )


@bp.route("/confirm", methods=["GET", "POST"])
def confirm():
    """Step 2, "Код подтверждения": type the SMS code, or open the link from the e-mail."""
    pending = _pending_or_restart()
    if pending is None:
        return redirect(url_for("registration.start"))
    if pending.confirmed_at is not None:
        return redirect(url_for("registration.password"))
    form = CodeForm()
    if pending.channel == "sms" and form.validate_on_submit():
        try:
            reg.check_code(db.session, _policy(), pending, form.code.data)
        except reg.RegistrationError as exc:
            db.session.commit()  # the wrong attempt counts
            if exc.code == "code_wrong":
                message = _(
                    "Неверный код. Осталось попыток: %(remaining)s.",
                    remaining=exc.remaining,
                )
            else:
                message = str(ERRORS[exc.code])
            form.code.data = ""
            return _confirm_page(pending, form, error=message)
        db.session.commit()
        return redirect(url_for("registration.password"))
    return _confirm_page(pending, form)


@bp.post("/resend")
def resend():
    """ "Отправить код ещё раз": a new code or link, rate limited."""
    pending = _pending_or_restart()
    if pending is None:
        return redirect(url_for("registration.start"))
    form = ResendForm()
    if form.validate_on_submit():
        try:
            secret = reg.resend(db.session, _policy(), pending)
        except reg.RegistrationError as exc:
            if exc.code == "resend_too_soon":
                flash(
                    _("Новый код можно запросить через %(seconds)s с.", seconds=exc.wait_seconds),
                    "error",
                )
            else:
                flash(ERRORS[exc.code], "error")
        else:
            _send(pending, secret)
            db.session.commit()
            if pending.channel == "sms":
                flash(_("Новый код отправлен на номер %(phone)s.", phone=format_phone(pending.phone)), "success")
            else:
                flash(_("Новая ссылка отправлена на %(email)s.", email=pending.email), "success")
    return redirect(url_for("registration.confirm"))


@bp.get("/link/<token>")
def link(token: str):
    """The link from the e-mail: confirms the address and continues to the password in this browser."""
    try:
        pending = reg.confirm_link(db.session, _policy(), token)
    except reg.RegistrationError as exc:
        db.session.rollback()
        return render_template("registration/link_error.html", message=ERRORS[exc.code]), 400
    db.session.commit()
    session[SESSION_KEY] = pending.public_id
    flash(_("Адрес электронной почты подтверждён."), "success")
    return redirect(url_for("registration.password"))


@bp.route("/password", methods=["GET", "POST"])
def password():
    """Step 3: choose the password; on success the simplified account exists and is logged in."""
    pending = _pending_or_restart()
    if pending is None:
        return redirect(url_for("registration.start"))
    if pending.confirmed_at is None:
        flash(ERRORS["not_confirmed"], "error")
        return redirect(url_for("registration.confirm"))
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            account = reg.complete(
                db.session, password_hasher(), pending, form.password.data, form.password_repeat.data
            )
        except AccountInvalid as exc:
            db.session.rollback()
            attach_errors(form, exc.errors)
        except AccountTaken as exc:
            db.session.commit()  # the pending registration is gone: it cannot make a second account
            session.pop(SESSION_KEY, None)
            return render_template("registration/taken.html", message=TAKEN_MESSAGES[exc.field]), 409
        else:
            db.session.commit()
            login_account(account)
            return redirect(url_for("registration.done"))
    return render_template(
        "registration/password.html",
        form=form,
        rules_hint=PASSWORD_RULES_HINT,
        allowed_symbols=ALLOWED_SYMBOLS_TEXT,
    )


@bp.get("/done")
def done():
    """The simplified account is ready; from 14 the person should fill in the profile."""
    account = current_account()
    if account is None:
        return redirect(url_for("auth.login"))
    return render_template("registration/done.html", account=account)

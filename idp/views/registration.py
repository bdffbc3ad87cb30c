"""Registration of a simplified account, screen by screen as Gosuslugi shows it.

``/registration`` (by phone; «Другой способ регистрации» ``/registration/other``: phone and e-mail)
-> ``/registration/confirm`` (SMS code, or "open the link" for
e-mail) -> ``/registration/password`` -> ``/registration/done``.
"""

from __future__ import annotations

from urllib.parse import parse_qs
from urllib.parse import urlsplit

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from idp.auth_session import current_account
from idp.auth_session import login_account
from idp.auth_session import safe_next
from idp.db import db
from idp.domain import inbox
from idp.domain import registration as reg
from idp.domain.accounts import AccountInvalid
from idp.domain.accounts import AccountTaken
from idp.domain.clients import find_client
from idp.forms.registration import CodeForm
from idp.forms.registration import PasswordForm
from idp.forms.registration import PhoneRegistrationForm
from idp.forms.registration import RegistrationForm
from idp.forms.registration import ResendForm
from idp.forms.registration import attach_errors
from idp.messages import TAKEN_MESSAGES
from idp.views.code_steps import CODE_ERRORS
from idp.views.code_steps import code_error_message
from idp.views.code_steps import code_minutes
from idp.views.code_steps import code_policy
from idp.views.code_steps import flash_resend_refused
from idp.views.code_steps import password_page
from idp.views.code_steps import pending_or_restart
from idp.views.code_steps import resend_state
from labkit.web import external_url
from labkit.web import password_hasher
from shared.validators import format_phone

bp = Blueprint("registration", __name__, url_prefix="/registration")

#: Session key holding the pending registration's public id.
SESSION_KEY = "registration_id"
#: Session key holding where the registration returns when done: the authorization request whose login
#: page offered «Зарегистрироваться» (a local path), so the person comes back to the app that sent them.
NEXT_KEY = "registration_next"

ERRORS = {
    **CODE_ERRORS,
    "link_invalid": _l("Ссылка недействительна: возможно, уже отправлена новая. Начните регистрацию заново."),
    "too_many_sends": _l("Код отправлялся слишком много раз. Начните регистрацию заново позже."),
    "recipient_busy": _l(
        "На этот номер телефона или адрес почты за последний час уже отправлено слишком много кодов. Попробуйте позже."
    ),
    "not_confirmed": _l("Сначала подтвердите телефон или электронную почту."),
    "restart": _l("Регистрация не найдена или устарела. Начните заново."),
}


def _send(pending, secret: str) -> None:
    """Store the SMS with the code, or the e-mail with the link, in the lab inbox (and SMTP)."""
    minutes = code_minutes()
    if pending.channel == "sms":
        body = _(
            "Госуслуги: код подтверждения %(code)s. Действует %(minutes)s мин. Никому не сообщайте код.",
            code=secret,
            minutes=minutes,
        )
        inbox.send(db.session, "sms", pending.phone, body)
        return
    link = external_url("registration.link", token=secret)
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


def _remember_return() -> None:
    """On opening registration with a ``next`` (a local path only), keep it as the way back.

    A reload or a language switch without ``next`` keeps the way back already chosen; a foreign address drops it.
    """
    given = request.args.get("next")
    if given is None:
        return
    target = safe_next(given, "")
    if target:
        session[NEXT_KEY] = target
    else:
        session.pop(NEXT_KEY, None)


def return_to() -> tuple[str, str] | None:
    """Return (address, application name) of the pending authorization request to go back to, or None."""
    target = session.get(NEXT_KEY)
    if not target:
        return None
    client_id = parse_qs(urlsplit(target).query).get("client_id", [""])[0]
    client = find_client(db.session, client_id) if client_id and len(client_id) <= 100 else None
    return target, (client.client_name if client is not None else "")


def _pending_or_restart():
    """Return the pending registration of this browser, or None after flashing "start again"."""
    return pending_or_restart(reg.find_pending, SESSION_KEY, ERRORS["restart"])


def _register(other_way: bool):
    """Check step 1 and send the code or link; ``other_way``: «Другой способ регистрации» (with the e-mail)."""
    if request.method == "GET":
        _remember_return()
    form = RegistrationForm() if other_way else PhoneRegistrationForm()
    if form.validate_on_submit():
        try:
            pending, secret = reg.start(
                db.session,
                code_policy(),
                last_name=form.last_name.data,
                first_name=form.first_name.data,
                phone=form.phone.data,
                email=form.email.data or "" if other_way else None,
                channel=form.channel.data if other_way else "sms",
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
    template = "registration/other.html" if other_way else "registration/start.html"
    return render_template(template, form=form, login_next=session.get(NEXT_KEY))


@bp.route("", methods=["GET", "POST"])
def start():
    """The registration window: by mobile phone (surname, name, phone; a code by SMS), «Другой способ» below.

    A POST that carries an e-mail is the other way's form, whichever address it was sent to.
    """
    return _register(other_way=request.method == "POST" and "email" in request.form)


@bp.route("/other", methods=["GET", "POST"])
def other():
    """«Другой способ регистрации»: surname, name, phone and e-mail; a code by SMS or a link by e-mail."""
    return _register(other_way=True)


def _confirm_page(pending, form: CodeForm, error: str | None = None, status: int = 200):
    return (
        render_template(
            "registration/confirm.html",
            pending=pending,
            form=form,
            resend_form=ResendForm(),
            error=error,
            phone=format_phone(pending.phone),
            **resend_state(pending),
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
            reg.check_code(db.session, code_policy(), pending, form.code.data)
        except reg.RegistrationError as exc:
            db.session.commit()  # the wrong attempt counts
            form.code.data = ""
            return _confirm_page(pending, form, error=code_error_message(exc, ERRORS))
        db.session.commit()
        return redirect(url_for("registration.password"))
    return _confirm_page(pending, form)


@bp.post("/resend")
def resend():
    """Answer "Отправить код ещё раз": a new code or link, rate limited."""
    pending = _pending_or_restart()
    if pending is None:
        return redirect(url_for("registration.start"))
    form = ResendForm()
    if form.validate_on_submit():
        try:
            secret = reg.resend(db.session, code_policy(), pending)
        except reg.RegistrationError as exc:
            flash_resend_refused(exc, ERRORS)
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
        pending = reg.confirm_link(db.session, code_policy(), token)
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
            target = session.get(NEXT_KEY)
            login_account(account)  # a fresh session: the way back is carried over
            if target:
                session[NEXT_KEY] = target
            return redirect(url_for("registration.done"))
    return password_page("registration/password.html", form)


@bp.get("/done")
def done():
    """The simplified account is ready; from 14 the person should fill in the profile."""
    account = current_account()
    if account is None:
        return redirect(url_for("auth.login"))
    return render_template("registration/done.html", account=account, return_to=return_to())

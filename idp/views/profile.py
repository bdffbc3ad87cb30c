"""The personal account: profile, sending it to the registries, identity confirmation by post."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _

from idp.auth_session import current_account
from idp.auth_session import login_required
from idp.db import db
from idp.domain import inbox
from idp.domain import labstate
from idp.domain import verification as ver
from idp.domain.accounts import AccountTaken
from idp.forms.profile import PostalCodeForm
from idp.forms.profile import PostalRequestForm
from idp.forms.profile import ProfileForm
from idp.messages import TAKEN_MESSAGES
from idp.models.accounts import AccountLevel
from shared.clock import parse_duration_range
from shared.validators import needs_full_profile

log = logging.getLogger(__name__)

bp = Blueprint("profile", __name__, url_prefix="/profile")


def delay_range() -> tuple[timedelta, timedelta]:
    """Return the configured verification delay range (VERIFICATION_DELAY, e.g. ``15m-5d``)."""
    return parse_duration_range(current_app.config["VERIFICATION_DELAY"])


def delay_text() -> str:
    """Return "проверка занимает от 15 минут до 5 дней" for the configured range at the lab's pace."""
    pace = ver.get_pace(db.session)
    if pace.mode == "instant":
        return _("Проверка завершится сразу (мгновенная скорость стенда).")
    low, high = (pace.scale(d) for d in delay_range())
    return _(
        "Проверка занимает от %(low)s до %(high)s.",
        low=format_timedelta(low, threshold=1),
        high=format_timedelta(high, threshold=1),
    )


def _today():
    return labstate.now(db.session).date()


@bp.get("")
@login_required
def index():
    """The personal account: name, contacts, level, profile status and what to do next."""
    account = current_account()
    today = _today()
    check = ver.last_check(db.session, account)
    return render_template(
        "profile/index.html",
        account=account,
        needs_profile=needs_full_profile(account.birth_date, today),
        can_edit=ver.can_edit(account),
        check=check,
        delay_text=delay_text(),
        postal_form=PostalRequestForm(),
        has_postal_code=ver.active_postal_code(db.session, account, labstate.now(db.session)) is not None,
    )


@bp.route("/edit", methods=["GET", "POST"])
@login_required
def edit():
    """Fill in the profile and send it to the registries; locked while a check is pending."""
    account = current_account()
    today = _today()
    if account.birth_date is not None and not needs_full_profile(account.birth_date, today):
        return render_template("profile/under14.html", account=account)
    if not ver.can_edit(account):
        if request.method == "POST":
            flash(_("Данные на проверке или уже подтверждены: изменить их сейчас нельзя."), "error")
        return redirect(url_for("profile.index"))
    form = ProfileForm()
    if request.method == "GET":
        form.fill_from(account)
        return render_template("profile/edit.html", form=form, account=account, delay_text=delay_text())
    data = form.clean(today) if form.validate() else None
    if data is not None:
        try:
            ver.submit_profile(db.session, account, data, labstate.now(db.session), delay_range())
            db.session.commit()
        except AccountTaken:
            db.session.rollback()
            form.snils.errors.append(str(TAKEN_MESSAGES["snils"]))
        except ver.ProfileLocked:
            db.session.rollback()
            return redirect(url_for("profile.index"))
        else:
            flash(_("Данные отправлены на проверку в МВД и СФР.") + " " + delay_text(), "success")
            return redirect(url_for("profile.index"))
    return render_template("profile/edit.html", form=form, account=account, delay_text=delay_text()), 422


@bp.post("/post-code")
@login_required
def request_postal_code():
    """Send a letter with an identity confirmation code (it appears in the lab inbox)."""
    account = current_account()
    form = PostalRequestForm()
    if not form.validate():
        flash(_("Форма устарела. Обновите страницу и повторите."), "error")
        return redirect(url_for("profile.index"))
    now = labstate.now(db.session)
    try:
        code = ver.issue_postal_code(db.session, account, now)
    except ver.NotAllowed:
        db.session.rollback()
        flash(
            _("Код по почте недоступен для этой учётной записи. Обратитесь в центр обслуживания."),
            "error",
        )
        return redirect(url_for("profile.index"))
    inbox.send(
        db.session,
        "post",
        account.phone or account.full_name,
        _(
            "Почта России, заказное письмо. Получатель: %(name)s. Код подтверждения личности для портала "
            "Госуслуг: %(code)s. Введите его в личном кабинете в разделе «Подтвердить личность».",
            name=account.full_name,
            code=code,
        ),
        subject=_("Код подтверждения личности"),
    )
    db.session.commit()
    flash(_("Письмо с кодом отправлено Почтой России. Введите код из письма."), "success")
    return redirect(url_for("profile.confirm"))


@bp.route("/confirm", methods=["GET", "POST"])
@login_required
def confirm():
    """Enter the code from the letter: a right code makes the account verified (level 3)."""
    account = current_account()
    if account.level != AccountLevel.STANDARD:
        return redirect(url_for("profile.index"))
    form = PostalCodeForm()
    error = None
    status = 200
    if form.validate_on_submit():
        outcome, left = ver.enter_postal_code(db.session, account, form.code.data, labstate.now(db.session))
        db.session.commit()
        if outcome == ver.OK:
            flash(_("Личность подтверждена: учётная запись «Подтверждённая (3)»."), "success")
            return redirect(url_for("profile.index"))
        status = 422
        if outcome == "no_code":
            error = _("Действующего кода нет: запросите новое письмо.")
        elif left > 0:
            error = _("Неверный код. Осталось попыток: %(left)d.", left=left)
        else:
            error = _("Неверный код. Попытки исчерпаны: запросите новое письмо.")
    elif request.method == "POST":
        status = 422
    has_code = ver.active_postal_code(db.session, account, labstate.now(db.session)) is not None
    return render_template(
        "profile/confirm.html",
        form=form,
        error=error,
        has_code=has_code,
        postal_form=PostalRequestForm(),
    ), status

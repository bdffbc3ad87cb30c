"""The lab's service centre ("центр обслуживания"): an operator approves checks and confirms identity.

Lab-only (404 when LAB_MODE is off), behind OPERATOR_PASSWORD with a lab-wide attempt limit.
"""

from __future__ import annotations

import hmac

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import or_
from sqlalchemy import select

from idp.db import db
from idp.domain import address_lockout
from idp.domain import labstate
from idp.domain import verification as ver
from idp.forms.operator import ActionForm
from idp.forms.operator import DecisionForm
from idp.forms.operator import OperatorLoginForm
from idp.models.accounts import Account
from idp.models.verification import VerificationCheck
from labkit.web import check_lab

bp = Blueprint("operator", __name__, url_prefix="/operator")

#: Five wrong operator passwords lock the page for 15 minutes, for the address that tried them.
OPERATOR_LOCKOUT = address_lockout.LockoutPolicy(max_failures=5, lockout_seconds=15 * 60)
OPERATOR_TARGET = "operator"


@bp.before_request
def lab_only():
    """Hide the operator page unless the lab mode is on; require the operator's log-in."""
    refused = check_lab(api=False)
    if refused is not None:
        return refused
    if request.endpoint != "operator.login" and not session.get("operator"):
        return redirect(url_for("operator.login"))
    return None


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in as the operator with the configured password."""
    form = OperatorLoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        now = labstate.now(db.session)
        address = request.remote_addr
        if address_lockout.locked_until(db.session, OPERATOR_TARGET, address, now):
            error = _("Слишком много неверных попыток. Попробуйте через 15 минут.")
            status = 429
        elif hmac.compare_digest(form.password.data.encode(), str(current_app.config["OPERATOR_PASSWORD"]).encode()):
            address_lockout.clear(db.session, OPERATOR_TARGET, address)
            db.session.commit()
            session["operator"] = True
            return redirect(url_for("operator.index"))
        else:
            # Counted for this address only: guessing from one place never locks the operator out elsewhere.
            address_lockout.record_failure(db.session, OPERATOR_TARGET, address, OPERATOR_LOCKOUT, now)
            db.session.commit()
            error = _("Неверный пароль оператора.")
            status = 401
    elif request.method == "POST":
        status = 422
    return render_template("operator/login.html", form=form, error=error), status


@bp.post("/logout")
def logout():
    """End the operator's session."""
    if ActionForm().validate():
        session.pop("operator", None)
    return redirect(url_for("operator.login"))


@bp.get("")
def index():
    """Accounts with their level, and the pending checks to decide."""
    query = select(Account).order_by(Account.id.desc()).limit(200)
    q = (request.args.get("q") or "").strip()
    if q:
        like = f"%{q}%"
        query = query.where(or_(Account.last_name.ilike(like), Account.phone.ilike(like), Account.email.ilike(like)))
    return render_template(
        "operator/index.html",
        accounts=list(db.session.scalars(query)),
        pending=ver.pending_checks(db.session),
        decision_form=DecisionForm(formdata=None),
        action_form=ActionForm(formdata=None),
        q=q,
    )


@bp.post("/checks/<int:check_id>")
def decide(check_id: int):
    """Approve or reject one pending check (a rejection needs a reason)."""
    check = db.session.get(VerificationCheck, check_id) or abort(404)
    form = DecisionForm()
    if not form.validate():
        flash(_("Форма устарела. Обновите страницу и повторите."), "error")
        return redirect(url_for("operator.index"))
    approve = bool(form.approve.data)
    try:
        ver.operator_decide(db.session, check, approve, form.reason.data, labstate.now(db.session))
    except ver.NotAllowed:
        db.session.rollback()
        if not approve and not (form.reason.data or "").strip():
            flash(_("Укажите причину отказа."), "error")
        else:
            flash(_("Эта проверка уже завершена."), "error")
        return redirect(url_for("operator.index"))
    db.session.commit()
    name = check.account.full_name
    if approve:
        flash(_("Проверка одобрена: %(name)s — стандартная учётная запись.", name=name), "success")
    else:
        flash(_("Проверка отклонена: %(name)s.", name=name), "success")
    return redirect(url_for("operator.index"))


@bp.post("/accounts/<int:account_id>/confirm")
def confirm(account_id: int):
    """Confirm a standard account's identity in person: level verified (3)."""
    account = db.session.get(Account, account_id) or abort(404)
    if not ActionForm().validate():
        flash(_("Форма устарела. Обновите страницу и повторите."), "error")
        return redirect(url_for("operator.index"))
    try:
        ver.confirm_identity(db.session, account)
    except ver.NotAllowed:
        db.session.rollback()
        flash(_("Подтвердить личность можно только для стандартной учётной записи."), "error")
        return redirect(url_for("operator.index"))
    db.session.commit()
    flash(_("Личность подтверждена: %(name)s — подтверждённая учётная запись.", name=account.full_name), "success")
    return redirect(url_for("operator.index"))

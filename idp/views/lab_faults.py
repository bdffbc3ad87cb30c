"""Developer tools of the lab: fault injection (page and JSON API) and scripted claims (JSON API).

Lab-only: everything answers 404 unless ``LAB_MODE``. The JSON API (``/api/lab/faults``,
``/api/lab/claims``) needs the header ``X-Lab-Token`` equal to ``LAB_TOKEN`` unless the request
comes from loopback; it is exempt from CSRF and answers errors as JSON.
Active faults are announced on every IdP page by a red banner (context processor below).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms.validators import Length

from idp.db import db
from idp.domain import claim_overrides
from idp.domain import faults
from idp.extensions import csrf
from labkit.forms import FlaskForm
from labkit.web import lab_guard

bp = Blueprint("lab_faults", __name__)

#: What each fault kind does, in the words of the page and the banner.
KIND_LABELS = {
    "authorize_error": _l("вход возвращает ошибку"),
    "token_error": _l("выдача токенов не работает"),
    "token_slow": _l("выдача токенов медленная"),
    "id_token_unknown_key": _l("ID-токен подписан неизвестным ключом"),
    "id_token_wrong_iss": _l("ID-токен с чужим iss"),
    "id_token_wrong_aud": _l("ID-токен с чужим aud"),
    "id_token_wrong_nonce": _l("ID-токен с неверным nonce"),
    "id_token_expired": _l("ID-токен просрочен"),
    "id_token_missing_claims": _l("в ID-токене не хватает утверждений"),
    "userinfo_wrong_sub": _l("userinfo отдаёт другой sub"),
}


class FaultForm(FlaskForm):
    """Add a fault: what, for which client, how many times, and the kind's parameters."""

    kind = SelectField(
        _l("Сбой"),
        # Lazy labels: translated when the form is shown, in the person's language.
        choices=[(k, LazyString(lambda k=k: f"{k} — {KIND_LABELS[k]}")) for k in faults.KINDS],
    )
    client_id = StringField(
        _l("Клиент (client_id)"), validators=[Length(max=100)], description=_l("Пусто — для всех клиентов.")
    )
    count = StringField(_l("Сколько раз"), validators=[Length(max=6)], description=_l("Пусто — пока сбой не снимут."))
    error = StringField(
        _l("Код ошибки"),
        validators=[Length(max=64)],
        description=_l("Для ошибок входа и выдачи токенов, например access_denied или invalid_grant."),
    )
    delay = StringField(
        _l("Задержка"),
        validators=[Length(max=16)],
        description=_l("Для медленной выдачи: например 5s (не больше 30 с)."),
    )
    claims = StringField(
        _l("Утверждения"), validators=[Length(max=300)], description=_l("Через запятую, например nonce,sub.")
    )
    description = StringField(_l("Описание ошибки"), validators=[Length(max=300)])
    submit = SubmitField(_l("Включить сбой"))


class ClearForm(FlaskForm):
    """Remove one fault or all of them."""

    submit = SubmitField(_l("Снять"))


FIELD_MESSAGES = {
    "kind": _l("Выберите сбой из списка."),
    "count": _l("Укажите целое число больше нуля или оставьте поле пустым."),
    "error": _l("Такой код ошибки для этого сбоя не подходит."),
    "delay": _l("Не понимаю задержку: пишите, например, 5s, 2.5 или 250ms."),
    "claims": _l("Перечислите утверждения через запятую, например nonce,sub."),
}


# --- guards --------------------------------------------------------------------------------------


def _api_error(status: int, error: str, description: str, **extra: Any):
    response = jsonify(error=error, error_description=description, **extra)
    response.status_code = status
    return response


#: 404 outside lab mode; the JSON API also wants the lab token from anywhere but loopback.
bp.before_request(lab_guard)


# --- the page ------------------------------------------------------------------------------------


def _page(form: FaultForm | None = None, status: int = 200):
    return render_template(
        "lab_faults/index.html",
        form=form or FaultForm(formdata=None),
        clear_form=ClearForm(formdata=None),
        rows=[faults.fault_json(f) for f in faults.active_faults(db.session)],
        overrides=[claim_overrides.override_json(o) for o in claim_overrides.list_overrides(db.session)],
        labels=KIND_LABELS,
    ), status


def _count(text: str | None) -> int | None:
    cleaned = (text or "").strip()
    if not cleaned:
        return None
    if not cleaned.isdigit():
        raise faults.FaultInvalid("count", "bad_count", "count must be a positive whole number")
    return int(cleaned)


@bp.get("/lab/faults")
def index():
    """The faults in force, a form to add one, and a button to clear each (or all)."""
    return _page()


@bp.post("/lab/faults")
def add():
    """Add a fault from the form; a refused one re-shows the form with the reason."""
    form = FaultForm()
    if not form.validate():
        return _page(form, 422)
    try:
        faults.add_fault(
            db.session,
            form.kind.data,
            client_id=form.client_id.data,
            count=_count(form.count.data),
            error=(form.error.data or "").strip() or None,
            delay=form.delay.data,
            claims=form.claims.data,
            description=form.description.data,
        )
    except faults.FaultInvalid as exc:
        db.session.rollback()
        target = getattr(form, exc.field, form.kind)
        target.errors = [*target.errors, FIELD_MESSAGES.get(exc.field, str(exc))]
        return _page(form, 422)
    db.session.commit()
    flash(_("Сбой включён."), "success")
    return redirect(url_for("lab_faults.index"))


@bp.post("/lab/faults/<int:fault_id>/clear")
def clear_one(fault_id: int):
    """Remove one fault."""
    if ClearForm().validate():
        removed = faults.clear(db.session, fault_id)
        db.session.commit()
        flash(_("Сбой снят.") if removed else _("Такого сбоя уже нет."), "success")
    return redirect(url_for("lab_faults.index"))


@bp.post("/lab/faults/clear")
def clear_all():
    """Remove every fault."""
    if ClearForm().validate():
        removed = faults.clear(db.session)
        db.session.commit()
        flash(_("Сняты все сбои (%(n)d).", n=removed), "success")
    return redirect(url_for("lab_faults.index"))


# --- JSON API: faults ----------------------------------------------------------------------------


def _json_body() -> dict | None:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else None


@bp.get("/api/lab/faults")
@csrf.exempt
def api_list():
    """``{"faults": [...]}``: the faults in force, oldest first."""
    return jsonify(faults=[faults.fault_json(f) for f in faults.active_faults(db.session)])


@bp.post("/api/lab/faults")
@csrf.exempt
def api_add():
    """Add a fault from ``{"kind", "client_id"?, "count"?, "error"?, "delay"?, "claims"?, "description"?}``."""
    data = _json_body()
    if data is None:
        return _api_error(400, "invalid_request", "Expected a JSON object.")
    count = data.get("count")
    text_fields = ("kind", "client_id", "error", "description")
    if any(data.get(k) is not None and not isinstance(data.get(k), str) for k in text_fields):
        return _api_error(400, "invalid_fault", "kind, client_id, error and description are strings.")
    try:
        row = faults.add_fault(
            db.session,
            data.get("kind") or "",
            client_id=data.get("client_id"),
            count=count,
            error=data.get("error"),
            delay=data.get("delay"),
            claims=data.get("claims"),
            description=data.get("description"),
        )
    except faults.FaultInvalid as exc:
        db.session.rollback()
        return _api_error(400, "invalid_fault", str(exc), field=exc.field)
    db.session.commit()
    return jsonify(faults.fault_json(row)), 201


@bp.delete("/api/lab/faults/<int:fault_id>")
@csrf.exempt
def api_delete(fault_id: int):
    """Remove one fault (204), or 404 if there is none with that id."""
    removed = faults.clear(db.session, fault_id)
    db.session.commit()
    if not removed:
        return _api_error(404, "not_found", "No such fault.")
    return "", 204


@bp.delete("/api/lab/faults")
@csrf.exempt
def api_delete_all():
    """Remove every fault: ``{"cleared": n}``."""
    removed = faults.clear(db.session)
    db.session.commit()
    return jsonify(cleared=removed)


# --- JSON API: scripted claims -------------------------------------------------------------------


@bp.get("/api/lab/claims")
@csrf.exempt
def api_claims_list():
    """``{"claims": [...]}``: every claim override."""
    return jsonify(claims=[claim_overrides.override_json(o) for o in claim_overrides.list_overrides(db.session)])


@bp.post("/api/lab/claims")
@csrf.exempt
def api_claims_set():
    """Set claims from ``{"account_oid"?, "client_id"?, "claims": {name: value}}`` (null removes a claim)."""
    data = _json_body()
    if data is None or not isinstance(data.get("claims"), dict):
        return _api_error(400, "invalid_request", 'Expected {"claims": {...}} with account_oid and/or client_id.')
    target = {k: data.get(k) for k in ("account_oid", "client_id")}
    if isinstance(target["account_oid"], int) and not isinstance(target["account_oid"], bool):
        target["account_oid"] = str(target["account_oid"])  # an oid may come as a JSON number
    if any(v is not None and not isinstance(v, str) for v in target.values()):
        return _api_error(400, "invalid_override", "account_oid and client_id are strings.")
    try:
        rows = claim_overrides.set_claims(db.session, data["claims"], **target)
    except claim_overrides.OverrideInvalid as exc:
        db.session.rollback()
        return _api_error(400, "invalid_override", str(exc), field=exc.field)
    db.session.commit()
    return jsonify(claims=[claim_overrides.override_json(r) for r in rows]), 201


@bp.delete("/api/lab/claims/<int:override_id>")
@csrf.exempt
def api_claims_delete(override_id: int):
    """Remove one override (204), or 404."""
    removed = claim_overrides.clear(db.session, override_id=override_id)
    db.session.commit()
    if not removed:
        return _api_error(404, "not_found", "No such claim override.")
    return "", 204


@bp.delete("/api/lab/claims")
@csrf.exempt
def api_claims_clear():
    """Remove the overrides matching ``?account_oid=&client_id=&name=`` (all without filters)."""
    removed = claim_overrides.clear(
        db.session,
        account_oid=request.args.get("account_oid") or None,
        client_id=request.args.get("client_id") or None,
        name=request.args.get("name") or None,
    )
    db.session.commit()
    return jsonify(cleared=removed)

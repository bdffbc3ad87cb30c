"""What every IdP template may use: account and registry labels, the header's account, the lab banners.

Registered by the app factory (:func:`register_template_globals`, :func:`register_context_processors`).
The lab's faults banner asks the database only when a page that shows it renders, once per request.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask import current_app
from flask import g
from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from idp import auth_session
from idp import trainer
from idp.db import db
from idp.domain import faults
from idp.domain import verification as ver
from idp.models.accounts import AccountLevel
from idp.models.accounts import ProfileStatus
from labkit.trainer import guide_context
from shared.textlinks import split_links
from shared.validators import display_phone

LEVEL_LABELS = {
    AccountLevel.SIMPLIFIED: _l("Упрощённая (1)"),
    AccountLevel.STANDARD: _l("Стандартная (2)"),
    AccountLevel.VERIFIED: _l("Подтверждённая (3)"),
}
STATUS_LABELS = {
    ProfileStatus.EMPTY: _l("не заполнен"),
    ProfileStatus.PENDING: _l("проверка"),
    ProfileStatus.REJECTED: _l("возвращён на исправление"),
    ProfileStatus.CONFIRMED: _l("подтверждён"),
}
STATUS_BADGES = {
    ProfileStatus.EMPTY: "badge",
    ProfileStatus.PENDING: "badge-pending",
    ProfileStatus.REJECTED: "badge-bad",
    ProfileStatus.CONFIRMED: "badge-ok",
}
#: Registry failure codes (from the registry checks in idp.domain.verification) as the person reads them.
REASON_MESSAGES = {
    "passport_invalid": _l("МВД: данные паспорта заполнены неверно или противоречат друг другу"),
    "passport_not_found": _l("МВД: паспорт не найден"),
    "person_mismatch": _l("МВД: ФИО или дата рождения не совпадают"),
    "gender_mismatch": _l("МВД: пол не совпадает"),
    "snils_invalid": _l("СФР: СНИЛС указан неверно"),
    "snils_not_found": _l("СФР: СНИЛС не найден"),
    "snils_other_person": _l("СФР: СНИЛС принадлежит другому человеку"),
}
RESULT_OK = _l("данные подтверждены")

#: The attribute of ``flask.g`` caching the faults in force for this request's banner.
_FAULTS_KEY = "lab_active_faults"


def level_label(level: str) -> str:
    """Return the account level by its name and number, e.g. "Стандартная (2)"."""
    return str(LEVEL_LABELS.get(level, level))


def status_label(status: str) -> str:
    """Return the profile status in words ("проверка", ...)."""
    return str(STATUS_LABELS.get(status, status))


def status_badge(status: str) -> str:
    """Return the css class of the profile status badge."""
    return STATUS_BADGES.get(status, "badge")


def reason_lines(reason: str | None) -> list[str]:
    """Turn stored failure codes (``;``-separated) or an operator's text into lines to show."""
    if not reason:
        return []
    parts = reason.split(";")
    if all(part in REASON_MESSAGES for part in parts):
        return [str(REASON_MESSAGES[part]) for part in parts]
    return [reason]


def registry_result(code: str | None) -> str:
    """Return one registry's result (``ok`` or a failure code) in words."""
    if not code:
        return "—"
    return str(RESULT_OK) if code == ver.OK else str(REASON_MESSAGES.get(code, code))


def lab_active_faults() -> list:
    """Return the faults in force for the red banner (lab mode only; read once per request)."""
    if not current_app.config.get("LAB_MODE"):
        return []
    if _FAULTS_KEY not in g:
        try:
            rows = faults.active_faults(db.session) if faults.any_active(db.session) else []
        except SQLAlchemyError:  # an error page for a broken database must still render
            db.session.rollback()
            rows = []
        setattr(g, _FAULTS_KEY, rows)
    return g.get(_FAULTS_KEY)


def inject_nav() -> dict[str, Any]:
    """Give every page the logged-in account for the header (name and "Выйти")."""
    try:
        account = auth_session.current_account()
    except SQLAlchemyError:  # an error page for a broken database must still render
        account = None
    return {"nav_account": account}


def inject_guide() -> dict[str, Any]:
    """Give each registration and login screen its step of the instructions when the guided mode is on."""
    if not current_app.config.get("LAB_MODE") or not request.endpoint:
        return {"trainer_step": None}
    try:
        next_url = request.values.get("next")
    except HTTPException:  # a body over MAX_CONTENT_LENGTH: the 413 page renders without reading it
        next_url = request.args.get("next")
    return guide_context(trainer.step_for(request.endpoint, next_url), trainer, db)


def register_template_globals(app: Flask) -> None:
    """Make the account and registry labels and the faults banner's query available to every template.

    Also the ``phone`` filter: ``{{ account.phone|phone }}`` writes a number as ``+7 912 345-67-89``.
    """
    for function in (
        level_label,
        status_label,
        status_badge,
        reason_lines,
        registry_result,
        lab_active_faults,
        split_links,
    ):
        app.add_template_global(function)
    app.add_template_filter(display_phone, "phone")


def register_context_processors(app: Flask) -> None:
    """Give every page the header's account and, in the guided mode, the trainer's step."""
    app.context_processor(inject_nav)
    app.context_processor(inject_guide)

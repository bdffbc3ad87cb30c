"""The guided (trainer) mode plumbing both apps share: the on/off form and page, and the banner step.

The CLI switch is :func:`labkit.cliutil.trainer_command`.

Each app keeps its own ``trainer`` module (the steps, ``is_enabled`` and ``set_enabled``) and passes it here.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.exc import SQLAlchemyError
from wtforms import SubmitField

from labkit.forms import FlaskForm


class TrainerForm(FlaskForm):
    """Switch the guided mode on or off."""

    enable = SubmitField(_l("Включить режим подсказок"))
    disable = SubmitField(_l("Выключить режим подсказок"))


def guide_context(step: Any, trainer: ModuleType, db: SQLAlchemy) -> dict:
    """Return the template context ``trainer_step``: ``step`` when the guided mode is on, else None."""
    if step is None:
        return {"trainer_step": None}
    try:
        enabled = trainer.is_enabled(db.session)
    except SQLAlchemyError:  # an error page for a broken database must still render
        db.session.rollback()
        enabled = False
    return {"trainer_step": step if enabled else None}


def trainer_page_response(trainer: ModuleType, db: SQLAlchemy, endpoint: str, template: str) -> Any:
    """Show the on/off page of the guided mode, or switch it on a valid POST and come back to ``endpoint``."""
    form = TrainerForm()
    if request.method == "POST" and form.validate():
        trainer.set_enabled(db.session, bool(form.enable.data))
        db.session.commit()
        flash(_("Режим подсказок включён.") if form.enable.data else _("Режим подсказок выключен."), "success")
        return redirect(url_for(endpoint))
    return render_template(template, form=TrainerForm(formdata=None), enabled=trainer.is_enabled(db.session))

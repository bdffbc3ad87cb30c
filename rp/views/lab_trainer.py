"""The diary's lab page for the guided (trainer) mode, and the banner that names each screen's step."""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError
from wtforms import SubmitField

from fedlab.forms import FlaskForm
from fedlab.web import lab_guard
from rp import trainer
from rp.extensions import db

bp = Blueprint("lab_trainer", __name__)


class TrainerForm(FlaskForm):
    """Switch the diary's guided mode on or off."""

    enable = SubmitField(_l("Включить режим подсказок"))
    disable = SubmitField(_l("Выключить режим подсказок"))


#: Answer 404 unless the lab mode is on.
bp.before_request(lab_guard)


@bp.app_context_processor
def inject_guide() -> dict:
    """Give each login and linking screen its step of the instructions when the guided mode is on."""
    step = trainer.step_for(request.endpoint) if current_app.config.get("LAB_MODE") else None
    if step is None:
        return {"trainer_step": None}
    try:
        enabled = trainer.is_enabled(db.session)
    except SQLAlchemyError:  # an error page for a broken database must still render
        db.session.rollback()
        enabled = False
    return {"trainer_step": step if enabled else None}


@bp.route("/lab/trainer", methods=["GET", "POST"])
def trainer_page():
    """Switch the diary's guided mode on or off."""
    form = TrainerForm()
    if request.method == "POST" and form.validate():
        trainer.set_enabled(db.session, bool(form.enable.data))
        db.session.commit()
        flash(_("Режим подсказок включён.") if form.enable.data else _("Режим подсказок выключен."), "success")
        return redirect(url_for("lab_trainer.trainer_page"))
    return render_template("lab/trainer.html", form=TrainerForm(formdata=None), enabled=trainer.is_enabled(db.session))

"""Trainer tools of the lab: the presenter page (app, lab phone and mailbox side by side) and the guided mode.

Lab-only (404 unless ``LAB_MODE``). The presenter page frames the IdP's own pages, which is why the
IdP allows same-origin framing in lab mode (``frame-ancestors 'self'``, see ``idp.create_app``).
"""

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
from idp import trainer
from idp.extensions import db

bp = Blueprint("presenter", __name__, url_prefix="/lab")


class TrainerForm(FlaskForm):
    """Switch the guided mode on or off."""

    enable = SubmitField(_l("Включить режим подсказок"))
    disable = SubmitField(_l("Выключить режим подсказок"))


#: Hide the trainer tools outside lab mode.
bp.before_request(lab_guard)


@bp.app_context_processor
def inject_guide() -> dict:
    """Give each registration and login screen its step of the instructions when the guided mode is on."""
    if not current_app.config.get("LAB_MODE") or not request.endpoint:
        return {"trainer_step": None}
    step = trainer.step_for(request.endpoint, request.values.get("next"))
    if step is None:
        return {"trainer_step": None}
    try:
        enabled = trainer.is_enabled(db.session)
    except SQLAlchemyError:  # an error page for a broken database must still render
        db.session.rollback()
        enabled = False
    return {"trainer_step": step if enabled else None}


def safe_app_path(value: str | None) -> str:
    """Return a local path of this site to frame (never another origin), or the home page."""
    path = (value or "").strip()
    if not path.startswith("/") or path.startswith("//") or "\\" in path or path.startswith("/lab/presenter"):
        return url_for("home.index")
    return path


@bp.get("/presenter")
def presenter():
    """The app (framed), the lab phone (SMS) and the mailbox (e-mail), updating every 2 s without reloading."""
    return render_template(
        "presenter/index.html",
        app_path=safe_app_path(request.args.get("app")),
        inbox_url=url_for("lab.inbox_json"),
    )


@bp.route("/trainer", methods=["GET", "POST"])
def trainer_page():
    """Switch the guided mode (banners naming the step of the instructions) on or off."""
    form = TrainerForm()
    if request.method == "POST" and form.validate():
        trainer.set_enabled(db.session, bool(form.enable.data))
        db.session.commit()
        flash(_("Режим подсказок включён.") if form.enable.data else _("Режим подсказок выключен."), "success")
        return redirect(url_for("presenter.trainer_page"))
    return render_template(
        "presenter/trainer.html", form=TrainerForm(formdata=None), enabled=trainer.is_enabled(db.session)
    )

"""The diary's lab page for trainers (the guided mode, the demo reset), and the banner naming each screen's step."""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _

from labkit.lab_api import reset_app
from labkit.trainer import guide_context
from labkit.trainer import trainer_page_response
from labkit.web import lab_guard
from rp import trainer
from rp.extensions import db
from rp.forms.lab import DemoResetForm
from rp.seed import wipe
from rp.views.lab_api import seed_demo
from shared.scenarios import ResetOptions

bp = Blueprint("lab_trainer", __name__)


#: Answer 404 unless the lab mode is on.
bp.before_request(lab_guard)


def inject_guide() -> dict:
    """Give each login and linking screen its step of the instructions when the guided mode is on.

    An app-wide context processor (registered by the app factory); it reads the database only on those screens.
    """
    step = trainer.step_for(request.endpoint) if current_app.config.get("LAB_MODE") else None
    return guide_context(step, trainer, db)


@bp.route("/lab/trainer", methods=["GET", "POST"])
def trainer_page():
    """Switch the diary's guided mode on or off."""
    return trainer_page_response(trainer, db, "lab_trainer.trainer_page", "lab/trainer.html")


@bp.get("/lab/demo-reset")
def demo_reset_page():
    """Ask the trainer to confirm returning the diary to the demo start."""
    return render_template("lab/demo_reset.html", form=DemoResetForm(formdata=None))


@bp.post("/lab/demo-reset")
def demo_reset_run():
    """Return the diary (only) to the demo start, as ``POST /api/lab/reset {"demo": true}`` does."""
    if not DemoResetForm().validate():
        flash(_("Дневник не сброшен: форма устарела, попробуйте ещё раз."), "error")
        return redirect(url_for("lab_trainer.demo_reset_page"))
    reset_app(db.session, wipe, seed_demo, ResetOptions(demo=True))
    flash(_("Дневник вернулся к началу демонстрации."), "success")
    return redirect(url_for("lab_trainer.trainer_page"))

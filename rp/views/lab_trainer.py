"""The diary's lab page for the guided (trainer) mode, and the banner that names each screen's step."""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import request

from fedlab.trainer import guide_context
from fedlab.trainer import trainer_page_response
from fedlab.web import lab_guard
from rp import trainer
from rp.extensions import db

bp = Blueprint("lab_trainer", __name__)


#: Answer 404 unless the lab mode is on.
bp.before_request(lab_guard)


@bp.app_context_processor
def inject_guide() -> dict:
    """Give each login and linking screen its step of the instructions when the guided mode is on."""
    step = trainer.step_for(request.endpoint) if current_app.config.get("LAB_MODE") else None
    return guide_context(step, trainer, db)


@bp.route("/lab/trainer", methods=["GET", "POST"])
def trainer_page():
    """Switch the diary's guided mode on or off."""
    return trainer_page_response(trainer, db, "lab_trainer.trainer_page", "lab/trainer.html")

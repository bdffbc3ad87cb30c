"""Trainer tools of the lab: the presenter page (app, lab phone and mailbox side by side) and the guided mode.

Lab-only (404 unless ``LAB_MODE``). The presenter page frames the IdP's own pages, which is why the
IdP allows same-origin framing in lab mode (``frame-ancestors 'self'``, see ``idp.create_app``).
"""

from __future__ import annotations

from flask import Blueprint
from flask import render_template
from flask import request
from flask import url_for

from idp import trainer
from idp.db import db
from labkit.trainer import trainer_page_response
from labkit.web import lab_guard

bp = Blueprint("presenter", __name__, url_prefix="/lab")


#: Hide the trainer tools outside lab mode.
bp.before_request(lab_guard)


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
    return trainer_page_response(trainer, db, "presenter.trainer_page", "presenter/trainer.html")

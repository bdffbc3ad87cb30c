"""Consent to personal data processing (152-ФЗ), asked of parents before they see anything."""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import lazy_gettext as _l
from wtforms import SubmitField

from labkit.forms import FlaskForm
from rp.auth_session import login_required
from rp.auth_session import safe_next
from rp.domain.consent import consent_state
from rp.domain.consent import record_consent
from rp.extensions import db
from rp.views.diarykit import nav_context
from rp.views.diarykit import now
from rp.views.diarykit import viewer

bp = Blueprint("consent", __name__)


class ConsentForm(FlaskForm):
    """Accept or refuse the current consent text."""

    accept = SubmitField(_l("Даю согласие"))
    refuse = SubmitField(_l("Не даю согласие"))


@bp.route("/consent", methods=["GET", "POST"])
@login_required
def show():
    """Show the consent text; record the answer; accepted parents go on to the diary."""
    version = current_app.config["CONSENT_VERSION"]
    who = viewer()
    form = ConsentForm()
    if form.validate_on_submit():
        accepted = bool(form.accept.data)
        record_consent(db.session, who.person_id, version, accepted, now())
        db.session.commit()
        if accepted:
            return redirect(safe_next(request.args.get("next"), url_for("diary.index")))
        return redirect(url_for("consent.show"))
    state = consent_state(db.session, who.person_id, version)
    return render_template("consent/show.html", **nav_context(), form=form, version=version, state=state)

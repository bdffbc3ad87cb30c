"""The person's consents to applications: list and revoke (``/profile/consents``)."""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import lazy_gettext as _l

from idp.auth_session import current_account
from idp.auth_session import login_required
from idp.db import db
from idp.domain import clients as client_domain
from idp.oidc import consents
from idp.oidc.claims import SCOPE_LABELS_RU
from labkit.forms import FlaskForm

bp = Blueprint("consents", __name__)


class RevokeForm(FlaskForm):
    """A CSRF-protected button that withdraws one consent."""


@bp.get("/profile/consents")
@login_required
def index():
    """List the applications the person gave access to, with what data."""
    account = current_account()
    rows = []
    for consent in consents.active_consents(db.session, account.id):
        client = client_domain.find_client(db.session, consent.client_id)
        rows.append(
            {
                "id": consent.id,
                "client_name": client.client_name if client else consent.client_id,
                "items": [SCOPE_LABELS_RU[s] for s in consent.scopes if s in SCOPE_LABELS_RU],
                "granted_at": consent.granted_at,
            }
        )
    return render_template("oidc/consents.html", rows=rows, form=RevokeForm())


@bp.post("/profile/consents/<int:consent_id>/revoke")
@login_required
def revoke(consent_id: int):
    """Withdraw a consent; the application's tokens for this person stop working."""
    form = RevokeForm()
    if not form.validate_on_submit():
        abort(400)
    if not consents.revoke(db.session, current_account().id, consent_id):
        abort(404)
    db.session.commit()
    flash(_l("Разрешение отозвано."), "success")
    return redirect(url_for("consents.index"))

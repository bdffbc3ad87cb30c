"""The operator's page of ESIA systems: register one with its certificates, see their hashes, remove one.

Lab-only, behind the operator's log-in like the rest of the service centre (``/operator``).
"""

from __future__ import annotations

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import session
from flask import url_for
from flask_babel import gettext as _

from idp.domain import clients as client_domain
from idp.esia import certificates
from idp.esia.forms import EsiaClientForm
from idp.esia.forms import RemoveForm
from idp.extensions import db
from labkit.web import check_lab

bp = Blueprint("esia_operator", __name__, url_prefix="/operator/esia")


@bp.before_request
def operator_only():
    """Lab mode and the operator's session, as for the service centre."""
    refused = check_lab(api=False)
    if refused is not None:
        return refused
    if not session.get("operator"):
        return redirect(url_for("operator.login"))
    return None


def _page(form: EsiaClientForm, status: int = 200):
    rows = [(c, certificates.esia_json(c)) for c in client_domain.list_clients(db.session)]
    rows = [(c, esia) for c, esia in rows if esia["certificates"]]
    return render_template("esia/operator.html", form=form, rows=rows, remove_form=RemoveForm(formdata=None)), status


@bp.get("")
def index():
    """The ESIA systems and the registration form."""
    return _page(EsiaClientForm(formdata=None))


@bp.post("")
def create():
    """Register a system from the form; a refusal shows the reasons and keeps what was typed."""
    form = EsiaClientForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    try:
        client = client_domain.create_client(
            db.session,
            form.client_id.data.strip(),
            None,
            [line.strip() for line in form.redirect_uris.data.splitlines() if line.strip()],
            scope=form.scope.data,
            min_level=form.min_level.data,
            name=form.client_name.data or None,
            esia_certificates=[form.certificates.data],
            esia_access_token_alg=form.access_token_alg.data,
            esia_signature_mode=form.signature_mode.data,
        )
    except client_domain.ClientInvalid as exc:
        db.session.rollback()
        for name, reason in exc.errors.items():
            flash(_("Не удалось зарегистрировать систему: %(field)s — %(reason)s", field=name, reason=reason), "error")
        return _page(form, 400)
    db.session.commit()
    flash(_("Система %(client_id)s зарегистрирована.", client_id=client.client_id), "success")
    return redirect(url_for("esia_operator.index"))


@bp.post("/<client_id>/remove")
def remove(client_id: str):
    """Remove a system with its codes, tokens and consents."""
    if not RemoveForm().validate_on_submit():
        flash(_("Форма устарела. Обновите страницу и повторите."), "error")
    elif client_domain.remove_client(db.session, client_id):
        db.session.commit()
        flash(_("Система %(client_id)s удалена.", client_id=client_id), "success")
    return redirect(url_for("esia_operator.index"))

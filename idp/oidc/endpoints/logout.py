"""RP-initiated logout: end the session and go back to a registered post-logout URI with ``state``."""

from __future__ import annotations

from authlib.oauth2 import OAuth2Error
from flask import Blueprint
from flask import render_template
from flask import request

from idp.auth_session import current_account
from idp.extensions import csrf
from idp.oidc import context
from idp.oidc.endpoints.errors import error_page
from idp.oidc.forms import EndSessionForm
from idp.oidc.server import authorization

bp = Blueprint("logout", __name__)

#: The parameters of an RP-initiated logout request (OIDC RP-Initiated Logout 1.0 §2); the IdP's own
#: logout button sends none of them.
RP_LOGOUT_PARAMETERS = ("id_token_hint", "logout_hint", "client_id", "post_logout_redirect_uri", "state", "ui_locales")


@bp.route("/logout", methods=["GET", "POST"])
@csrf.exempt
def end_session():
    """RP-initiated logout: end the session and go back to a registered post-logout URI with state."""
    context.begin("logout")
    try:
        end_request = authorization.validate_endpoint_request("end_session")
    except OAuth2Error as err:
        return error_page(err.error, err.get_error_description())
    if end_request.needs_confirmation and current_account() is not None:
        form = EndSessionForm()
        if request.method == "GET" or not form.validate_on_submit():
            form.post_logout_redirect_uri.data = request.values.get("post_logout_redirect_uri", "")
            form.client_id.data = request.values.get("client_id", "")
            form.state.data = request.values.get("state", "")
            return render_template("oidc/logout_confirm.html", form=form, client=end_request.client)
    response = authorization.create_endpoint_response("end_session", end_request)
    if response is not None:
        return response
    return render_template("oidc/logged_out.html", client=end_request.client)

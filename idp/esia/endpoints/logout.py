"""ESIA's logout ``GET /idp/ext/Logout?client_id=…&redirect_url=…``: end the IdP session, then go back.

The browser is sent to ``redirect_url`` only if it is one of the client's registered redirect or
post-logout URIs; otherwise the IdP shows its "logged out" page.
"""

from __future__ import annotations

from flask import Blueprint
from flask import g
from flask import redirect
from flask import render_template
from flask import request

from idp.auth_session import current_account
from idp.auth_session import logout as end_session
from idp.esia.endpoints import common

bp = Blueprint("esia_logout", __name__)
bp.after_request(common.record_exchange)


@bp.get("/idp/ext/Logout")
def logout():
    """End the session; 302 to a registered ``redirect_url``, else the logged-out page."""
    g.trace_step = "logout"
    g.trace_channel = "browser"
    account = current_account()
    if account is not None:
        g.trace_account_oid = str(account.oid)
    client = common.find_client(request.args.get("client_id"))
    target = request.args.get("redirect_url") or ""
    end_session()
    if client is not None and target and (target in client.redirect_uris or target in client.post_logout_redirect_uris):
        return redirect(target)
    return render_template("oidc/logged_out.html", client=client)

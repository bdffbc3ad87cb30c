"""The authorization endpoint: log-in, account level, consent, then the code (or an error)."""

from __future__ import annotations

from urllib.parse import urlencode
from urllib.parse import urlsplit

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import OAuth2Error
from authlib.oidc.core.errors import ConsentRequiredError
from flask import Blueprint
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from werkzeug.routing import BuildError

from idp.auth_session import current_account
from idp.clock import clock
from idp.db import db
from idp.domain import faults
from idp.extensions import csrf
from idp.oidc import consents
from idp.oidc import context
from idp.oidc import trace
from idp.oidc.claims import SCOPE_LABELS_RU
from idp.oidc.claims import account_level_number
from idp.oidc.claims import acr_for_level
from idp.oidc.claims import required_level
from idp.oidc.endpoints.errors import error_page
from idp.oidc.endpoints.errors import error_redirect
from idp.oidc.forms import ConsentForm
from idp.oidc.server import authorization
from idp.oidc.server import issuer
from idp.oidc.server import note_faults
from labkit.web import apply_ui_locales

bp = Blueprint("authorization", __name__)

#: Form fields of our own pages that are not part of the authorization request.
OWN_FIELDS = ("csrf_token", "allow", "deny")


def _request_params(drop: tuple[str, ...] = OWN_FIELDS) -> list[tuple[str, str]]:
    """Return the authorization request's parameters (query and form), without our own fields."""
    return [(k, v) for k in request.values for v in request.values.getlist(k) if k not in drop]


def _authorize_url(params: list[tuple[str, str]]) -> str:
    """Return the local path+query of an authorization request."""
    return url_for("oidc.authorization.authorize") + "?" + urlencode(params)


def _login_url(next_url: str, login_hint: str | None) -> str:
    """Return the IdP login page that comes back to ``next_url`` after a successful log-in."""
    extra = {"login_hint": login_hint} if login_hint else {}
    try:
        return url_for("auth.login", next=next_url, **extra)
    except BuildError:
        return "/login?" + urlencode({"next": next_url, **extra})


def _needs_login(account, prompts: list[str], max_age: str | None) -> bool:
    """Return whether the person must (re-)authenticate for this request."""
    if account is None or "login" in prompts:
        return True
    if max_age is not None and max_age.strip().isdigit():
        auth_time = session.get("auth_time") or 0
        return clock.timestamp() - auth_time > int(max_age)
    return False


@bp.route("/authorize", methods=["GET", "POST"])
@csrf.exempt
def authorize():
    """Run an authorization request: log-in, account level, consent, then the code (or an error)."""
    values = request.values
    trace_id = trace.authorize_trace_id(values.get("client_id"), values.get("state"), values.get("nonce"))
    exchange = context.begin("authorize", trace_id)
    apply_ui_locales(values.get("ui_locales"), trace_id)

    account = current_account()
    prompts = (values.get("prompt") or "").split()
    needs_login = _needs_login(account, prompts, values.get("max_age"))
    try:
        grant = authorization.get_consent_grant(end_user=None if needs_login else account)
    except OAuth2Error as err:
        if err.redirect_uri:
            return error_redirect(err.redirect_uri, err.error, err.get_error_description(), values.get("state"))
        return error_page(err.error, err.get_error_description())

    client = grant.request.client
    redirect_uri = grant.redirect_uri
    state = values.get("state")
    fired = faults.take_one(db.session, "authorize_error", client.client_id)
    if fired is not None:  # a lab fault: answer the client with the chosen error
        note_faults([fired])
        db.session.commit()
        description = fired.params.get("description") or f"Injected by the lab (fault #{fired.id})."
        return error_redirect(redirect_uri, fired.params.get("error", "access_denied"), description, state)

    if needs_login:
        # Come back here after log-in without the parameters that forced it, so there is no loop.
        params = [(k, v) for k, v in _request_params() if k != "max_age" or account is None]
        params = [(k, " ".join(p for p in v.split() if p != "login") if k == "prompt" else v) for k, v in params]
        params = [(k, v) for k, v in params if v != "" or k != "prompt"]
        return redirect(_login_url(_authorize_url(params), values.get("login_hint")))

    exchange.account_oid = str(account.oid)
    level = account_level_number(account)
    needed = required_level(values.get("acr_values"), client.min_level)
    if level < needed:
        description = f"The account level {level} is below the required level {needed}."
        if "none" in prompts:
            return error_redirect(redirect_uri, "unmet_authentication_requirements", description, state)
        back = add_params_to_uri(
            redirect_uri,
            [("error", "unmet_authentication_requirements"), ("error_description", description)]
            + ([("state", state)] if state else [])
            + [("iss", issuer())],
        )
        return render_template(
            "oidc/level_too_low.html", client=client, level=level, needed=needed, back_url=back, account=account
        )
    exchange.acr = acr_for_level(level)

    scopes = (grant.request.scope or "").split()
    if request.method == "POST" and (request.form.get("allow") or request.form.get("deny")):
        form = ConsentForm()
        if not form.validate_on_submit():
            return _consent_page(form, client, scopes, account), 400
        if form.deny.data:
            response = authorization.create_authorization_response(grant_user=None, grant=grant)
        else:
            consents.grant(db.session, account.id, client.client_id, scopes)
            response = authorization.create_authorization_response(grant_user=account, grant=grant)
        db.session.commit()
        return response

    remembered = consents.has_consent(db.session, account.id, client.client_id, scopes)
    if remembered and "consent" not in prompts:
        response = authorization.create_authorization_response(grant_user=account, grant=grant)
        db.session.commit()
        return response
    if "none" in prompts:
        err = ConsentRequiredError()
        return error_redirect(redirect_uri, err.error, err.get_error_description(), state)
    # Made only for the page: a form puts a CSRF token in the session, which a remembered consent need not write.
    return _consent_page(ConsentForm(), client, scopes, account)


def _consent_page(form: ConsentForm, client, scopes: list[str], account):
    """Render the consent screen listing, in plain words, each piece of data asked for."""
    items = [SCOPE_LABELS_RU[s] for s in scopes if s in SCOPE_LABELS_RU]
    return render_template(
        "oidc/consent.html",
        form=form,
        client=client,
        items=items,
        account=account,
        action=_authorize_url(_request_params()),
        redirect_host=urlsplit(request.values.get("redirect_uri") or client.get_default_redirect_uri() or "").hostname,
    )

"""OpenID Provider endpoints: discovery, JWKS, authorization (with login, level check and consent),
token, userinfo, revocation, introspection, RP-initiated logout and dynamic registration.

Protocol work is Authlib's (``idp.oidc.server``); this module adapts HTTP and pages.
Every exchange is recorded in the protocol trace (``idp.oidc.trace``).
"""

from __future__ import annotations

import logging
import secrets
import time
import uuid
from urllib.parse import parse_qsl
from urllib.parse import urlencode
from urllib.parse import urlsplit

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import OAuth2Error
from authlib.oidc.core.errors import ConsentRequiredError
from flask import Blueprint
from flask import current_app
from flask import g
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import refresh as refresh_locale
from sqlalchemy import select
from werkzeug.routing import BuildError
from wtforms import HiddenField
from wtforms import SubmitField

from idp.auth_session import current_account
from idp.db import db
from idp.domain import clients as client_domain
from idp.domain import faults
from idp.extensions import csrf
from idp.models.oauth import AuthorizationCode
from idp.models.oauth import Token
from idp.oidc import consents
from idp.oidc import keys
from idp.oidc import trace
from idp.oidc.claims import SCOPE_LABELS_RU
from idp.oidc.claims import account_level_number
from idp.oidc.claims import acr_for_level
from idp.oidc.claims import required_level
from idp.oidc.metadata import discovery_document
from idp.oidc.server import authorization
from idp.oidc.server import issuer
from idp.oidc.server import note_faults
from labkit.forms import FlaskForm

bp = Blueprint("oidc", __name__)
log = logging.getLogger(__name__)

#: Form fields of our own pages that are not part of the authorization request.
OWN_FIELDS = ("csrf_token", "allow", "deny")


class ConsentForm(FlaskForm):
    """The consent decision: "Предоставить" or "Отказать"."""

    allow = SubmitField(_l("Предоставить"))
    deny = SubmitField(_l("Отказать"))


class LogoutForm(FlaskForm):
    """Confirmation of a logout request that came without ``id_token_hint``."""

    post_logout_redirect_uri = HiddenField()
    client_id = HiddenField()
    state = HiddenField()
    confirm = SubmitField(_l("Выйти"))


# --- helpers -------------------------------------------------------------------------------------


def _request_params(drop: tuple[str, ...] = OWN_FIELDS) -> list[tuple[str, str]]:
    """Return the authorization request's parameters (query and form), without our own fields."""
    return [(k, v) for k in request.values for v in request.values.getlist(k) if k not in drop]


def _authorize_url(params: list[tuple[str, str]]) -> str:
    """Return the local path+query of an authorization request."""
    return url_for("oidc.authorize") + "?" + urlencode(params)


def _login_url(next_url: str, login_hint: str | None) -> str:
    """Return the IdP login page that comes back to ``next_url`` after a successful log-in."""
    extra = {"login_hint": login_hint} if login_hint else {}
    try:
        return url_for("auth.login", next=next_url, **extra)
    except BuildError:
        return "/login?" + urlencode({"next": next_url, **extra})


def _error_redirect(redirect_uri: str, error: str, description: str | None, state: str | None):
    """Send the browser back to the client with an error, ``state`` and ``iss``."""
    params = [("error", error)]
    if description:
        params.append(("error_description", " ".join(description.split())))
    if state:
        params.append(("state", state))
    params.append(("iss", issuer()))
    return redirect(add_params_to_uri(redirect_uri, params))


def _error_page(error: str, description: str | None, status: int = 400):
    """Show an authorization error to the person (never redirecting to an unverified URI)."""
    return (
        render_template("oidc/error.html", error=error, description=description or ""),
        status,
    )


def _apply_ui_locales(value: str | None) -> None:
    """Use the first supported language of ``ui_locales`` for the IdP's pages."""
    for tag in (value or "").split():
        lang = tag.split("-")[0].lower()
        if lang in current_app.config["LANGUAGES"]:
            session["lang"] = lang
            refresh_locale()
            return


def _needs_login(account, prompts: list[str], max_age: str | None) -> bool:
    """Return whether the person must (re-)authenticate for this request."""
    if account is None or "login" in prompts:
        return True
    if max_age is not None and max_age.strip().isdigit():
        auth_time = session.get("auth_time") or 0
        return time.time() - auth_time > int(max_age)
    return False


# --- discovery and keys -------------------------------------------------------------------------


@bp.get("/.well-known/openid-configuration")
def discovery():
    """Publish the provider metadata."""
    response = jsonify(discovery_document(issuer(), bool(current_app.config.get("DYNAMIC_REGISTRATION"))))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/jwks.json")
def jwks():
    """Publish the public signing keys (active and recently retired)."""
    document = keys.public_jwks(db.session)
    db.session.commit()
    response = jsonify(document)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


# --- authorization endpoint ---------------------------------------------------------------------


@bp.route("/authorize", methods=["GET", "POST"])
@csrf.exempt
def authorize():
    """Run an authorization request: log-in, account level, consent, then the code (or an error)."""
    values = request.values
    g.trace_id = trace.authorize_trace_id(values.get("client_id"), values.get("state"), values.get("nonce"))
    g.trace_step = "authorize"
    _apply_ui_locales(values.get("ui_locales"))

    account = current_account()
    prompts = (values.get("prompt") or "").split()
    needs_login = _needs_login(account, prompts, values.get("max_age"))
    try:
        grant = authorization.get_consent_grant(end_user=None if needs_login else account)
    except OAuth2Error as err:
        if err.redirect_uri:
            return _error_redirect(err.redirect_uri, err.error, err.get_error_description(), values.get("state"))
        return _error_page(err.error, err.get_error_description())

    client = grant.request.client
    redirect_uri = grant.redirect_uri
    state = values.get("state")
    fired = faults.take_one(db.session, "authorize_error", client.client_id)
    if fired is not None:  # a lab fault: answer the client with the chosen error
        note_faults([fired])
        db.session.commit()
        description = fired.params.get("description") or f"Injected by the lab (fault #{fired.id})."
        return _error_redirect(redirect_uri, fired.params.get("error", "access_denied"), description, state)

    if needs_login:
        # Come back here after log-in without the parameters that forced it, so there is no loop.
        params = [(k, v) for k, v in _request_params() if k != "max_age" or account is None]
        params = [(k, " ".join(p for p in v.split() if p != "login") if k == "prompt" else v) for k, v in params]
        params = [(k, v) for k, v in params if v != "" or k != "prompt"]
        return redirect(_login_url(_authorize_url(params), values.get("login_hint")))

    g.trace_account_oid = str(account.oid)
    level = account_level_number(account)
    needed = required_level(values.get("acr_values"), client.min_level)
    if level < needed:
        description = f"The account level {level} is below the required level {needed}."
        if "none" in prompts:
            return _error_redirect(redirect_uri, "unmet_authentication_requirements", description, state)
        back = add_params_to_uri(
            redirect_uri,
            [("error", "unmet_authentication_requirements"), ("error_description", description)]
            + ([("state", state)] if state else [])
            + [("iss", issuer())],
        )
        return render_template(
            "oidc/level_too_low.html", client=client, level=level, needed=needed, back_url=back, account=account
        )
    g.oidc_acr = acr_for_level(level)

    scopes = (grant.request.scope or "").split()
    form = ConsentForm()
    if request.method == "POST" and (request.form.get("allow") or request.form.get("deny")):
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
        return _error_redirect(redirect_uri, err.error, err.get_error_description(), state)
    return _consent_page(form, client, scopes, account)


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
    )


# --- token, userinfo, revocation, introspection ---------------------------------------------------


def _trace_from_token(token_value: str | None) -> str | None:
    if not token_value:
        return None
    return db.session.scalar(
        select(Token.trace_id).where((Token.access_token == token_value) | (Token.refresh_token == token_value))
    )


def _token_client_id() -> str | None:
    """Return the client a token request claims to be (Basic, form, or assertion issuer; unverified)."""
    auth = request.authorization
    if auth is not None and auth.type == "basic" and auth.username:
        return auth.username
    if request.form.get("client_id"):
        return request.form["client_id"]
    assertion = trace.decode_jwt(request.form.get("client_assertion") or "")
    return str(assertion["claims"].get("iss")) if assertion else None


def _token_fault_response():
    """Apply the lab's token endpoint faults: wait the chosen delay, or answer an error instead of tokens."""
    fired = faults.take(db.session, ("token_slow", "token_error"), _token_client_id())
    if not fired:
        return None
    note_faults(fired)
    db.session.commit()
    for fault in fired:
        if fault.kind == "token_slow":
            time.sleep(float(fault.params.get("delay", 0)))
    for fault in fired:
        if fault.kind == "token_error":
            error = fault.params.get("error") or "server_error"
            description = fault.params.get("description") or f"Injected by the lab (fault #{fault.id})."
            response = jsonify(error=error, error_description=description)
            response.status_code = faults.TOKEN_ERROR_STATUS.get(error, 400) if fault.params.get("error") else 500
            response.headers["Cache-Control"] = "no-store"
            return response
    return None


@bp.post("/token")
@csrf.exempt
def token():
    """Exchange a code or a refresh token for tokens (JSON; errors per RFC 6749 §5.2)."""
    g.trace_step = "token"
    code = request.form.get("code")
    if code:
        g.trace_id = db.session.scalar(select(AuthorizationCode.trace_id).where(AuthorizationCode.code == code))
    else:
        g.trace_id = _trace_from_token(request.form.get("refresh_token"))
    failed = _token_fault_response()
    if failed is not None:
        return failed
    response = authorization.create_token_response()
    db.session.commit()
    return response


@bp.route("/userinfo", methods=["GET", "POST"])
@csrf.exempt
def userinfo():
    """Return the claims of a Bearer access token (header, or ``access_token`` in a POST body)."""
    g.trace_step = "userinfo"
    header = request.headers.get("Authorization", "")
    if not header and request.method == "POST" and request.form.get("access_token"):
        request.environ["HTTP_AUTHORIZATION"] = "Bearer " + request.form["access_token"]
        header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    g.trace_id = _trace_from_token(value.strip()) if scheme.lower() == "bearer" else None
    if scheme.lower() != "bearer" or not value.strip():
        response = jsonify(error="invalid_token", error_description="Missing Bearer access token.")
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token", error_description="Missing token"'
        return response
    response = authorization.create_endpoint_response("userinfo")
    db.session.commit()  # a fired lab fault counts down
    if response.status_code == 401 and "WWW-Authenticate" not in response.headers:
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


@bp.post("/revoke")
@csrf.exempt
def revoke():
    """RFC 7009 token revocation."""
    g.trace_step = "revoke"
    g.trace_id = _trace_from_token(request.form.get("token"))
    response = authorization.create_endpoint_response("revocation")
    db.session.commit()
    return response


@bp.post("/introspect")
@csrf.exempt
def introspect():
    """RFC 7662 token introspection."""
    g.trace_step = "introspect"
    g.trace_id = _trace_from_token(request.form.get("token"))
    return authorization.create_endpoint_response("introspection")


# --- RP-initiated logout --------------------------------------------------------------------------


@bp.route("/logout", methods=["GET", "POST"])
@csrf.exempt
def end_session():
    """RP-initiated logout: end the session and go back to a registered post-logout URI with state."""
    g.trace_step = "logout"
    try:
        end_request = authorization.validate_endpoint_request("end_session")
    except OAuth2Error as err:
        return _error_page(err.error, err.get_error_description())
    if end_request.needs_confirmation and current_account() is not None:
        form = LogoutForm()
        if request.method == "GET" or not form.validate_on_submit():
            form.post_logout_redirect_uri.data = request.values.get("post_logout_redirect_uri", "")
            form.client_id.data = request.values.get("client_id", "")
            form.state.data = request.values.get("state", "")
            return render_template("oidc/logout_confirm.html", form=form, client=end_request.client)
    response = authorization.create_endpoint_response("end_session", end_request)
    if response is not None:
        return response
    return render_template("oidc/logged_out.html", client=end_request.client)


# --- dynamic registration (RFC 7591) --------------------------------------------------------------


@bp.post("/register")
@csrf.exempt
def register():
    """Register a client from JSON metadata when ``DYNAMIC_REGISTRATION`` is on."""
    g.trace_step = "register"
    g.trace_id = uuid.uuid4().hex
    if not current_app.config.get("DYNAMIC_REGISTRATION"):
        return jsonify(error="access_denied", error_description="Dynamic registration is disabled."), 404
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(error="invalid_client_metadata", error_description="Expected a JSON object."), 400
    method = data.get("token_endpoint_auth_method") or "client_secret_basic"
    client_id = "dyn-" + secrets.token_urlsafe(12)
    secret = secrets.token_urlsafe(32) if method in ("client_secret_basic", "client_secret_post") else None
    redirect_uris = data.get("redirect_uris")
    if not isinstance(redirect_uris, list) or not all(isinstance(u, str) for u in redirect_uris) or not redirect_uris:
        return jsonify(error="invalid_redirect_uri", error_description="redirect_uris is required."), 400
    post_logout = data.get("post_logout_redirect_uris") or []
    if not isinstance(post_logout, list) or not all(isinstance(u, str) for u in post_logout):
        return jsonify(
            error="invalid_client_metadata", error_description="post_logout_redirect_uris must be a list of strings."
        ), 400
    extra = {k: data[k] for k in ("logo_uri", "policy_uri", "tos_uri", "client_uri", "contacts") if k in data}
    try:
        client = client_domain.create_client(
            db.session,
            client_id,
            secret,
            redirect_uris,
            auth_method=method,
            scope=data.get("scope") if isinstance(data.get("scope"), str) else None,
            post_logout_redirect_uris=post_logout,
            name=data.get("client_name") if isinstance(data.get("client_name"), str) else None,
            jwks=data.get("jwks") if isinstance(data.get("jwks"), dict) else None,
            jwks_uri=data.get("jwks_uri") if isinstance(data.get("jwks_uri"), str) else None,
            id_token_signed_response_alg=data.get("id_token_signed_response_alg")
            if data.get("id_token_signed_response_alg") in keys.SUPPORTED_ALGS
            else None,
            extra_metadata=extra,
        )
    except client_domain.ClientInvalid as exc:
        db.session.rollback()
        error = "invalid_redirect_uri" if "redirect_uris" in exc.errors else "invalid_client_metadata"
        return jsonify(error=error, error_description=str(exc)), 400
    db.session.commit()
    body = {
        **client.client_metadata,
        "client_id": client.client_id,
        "client_id_issued_at": int(time.time()),
        "client_secret_expires_at": 0,
    }
    if secret:
        body["client_secret"] = secret
    return jsonify(body), 201


# --- the protocol trace ---------------------------------------------------------------------------


def _masked_location(location: str) -> tuple[str, dict]:
    parts = urlsplit(location)
    masked, decoded = trace.mask_params(dict(parse_qsl(parts.query)))
    base = location.split("?", 1)[0]
    return (base + ("?" + urlencode(masked) if masked else "")), decoded


@bp.after_request
def record_exchange(response):
    """Append this request and its response to the login's trace (never failing the response)."""
    step = g.get("trace_step")
    if not step or not current_app.config.get("OIDC_TRACE", True):
        return response
    try:
        params, decoded = trace.mask_params(request.values.to_dict())
        req = {"params": params, "headers": trace.mask_headers(dict(request.headers))}
        req["channel"] = trace.channel_of(step, dict(request.headers), bool(request.cookies), request.values)
        if decoded:
            req["decoded"] = decoded
        resp: dict = {"headers": trace.mask_headers(dict(response.headers))}
        if response.location:
            resp["location"], _ = _masked_location(response.location)
            resp["headers"].pop("Location", None)
        if response.mimetype == "application/json":
            body = response.get_json(silent=True)
            if isinstance(body, dict):
                resp["body"], decoded_body = trace.mask_params(body)
                if decoded_body:
                    resp["decoded"] = decoded_body
        elif response.mimetype == "text/html":
            resp["body"] = "(HTML page)"
        if g.get("trace_faults"):
            resp["faults"] = g.trace_faults
        trace.record(
            db.session,
            g.get("trace_id") or uuid.uuid4().hex,
            step=step,
            method=request.method,
            path=request.path,
            status=response.status_code,
            request=req,
            response=resp,
            client_id=request.values.get("client_id") or None,
            account_oid=g.get("trace_account_oid"),
            state=request.values.get("state") if step == "authorize" else None,
        )
        db.session.commit()
    except Exception:  # noqa: BLE001  (tracing must never break the protocol)
        db.session.rollback()
        log.exception("could not record the protocol trace")
    return response

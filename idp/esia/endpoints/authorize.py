"""ESIA's authorization endpoints ``GET /aas/oauth2/ac`` (legacy) and ``/aas/oauth2/v2/ac``.

The request is checked once (client, exact redirect URI, parameters, timestamp window, scope,
signed ``client_secret``) and then carried, signed with the app's secret key, in a continuation
URL while the person goes through the IdP's own login page (which starts a fresh session), level
check and consent screen; the browser then returns to the client with
``code`` and ``state``, or with an ``ESIA-0070xx`` error. An unknown client or redirect URI gets
an error page, never a redirect.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from flask import Blueprint
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from itsdangerous import BadSignature
from itsdangerous import URLSafeTimedSerializer

from idp.auth_session import auth_time
from idp.auth_session import current_account
from idp.clock import clock
from idp.db import db
from idp.domain import faults
from idp.domain import labstate
from idp.esia import certificates
from idp.esia import grants
from idp.esia import signatures
from idp.esia.endpoints import common
from idp.esia.errors import EsiaError
from idp.esia.errors import from_oauth_error
from idp.esia.scopes import ESIA_SCOPES
from idp.esia.scopes import parse_scope
from idp.oidc import consents
from idp.oidc import context
from idp.oidc import trace
from idp.oidc.claims import SCOPE_LABELS_RU
from idp.oidc.claims import account_level_number
from idp.oidc.forms import ConsentForm
from labkit.web import apply_ui_locales
from shared import esia_wire

bp = Blueprint("esia_authorize", __name__)
bp.after_request(common.record_exchange)

AC_PARAMS = (
    "client_id",
    "client_secret",
    "redirect_uri",
    "scope",
    "scope_org",
    "response_type",
    "state",
    "timestamp",
    "access_type",
    "client_certificate_hash",
)
#: Session key of the continuations this browser already used (each gives one code or error).
DONE_KEY = "esia_done"
MAX_DONE = 20
#: A checked request waits this long (real seconds) for the person to log in and consent.
PENDING_TTL_SECONDS = 1800
MAX_STATE = 200


def error_location(redirect_uri: str, err: EsiaError, state: str | None) -> str:
    """Return ``redirect_uri?error=…&error_description=ESIA-0070xx:+text&state=…``."""
    params = [("error", err.error), ("error_description", err.description)]
    if state:
        params.append(("state", state))
    return redirect_uri + ("&" if "?" in redirect_uri else "?") + urlencode(params)


def _error_redirect(redirect_uri: str, err: EsiaError, state: str | None):
    common.note(error=err.code, detail=err.detail)
    return redirect(error_location(redirect_uri, err, state))


def check_timestamp(value: str) -> None:
    """Refuse a timestamp in another format or outside ``ESIA_TIMESTAMP_WINDOW_SECONDS`` of real time."""
    try:
        moment = esia_wire.parse_timestamp(value)
    except ValueError:
        raise EsiaError("ESIA-007015", "timestamp is not yyyy.MM.dd HH:mm:ss Z") from None
    now = clock.real()
    window = float(common.setting("ESIA_TIMESTAMP_WINDOW_SECONDS"))
    if abs((now - moment).total_seconds()) > window:
        raise EsiaError("ESIA-007015", f"timestamp is more than {int(window)} s away from the server's time")


def check_scopes(text: str, client) -> list[str]:
    """Return the requested scopes, refusing (ESIA-007006) those unknown or not registered for the client."""
    scopes = parse_scope(text)
    if not scopes:
        raise EsiaError("ESIA-007013", "scope is empty")
    registered = set(parse_scope(client.scope)) or set(ESIA_SCOPES)
    refused = [s for s in scopes if s not in ESIA_SCOPES or s not in registered]
    if refused:
        raise EsiaError("ESIA-007006", "not allowed: " + " ".join(refused)[:200])
    return scopes


def signing_certificates(client, hash_value: str | None, v2: bool) -> list[dict[str, str]]:
    """Return the certificates a request may be signed with (the one ``client_certificate_hash`` names)."""
    registered = certificates.client_certificates(client)
    if not registered:
        raise EsiaError("ESIA-007002", "the client has no registered ESIA certificate")
    if hash_value:
        match = certificates.find_by_hash(client, hash_value)
        if match is None:
            raise EsiaError("ESIA-007053", "client_certificate_hash matches no registered certificate")
        return [match]
    if v2 and client.esia_signature_mode == "strict":
        raise EsiaError("ESIA-007014", "client_certificate_hash is missing")
    return registered


def _check(protocol: str, data: dict[str, str], client) -> list[str]:
    """Check an authorization request after its client and redirect URI; return the scopes."""
    if not certificates.client_certificates(client):
        raise EsiaError("ESIA-007002", "the client has no registered ESIA certificate")
    common.require(data, "response_type")
    if data["response_type"] != "code":
        raise EsiaError("ESIA-007003", "response_type must be code")
    if not data.get("scope"):
        raise EsiaError("ESIA-007013", "scope is missing")
    common.require(data, "state", "timestamp", "client_secret")
    if len(data["state"]) > MAX_STATE:
        raise EsiaError("ESIA-007003", "state is too long")
    if data.get("access_type") not in (None, "", "online", "offline"):
        raise EsiaError("ESIA-007003", "access_type must be online or offline")
    check_timestamp(data["timestamp"])
    scopes = check_scopes(data["scope"], client)
    certs = signing_certificates(client, data.get("client_certificate_hash"), protocol == signatures.V2)
    if protocol == signatures.V2:
        strings = [
            signatures.SignedString(
                signatures.V2,
                esia_wire.v2_string(
                    data["client_id"],
                    data["scope"],
                    data.get("scope_org", ""),
                    data["timestamp"],
                    data["state"],
                    data["redirect_uri"],
                ),
            )
        ]
    else:
        strings = []
    strings.append(
        signatures.SignedString(
            signatures.LEGACY,
            esia_wire.legacy_string(data["scope"], data["timestamp"], data["client_id"], data["state"]),
        )
    )
    match = signatures.verify_client_secret(
        data["client_secret"], strings, certs, signatures.policy(protocol, client.esia_signature_mode)
    )
    common.note(signature=match.as_trace(), mode=client.esia_signature_mode)
    return scopes


@bp.get("/aas/oauth2/ac")
def ac():
    """ESIA's legacy authorization endpoint (``client_secret`` over ``scope+timestamp+client_id+state``)."""
    return _authorize(signatures.LEGACY)


@bp.get("/aas/oauth2/v2/ac")
def v2_ac():
    """ESIA's v2 authorization endpoint (``client_certificate_hash``; raw signature over the v2 string)."""
    return _authorize(signatures.V2)


def _authorize(protocol: str):
    args = request.args
    context.current().step = "authorize"
    context.current().channel = "browser"
    context.current().trace_id = trace.authorize_trace_id(args.get("client_id"), args.get("state"), None)
    context.current().state = args.get("state") or None
    common.note(protocol=protocol, endpoint=request.path)
    apply_ui_locales(args.get("ui_locales"), context.current().trace_id)  # the diary's language, as in OIDC
    try:
        first = common.single(args, ("client_id", "redirect_uri"))
        common.require(first, "client_id", "redirect_uri")
    except EsiaError as err:
        return common.error_page(err)
    client = common.find_client(first["client_id"])
    if client is None:
        return common.error_page(EsiaError("ESIA-007002", "unknown client_id"))
    if not client.check_redirect_uri(first["redirect_uri"]):
        return common.error_page(EsiaError("ESIA-007023", "redirect_uri is not registered for the client"))
    redirect_uri = first["redirect_uri"]
    state = args.get("state") if len(args.getlist("state")) == 1 else None
    try:
        data = common.single(args, AC_PARAMS)
        scopes = _check(protocol, data, client)
    except EsiaError as err:
        db.session.commit()
        return _error_redirect(redirect_uri, err, state)

    fired = faults.take_one(db.session, "authorize_error", client.client_id)
    if fired is not None:  # a lab fault: answer with the chosen error, as ESIA would
        common.note_faults([fired])
        db.session.commit()
        detail = fired.params.get("description") or f"injected by the lab (fault #{fired.id})"
        err = from_oauth_error(fired.params.get("error", "access_denied"), detail)
        return _error_redirect(redirect_uri, err, state)

    pending = {
        "rid": secrets.token_urlsafe(12),
        "protocol": protocol,
        "client_id": client.client_id,
        "redirect_uri": redirect_uri,
        "scopes": scopes,
        "state": data["state"],
        "trace_id": context.current().trace_id,
    }
    return _proceed(_serializer().dumps(pending))


@bp.route("/aas/oauth2/lab/continue/<ticket>", methods=["GET", "POST"])
def proceed(ticket: str):
    """Continue a checked ESIA request after the login page or on the consent screen."""
    return _proceed(ticket)


def _serializer() -> URLSafeTimedSerializer:
    """Sign the checked request into the continuation URL: it survives the login page's fresh session."""
    return URLSafeTimedSerializer(current_app.secret_key, salt="esia-authorize")


def _load(ticket: str) -> dict | None:
    """Return the checked request of a continuation ticket, or None if forged, expired or already used."""
    try:
        pending = _serializer().loads(ticket, max_age=PENDING_TTL_SECONDS)
    except (BadSignature, UnicodeError, ValueError):
        return None
    if not isinstance(pending, dict) or pending.get("rid") in session.get(DONE_KEY, []):
        return None
    return pending


def trace_of_ticket(ticket: str) -> str | None:
    """Return the trace of the ESIA login a continuation ticket carries on (the log-in page leads back to it)."""
    pending = _load(ticket)
    trace_id = pending.get("trace_id") if pending else None
    return trace_id if isinstance(trace_id, str) else None


def _drop(pending: dict) -> None:
    """Mark a continuation used in this browser's session (a code or an error was sent)."""
    session[DONE_KEY] = [*session.get(DONE_KEY, [])[-(MAX_DONE - 1) :], pending["rid"]]


def _proceed(ticket: str):
    context.current().step = "authorize"
    context.current().channel = "browser"
    pending = _load(ticket)
    if pending is None:
        return common.error_page(EsiaError("ESIA-007003", "the authorization request expired; start again"))
    context.current().trace_id = pending["trace_id"]
    context.current().client_id = pending["client_id"]
    common.note(protocol=pending["protocol"])
    client = common.find_client(pending["client_id"])
    if client is None or not client.check_redirect_uri(pending["redirect_uri"]):
        return common.error_page(EsiaError("ESIA-007002", "the client is no longer registered"))
    redirect_uri, state, scopes = pending["redirect_uri"], pending["state"], pending["scopes"]
    here = url_for("esia_authorize.proceed", ticket=ticket)

    account = current_account()
    if account is None:
        return redirect(url_for("auth.login", next=here))
    context.current().account_oid = str(account.oid)

    level = account_level_number(account)
    if level < client.min_level:
        _drop(pending)
        err = EsiaError("ESIA-007055", f"the account level {level} is below the required level {client.min_level}")
        common.note(error=err.code, detail=err.detail)
        return render_template(
            "oidc/level_too_low.html",
            client=client,
            level=level,
            needed=client.min_level,
            back_url=error_location(redirect_uri, err, state),
            account=account,
        )

    form = ConsentForm()
    if request.method == "POST" and (request.form.get("allow") or request.form.get("deny")):
        if not form.validate_on_submit():
            return _consent_page(form, client, scopes, account, here), 400
        if form.deny.data:
            _drop(pending)
            return _error_redirect(redirect_uri, EsiaError("ESIA-007004", "the person refused"), state)
        consents.grant(db.session, account.id, client.client_id, scopes)
        return _issue(pending, account)
    if consents.has_consent(db.session, account.id, client.client_id, scopes):
        return _issue(pending, account)
    return _consent_page(form, client, scopes, account, here)


def _consent_page(form: ConsentForm, client, scopes: list[str], account, action: str):
    """Render the IdP's consent screen for the ESIA scopes."""
    items = [SCOPE_LABELS_RU[s] for s in scopes if s in SCOPE_LABELS_RU]
    return render_template(
        "oidc/consent.html",
        form=form,
        client=client,
        items=items,
        account=account,
        action=action,
    )


def _issue(pending: dict, account):
    """Issue the code and send the browser back to the client with ``code`` and ``state``."""
    code = grants.issue_code(
        db.session,
        client_id=pending["client_id"],
        account_id=account.id,
        redirect_uri=pending["redirect_uri"],
        scope=" ".join(pending["scopes"]),
        protocol=pending["protocol"],
        auth_time=int(auth_time() or clock.timestamp()),
        amr="DS" if session.get("amr") == "ds" else "PWD",
        now=labstate.now(db.session),
        ttl_seconds=int(common.setting("ESIA_CODE_TTL_SECONDS")),
        trace_id=context.current().trace_id,
    )
    db.session.commit()
    _drop(pending)
    uri = pending["redirect_uri"]
    return redirect(uri + ("&" if "?" in uri else "?") + urlencode([("code", code), ("state", pending["state"])]))

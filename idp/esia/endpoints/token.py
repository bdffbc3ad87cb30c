"""ESIA's token endpoints ``POST /aas/oauth2/te`` (legacy) and ``/aas/oauth2/v3/te``.

Grants ``authorization_code`` and ``refresh_token``; the request is signed like the authorization
request (the v3 code string ends with ``code``). The answer is JSON ``{access_token, id_token,
refresh_token, state, token_type: "Bearer", expires_in}`` with ``state`` echoing the request's;
errors are HTTP 400 JSON ``{error, error_description: "ESIA-0070xx: …", state}``. The te ``scope``
only enters the signature: the tokens carry the code's scope.
"""

from __future__ import annotations

import time

from flask import Blueprint
from flask import g
from flask import jsonify
from flask import request

from idp.domain import faults
from idp.domain import labstate
from idp.esia import grants
from idp.esia import signatures
from idp.esia import tokens
from idp.esia.endpoints import common
from idp.esia.endpoints.authorize import check_timestamp
from idp.esia.endpoints.authorize import signing_certificates
from idp.esia.errors import EsiaError
from idp.esia.errors import from_oauth_error
from idp.esia.scopes import parse_scope
from idp.extensions import csrf
from idp.extensions import db
from idp.models.accounts import Account
from idp.models.accounts import AccountLevel
from idp.oidc import consents
from shared import esia_wire

bp = Blueprint("esia_token", __name__)
csrf.exempt(bp)
bp.after_request(common.record_exchange)

TE_PARAMS = (
    "client_id",
    "client_secret",
    "grant_type",
    "code",
    "refresh_token",
    "redirect_uri",
    "scope",
    "scope_org",
    "state",
    "timestamp",
    "token_type",
    "client_certificate_hash",
)
GRANTS = ("authorization_code", "refresh_token")


@bp.post("/aas/oauth2/te")
def te():
    """ESIA's legacy token endpoint."""
    return _token(signatures.LEGACY)


@bp.post("/aas/oauth2/v3/te")
def v3_te():
    """ESIA's v3 token endpoint."""
    return _token(signatures.V3)


def _token(protocol: str):
    form = request.form
    g.trace_step = "token"
    g.trace_channel = "server"
    g.trace_id = grants.find_trace_id(db.session, form.get("code"), form.get("refresh_token"))
    common.note(protocol=protocol, endpoint=request.path)
    state = form.get("state") if len(form.getlist("state")) == 1 else None
    try:
        body = _exchange(protocol)
    except EsiaError as err:
        db.session.commit()  # a replayed code's tokens stay revoked; fired faults count down
        common.note(error=err.code, detail=err.detail)
        status = err.status
        body = {"error": err.error, "error_description": err.description}
        if state is not None:
            body["state"] = state
        response = jsonify(body)
        response.status_code = status
    else:
        db.session.commit()
        body["state"] = state if state is not None else ""
        response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def _apply_token_faults(client_id: str) -> None:
    """Wait for ``token_slow``; turn ``token_error`` into the ESIA error it names (HTTP 500 by default)."""
    fired = faults.take(db.session, ("token_slow", "token_error"), client_id)
    if not fired:
        return
    common.note_faults(fired)
    for fault in fired:
        if fault.kind == "token_slow":
            time.sleep(float(fault.params.get("delay", 0)))
    for fault in fired:
        if fault.kind == "token_error":
            error = fault.params.get("error") or "server_error"
            detail = fault.params.get("description") or f"injected by the lab (fault #{fault.id})"
            err = from_oauth_error(error, detail)
            err.status = faults.TOKEN_ERROR_STATUS.get(error, 400) if fault.params.get("error") else 500
            raise err


def _strings(protocol: str, grant: str, data: dict[str, str]) -> tuple[str, list[signatures.SignedString]]:
    """Return the policy name and the strings the client may have signed for this request."""
    cid, scope, org = data["client_id"], data.get("scope", ""), data.get("scope_org", "")
    ts, state, uri = data["timestamp"], data["state"], data.get("redirect_uri", "")
    legacy = signatures.SignedString(signatures.LEGACY, esia_wire.legacy_string(scope, ts, cid, state))
    if protocol == signatures.LEGACY:
        return signatures.LEGACY, [legacy]
    if grant == "authorization_code":
        v3 = esia_wire.v3_code_string(cid, scope, org, ts, state, uri, data["code"])
        return signatures.V3, [signatures.SignedString(signatures.V3, v3), legacy]
    aisgorod = esia_wire.v3_refresh_string_aisgorod(cid, scope, ts, state, data["refresh_token"])
    return "v3-refresh", [
        signatures.SignedString(signatures.V2, esia_wire.v2_string(cid, scope, org, ts, state, uri)),
        signatures.SignedString(signatures.V3_REFRESH_AISGOROD, aisgorod),
        legacy,
    ]


def _exchange(protocol: str) -> dict:
    data = common.single(request.form, TE_PARAMS)
    common.require(data, "client_id")
    client = common.find_client(data["client_id"])
    if client is None:
        raise EsiaError("ESIA-007002", "unknown client_id")
    g.trace_client_id = client.client_id
    _apply_token_faults(client.client_id)
    common.require(data, "grant_type")
    grant = data["grant_type"]
    if grant not in GRANTS:
        raise EsiaError("ESIA-007009", "grant_type must be authorization_code or refresh_token")
    common.require(data, "client_secret", "state", "timestamp")
    if grant == "authorization_code":
        common.require(data, "code", "redirect_uri")
    else:
        common.require(data, "refresh_token")
    check_timestamp(data["timestamp"])
    certs = signing_certificates(client, data.get("client_certificate_hash"), protocol == signatures.V3)
    policy_name, strings = _strings(protocol, grant, data)
    match = signatures.verify_client_secret(
        data["client_secret"], strings, certs, signatures.policy(policy_name, client.esia_signature_mode)
    )
    common.note(signature=match.as_trace(), mode=client.esia_signature_mode, grant_type=grant)

    if grant == "authorization_code":
        now = labstate.now(db.session)
        code = grants.redeem_code(db.session, data["code"], client.client_id, data["redirect_uri"], now)
        source = {"scope": code.scope, "sid": code.sid, "auth_time": code.auth_time, "amr": code.amr}
        source |= {"redirect_uri": code.redirect_uri, "code_id": code.id, "trace_id": code.trace_id}
        account_id = code.account_id
    else:
        old = grants.redeem_refresh(db.session, data["refresh_token"], client.client_id)
        source = {"scope": old.scope, "sid": old.sid, "auth_time": old.auth_time, "amr": old.amr}
        source |= {"redirect_uri": old.redirect_uri, "code_id": old.code_id, "trace_id": old.trace_id}
        account_id = old.account_id
    account = db.session.get(Account, account_id)
    scopes = parse_scope(source["scope"])
    if account is None or not consents.has_consent(db.session, account.id, client.client_id, scopes):
        raise EsiaError("ESIA-007011", "the person withdrew the permission")
    g.trace_account_oid = str(account.oid)
    return _mint(client, account, scopes, source)


def _mint(client, account: Account, scopes: list[str], source: dict) -> dict:
    """Sign the access token and id_token (with the lab's token faults), store them, return the JSON body."""
    now = int(time.time())
    access_ttl = int(common.setting("ESIA_ACCESS_TOKEN_TTL_SECONDS"))
    issuer = common.esia_issuer()
    subject = tokens.Subject(int(account.oid), account.level == AccountLevel.VERIFIED)
    alg = client.esia_access_token_alg or tokens.RS256
    access_material = common.gost_material() if alg == tokens.GOST else common.rsa_material()
    id_material = common.rsa_material()
    access_header = tokens.access_token_header(alg)
    access = tokens.access_claims(subject, client.client_id, scopes, source["sid"], issuer, now, access_ttl)
    id_header = {"alg": tokens.RS256, "typ": "JWT", "kid": id_material.kid}
    id_claims = tokens.id_token_claims(
        subject, client.client_id, source["sid"], issuer, now, access_ttl, source["auth_time"], source["amr"]
    )
    fired = faults.take(db.session, faults.ID_TOKEN_KINDS, client.client_id)
    if fired:
        common.note_faults(fired)
        access_header, access, access_material = tokens.apply_faults(access_header, access, fired, access_material, now)
        id_header, id_claims, id_material = tokens.apply_faults(id_header, id_claims, fired, id_material, now)
    access_token = tokens.sign_jwt(access_header, access, access_material)
    id_token = tokens.sign_jwt(id_header, id_claims, id_material)
    refresh = grants.store_tokens(
        db.session,
        access_token,
        client_id=client.client_id,
        account_id=account.id,
        scope=" ".join(scopes),
        redirect_uri=source["redirect_uri"],
        sid=source["sid"],
        auth_time=source["auth_time"],
        amr=source["amr"],
        issued_at=now,
        expires_in=access_ttl,
        refresh_expires_in=int(common.setting("ESIA_REFRESH_TOKEN_TTL_SECONDS")),
        code_id=source["code_id"],
        trace_id=source["trace_id"],
    )
    return {
        "access_token": access_token,
        "id_token": id_token,
        "refresh_token": refresh,
        "token_type": "Bearer",
        "expires_in": access_ttl,
    }

"""What the ESIA blueprints share: settings, the client lookup, single-valued parameters, keys, the trace."""

from __future__ import annotations

import logging
import uuid
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import urlencode
from urllib.parse import urlsplit

from flask import Response
from flask import current_app
from flask import render_template
from flask import request
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from idp.db import db
from idp.domain import faults
from idp.esia import idp_keys
from idp.esia.errors import EsiaError
from idp.models.oauth import OAuth2Client
from idp.oidc import context
from idp.oidc import trace

log = logging.getLogger(__name__)


def setting(name: str) -> Any:
    """Return an ESIA setting of the app."""
    return current_app.config[name]


def esia_issuer() -> str:
    """Return the ``iss`` of ESIA tokens (``ESIA_ISSUER``, default ``http://esia.gosuslugi.ru/``)."""
    return str(setting("ESIA_ISSUER"))


def find_client(client_id: str | None) -> OAuth2Client | None:
    """Return the registered client with this id, or None."""
    if not client_id or len(client_id) > 100:
        return None
    return db.session.scalar(select(OAuth2Client).where(OAuth2Client.client_id == client_id))


def single(values: MultiDict, names: tuple[str, ...]) -> dict[str, str]:
    """Return the first value of each known parameter; ESIA-007003 when one is repeated."""
    data: dict[str, str] = {}
    for name in names:
        given = values.getlist(name)
        if len(given) > 1:
            raise EsiaError("ESIA-007003", f"{name} is repeated")
        if given:
            data[name] = given[0]
    return data


def require(data: dict[str, str], *names: str) -> None:
    """Raise ESIA-007014 for the first missing or empty parameter."""
    for name in names:
        if not data.get(name):
            raise EsiaError("ESIA-007014", f"{name} is missing")


def gost_material() -> idp_keys.SigningMaterial:
    """Return the IdP's GOST key and certificate (generated on first use)."""
    key_path, cert_path = idp_keys.gost_paths(
        setting("ESIA_GOST_KEY_FILE"), setting("ESIA_GOST_CERT_FILE"), current_app.instance_path
    )
    return idp_keys.gost_material(key_path, cert_path)


def rsa_material() -> idp_keys.SigningMaterial:
    """Return the IdP's RSA key (the active RS256 JWKS key) and its certificate."""
    return idp_keys.rsa_material(db.session)


def note_faults(fired: list[faults.FiredFault]) -> None:
    """Remember the lab faults fired in this request for the protocol trace."""
    if fired:
        context.current().faults.extend(f.as_trace() for f in fired)


def note(**facts: Any) -> None:
    """Add ESIA facts (protocol, signature variant, error code ...) to this request's trace entry."""
    context.current().esia.update(facts)


def error_page(err: EsiaError, status: int = 400) -> tuple[str, int]:
    """Show an ESIA error to the person without redirecting (unknown client or redirect URI)."""
    note(error=err.code, detail=err.detail)
    return render_template("oidc/error.html", error=err.code, description=err.description), status


def _masked_location(location: str) -> tuple[str, dict]:
    parts = urlsplit(location)
    masked, decoded = trace.mask_params(dict(parse_qsl(parts.query)))
    return location.split("?", 1)[0] + ("?" + urlencode(masked) if masked else ""), decoded


def record_exchange(response: Response) -> Response:
    """``after_request``: append this ESIA exchange to its login's protocol trace (never failing the response)."""
    exchange = context.current()
    step = exchange.step
    if not step or not current_app.config.get("OIDC_TRACE", True):
        return response
    try:
        params, decoded = trace.mask_params(request.values.to_dict())
        req: dict[str, Any] = {"params": params, "headers": trace.mask_headers(dict(request.headers))}
        req["channel"] = context.current().channel or ("browser" if step == "authorize" else "server")
        if decoded:
            req["decoded"] = decoded
        if context.current().esia:
            req["esia"] = context.current().esia
        resp: dict[str, Any] = {"headers": trace.mask_headers(dict(response.headers))}
        if response.location:
            resp["location"], _ = _masked_location(response.location)
            resp["headers"].pop("Location", None)
        if response.mimetype == "application/json":
            body = response.get_json(silent=True)
            if isinstance(body, dict):
                resp["body"], decoded_body = trace.mask_params(body)
                jwt_value = body.get("access_token")
                if isinstance(jwt_value, str) and (access := trace.decode_jwt(jwt_value)):
                    decoded_body["access_token"] = access
                if decoded_body:
                    resp["decoded"] = decoded_body
        elif response.mimetype == "text/html":
            resp["body"] = "(HTML page)"
        if context.current().faults:
            resp["faults"] = context.current().faults
        trace.record(
            db.session,
            context.current().trace_id or uuid.uuid4().hex,
            step=step,
            method=request.method,
            path=request.path,
            status=response.status_code,
            request=req,
            response=resp,
            client_id=context.current().client_id or request.values.get("client_id") or None,
            account_oid=context.current().account_oid,
            state=context.current().state,
            buffered=not current_app.testing,  # tests read what they just did; served apps batch
        )
    except Exception:  # noqa: BLE001  (tracing must never break the protocol)
        log.exception("could not record the ESIA protocol trace")
    return response

"""ESIA's REST API ``/rs/prns/{oid}`` with ``/ctts``, ``/docs``, ``/addrs``, their element URLs and ``embed``.

``/rs/prns/{oid}/`` (npm esia's default path ``/``) is the person too. A Bearer access token is required
(401 without a live one, or once the person withdrew the permission); another person's OID or a
collection whose scope was not granted gives 403. ``Accept`` may carry a ``schema="…"`` parameter;
the answer is JSON either way.
"""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify
from flask import request

from idp.db import db
from idp.esia import grants
from idp.esia import rest
from idp.esia.endpoints import common
from idp.esia.scopes import parse_scope
from idp.extensions import csrf
from idp.models.accounts import Account
from idp.oidc import consents
from idp.oidc import context
from labkit.web import base_url

bp = Blueprint("esia_rest", __name__)
csrf.exempt(bp)
bp.after_request(common.record_exchange)


def _error(status: int, code: str, message: str):
    response = jsonify(code=code, message=message)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = f'Bearer error="invalid_token", error_description="{message}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _authorize(oid: str):
    """Return (account, scopes) for the request's Bearer token and path OID, or an error response."""
    context.current().step = "prns"
    context.current().channel = "server"
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None, _error(401, "ESIA-020401", "Missing Bearer access token")
    token = grants.find_access(db.session, value.strip())
    if token is None:
        return None, _error(401, "ESIA-020401", "The access token is invalid, revoked or expired")
    context.current().trace_id = token.trace_id
    context.current().client_id = token.client_id
    account = db.session.get(Account, token.account_id)
    scopes = parse_scope(token.scope)
    if account is None or not consents.has_consent(db.session, account.id, token.client_id, scopes):
        return None, _error(401, "ESIA-020401", "The permission for this token was withdrawn")
    context.current().account_oid = str(account.oid)
    if oid != str(account.oid):
        return None, _error(403, "ESIA-020403", "The token does not give access to this person")
    return (account, scopes), None


def _embed():
    try:
        return rest.parse_embed(request.args.get("embed")), None
    except ValueError as exc:
        return None, _error(400, "ESIA-020400", str(exc))


def _base(oid: str) -> str:
    return base_url() + f"/rs/prns/{oid}"


def _json(data):
    response = jsonify(data)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/rs/prns/<oid>")
@bp.get("/rs/prns/<oid>/")
def person(oid: str):
    """The person, with ``embed=(contacts.elements,documents.elements,addresses.elements)`` inline."""
    granted, refused = _authorize(oid)
    if refused is not None:
        return refused
    embed, bad = _embed()
    if bad is not None:
        return bad
    account, scopes = granted
    updated = int(account.created_at.timestamp()) if account.created_at else 0
    return _json(rest.person_with_embeds(account, scopes, updated, embed, _base(oid)))


@bp.get("/rs/prns/<oid>/<name>")
def collection(oid: str, name: str):
    """A collection (``ctts``, ``docs``, ``addrs``): element URLs, or the elements with ``embed=(elements)``."""
    granted, refused = _authorize(oid)
    if refused is not None:
        return refused
    if name not in rest.COLLECTIONS:
        return _error(404, "ESIA-020404", f"No collection {name}")
    embed, bad = _embed()
    if bad is not None:
        return bad
    account, scopes = granted
    try:
        return _json(rest.collection(account, scopes, name, f"{_base(oid)}/{name}", "elements" in embed))
    except rest.Forbidden:
        return _error(403, "ESIA-020403", f"The scope for {name} was not granted")


@bp.get("/rs/prns/<oid>/<name>/<element_id>")
def element(oid: str, name: str, element_id: str):
    """One element of a collection."""
    granted, refused = _authorize(oid)
    if refused is not None:
        return refused
    if name not in rest.COLLECTIONS or not element_id.isdigit() or len(element_id) > 18:
        return _error(404, "ESIA-020404", "No such element")
    account, scopes = granted
    try:
        return _json(rest.element(account, scopes, name, int(element_id)))
    except rest.Forbidden:
        return _error(403, "ESIA-020403", f"The scope for {name} was not granted")
    except rest.NotFound:
        return _error(404, "ESIA-020404", "No such element")

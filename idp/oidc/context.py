"""The per-request record of one protocol exchange, shared by the endpoint, Authlib's grants and the trace.

The endpoint starts it (:func:`begin`) with the trace step and the login's trace id; the grants read
the account's ``acr`` and the trace id when they store a code, note the client whose ID token they sign
(for its scripted claims) and the lab faults that fired; the trace recorder writes it all down after
the response. It lives once on ``flask.g``; :func:`current` returns it.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask import g

#: The attribute of ``flask.g`` holding the request's :class:`Exchange`.
G_KEY = "oidc_exchange"


@dataclass
class Exchange:
    """What one protocol request carries between its endpoint, the grants and the trace recorder."""

    #: The trace step (``authorize``, ``token``, ``userinfo``…); None for a request that is not traced.
    step: str | None = None
    #: The login's trace this exchange belongs to (None: a new trace is started).
    trace_id: str | None = None
    #: The public id (``oid``) of the logged-in account, once the authorization request knows it.
    account_oid: str | None = None
    #: The ``acr`` of the account's level, stored with the authorization code.
    acr: str | None = None
    #: The client whose ID token is being signed (its scripted claims apply).
    id_token_client_id: str | None = None
    #: The lab faults fired in this request, as the trace shows them.
    faults: list[dict[str, Any]] = field(default_factory=list)


def begin(step: str, trace_id: str | None = None) -> Exchange:
    """Start the request's exchange for the trace step ``step`` and return it."""
    exchange = current()
    exchange.step = step
    exchange.trace_id = trace_id
    return exchange


def current() -> Exchange:
    """Return this request's exchange, creating an untraced one on first use."""
    exchange = g.get(G_KEY)
    if exchange is None:
        exchange = Exchange()
        setattr(g, G_KEY, exchange)
    return exchange

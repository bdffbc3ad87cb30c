"""ESIA wire formats shared by the IdP and the diary: the timestamp and the strings a client signs.

The signed strings are plain concatenations without separators (ESIA's rule):

* legacy ``/aas/oauth2/ac`` and ``/te``: ``scope + timestamp + client_id + state``;
* ``/aas/oauth2/v2/ac``: ``client_id + scope + scope_org + timestamp + state + redirect_uri``;
* ``/aas/oauth2/v3/te`` (authorization_code): the v2 string followed by ``code``;
* ``/aas/oauth2/v3/te`` (refresh_token): the v2 string (ilimurzin/esia) or
  ``client_id + scope + timestamp + state + refresh_token`` (AISGorod).
"""

from __future__ import annotations

import re
from datetime import UTC
from datetime import datetime

#: ESIA's timestamp format, e.g. ``2015.11.02 09:52:36 +0000``.
TIMESTAMP_FORMAT = "%Y.%m.%d %H:%M:%S %z"
_TIMESTAMP = re.compile(r"^(\d{4}\.\d{2}\.\d{2} \d{2}:\d{2}:\d{2}) +([+-])?(\d{4})$")


def format_timestamp(moment: datetime) -> str:
    """Format a moment as ESIA's ``yyyy.MM.dd HH:mm:ss Z`` (a naive datetime counts as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.strftime(TIMESTAMP_FORMAT)


def parse_timestamp(text: str) -> datetime:
    """Parse ESIA's timestamp (any UTC offset; a ``+`` lost to URL decoding is restored) to naive UTC."""
    match = _TIMESTAMP.match((text or "").strip())
    if not match:
        raise ValueError(f"not an ESIA timestamp (yyyy.MM.dd HH:mm:ss Z): {text!r}")
    sign = match.group(2) or "+"
    moment = datetime.strptime(f"{match.group(1)} {sign}{match.group(3)}", TIMESTAMP_FORMAT)
    return moment.astimezone(UTC).replace(tzinfo=None)


def legacy_string(scope: str, timestamp: str, client_id: str, state: str) -> str:
    """Return the legacy string ``scope + timestamp + client_id + state`` (``ac`` and ``te``)."""
    return f"{scope}{timestamp}{client_id}{state}"


def v2_string(client_id: str, scope: str, scope_org: str, timestamp: str, state: str, redirect_uri: str) -> str:
    """Return the v2 string ``client_id + scope + scope_org + timestamp + state + redirect_uri``."""
    return f"{client_id}{scope}{scope_org}{timestamp}{state}{redirect_uri}"


def v3_code_string(
    client_id: str, scope: str, scope_org: str, timestamp: str, state: str, redirect_uri: str, code: str
) -> str:
    """Return the v3 token string: the v2 string followed by ``code``."""
    return v2_string(client_id, scope, scope_org, timestamp, state, redirect_uri) + code


def v3_refresh_string_aisgorod(client_id: str, scope: str, timestamp: str, state: str, refresh_token: str) -> str:
    """Return AISGorod's v3 refresh string ``client_id + scope + timestamp + state + refresh_token``."""
    return f"{client_id}{scope}{timestamp}{state}{refresh_token}"

"""The JWKS of ``private_key_jwt`` clients registered by ``jwks_uri``: checked, fetched, cached.

A token request never fetches on its own account more than once per ``OIDC_JWKS_REFETCH_SECONDS``
(a new ``kid`` or a failed fetch waits that long), so the token endpoint cannot be made to probe
addresses; a fetched set is used for ``OIDC_JWKS_CACHE_SECONDS``.
"""

from __future__ import annotations

import ipaddress
import json
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from authlib.oauth2.rfc6749 import InvalidClientError
from joserfc.jwk import KeySet

#: The largest JWKS document read from a ``jwks_uri``.
MAX_JWKS_BYTES = 64 * 1024


@dataclass
class _Entry:
    fetched_at: float
    keys: dict | None  # None: the last fetch failed


_cache: dict[str, _Entry] = {}
_lock = threading.Lock()


def is_loopback_host(host: str | None) -> bool:
    """Return whether ``host`` names this machine (``localhost``, ``*.localhost``, a loopback address)."""
    if not host:
        return False
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def jwks_uri_problem(uri: str, *, lab_mode: bool) -> str | None:
    """Return why ``uri`` cannot be a ``jwks_uri`` (https; plain http only to loopback in lab mode)."""
    parts = urlsplit(uri)
    if not parts.hostname or parts.fragment or parts.username or parts.password:
        return "uri_format"
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and lab_mode and is_loopback_host(parts.hostname):
        return None
    return "uri_scheme"


def _fetch(uri: str) -> dict | None:
    """Fetch a JWKS document; None when it cannot be fetched or is not a key set."""
    try:
        with requests.get(uri, timeout=5, allow_redirects=False, stream=True) as resp:
            if resp.status_code != 200:
                return None
            body = b""
            for chunk in resp.iter_content(8192):
                body += chunk
                if len(body) > MAX_JWKS_BYTES:
                    return None
        doc = json.loads(body)
        KeySet.import_key_set(doc)
    except (requests.RequestException, ValueError, TypeError, KeyError, AttributeError):
        return None
    except Exception:  # noqa: BLE001 - joserfc raises its own errors for malformed keys
        return None
    return doc if isinstance(doc, dict) else None


def client_key_set(uri: str, kid: str | None, *, lab_mode: bool, lifetime: float, min_interval: float) -> KeySet:
    """Return the key set at ``uri`` from the cache, fetching it when stale (or bounded, for an unknown ``kid``).

    Raises ``invalid_client`` (401) when the URI is not allowed or no key set can be had.
    """
    if jwks_uri_problem(uri, lab_mode=lab_mode):
        raise InvalidClientError(description="The client's jwks_uri is not allowed.", status_code=401)
    now = time.monotonic()
    with _lock:
        entry = _cache.get(uri)
    stale = entry is None or now - entry.fetched_at >= (lifetime if entry.keys is not None else min_interval)
    unknown_kid = (
        entry is not None
        and entry.keys is not None
        and kid is not None
        and kid not in {k.get("kid") for k in entry.keys.get("keys", []) if isinstance(k, dict)}
    )
    if stale or (unknown_kid and now - entry.fetched_at >= min_interval):
        keys = _fetch(uri)
        if keys is None and entry is not None and entry.keys is not None and not stale:
            keys = entry.keys  # a failed refetch keeps the keys still within their lifetime
        entry = _Entry(now, keys)
        with _lock:
            _cache[uri] = entry
    if entry.keys is None:
        raise InvalidClientError(description="The client's jwks_uri could not be fetched.", status_code=401)
    return KeySet.import_key_set(entry.keys)


def forget_cache() -> None:
    """Drop every cached key set (tests, a lab reset)."""
    with _lock:
        _cache.clear()

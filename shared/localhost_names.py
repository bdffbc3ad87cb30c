"""``*.localhost`` names resolve to loopback in this process, as RFC 6761 (section 6.3) asks of every resolver.

Browsers already send ``idp.localhost`` / ``rp.localhost`` to 127.0.0.1, but many systems' resolvers (glibc
without ``nss-myhostname``) do not, so the diary's back-channel to ``http://idp.localhost:5001`` would fail
where the browser's front channel works. :func:`install` wraps :func:`socket.getaddrinfo` so that a name
ending in ``.localhost`` is looked up as ``localhost``; every other name goes to the system resolver as before.
"""

from __future__ import annotations

import socket
from typing import Any

_original = socket.getaddrinfo


def is_localhost_name(host: Any) -> bool:
    """Return whether ``host`` is a name under ``.localhost`` (``idp.localhost``, ``a.b.localhost.``)."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    return isinstance(host, str) and host.lower().rstrip(".").endswith(".localhost")


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if is_localhost_name(host):
        return _original("localhost", *args, **kwargs)
    return _original(host, *args, **kwargs)


def install() -> None:
    """Make ``*.localhost`` resolve to loopback in this process (idempotent)."""
    socket.getaddrinfo = _getaddrinfo

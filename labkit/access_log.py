"""Access-log lines without credentials: codes and link tokens in URLs are masked before they are written.

gunicorn logs each request line, query string and Referer; an authorization code, an e-mail link
token or an ``id_token_hint`` there would be readable by anyone who reads the log. Used as
gunicorn's ``--logger-class labkit.access_log.MaskingLogger``.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

#: Query parameters whose values are credentials.
SECRET_QUERY_PARAMS = (
    "code",
    "token",
    "state",
    "id_token_hint",
    "access_token",
    "refresh_token",
    "client_secret",
    "code_verifier",
    "client_assertion",
)
_QUERY_VALUE = re.compile(r"(?i)(?<![\w-])(" + "|".join(SECRET_QUERY_PARAMS) + r")=([^&\s#\"]*)")
#: Path segments that are credentials: the e-mail confirmation link ``/link/<token>``.
_PATH_TOKEN = re.compile(r"(/link/)([^/?#\s\"]+)")


def mask_url(text: str | None) -> str | None:
    """Return ``text`` (a URL, a query string or a request line) with credential values replaced by ``…``."""
    if not text:
        return text
    text = _QUERY_VALUE.sub(lambda m: f"{m.group(1)}=…" if m.group(2) else m.group(0), text)
    return _PATH_TOKEN.sub(r"\1…", text)


class MaskingLogger(Logger):
    """gunicorn's logger with credentials masked in every atom (request line, query, Referer, environ)."""

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
        """Return gunicorn's log atoms with credentials masked in each text value."""
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            # Only a value with a query parameter or a link path can hold a credential (most atoms have neither).
            if isinstance(value, str) and ("=" in value or "/link/" in value):
                atoms[key] = mask_url(value)
        return atoms

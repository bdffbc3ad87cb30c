"""Who may talk to the lab: the app's own host names, no other site, and JSON bodies on the lab API.

Browsers send ``Host`` as the URL had it, so a page of a rebinding name (``rebind.attacker.example`` pointed at
127.0.0.1) is refused by the ``Host`` check; a form or script of another site carries ``Origin`` (POSTs) or
``Sec-Fetch-Site: cross-site``; and an auto-submitting form cannot send ``application/json`` (a script needs a
CORS preflight the apps never grant). Tools (``fedlab``, curl, the IdP's back-channel) send no ``Origin`` and no
``Sec-Fetch-*`` and pass.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Response
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import request
from flask_babel import lazy_gettext as _l

#: Methods that change nothing (a cross-site top-level navigation with them may open a lab page).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def split_host(host: str) -> tuple[str, str]:
    """Return ``(name, port)`` of a ``Host`` value (``[::1]:5001`` -> ``("[::1]", "5001")``), lower-cased."""
    host = host.strip().lower()
    if host.startswith("["):
        name, _, rest = host.partition("]")
        return name + "]", rest.removeprefix(":")
    name, _, port = host.partition(":")
    return name, port


def host_allowed(host: str, allowed: list[str]) -> bool:
    """Return whether ``host`` (``name[:port]``) is one of ``allowed`` (an entry without a port matches any)."""
    name, port = split_host(host)
    if not name:
        return False
    for entry in allowed:
        entry_name, entry_port = split_host(entry)
        if entry_name == name and (not entry_port or entry_port == port):
            return True
    return False


def origin_host(origin: str) -> str | None:
    """Return the ``host[:port]`` of an ``Origin`` value, or None for ``null`` and anything not http(s)."""
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return parts.netloc


def refusal(status: int, error: str, description: Any, api: bool) -> Response:
    """Return a JSON error for the API (or a client asking for JSON), else the error page."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    if api or best == "application/json" or request.path.endswith(".json"):
        response = jsonify(error=error, error_description=str(description))
    else:
        from labkit.web import ERROR_TITLES

        title = ERROR_TITLES.get(status, ERROR_TITLES[403])
        response = current_app.make_response(
            render_template("error.html", code=status, title=title, message=description)
        )
    response.status_code = status
    return response


def refuse_foreign(api: bool) -> Response | None:
    """Refuse a lab request for a foreign ``Host`` or from another site (403); return None when it may go on."""
    allowed = current_app.config.get("ALLOWED_HOSTS") or []
    if not host_allowed(request.host, allowed):
        return refusal(
            403,
            "host_not_allowed",
            _l("Этот адрес не принадлежит лаборатории. Откройте её по её собственному адресу."),
            api,
        )
    origin = request.headers.get("Origin")
    fetch_site = request.headers.get("Sec-Fetch-Site", "").lower()
    # The apps send ``Referrer-Policy: no-referrer``, so a browser posts their own forms with ``Origin: null``;
    # its ``Sec-Fetch-Site: same-origin`` (which no page can set) then says where the form was.
    own_form = origin is not None and origin.strip().lower() == "null" and fetch_site == "same-origin"
    if origin is not None and not own_form:
        host = origin_host(origin)
        if host is None or not host_allowed(host, allowed):
            return cross_site(api)
    if fetch_site == "cross-site" and not top_level_navigation():
        return cross_site(api)
    return None


def top_level_navigation() -> bool:
    """Return whether the request is a safe top-level navigation (a link followed, not a script or a form)."""
    return (
        request.method in SAFE_METHODS
        and request.headers.get("Sec-Fetch-Mode", "").lower() == "navigate"
        and request.headers.get("Sec-Fetch-Dest", "document").lower() == "document"
    )


def cross_site(api: bool) -> Response:
    """The 403 for a request another site made."""
    return refusal(
        403,
        "cross_site_request",
        _l("Запрос к лаборатории пришёл с другого сайта и отклонён."),
        api,
    )


def refuse_non_json() -> Response | None:
    """Refuse a lab API request that changes something without an ``application/json`` body (415).

    ``DELETE`` without a body passes; any body must be JSON.
    """
    if request.method in SAFE_METHODS:
        return None
    has_body = bool(request.content_length) or request.headers.get("Transfer-Encoding") or request.content_type
    if request.method == "DELETE" and not has_body:
        return None
    if request.mimetype == "application/json":
        return None
    response = jsonify(
        error="unsupported_media_type",
        error_description="The lab API accepts only JSON bodies (Content-Type: application/json).",
    )
    response.status_code = 415
    return response

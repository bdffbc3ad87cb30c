"""``authorize()``: a login at the IdP driven over HTTP like a browser (login page, consent page), no browser.

OpenID Connect: ``/authorize`` with PKCE S256, state and nonce, then ``/token`` when tokens are asked for.
ESIA: ``/aas/oauth2/v2/ac`` signed with the client's key (as ilimurzin/esia signs it), then ``/aas/oauth2/v3/te``.
Only ``requests``: with the in-process mode active, ``responses`` hands these calls to the IdP's WSGI app.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import uuid
from datetime import UTC
from datetime import timedelta
from datetime import timezone
from html import unescape
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urljoin
from urllib.parse import urlsplit

import requests

from fedlab.scenarios import _forms
from fedlab.testing.handles import AuthorizeError
from fedlab.testing.handles import LabAccount
from fedlab.testing.handles import LabClient

TIMEOUT = 30
MAX_STEPS = 12
_HEADING = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.I | re.S)
_ALERT = re.compile(r'<[^>]+(?:role="alert"|class="[^"]*error[^"]*")[^>]*>(.*?)</', re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")


def _text(html: str) -> str:
    return " ".join(unescape(_TAGS.sub(" ", html)).split())


def _describe(response: requests.Response) -> str:
    """Return what a person would read first on a page: its heading and any error message."""
    parts = [_text(m) for m in _HEADING.findall(response.text)[:1]]
    parts += [_text(m) for m in _ALERT.findall(response.text)[:2] if _text(m)]
    return " / ".join(p for p in parts if p) or response.text[:200]


def _follow(session: requests.Session, response: requests.Response, stop: str) -> requests.Response:
    """Follow redirects until a page, or a redirect to ``stop`` (the client's redirect URI), which is returned."""
    for _ in range(MAX_STEPS):
        location = response.headers.get("Location")
        if response.status_code not in (301, 302, 303, 307, 308) or not location:
            return response
        target = urljoin(response.url, location)
        if target.startswith(stop):
            response.headers["Location"] = target
            return response
        response = session.get(target, allow_redirects=False, timeout=TIMEOUT)
    raise AuthorizeError("too many redirects at the IdP")


def _submit(session: requests.Session, page: requests.Response, attrs: dict, fields: dict) -> requests.Response:
    action = urljoin(page.url, attrs.get("action") or page.url)
    return session.post(action, data=fields, allow_redirects=False, timeout=TIMEOUT)


def press_button(session: requests.Session, url: str) -> requests.Response:
    """Open the page at ``url`` and submit its form that posts back to it (the diary's «Войти через ГосУслуги»)."""
    page = session.get(url, allow_redirects=False, timeout=TIMEOUT)
    path = urlsplit(url).path
    form = next((f for a, f, _ in _forms(page.text) if urlsplit(a.get("action") or "").path == path), None)
    if form is None:
        raise AuthorizeError(f"no «Войти через ГосУслуги» button at {url}: {_describe(page)}")
    return session.post(url, data=form, allow_redirects=False, timeout=TIMEOUT)


def drive(
    session: requests.Session,
    url: str,
    redirect_uri: str,
    person: LabAccount,
    consent: bool = True,
    press: bool = False,
) -> dict[str, str]:
    """Open ``url``, log in as ``person``, answer the consent page; return the query the client got back.

    ``press``: ``url`` is a page whose button starts the login (the diary's region page), so press it first.
    """
    first = press_button(session, url) if press else session.get(url, allow_redirects=False, timeout=TIMEOUT)
    response = _follow(session, first, redirect_uri)
    seen: list[str] = []
    for _ in range(MAX_STEPS):
        if response.status_code in (301, 302, 303, 307, 308):
            back = urlsplit(response.headers["Location"])
            return {k: v[0] for k, v in parse_qs(back.query).items()}
        seen.append(f"{response.status_code} {urlsplit(response.url).path}")
        if response.status_code != 200:
            raise AuthorizeError(
                f"the IdP answered {response.status_code} at {urlsplit(response.url).path}: {_describe(response)}"
            )
        forms = _forms(response.text)
        login_form = next(((a, f) for a, f, _ in forms if "login" in f and "password" in f), None)
        consent_form = next(((a, f) for a, f, body in forms if 'name="allow"' in body), None)
        if login_form is not None:
            if seen.count(seen[-1]) > 1:
                raise AuthorizeError(f"the IdP refused the login of {person.login}: {_describe(response)}")
            attrs, fields = login_form
            response = _submit(session, response, attrs, {**fields, "login": person.login, "password": person.password})
        elif consent_form is not None:
            attrs, fields = consent_form
            response = _submit(session, response, attrs, {**fields, ("allow" if consent else "deny"): "1"})
        else:
            back = re.search(r'href="([^"]*error=[^"]*)"', response.text)
            if back is None or not urljoin(response.url, unescape(back.group(1))).startswith(redirect_uri):
                raise AuthorizeError(f"the login stopped at {urlsplit(response.url).path}: {_describe(response)}")
            target = urlsplit(urljoin(response.url, unescape(back.group(1))))
            return {k: v[0] for k, v in parse_qs(target.query).items()}
        response = _follow(session, response, redirect_uri)
    raise AuthorizeError(f"the login did not come back to the client; pages seen: {seen}")


def _code_of(query: dict[str, str], state: str) -> str:
    if "error" in query:
        raise AuthorizeError(
            f"the IdP sent the client back with error={query['error']}: {query.get('error_description', '')}",
            query["error"],
            query.get("error_description"),
        )
    if query.get("state") != state:
        raise AuthorizeError(f"the state came back as {query.get('state')!r}, sent {state!r}")
    if "code" not in query:
        raise AuthorizeError(f"no code in the redirect: {query}")
    return query["code"]


def _token_answer(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200 or not isinstance(body, dict):
        detail = body if isinstance(body, dict) else response.text[:300]
        raise AuthorizeError(
            f"the token endpoint answered {response.status_code}: {detail}",
            body.get("error") if isinstance(body, dict) else None,
            body.get("error_description") if isinstance(body, dict) else None,
        )
    return body


def authorize_oidc(
    base_url: str,
    client: LabClient,
    person: LabAccount,
    *,
    tokens: bool = False,
    scope: str | None = None,
    consent: bool = True,
    session: requests.Session | None = None,
    **params: str,
) -> Any:
    """Run the authorization code flow (PKCE S256) for ``client`` as ``person``; the code, or the token response."""
    session = session or requests.Session()
    state = params.pop("state", secrets.token_urlsafe(12))
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": client.redirect_uri,
        "scope": scope or client.scope,
        "state": state,
        "nonce": params.pop("nonce", secrets.token_urlsafe(12)),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **params,
    }
    code = _code_of(
        drive(session, f"{base_url}/authorize?{urlencode(query)}", client.redirect_uri, person, consent), state
    )
    if not tokens:
        return code
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": client.redirect_uri}
    form["code_verifier"] = verifier
    auth = None
    if client.auth_method == "client_secret_basic" and client.secret:
        auth = (client.client_id, client.secret)
    else:
        form["client_id"] = client.client_id
        if client.auth_method == "client_secret_post" and client.secret:
            form["client_secret"] = client.secret
    return _token_answer(requests.post(f"{base_url}/token", data=form, auth=auth, timeout=TIMEOUT))


def esia_timestamp(real_utc) -> str:
    """Return ESIA's timestamp for a naive UTC moment, written in Moscow's zone as clients do."""
    from shared import esia_wire

    return esia_wire.format_timestamp(real_utc.replace(tzinfo=UTC).astimezone(timezone(timedelta(hours=3))))


def _esia_sign(client: LabClient, message: str) -> str:
    from shared import esia_crypto

    assert client.key_pem, "an ESIA client needs its key"
    return esia_crypto.b64url_encode(esia_crypto.sign_raw(message.encode(), client.key_pem))


def authorize_esia(
    base_url: str,
    client: LabClient,
    person: LabAccount,
    now,
    *,
    tokens: bool = False,
    scope: str | None = None,
    consent: bool = True,
    session: requests.Session | None = None,
) -> Any:
    """Run ESIA's v2/ac (and v3/te with ``tokens``) signed with the client's key; the code, or the token response.

    ``now`` returns the real time (naive UTC) the IdP checks timestamps against.
    """
    from shared import esia_crypto
    from shared import esia_wire

    session = session or requests.Session()
    scope = scope or client.scope
    state, timestamp = str(uuid.uuid4()), esia_timestamp(now())
    cert_hash = esia_crypto.certificate_hash(client.certificate_pem or "")
    message = esia_wire.v2_string(client.client_id, scope, "", timestamp, state, client.redirect_uri)
    query = {
        "client_id": client.client_id,
        "client_certificate_hash": cert_hash,
        "client_secret": _esia_sign(client, message),
        "redirect_uri": client.redirect_uri,
        "scope": scope,
        "scope_org": "",
        "response_type": "code",
        "state": state,
        "access_type": "offline",
        "timestamp": timestamp,
    }
    url = f"{base_url}/aas/oauth2/v2/ac?{urlencode(query)}"
    code = _code_of(drive(session, url, client.redirect_uri, person, consent), state)
    if not tokens:
        return code
    state, timestamp = str(uuid.uuid4()), esia_timestamp(now())
    message = esia_wire.v3_code_string(client.client_id, scope, "", timestamp, state, client.redirect_uri, code)
    form = {
        "client_id": client.client_id,
        "code": code,
        "grant_type": "authorization_code",
        "client_certificate_hash": cert_hash,
        "client_secret": _esia_sign(client, message),
        "state": state,
        "redirect_uri": client.redirect_uri,
        "scope": scope,
        "scope_org": "",
        "timestamp": timestamp,
        "token_type": "Bearer",
    }
    return _token_answer(requests.post(f"{base_url}/aas/oauth2/v3/te", data=form, timeout=TIMEOUT))

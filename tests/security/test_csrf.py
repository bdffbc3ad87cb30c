"""CSRF: every POST route of both apps refuses a request without the form's token, except the
OAuth/OIDC protocol endpoints and the token-authenticated JSON APIs, which are exempt by design.
"""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import Rule

#: Protocol endpoints that clients (not browsers with cookies) call; they authenticate otherwise.
PROTOCOL_ENDPOINTS = {"/authorize", "/token", "/userinfo", "/revoke", "/introspect", "/logout", "/register"}

#: The page text of labkit.web's CSRF error handler (the request never reached the view).
CSRF_REFUSAL = "Форма устарела или отправлена не с этого сайта"


def csrf_of(app):
    """Return the app's CSRFProtect extension."""
    return app.extensions["csrf"]


def is_exempt(app, rule: Rule) -> bool:
    """Return whether Flask-WTF skips the CSRF check for this rule's view."""
    csrf = csrf_of(app)
    view = app.view_functions[rule.endpoint]
    blueprint = rule.endpoint.rsplit(".", 1)[0] if "." in rule.endpoint else None
    exempt_blueprints = {getattr(bp, "name", bp) for bp in csrf._exempt_blueprints}
    return f"{view.__module__}.{view.__name__}" in csrf._exempt_views or blueprint in exempt_blueprints


def post_rules(app) -> list[Rule]:
    """Return every rule that accepts POST."""
    return [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]


def concrete_url(rule: Rule) -> str:
    """Fill the rule's variables with plausible values (ids 1, names "x")."""
    return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) == "int" else "x", rule.rule)


@pytest.fixture(params=["idp", "rp"])
def any_app(request):
    """Each app in turn, with CSRF protection as in production."""
    app = request.getfixturevalue(f"{request.param}_app")
    assert app.config.get("WTF_CSRF_ENABLED", True)
    return app


def test_only_protocol_endpoints_and_json_apis_are_exempt(any_app):
    exempt = sorted(rule.rule for rule in post_rules(any_app) if is_exempt(any_app, rule))
    unexpected = [r for r in exempt if r not in PROTOCOL_ENDPOINTS and not r.startswith("/api/")]
    assert unexpected == []


def test_every_form_post_without_a_token_is_refused(any_app):
    client = any_app.test_client()
    checked, accepted = [], []
    for rule in post_rules(any_app):
        if is_exempt(any_app, rule):
            continue
        url = concrete_url(rule)
        res = client.post(url, data={"submit": "1", "accept": "1", "allow": "1"})
        checked.append(url)
        if res.status_code != 400 or CSRF_REFUSAL not in res.get_data(as_text=True):
            accepted.append((url, res.status_code))
    assert len(checked) >= 5
    assert accepted == []


def test_every_form_post_with_a_forged_token_is_refused(any_app):
    client = any_app.test_client()
    client.get("/login")  # a session with a real token of its own
    accepted = []
    for rule in post_rules(any_app):
        if is_exempt(any_app, rule):
            continue
        res = client.post(concrete_url(rule), data={"csrf_token": "forged.token.value", "submit": "1"})
        if res.status_code != 400 or CSRF_REFUSAL not in res.get_data(as_text=True):
            accepted.append((rule.rule, res.status_code))
    assert accepted == []


def test_idp_consent_post_without_a_token_issues_no_code(flow):
    """``/authorize`` is exempt (OIDC allows POSTed authorization requests), so its consent form checks itself."""
    res, sent = flow.authorize(consent=None)
    assert res.status_code == 200 and "csrf_token" in res.get_data(as_text=True)
    html = res.get_data(as_text=True)
    action = re.search(r'<form method="post" action="([^"]+)"', html).group(1).replace("&amp;", "&")
    res = flow.client.post(action, data={"allow": "1"})
    assert "code=" not in res.headers.get("Location", "")
    res = flow.client.post(action, data={"allow": "1", "csrf_token": "forged"})
    assert "code=" not in res.headers.get("Location", "")

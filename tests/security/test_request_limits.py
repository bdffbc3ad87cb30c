"""Bodies the apps will not read: over ``MAX_CONTENT_LENGTH`` (413, not echoed) and JSON nested too deep (400)."""

from __future__ import annotations

import pytest

APPS = ["idp_client", "rp_client"]


@pytest.mark.parametrize("client_fixture", APPS)
def test_an_oversized_body_is_413_and_not_echoed(client_fixture, request):
    client = request.getfixturevalue(client_fixture)
    marker = "ZZ-oversized-"
    body = ('{"name": "' + marker + "x" * (20 * 1024 * 1024) + '"}').encode()
    response = client.post("/api/lab/scenario", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"] == "request_entity_too_large"
    assert marker not in response.get_data(as_text=True)
    assert len(response.get_data()) < 2000


@pytest.mark.parametrize("client_fixture", APPS)
def test_an_oversized_form_is_413(client_fixture, request):
    client = request.getfixturevalue(client_fixture)
    response = client.post("/login", data={"login": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413


@pytest.mark.parametrize("client_fixture", APPS)
def test_the_limit_is_a_setting(client_fixture, request):
    app = request.getfixturevalue(client_fixture).application
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024


@pytest.mark.parametrize("client_fixture", APPS)
@pytest.mark.parametrize("path", ["/api/lab/reset", "/api/lab/scenario"])
def test_deeply_nested_json_is_400(client_fixture, request, path):
    client = request.getfixturevalue(client_fixture)
    body = "[" * 5000 + "]" * 5000
    response = client.post(path, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_request"
    nested_object = '{"a":' * 5000 + "1" + "}" * 5000
    response = client.post(path, data=nested_object, content_type="application/json")
    assert response.status_code == 400


def test_deeply_nested_json_elsewhere_on_the_idp_is_not_a_500(idp_client):
    body = "[" * 5000 + "]" * 5000
    for path in ("/api/lab/faults", "/api/lab/claims", "/register"):
        response = idp_client.post(path, data=body, content_type="application/json")
        assert response.status_code < 500, path

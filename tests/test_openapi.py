"""The OpenAPI descriptions kept in the repository (idp/openapi.yaml, rp/openapi.yaml): valid OpenAPI 3.1,
describing exactly the JSON routes of each app, served at /api/openapi.json, and matched by real responses.
"""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from openapi_spec_validator import validate
from referencing import Registry
from referencing import Resource
from referencing.jsonschema import DRAFT202012

from shared import scenarios

ROOT = Path(__file__).resolve().parent.parent
SPECS = {"idp": ROOT / "idp" / "openapi.yaml", "rp": ROOT / "rp" / "openapi.yaml"}

#: Which rules of the url_map are JSON routes (the rest are pages, redirects and static files).
JSON_PREFIXES = ("/api/", "/.well-known/")
JSON_RULES = {"/jwks.json", "/token", "/userinfo", "/revoke", "/introspect", "/register", "/lab/inbox.json"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def load_spec(kind: str) -> dict:
    """Return the description of app ``kind`` as kept in the repository."""
    return yaml.safe_load(SPECS[kind].read_text(encoding="utf-8"))


def json_routes(app) -> dict[str, set[str]]:
    """Return the app's JSON routes as OpenAPI paths (``{id}`` parameters) with their methods."""
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if not (rule.rule.startswith(JSON_PREFIXES) or rule.rule in JSON_RULES):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        routes.setdefault(path, set()).update(m.lower() for m in rule.methods - IGNORED_METHODS)
    return routes


def described_routes(spec: dict) -> dict[str, set[str]]:
    """Return the paths of a description with the methods it describes."""
    return {path: {m for m in item if m in HTTP_METHODS} for path, item in spec["paths"].items()}


def response_validator(spec: dict, path: str, method: str, status: int) -> jsonschema.Validator:
    """Return a JSON Schema validator for the JSON body the description promises for this response."""
    registry = Registry().with_resource("urn:openapi", Resource(contents=spec, specification=DRAFT202012))
    response = spec["paths"][path][method]["responses"][str(status)]
    if "$ref" in response:
        response = registry.resolver().lookup("urn:openapi" + response["$ref"]).contents
    schema = response["content"]["application/json"]["schema"]
    wrapper = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "urn:check", **schema}
    wrapper = _rebase(wrapper)
    return jsonschema.Draft202012Validator(wrapper, registry=registry)


def _rebase(node):
    """Point local ``#/...`` references at the description registered as ``urn:openapi``."""
    if isinstance(node, dict):
        return {k: ("urn:openapi" + v if k == "$ref" and v.startswith("#") else _rebase(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_rebase(v) for v in node]
    return node


def assert_matches(spec: dict, path: str, method: str, response) -> None:
    """Assert that ``response`` is described (status) and that its JSON body fits the described schema."""
    responses = spec["paths"][path][method]["responses"]
    assert str(response.status_code) in responses, f"{method.upper()} {path}: {response.status_code} not described"
    errors = list(response_validator(spec, path, method, response.status_code).iter_errors(response.get_json()))
    assert not errors, [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]


# --- the documents ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_description_is_valid_openapi_3_1(kind):
    spec = load_spec(kind)
    assert spec["openapi"].startswith("3.1")
    validate(spec)  # raises on an invalid document


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_every_operation_has_a_unique_id_and_lab_routes_name_the_token(kind):
    spec = load_spec(kind)
    ids = [op["operationId"] for item in spec["paths"].values() for m, op in item.items() if m in HTTP_METHODS]
    assert len(ids) == len(set(ids))
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS and path.startswith("/api/lab/"):
                assert {"labToken": []} in operation["security"], f"{method} {path}"
                assert "401" in operation["responses"], f"{method} {path}"


def test_idp_routes_and_description_agree(idp_app):
    assert described_routes(load_spec("idp")) == json_routes(idp_app)


def test_diary_routes_and_description_agree(rp_app):
    assert described_routes(load_spec("rp")) == json_routes(rp_app)


def test_the_route_collector_sees_the_json_routes(idp_app, rp_app):
    idp, rp = json_routes(idp_app), json_routes(rp_app)
    assert idp["/api/lab/faults/{fault_id}"] == {"delete"}
    assert idp["/userinfo"] == {"get", "post"}
    assert "/authorize" not in idp and "/lab/inbox" not in idp
    assert rp["/api/diary/pupil/{pupil_id}/marks"] == {"get"}


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_each_app_serves_its_description(kind, idp_client, rp_client):
    client = idp_client if kind == "idp" else rp_client
    response = client.get("/api/openapi.json", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert response.status_code == 200
    served = response.get_json()
    assert served["servers"] == [{"url": "http://idp.test" if kind == "idp" else "http://rp.test"}]  # the base URL
    assert {k: v for k, v in served.items() if k != "servers"} == {
        k: v for k, v in load_spec(kind).items() if k != "servers"
    }


def test_lab_pages_link_the_description(idp_client, rp_client):
    assert "/api/openapi.json" in idp_client.get("/lab").get_data(as_text=True)
    assert "/api/openapi.json" in rp_client.get("/lab/linking").get_data(as_text=True)


# --- real responses fit their schemas ------------------------------------------------------------


def test_idp_protocol_responses_fit(idp_client):
    spec = load_spec("idp")
    assert_matches(
        spec, "/.well-known/openid-configuration", "get", idp_client.get("/.well-known/openid-configuration")
    )
    assert_matches(spec, "/jwks.json", "get", idp_client.get("/jwks.json"))
    refused = idp_client.post("/token", data={"grant_type": "authorization_code", "code": "nope"})
    assert refused.status_code in (400, 401)
    assert_matches(spec, "/token", "post", refused)
    no_token = idp_client.get("/userinfo")
    assert no_token.status_code == 401
    assert_matches(spec, "/userinfo", "get", no_token)
    assert_matches(spec, "/register", "post", idp_client.post("/register", json={"redirect_uris": ["http://x.test"]}))


def test_idp_dynamic_registration_fits(idp_app, idp_client):
    from idp.oidc.registration_policy import initial_access_token

    idp_app.config["DYNAMIC_REGISTRATION"] = True
    spec = load_spec("idp")
    anonymous = idp_client.post("/register", json={"redirect_uris": ["https://client.test/cb"]})
    assert anonymous.status_code == 401
    assert_matches(spec, "/register", "post", anonymous)
    auth = {"Authorization": "Bearer " + initial_access_token(idp_app.config)}
    created = idp_client.post(
        "/register", json={"redirect_uris": ["https://client.test/cb"], "client_name": "QA"}, headers=auth
    )
    assert created.status_code == 201
    assert_matches(spec, "/register", "post", created)
    bad = idp_client.post("/register", json={"client_name": "no redirect"}, headers=auth)
    assert bad.status_code == 400
    assert_matches(spec, "/register", "post", bad)


def test_idp_lab_responses_fit(idp_client):
    spec = load_spec("idp")
    added = idp_client.post("/api/lab/faults", json={"kind": "token_error", "count": 2, "error": "server_error"})
    assert added.status_code == 201
    assert_matches(spec, "/api/lab/faults", "post", added)
    assert_matches(spec, "/api/lab/faults", "get", idp_client.get("/api/lab/faults"))
    refused = idp_client.post("/api/lab/faults", json={"kind": "no_such_fault"})
    assert refused.status_code == 400
    assert_matches(spec, "/api/lab/faults", "post", refused)
    assert_matches(spec, "/api/lab/faults", "delete", idp_client.delete("/api/lab/faults"))
    claims = idp_client.post("/api/lab/claims", json={"client_id": "dnevnik", "claims": {"given_name": "Иван"}})
    assert claims.status_code == 201
    assert_matches(spec, "/api/lab/claims", "post", claims)
    assert_matches(spec, "/api/lab/claims", "get", idp_client.get("/api/lab/claims"))
    assert_matches(spec, "/api/lab/traces", "get", idp_client.get("/api/lab/traces"))
    assert_matches(spec, "/api/lab/traces/{trace_id}", "get", idp_client.get("/api/lab/traces/none"))
    assert_matches(spec, "/lab/inbox.json", "get", idp_client.get("/lab/inbox.json"))
    remote = idp_client.get("/api/lab/traces", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert remote.status_code == 401
    assert_matches(spec, "/api/lab/traces", "get", remote)


def test_idp_reset_and_scenario_responses_fit(idp_client):
    spec = load_spec("idp")
    assert_matches(spec, "/api/lab/reset", "post", idp_client.post("/api/lab/reset", json={"demo": True}))
    loaded = idp_client.post("/api/lab/scenario", json=scenarios.load("name-typo").to_document())
    assert loaded.status_code == 200
    assert_matches(spec, "/api/lab/scenario", "post", loaded)
    assert_matches(spec, "/api/lab/reset", "post", idp_client.post("/api/lab/reset", json={"demo": "yes"}))


def test_diary_lab_responses_fit(rp_client):
    spec = load_spec("rp")
    assert_matches(spec, "/api/lab/reset", "post", rp_client.post("/api/lab/reset", json={"demo": True}))
    loaded = rp_client.post("/api/lab/scenario", json=scenarios.load("account-linked-to-other-profile").to_document())
    assert loaded.status_code == 200
    assert_matches(spec, "/api/lab/scenario", "post", loaded)
    state = rp_client.get("/api/lab/state")
    assert_matches(spec, "/api/lab/state", "get", state)
    assert_matches(spec, "/api/lab/users/{user_id}", "get", rp_client.get("/api/lab/users/1"))
    assert_matches(spec, "/api/lab/users/{user_id}", "get", rp_client.get("/api/lab/users/999999"))
    assert_matches(spec, "/api/lab/linking", "get", rp_client.get("/api/lab/linking?limit=5"))
    assert_matches(spec, "/api/lab/linking/{record_id}", "get", rp_client.get("/api/lab/linking/999"))


def test_a_schema_check_can_fail():
    spec = load_spec("rp")

    class Fake:
        status_code = 200

        @staticmethod
        def get_json():
            return {"people": "many"}

    with pytest.raises(AssertionError):
        assert_matches(spec, "/api/lab/state", "get", Fake())

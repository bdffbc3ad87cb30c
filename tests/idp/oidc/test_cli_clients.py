"""``fedlab idp client ...`` and ``fedlab idp keys ...``."""

import json


def _run(app, *args):
    from idp.cli import idp_cli

    with app.app_context():
        return app.test_cli_runner().invoke(idp_cli, list(args))


def test_client_create_list_remove(idp_app):
    result = _run(
        idp_app,
        "client",
        "create",
        "--client-id",
        "dnevnik",
        "--secret",
        "x" * 20,
        "--redirect-uri",
        "http://127.0.0.1:5002/login/callback",
        "--redirect-uri",
        "http://127.0.0.1:5002/cb2",
        "--min-level",
        "2",
        "--post-logout-redirect-uri",
        "http://127.0.0.1:5002/",
        "--json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["client_id"] == "dnevnik" and data["min_level"] == 2 and len(data["redirect_uris"]) == 2
    assert "x" * 20 not in result.output
    listed = json.loads(_run(idp_app, "client", "list", "--json").output)
    assert [c["client_id"] for c in listed] == ["dnevnik"]
    dup = _run(
        idp_app,
        "client",
        "create",
        "--client-id",
        "dnevnik",
        "--secret",
        "y" * 16,
        "--redirect-uri",
        "http://a/b",
        "--json",
    )
    assert dup.exit_code == 1 and json.loads(dup.output)["fields"]["client_id"] == "taken"
    assert _run(idp_app, "client", "remove", "dnevnik").exit_code == 0
    assert json.loads(_run(idp_app, "client", "list", "--json").output) == []


def test_client_create_refuses_fragment_redirect(idp_app):
    result = _run(
        idp_app,
        "client",
        "create",
        "--client-id",
        "a",
        "--secret",
        "s",
        "--redirect-uri",
        "https://a.example/cb#frag",
        "--json",
    )
    assert result.exit_code == 1 and json.loads(result.output)["fields"]["redirect_uris"] == "uri_fragment"


def test_keys_rotate_keeps_old_key_published(idp_app):
    client = idp_app.test_client()
    first = client.get("/jwks.json").get_json()["keys"]
    assert len(first) == 1 and first[0]["alg"] == "RS256"
    result = _run(idp_app, "keys", "rotate", "--alg", "ES256", "--json")
    assert result.exit_code == 0, result.output
    new_kid = json.loads(result.output)["kid"]
    kids = [k["kid"] for k in client.get("/jwks.json").get_json()["keys"]]
    assert kids == [first[0]["kid"], new_kid]
    listed = json.loads(_run(idp_app, "keys", "list", "--json").output)
    # Rotating ES256 leaves the RS256 key active: RS256 clients keep their algorithm.
    assert [(k["alg"], k["active"]) for k in listed] == [("RS256", True), ("ES256", True)]


def test_ensure_client_is_idempotent(idp_app):
    from idp.db import db
    from idp.domain.clients import ensure_client
    from idp.domain.clients import list_clients

    with idp_app.app_context():
        for _ in range(2):
            ensure_client(
                db.session,
                "dnevnik",
                "secret-of-16-chars",
                ["http://127.0.0.1:5002/login/callback"],
                post_logout_redirect_uris=["http://127.0.0.1:5002/"],
                name="Дневник",
            )
            db.session.commit()
        clients = list_clients(db.session)
        assert [c.client_id for c in clients] == ["dnevnik"]
        assert clients[0].check_client_secret("secret-of-16-chars")


def test_client_secrets_need_16_characters(idp_app):
    short = _run(
        idp_app,
        "client",
        "create",
        "--client-id",
        "a",
        "--secret",
        "x" * 15,
        "--redirect-uri",
        "https://a/cb",
        "--json",
    )
    assert short.exit_code == 1 and json.loads(short.output)["fields"]["client_secret"] == "too_short"
    ok = _run(idp_app, "client", "create", "--client-id", "a", "--secret", "x" * 16, "--redirect-uri", "https://a/cb")
    assert ok.exit_code == 0, ok.output

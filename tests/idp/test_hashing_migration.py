"""The sessions migration hashes the codes and tokens already stored, so those issued before it keep working."""

from __future__ import annotations

import base64
import hashlib
import time

import sqlalchemy as sa
from flask_migrate import upgrade

from tests.idp.oidc.helpers import make_account

SECRET = "s3cret-for-tests-long"
REFRESH = "refresh-token-issued-before-the-migration-0123456789"
ACCESS = "access-token-issued-before-the-migration-0123456789"


def test_tokens_and_secrets_stored_before_the_migration_keep_working(tmp_path):
    from idp import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-idp-secret",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'idp.sqlite'}",
            "ISSUER": "http://idp.test",
        }
    )
    directory = app.extensions["migrate"].directory
    engine = app.extensions["sqlalchemy"]
    with app.app_context():
        upgrade(directory=directory, revision="5e1f0c2a9b7d")  # the head before this branch
    account = make_account(app)  # the account table is the same before and after
    with app.app_context():
        with engine.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO oauth2_client (id, client_id, client_secret_hash, client_name, redirect_uris_json,"
                    " post_logout_redirect_uris_json, token_endpoint_auth_method, scope, min_level,"
                    " extra_metadata_json, esia_certificates_json, esia_access_token_alg, esia_signature_mode,"
                    " created_at) VALUES (1, 'app', :h, 'App', '[\"https://app.example/cb\"]', '[]',"
                    " 'client_secret_basic', '', 1, '{}', '[]', 'RS256', 'lab', '2026-01-01')"
                ),
                {"h": hashlib.sha256(SECRET.encode()).hexdigest()},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO oauth2_token (id, client_id, account_id, token_type, access_token, refresh_token,"
                    " scope, issued_at, expires_in, refresh_expires_in, access_revoked, refresh_revoked)"
                    " VALUES (1, 'app', :acc, 'Bearer', :a, :r, 'openid offline_access', :t, 3600, 2592000, 0, 0)"
                ),
                {"a": ACCESS, "r": REFRESH, "t": int(time.time()), "acc": account.id},
            )
        upgrade(directory=directory)
        with engine.engine.connect() as conn:
            stored = conn.execute(sa.text("SELECT access_token_sha256, refresh_token_sha256 FROM oauth2_token")).one()
        engine.engine.dispose()
    assert stored == (hashlib.sha256(ACCESS.encode()).hexdigest(), hashlib.sha256(REFRESH.encode()).hexdigest())

    client = app.test_client()
    auth = {"Authorization": "Basic " + base64.b64encode(f"app:{SECRET}".encode()).decode()}
    res = client.post("/token", data={"grant_type": "refresh_token", "refresh_token": REFRESH}, headers=auth)
    assert res.status_code == 200, res.get_json()
    assert res.get_json()["refresh_token"] != REFRESH
    with app.app_context():
        with engine.engine.connect() as conn:
            secret_hash = conn.execute(sa.text("SELECT client_secret_hash FROM oauth2_client")).scalar_one()
        engine.engine.dispose()
    assert secret_hash.startswith("hmac-sha256$")  # re-hashed at its first use

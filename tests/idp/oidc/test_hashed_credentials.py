"""Codes, access and refresh tokens are stored as their SHA-256 only; client secrets as a salted HMAC.

A copy of the database then lets nobody redeem a code, call userinfo, refresh or authenticate as a client.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from tests.idp.oidc.helpers import SECRET
from tests.idp.oidc.helpers import basic


def _stored(app):
    from idp.db import db
    from idp.models.oauth import AuthorizationCode
    from idp.models.oauth import OAuth2Client
    from idp.models.oauth import Token

    with app.app_context():
        codes = [c.code_sha256 for c in db.session.scalars(select(AuthorizationCode))]
        tokens = [(t.access_token_sha256, t.refresh_token_sha256) for t in db.session.scalars(select(Token))]
        client = db.session.scalar(select(OAuth2Client).where(OAuth2Client.client_id == "app"))
        return codes, tokens, client.client_secret_hash


def _all_text(app) -> str:
    """Every value of the code, token and client tables, as one text."""
    from idp.db import db

    with app.app_context():
        rows = []
        for table in ("oauth2_code", "oauth2_token", "oauth2_client"):
            rows += [str(tuple(r)) for r in db.session.execute(db.text(f"SELECT * FROM {table}"))]
        return "\n".join(rows)


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def test_codes_and_tokens_are_stored_only_as_hashes(logged_in, oidc_app):
    code, _ = logged_in.code(scope="openid offline_access")
    response = logged_in.token(code)
    assert response.status_code == 200
    body = response.get_json()
    codes, tokens, _ = _stored(oidc_app)
    assert codes == [sha256(code)]
    assert tokens == [(sha256(body["access_token"]), sha256(body["refresh_token"]))]
    text = _all_text(oidc_app)
    for secret in (code, body["access_token"], body["refresh_token"], SECRET):
        assert secret not in text
    # Looked up by their hash, they still work.
    assert (
        logged_in.client.get("/userinfo", headers={"Authorization": "Bearer " + body["access_token"]}).status_code
        == 200
    )
    refreshed = logged_in.client.post(
        "/token", data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}, headers=basic()
    )
    assert refreshed.status_code == 200, refreshed.get_json()


def test_a_stored_hash_is_not_a_credential(logged_in, oidc_app):
    code, _ = logged_in.code(scope="openid offline_access")
    body = logged_in.token(code).get_json()
    codes, tokens, _ = _stored(oidc_app)
    access_hash, refresh_hash = tokens[0]
    assert logged_in.client.get("/userinfo", headers={"Authorization": "Bearer " + access_hash}).status_code == 401
    res = logged_in.client.post(
        "/token", data={"grant_type": "refresh_token", "refresh_token": refresh_hash}, headers=basic()
    )
    assert res.status_code == 400 and res.get_json()["error"] == "invalid_grant"
    assert logged_in.token(codes[0]).get_json()["error"] == "invalid_grant"
    assert body["access_token"]


def test_client_secrets_are_salted(oidc_app):
    from idp.models.oauth import hash_secret
    from idp.models.oauth import verify_secret

    one, two = hash_secret(SECRET), hash_secret(SECRET)
    assert one != two and SECRET not in one and sha256(SECRET) not in one
    assert verify_secret(one, SECRET) and verify_secret(two, SECRET)
    assert not verify_secret(one, SECRET + "x") and not verify_secret("hmac-sha256$zz$00", SECRET)
    _, _, stored = _stored(oidc_app)
    assert stored.startswith("hmac-sha256$") and verify_secret(stored, SECRET)


def test_an_older_unsalted_secret_still_works_and_is_rehashed_at_its_next_use(logged_in, oidc_app):
    from idp.db import db
    from idp.models.oauth import OAuth2Client

    with oidc_app.app_context():
        client = db.session.scalar(select(OAuth2Client).where(OAuth2Client.client_id == "app"))
        client.client_secret_hash = sha256(SECRET)  # what the IdP stored before
        db.session.commit()
    code, _ = logged_in.code()
    assert logged_in.token(code, headers=basic(secret="wrong-secret-1234")).status_code == 401
    assert _stored(oidc_app)[2] == sha256(SECRET)  # a wrong secret changes nothing
    code, _ = logged_in.code()
    assert logged_in.token(code).status_code == 200
    stored = _stored(oidc_app)[2]
    assert stored.startswith("hmac-sha256$")
    code, _ = logged_in.code()
    assert logged_in.token(code).status_code == 200

"""Refresh tokens: used once, bound to their client, rotated."""

from __future__ import annotations

from tests.idp.oidc.helpers import REDIRECT
from tests.idp.oidc.helpers import basic


def test_check_25_refresh_token_rotates_and_is_bound(logged_in, oidc_app):
    from idp.db import db
    from idp.domain.clients import create_client

    body = logged_in.tokens(scope="openid offline_access")
    refresh = body["refresh_token"]
    data = {"grant_type": "refresh_token", "refresh_token": refresh}
    with oidc_app.app_context():
        create_client(db.session, "other", "other-secret-0123", [REDIRECT])
        db.session.commit()
    stolen = logged_in.client.post("/token", data=data, headers=basic("other", "other-secret-0123"))
    assert stolen.status_code == 400 and stolen.get_json()["error"] == "invalid_grant"
    first = logged_in.client.post("/token", data=data, headers=basic())
    assert first.status_code == 200 and first.get_json()["refresh_token"] != refresh
    again = logged_in.client.post("/token", data=data, headers=basic())
    assert again.status_code == 400 and again.get_json()["error"] == "invalid_grant"

"""Fixtures of the OpenID Provider tests: a client that authenticates by ``private_key_jwt``."""

from __future__ import annotations

import pytest
from joserfc.jwk import RSAKey

from tests.idp.oidc.helpers import JWT_CLIENT
from tests.idp.oidc.helpers import REDIRECT


@pytest.fixture(scope="module")
def client_key():
    """The client's RSA key pair."""
    return RSAKey.generate_key(2048, parameters={"kid": "client-1", "use": "sig", "alg": "RS256"}, private=True)


@pytest.fixture
def jwt_flow(flow, account, client_key):
    """A logged-in flow with a client that authenticates by ``private_key_jwt``."""
    from idp.db import db
    from idp.domain.clients import create_client

    with flow.app.app_context():
        create_client(
            db.session,
            JWT_CLIENT,
            None,
            [REDIRECT],
            auth_method="private_key_jwt",
            jwks={"keys": [client_key.as_dict(private=False)]},
        )
        db.session.commit()
    flow.login(account)
    return flow

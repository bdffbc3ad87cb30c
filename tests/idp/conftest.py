"""Fixtures of the IdP tests: idp_app → oidc_app (with the confidential client ``app``) → account → flow
→ logged_in (the flow with the account logged in); idp_app → simplified_account.
"""

from __future__ import annotations

import pytest

from tests.idp.helpers import make_simplified_account
from tests.idp.oidc.helpers import REDIRECT
from tests.idp.oidc.helpers import SECRET
from tests.idp.oidc.helpers import Flow
from tests.idp.oidc.helpers import make_account


@pytest.fixture
def oidc_app(idp_app):
    """The IdP app with the confidential client ``app`` registered."""
    from idp.db import db
    from idp.domain.clients import create_client

    with idp_app.app_context():
        create_client(
            db.session,
            "app",
            SECRET,
            [REDIRECT, "https://app.example/cb2?x=1"],
            name="Тестовое приложение",
            post_logout_redirect_uris=["https://app.example/bye"],
        )
        db.session.commit()
    return idp_app


@pytest.fixture
def account(oidc_app):
    """A standard (level 2) account with full profile data."""
    return make_account(oidc_app)


@pytest.fixture
def simplified_account(idp_app):
    """Иван Иванов's simplified account, logging in by phone, e-mail or SNILS (no client registered)."""
    make_simplified_account(idp_app)


@pytest.fixture
def flow(oidc_app):
    """A flow driver on a fresh test client."""
    return Flow(oidc_app, oidc_app.test_client())


@pytest.fixture
def logged_in(flow, account):
    """The flow driver with ``account`` logged in."""
    flow.login(account)
    return flow

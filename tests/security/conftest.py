"""Fixtures of the security tests: an IdP with one client and one account, a diary with one login."""

from __future__ import annotations

import re

import pytest

from tests.idp.oidc.conftest import REDIRECT
from tests.idp.oidc.conftest import SECRET
from tests.idp.oidc.conftest import Flow
from tests.idp.oidc.conftest import make_account
from tests.rp.fakeop import op  # noqa: F401  (fixture: the fake provider for the diary)

IDP_PASSWORD = "Gosuslugi+2024"
RP_PASSWORD = "dnevnik2024"


def form_token(html: str) -> str:
    """Return the CSRF token of the first form on a page."""
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


@pytest.fixture
def idp(idp_app):
    """The IdP with the confidential client ``app`` (may refresh) and a standard account."""
    from idp.db import db
    from idp.domain.clients import create_client

    with idp_app.app_context():
        create_client(
            db.session,
            "app",
            SECRET,
            [REDIRECT],
            name="Тестовое приложение",
            post_logout_redirect_uris=["https://app.example/bye"],
        )
        db.session.commit()
    idp_app.account = make_account(idp_app)
    return idp_app


@pytest.fixture
def flow(idp):
    """A flow driver (browser + relying party) on the IdP, logged in as the account."""
    flow = Flow(idp, idp.test_client())
    flow.login(idp.account)
    return flow


@pytest.fixture
def diary_user(rp_app):
    """A diary login ``ivanova.m`` (password ``dnevnik2024``); returns its user id."""
    from tests.rp.fakeop import add_person

    return add_person(rp_app)

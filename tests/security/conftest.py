"""Fixtures of the security tests: an IdP with one client and one account (logged in by ``flow``); the diary with
one login, the demo school and the fake provider (the diary tests' fixtures, from the same helpers).
"""

from __future__ import annotations

import pytest

from tests.idp.oidc.helpers import REDIRECT
from tests.idp.oidc.helpers import SECRET
from tests.idp.oidc.helpers import Flow
from tests.idp.oidc.helpers import make_account
from tests.rp.fakeop import fake_op
from tests.rp.helpers import access_targets
from tests.rp.helpers import seed_school_copy


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


@pytest.fixture
def school(rp_app):
    """The demo school on the diary's test database (a copy of a template seeded once); returns the summary."""
    return seed_school_copy(rp_app)


@pytest.fixture
def targets(rp_app, school):
    """Ids of the objects the access tests request, from the demo school."""
    return access_targets(rp_app)


@pytest.fixture
def op(rp_app):
    """The fake provider, and a region ``test`` of the diary pointing at it."""
    with fake_op(rp_app) as provider:
        yield provider

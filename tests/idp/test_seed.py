"""The IdP's one seeding entry point (idp.seed): the demo with the diary as a client, and scenarios."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func
from sqlalchemy import select


def _count(model) -> int:
    from idp.db import db

    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_seed_creates_the_accounts_and_the_diary_client(idp_app):
    from idp.db import db
    from idp.models import Account
    from idp.models.oauth import OAuth2Client
    from idp.seed import DiaryClient
    from idp.seed import seed
    from labkit.web import password_hasher

    with idp_app.app_context():
        before = _count(Account)
        summary = seed(
            db.session,
            "demo",
            hasher=password_hasher(),
            today=date(2026, 9, 16),
            diary=DiaryClient(base_url="http://127.0.0.1:5001", secret="s" * 32),
        )
        assert summary["accounts"] == _count(Account) - before > 0
        client = db.session.scalar(select(OAuth2Client).where(OAuth2Client.client_id == "dnevnik"))
        assert client is not None and "http://127.0.0.1:5001/login/callback" in client.redirect_uris


def test_scenario_seed_and_unknown_kinds(idp_app):
    from idp.db import db
    from idp.seed import seed
    from labkit.web import password_hasher
    from shared import scenarios

    with idp_app.app_context():
        kwargs = {"hasher": password_hasher(), "today": date(2026, 9, 16)}
        assert seed(db.session, "scenario", scenario=scenarios.load("name-typo"), **kwargs)
        with pytest.raises(ValueError):
            seed(db.session, "scenario", **kwargs)
        with pytest.raises(ValueError):
            seed(db.session, "everything", **kwargs)

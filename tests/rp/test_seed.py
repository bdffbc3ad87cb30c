"""The diary's one seeding entry point (rp.seed): the demo and scenarios, never committed by the seed itself."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func
from sqlalchemy import select

PROVIDER = {"issuer": "http://127.0.0.1:9", "client_id": "dnevnik", "client_secret": "s"}


def _seed(app, what, **kwargs):
    from labkit.web import password_hasher
    from rp.extensions import db
    from rp.seed import ProviderDefaults
    from rp.seed import seed

    return seed(
        db.session,
        what,
        today=date(2026, 9, 16),
        provider=ProviderDefaults(**PROVIDER),
        hasher=password_hasher(),
        **kwargs,
    )


def _count(model) -> int:
    from rp.extensions import db

    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_seed_is_one_transaction_of_the_caller(rp_app):
    from rp.extensions import db
    from rp.models import Identity
    from rp.models import Person
    from rp.models import Region

    with rp_app.app_context():
        summary = _seed(rp_app, "demo")
        assert summary["pupils"] == 100 and summary["linked"] >= 1
        assert _count(Person) > 100 and _count(Identity) == summary["linked"]
        db.session.rollback()  # the caller decides: nothing was committed
        assert (_count(Person), _count(Region), _count(Identity)) == (0, 0, 0)


def test_scenario_seed_and_unknown_kinds(rp_app):
    from rp.models import User
    from shared import scenarios

    with rp_app.app_context():
        result = _seed(rp_app, "scenario", scenario=scenarios.load("name-typo"))
        assert result["region"] == "dvinaland" and _count(User) == len([p for p in result["people"] if p["login"]])
        with pytest.raises(ValueError):
            _seed(rp_app, "scenario")
        with pytest.raises(ValueError):
            _seed(rp_app, "everything")

"""The diary's cache of the provider's JWKS: it expires, a signature failure refetches it (a token
without ``kid`` after the provider rotated its only key), and refetches are bounded.
"""

from __future__ import annotations

from datetime import timedelta

from tests.rp.fakeop import KEY
from tests.rp.fakeop import OTHER_KEY
from tests.rp.fakeop import last_record
from tests.rp.fakeop import login


def _accepted(res, app) -> None:
    assert last_record(app)["outcome"] != "error", last_record(app)


def _age_cache(app, seconds: int) -> None:
    from rp.extensions import db
    from rp.models.regions import Region

    with app.app_context():
        for region in db.session.query(Region).all():
            if region.jwks_fetched_at is not None:
                region.jwks_fetched_at -= timedelta(seconds=seconds)
        db.session.commit()


def test_a_token_without_kid_after_the_only_key_rotated_refetches(rp_client, rp_app, op):
    op.header = {"alg": "RS256"}
    op.jwks_keys = [{k: v for k, v in KEY.as_dict(private=False).items() if k != "kid"}]
    _accepted(login(rp_client, op), rp_app)
    assert op.jwks_requests == 1
    _age_cache(rp_app, 60)  # past the refetch interval, within the cache lifetime
    op.sign = "other_key"
    op.jwks_keys = [{k: v for k, v in OTHER_KEY.as_dict(private=False).items() if k != "kid"}]
    _accepted(login(rp_client, op), rp_app)
    assert op.jwks_requests == 2


def test_the_cached_jwks_expires(rp_client, rp_app, op):
    _accepted(login(rp_client, op), rp_app)
    _accepted(login(rp_client, op), rp_app)
    assert op.jwks_requests == 1
    _age_cache(rp_app, rp_app.config["JWKS_CACHE_SECONDS"] + 1)
    _accepted(login(rp_client, op), rp_app)
    assert op.jwks_requests == 2


def test_refetches_after_bad_signatures_are_bounded(rp_client, rp_app, op):
    _accepted(login(rp_client, op), rp_app)
    _age_cache(rp_app, 60)
    op.sign = "other_key"  # forged: signed by another key, naming kid k1
    for _ in range(3):
        login(rp_client, op)
        assert last_record(rp_app)["detail"].startswith("id_token_signature")
    assert op.jwks_requests == 2  # one refetch, then the interval holds

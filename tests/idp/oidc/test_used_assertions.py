"""``private_key_jwt`` replay protection: each assertion ``jti`` is used once, kept in ``used_assertion``
until the assertion expires, then deleted.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select

from tests.idp.oidc.helpers import assertion
from tests.idp.oidc.helpers import exchange

NOW = datetime(2026, 3, 1, 12, 0, 0)


def _rows(app) -> list[tuple[str, str]]:
    from idp.db import db
    from idp.models.assertions import UsedAssertion

    with app.app_context():
        return [(r.client_id, r.jti) for r in db.session.scalars(select(UsedAssertion))]


def test_replay_is_refused_and_the_jti_is_stored(jwt_flow, client_key):
    once = assertion(client_key, jti="assertion-1")
    assert exchange(jwt_flow, once).status_code == 200
    assert _rows(jwt_flow.app) == [("jwt-app", "assertion-1")]
    replay = exchange(jwt_flow, once)
    assert replay.status_code == 401 and replay.get_json()["error"] == "invalid_client"
    # A fresh assertion of the same client still works.
    assert exchange(jwt_flow, assertion(client_key)).status_code == 200


def test_overlong_jti_is_refused_not_a_server_error(jwt_flow, client_key):
    resp = exchange(jwt_flow, assertion(client_key, jti="x" * 300))
    assert resp.status_code == 401 and resp.get_json()["error"] == "invalid_client"


def test_same_jti_of_different_clients_and_expiry_cleanup(idp_app):
    from idp.db import db
    from idp.models.assertions import UsedAssertion
    from idp.models.assertions import use_assertion_once

    with idp_app.app_context():
        s = db.session
        assert use_assertion_once(s, "a", "j1", NOW + timedelta(seconds=60), NOW)
        assert use_assertion_once(s, "b", "j1", NOW + timedelta(seconds=60), NOW)  # another client
        assert use_assertion_once(s, "a", "j2", NOW + timedelta(seconds=600), NOW)
        s.commit()
        assert not use_assertion_once(s, "a", "j1", NOW + timedelta(seconds=60), NOW + timedelta(seconds=30))
        s.commit()
        # Two minutes later the 60-second assertions have expired: the next use deletes their rows.
        later = NOW + timedelta(seconds=120)
        assert use_assertion_once(s, "c", "j3", later + timedelta(seconds=60), later)
        s.commit()
        left = {(r.client_id, r.jti) for r in s.scalars(select(UsedAssertion))}
        assert left == {("a", "j2"), ("c", "j3")}
        assert s.scalar(select(func.count()).select_from(UsedAssertion)) == 2


def test_an_assertion_in_its_leeway_cannot_be_replayed(jwt_flow, client_key):
    """Assertions are accepted up to 60 s past ``exp``, so their ``jti`` is kept that long too."""
    import time

    late = assertion(client_key, iat=int(time.time()) - 50, exp=int(time.time()) - 10, jti="late-1")
    assert exchange(jwt_flow, late).status_code == 200
    time.sleep(1.1)  # the next use runs the cleanup of rows already expired
    replay = exchange(jwt_flow, late)
    assert replay.status_code == 401 and replay.get_json()["error"] == "invalid_client"

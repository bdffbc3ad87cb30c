"""The protocol trace off the request's path: a served IdP queues exchanges and writes them in batches.

A served app (not ``TESTING``) only queues what each protocol request saw; the worker's trace writer
builds the rows and writes them in a transaction of its own. Readers of the trace write the queue
first, so a login read back is complete; without a reader the writer's thread writes it anyway.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy import select

from idp.models.trace import TraceEvent
from idp.oidc import trace


def _events_in_database(app) -> int:
    from idp.db import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(TraceEvent))


@pytest.fixture
def served(logged_in, monkeypatch):
    """The logged-in flow's app behaving as served (exchanges queued), the writer's thread held back."""
    logged_in.tokens()  # a first login, written at once while the app is under test
    monkeypatch.setitem(logged_in.app.config, "TESTING", False)
    logged_in.app.testing = False
    monkeypatch.setattr(trace, "writer", trace.TraceWriter(delay=60.0))  # its thread waits a minute
    yield logged_in
    trace.flush()
    logged_in.app.testing = True


def test_exchanges_wait_in_the_queue_and_a_reader_sees_the_whole_login(served):
    before = _events_in_database(served.app)
    body = served.tokens()
    info = served.client.get("/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert info.status_code == 200
    assert trace.writer.pending() >= 3  # authorize, token, userinfo: queued, not written by the requests
    assert _events_in_database(served.app) == before

    traces = served.client.get("/api/lab/traces").get_json()["traces"]
    detail = served.client.get(f"/api/lab/traces/{traces[0]['id']}").get_json()
    steps = [x["step"] for x in detail["exchanges"]]
    assert "authorize" in steps and steps[-2:] == ["token", "userinfo"]
    assert body["access_token"] not in str(detail)  # masked by the writer as by the request before
    assert detail["exchanges"][-1]["response"]["body"]["sub"] == info.get_json()["sub"]
    assert trace.writer.pending() == 0


def test_the_writer_thread_writes_without_any_reader(served, monkeypatch):
    trace.flush()
    before = _events_in_database(served.app)
    monkeypatch.setattr(trace, "writer", trace.TraceWriter(delay=0.0))
    served.tokens()
    assert trace.writer.wait_written(timeout=30)
    assert _events_in_database(served.app) > before


def test_a_reset_writes_the_queue_first_so_no_old_exchange_comes_back(served):
    served.tokens()
    assert trace.writer.pending() > 0
    resp = served.client.post("/api/lab/reset", json={"demo": False})
    assert resp.status_code == 200
    assert trace.writer.pending() == 0
    assert _events_in_database(served.app) == 0

"""Each protocol request reads each row once: statement and commit budgets of a logged-in login.

Counted with SQLAlchemy engine events (statements sent to the database, commits), never timed. The
budgets are what the requests need with the protocol trace on, as served, once the worker's lab cache
(:mod:`idp.domain.lab_cache`: clients, signing keys, lab clock, faults, claim overrides, due checks) is
warm: an authorization request of a person who is logged in and has consented (session, lab version,
account, nonce check, consent, the code), the code exchange (code, lab version, claiming it, account,
token) and userinfo (token, lab version, account); each queues its trace exchange, and the trace writer
writes the three in one transaction. ``bench/oidc_provider.py`` prints the same counts for a complete login.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from idp.oidc import trace
from tests.helpers.statement_budgets import BUDGETS
from tests.idp.oidc.helpers import query_of


@contextmanager
def counting(app):
    """Yield a dict counting the statements and commits the app's engine runs meanwhile."""
    from idp.db import db

    with app.app_context():
        engine = db.engine
    seen = {"statements": 0, "commits": 0, "sql": []}

    def on_statement(conn, cursor, statement, *args):
        seen["statements"] += 1
        seen["sql"].append(statement.split("\n")[0][:100])

    def on_commit(conn):
        seen["commits"] += 1

    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(engine, "commit", on_commit)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
        event.remove(engine, "commit", on_commit)


def within(seen: dict, step: str) -> None:
    statements, commits = BUDGETS[step]
    assert seen["statements"] <= statements, "\n".join([step, str(seen["statements"]), *seen["sql"]])
    assert seen["commits"] <= commits, (step, seen["commits"])


@pytest.fixture
def consented(logged_in, monkeypatch):
    """A logged-in person who already consented and logged in twice (the signing key exists and is cached), as served.

    Served (not ``TESTING``), the requests queue their trace exchanges; the writer (held back here) writes
    them later in a transaction of its own, counted apart.
    """
    assert logged_in.tokens()["id_token"]
    assert logged_in.tokens()["id_token"]  # the steady state: the worker's lab cache holds the new signing key
    assert logged_in.app.config.get("OIDC_TRACE", True)
    monkeypatch.setattr(trace, "writer", trace.TraceWriter(delay=3600.0))
    monkeypatch.setitem(logged_in.app.config, "TESTING", False)
    logged_in.app.testing = False
    yield logged_in
    trace.flush()
    logged_in.app.testing = True


def test_logged_in_authorize_token_and_userinfo_stay_within_their_budgets(consented):
    with counting(consented.app) as seen:
        resp, sent = consented.authorize(consent=None)
    assert resp.status_code == 302 and "code" in query_of(resp.location)
    within(seen, "GET /authorize")

    with counting(consented.app) as seen:
        token = consented.token(query_of(resp.location)["code"])
    assert token.status_code == 200
    claims = consented.id_token_claims(token.get_json()["id_token"], nonce=sent["nonce"])
    within(seen, "POST /token")

    with counting(consented.app) as seen:
        info = consented.client.get(
            "/userinfo", headers={"Authorization": "Bearer " + token.get_json()["access_token"]}
        )
    assert info.status_code == 200 and info.get_json()["sub"] == claims["sub"]
    within(seen, "GET /userinfo")

    assert trace.writer.pending() == 3
    with counting(consented.app) as seen:
        trace.flush()
    within(seen, "trace writer")


def test_a_repeated_login_reads_the_same(consented):
    """Remembered reads never leak from one request into the next: a repeat costs the same."""
    counts = []
    for _ in range(3):
        with counting(consented.app) as seen:
            resp, _ = consented.authorize(consent=None)
            assert consented.token(query_of(resp.location)["code"]).status_code == 200
        counts.append(seen["statements"])
    assert counts[1] == counts[2] <= counts[0]

"""A value read once per transaction is reused within it, read again after a commit, and forgotten when written."""

from __future__ import annotations

from datetime import timedelta

from idp.db import db
from idp.domain import faults
from idp.domain import labstate
from idp.domain.once import read_once


def test_reads_repeat_only_after_a_commit(idp_app):
    calls = []
    with idp_app.app_context():
        db.session.execute(db.text("SELECT 1"))
        assert read_once(db.session, "k", lambda: calls.append(1) or len(calls)) == 1
        assert read_once(db.session, "k", lambda: calls.append(1) or len(calls)) == 1
        db.session.commit()
        assert read_once(db.session, "k", lambda: calls.append(1) or len(calls)) == 2


def test_writes_in_the_same_transaction_are_seen(idp_app):
    with idp_app.app_context():
        before = labstate.now(db.session)
        labstate.advance_clock(db.session, timedelta(days=3))
        assert labstate.now(db.session) - before >= timedelta(days=3)
        assert faults.take(db.session, "token_error", "app") == []
        faults.add_fault(db.session, "token_error", count=1)
        fired = faults.take(db.session, "token_error", "app")
        assert [f.kind for f in fired] == ["token_error"]
        assert faults.take(db.session, "token_error", "app") == []  # used up, and gone from the remembered list
        db.session.commit()
        assert faults.active_faults(db.session) == []

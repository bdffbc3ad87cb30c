"""A worker's cache of the lab's rarely-changing rows, checked against one version row per transaction.

Clients, signing keys, lab settings (the lab clock), faults, claim overrides and the registry checks' due
times change only when someone
changes the lab, yet a login asks for them a dozen times. Each worker process keeps what it read,
labelled with the random token of the ``lab_version`` row read in the same transaction. Every write to
one of those tables (an ORM flush or an ``insert``/``update``/``delete`` statement through a session, in
any process: a worker, the CLI, a test) stores a new token in the same transaction, just before it commits
(the transaction's last statement, so the row's lock never waits behind another), so once it commits
every worker's next request sees another token and reads the rows again.

A transaction that has pending or flushed writes of its own does not use the cache (it may roll back).
A database without the row (an emptied test database) is not cached until the next write puts it back.
"""

from __future__ import annotations

import secrets
import weakref
from collections.abc import Callable
from collections.abc import Hashable
from typing import Any
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session
from sqlalchemy.orm import scoped_session

from idp.domain.once import read_once
from idp.models.claims import ClaimOverride
from idp.models.faults import Fault
from idp.models.lab import LabSetting
from idp.models.lab import LabVersion
from idp.models.oauth import OAuth2Client
from idp.models.oauth import SigningKey
from idp.models.verification import VerificationCheck

T = TypeVar("T")

#: The tables whose rows may be cached; a write to any of them changes the token.
_WATCHED_CLASSES = (OAuth2Client, SigningKey, LabSetting, Fault, ClaimOverride, VerificationCheck)
WATCHED = frozenset(m.__table__ for m in _WATCHED_CLASSES)
_VERSION = LabVersion.__table__
_READ = select(_VERSION.c.token).where(_VERSION.c.id == 1)
#: An upsert (SQLite and PostgreSQL both speak ``ON CONFLICT``): an emptied table gets its row back.
_BUMP = text(
    "INSERT INTO lab_version (id, token) VALUES (1, :token) ON CONFLICT (id) DO UPDATE SET token = excluded.token"
)
_TOKEN_KEY = "lab_cache.token"
_WROTE_KEY = "lab_cache.wrote"
_BUMP_KEY = "lab_cache.bump"

#: key -> (token, value), per process.
_store: dict[Hashable, tuple[str, Any]] = {}


def _plain(session: Session | scoped_session) -> Session:
    return session() if isinstance(session, scoped_session) else session


def token(session: Session | scoped_session) -> str | None:
    """Return the version token of this transaction (read once), or None when the cache must not be used."""
    session = _plain(session)
    if session.info.get(_WROTE_KEY) is session.get_transaction() and session.get_transaction() is not None:
        return None
    if session.new or session.deleted or session.dirty:
        return None
    return read_once(session, _TOKEN_KEY, lambda: session.execute(_READ).scalar() if _has_row_table(session) else None)


#: Databases (by engine) known to have the version table; one without it (before the migration) is asked again.
_with_table: weakref.WeakSet[Any] = weakref.WeakSet()


def _has_row_table(session: Session) -> bool:
    engine = session.get_bind()
    if engine in _with_table:
        return True
    if not inspect(session.connection()).has_table(_VERSION.name):
        return False
    _with_table.add(engine)
    return True


def cached(session: Session | scoped_session, key: Hashable, load: Callable[[], T], keep_none: bool = True) -> T:
    """Return ``load()``'s value for ``key``, reused by this worker while the lab's version stays the same.

    ``load`` must return plain values (or objects no later request changes), read with ``session``. With
    ``keep_none`` false a None is not kept (a lookup by a key anyone can send must not grow the cache).
    """
    current = token(session)
    if current is None:
        return load()
    hit = _store.get(key)
    if hit is not None and hit[0] == current:
        return hit[1]
    value = load()
    if value is not None or keep_none:
        _store[key] = (current, value)
    return value


def bump(session: Session) -> None:
    """Give the version row a new token when this transaction commits (with the caller's write).

    The row is written just before the commit, as the transaction's last statement: written at the
    first watched write instead, concurrent transactions took its lock in a different order from their
    other rows' locks and PostgreSQL could end one of them as a deadlock.
    """
    session.info[_BUMP_KEY] = True
    mark_written(session)


@event.listens_for(Session, "before_commit")
def _bump_at_commit(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # a watched row among them asks for the bump
    if session.info.pop(_BUMP_KEY, False) and _has_row_table(session):
        session.execute(_BUMP, {"token": secrets.token_hex(16)})


@event.listens_for(Session, "after_rollback")
def _no_bump_after_rollback(session: Session) -> None:
    session.info.pop(_BUMP_KEY, None)


def mark_written(session: Session | scoped_session) -> None:
    """Bypass the cache for the rest of this transaction (it changed, or is about to change, a watched row)."""
    session = _plain(session)
    session.info[_WROTE_KEY] = session.get_transaction()


def _touches_watched(session: Session) -> bool:
    return any(
        isinstance(obj, _WATCHED_CLASSES) for group in (session.new, session.dirty, session.deleted) for obj in group
    )


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    if _touches_watched(session):
        bump(session)


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and table in WATCHED:
        bump(state.session)


@event.listens_for(_VERSION, "after_create")
def _first_token(target: Any, connection: Any, **kw: Any) -> None:
    # ``create_all`` (tests, a fresh instance) starts with a token, as the migration does.
    connection.execute(target.insert().values(id=1, token=secrets.token_hex(16)))

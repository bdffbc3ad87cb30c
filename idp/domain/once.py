"""Reads done once per database transaction: a request asks its lab clock, client, key or faults once.

Values are kept in the session's ``info`` with the transaction they were read in; a commit or a
rollback starts a new transaction, so nothing read before it is reused after it. Writers of a
remembered value :func:`forget` it.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Hashable
from typing import Any
from typing import TypeVar

from sqlalchemy.orm import Session
from sqlalchemy.orm import scoped_session

T = TypeVar("T")
_INFO_KEY = "idp.once"


def _session(session: Session | scoped_session) -> Session:
    return session() if isinstance(session, scoped_session) else session


def _cache(session: Session) -> dict[Hashable, Any] | None:
    entry = session.info.get(_INFO_KEY)
    transaction = session.get_transaction()
    if entry is None or transaction is None or entry[0] is not transaction:
        return None
    return entry[1]


def read_once(session: Session | scoped_session, key: Hashable, load: Callable[[], T]) -> T:
    """Return ``load()``, called at most once per transaction of ``session`` for ``key``."""
    session = _session(session)
    cache = _cache(session)
    if cache is not None and key in cache:
        return cache[key]
    value = load()
    cache = _cache(session)
    if cache is None:
        cache = {}
        session.info[_INFO_KEY] = (session.get_transaction(), cache)
    cache[key] = value
    return value


def forget(session: Session | scoped_session, key: Hashable) -> None:
    """Drop a remembered value (its row was just written)."""
    session = _session(session)
    cache = _cache(session)
    if cache is not None:
        cache.pop(key, None)

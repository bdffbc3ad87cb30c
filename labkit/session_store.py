"""Where server-side login sessions live: a table of the app's database, or Redis (``REDIS_URL``).

A session is found by the SHA-256 of the random id its cookie carries (the id itself is never
stored, so a copy of the table or of Redis opens no session). Each record names its subject (the
account or diary user it is logged in as) so that every session of one person can be ended at once.
Both stores answer a read with one primary-key lookup; the lifetimes are judged by the caller.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from typing import Any
from typing import Protocol

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import delete
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column


def session_key(session_id: str) -> str:
    """Return the stored key of a cookie's session id: its SHA-256 (hex); ids are 256 random bits."""
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


@dataclass
class SessionRecord:
    """One stored session: its key, subject, serialised data and the two instants its lifetimes count from."""

    key: str
    subject: str | None
    data: str
    created_at: datetime
    last_seen_at: datetime


class SessionStore(Protocol):
    """What the session interface needs from a store."""

    def load(self, key: str) -> SessionRecord | None:
        """Return the record stored under ``key`` (one lookup), or None."""

    def insert(self, record: SessionRecord, ttl: int) -> None:
        """Store a new record, kept at most ``ttl`` seconds."""

    def update(self, record: SessionRecord, ttl: int) -> None:
        """Replace the data, subject and last-seen instant of a record that still exists (never re-creates it)."""

    def touch(self, key: str, last_seen_at: datetime, ttl: int) -> None:
        """Move a record's last-seen instant (idle lifetime) if it still exists."""

    def delete(self, key: str) -> None:
        """End one session."""

    def end_subject(self, subject: str) -> None:
        """End every session of ``subject`` (SQL: in the caller's transaction, which commits)."""

    def purge(self, idle_before: datetime, created_before: datetime) -> None:
        """Drop records whose idle or absolute lifetime is over."""

    def end_all_subjects(self) -> None:
        """End every logged-in session (a lab reset; SQL: in the caller's transaction)."""


class SessionRowMixin:
    """The columns of a session table; each app declares ``class WebSession(db.Model, SessionRowMixin)``."""

    #: SHA-256 (hex) of the cookie's session id.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: The logged-in account or user id (as text); None for an anonymous session (language, CSRF token).
    subject: Mapped[str | None] = mapped_column(String(64), index=True)
    #: The session's values, serialised as Flask serialises a session (tagged JSON).
    data: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    #: Real time of creation (login): the absolute lifetime counts from here.
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
    #: Real time of the last request (to the minute): the idle lifetime counts from here.
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)


class SqlSessionStore:
    """Sessions in a table of the app's database, through the request's own database session."""

    def __init__(self, db: SQLAlchemy, model: type[Any]) -> None:
        self.db = db
        self.table = model.__table__

    def load(self, key: str) -> SessionRecord | None:
        """Read the record by its primary key (a Core select: nothing enters the ORM's identity map)."""
        t = self.table
        row = self.db.session.execute(
            select(t.c.key, t.c.subject, t.c.data, t.c.created_at, t.c.last_seen_at).where(t.c.key == key)
        ).first()
        return SessionRecord(*row) if row is not None else None

    def insert(self, record: SessionRecord, ttl: int) -> None:
        """Insert a new record (the caller commits)."""
        self.db.session.execute(
            self.table.insert().values(
                key=record.key,
                subject=record.subject,
                data=record.data,
                created_at=record.created_at,
                last_seen_at=record.last_seen_at,
            )
        )

    def update(self, record: SessionRecord, ttl: int) -> None:
        """Update the record if it still exists (a session ended meanwhile stays ended)."""
        t = self.table
        self.db.session.execute(
            update(t)
            .where(t.c.key == record.key)
            .values(subject=record.subject, data=record.data, last_seen_at=record.last_seen_at)
        )

    def touch(self, key: str, last_seen_at: datetime, ttl: int) -> None:
        """Move the last-seen instant."""
        t = self.table
        self.db.session.execute(update(t).where(t.c.key == key).values(last_seen_at=last_seen_at))

    def delete(self, key: str) -> None:
        """Delete one record."""
        self.db.session.execute(delete(self.table).where(self.table.c.key == key))

    def end_subject(self, subject: str) -> None:
        """Delete every record of ``subject`` in the caller's transaction."""
        self.db.session.execute(delete(self.table).where(self.table.c.subject == subject))

    def purge(self, idle_before: datetime, created_before: datetime) -> None:
        """Delete every record past its idle or absolute lifetime."""
        t = self.table
        self.db.session.execute(delete(t).where(or_(t.c.last_seen_at < idle_before, t.c.created_at < created_before)))

    def end_all_subjects(self) -> None:
        """Delete every record with a subject."""
        self.db.session.execute(delete(self.table).where(self.table.c.subject.is_not(None)))


def _epoch(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp())


def _from_epoch(value: bytes | str) -> datetime:
    return datetime.fromtimestamp(int(value), UTC).replace(tzinfo=None)


#: Updates a session hash only while it exists, so a session ended meanwhile is not brought back.
_UPDATE_IF_EXISTS = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
"""


class RedisSessionStore:
    """Sessions in Redis: a hash per session (expiring with its lifetime) and a set of keys per subject."""

    def __init__(self, client: Any, prefix: str) -> None:
        self.client = client
        self.prefix = prefix
        self._update = client.register_script(_UPDATE_IF_EXISTS)

    def _name(self, key: str) -> str:
        return f"{self.prefix}session:{key}"

    def _subject_set(self, subject: str) -> str:
        return f"{self.prefix}subject:{subject}"

    def load(self, key: str) -> SessionRecord | None:
        """One HGETALL."""
        fields = self.client.hgetall(self._name(key))
        if not fields or b"c" not in fields:
            return None
        subject = fields.get(b"s", b"").decode() or None
        return SessionRecord(
            key, subject, fields.get(b"d", b"{}").decode(), _from_epoch(fields[b"c"]), _from_epoch(fields[b"l"])
        )

    def insert(self, record: SessionRecord, ttl: int) -> None:
        """Write the hash with its expiry and file it under its subject."""
        pipe = self.client.pipeline()
        pipe.hset(self._name(record.key), mapping=self._fields(record))
        pipe.expire(self._name(record.key), ttl)
        if record.subject:
            pipe.sadd(self._subject_set(record.subject), record.key)
            pipe.expire(self._subject_set(record.subject), ttl, gt=True)
            pipe.expire(self._subject_set(record.subject), ttl, nx=True)
        pipe.execute()

    def update(self, record: SessionRecord, ttl: int) -> None:
        """Rewrite the hash if it still exists."""
        flat: list[Any] = []
        for name, value in self._fields(record).items():
            flat += [name, value]
        if self._update(keys=[self._name(record.key)], args=[ttl, *flat]) and record.subject:
            self.client.sadd(self._subject_set(record.subject), record.key)
            self.client.expire(self._subject_set(record.subject), ttl, gt=True)
            self.client.expire(self._subject_set(record.subject), ttl, nx=True)

    def touch(self, key: str, last_seen_at: datetime, ttl: int) -> None:
        """Move the last-seen instant if the hash still exists."""
        self._update(keys=[self._name(key)], args=[ttl, "l", _epoch(last_seen_at)])

    def delete(self, key: str) -> None:
        """Delete one session hash."""
        self.client.delete(self._name(key))

    def end_subject(self, subject: str) -> None:
        """Delete every session filed under ``subject`` (at once: Redis has no transaction of the caller's)."""
        keys = self.client.smembers(self._subject_set(subject))
        names = [self._name(k.decode() if isinstance(k, bytes) else k) for k in keys]
        self.client.delete(*names, self._subject_set(subject))

    def purge(self, idle_before: datetime, created_before: datetime) -> None:
        """Nothing to do: every hash expires by itself."""

    def end_all_subjects(self) -> None:
        """Delete the sessions of every subject set under this store's prefix, and the sets."""
        for set_name in list(self.client.scan_iter(match=self.prefix + "subject:*", count=500)):
            keys = self.client.smembers(set_name)
            names = [self._name(k.decode() if isinstance(k, bytes) else k) for k in keys]
            self.client.delete(*names, set_name)

    @staticmethod
    def _fields(record: SessionRecord) -> dict[str, Any]:
        return {
            "s": record.subject or "",
            "d": record.data,
            "c": _epoch(record.created_at),
            "l": _epoch(record.last_seen_at),
        }


def redis_client(url: str) -> Any:
    """Return a Redis client for ``url`` (``redis://host:port/db``)."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)

"""Server-side sessions for both apps: the cookie carries only a random id, the values stay on the server.

A session ends when the person logs out, when their password is reset or changed (every session of
the account), after ``SESSION_IDLE_SECONDS`` without a request and ``SESSION_ABSOLUTE_SECONDS`` after
the login, whatever happens in between. Logging in always gives a new id (no fixation). Lifetimes
are security, so they run on the app clock's real time (``clock.real``; tests freeze and move it),
never on the lab's business offset.

Cost per request: one primary-key read when a cookie is sent; a write (and its commit) only when
the values changed, or at most once per ``SESSION_TOUCH_SECONDS`` to keep the idle lifetime going.
A log-in drops the expired records of everyone, at most once per ``SESSION_TOUCH_SECONDS`` per process.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from collections.abc import Iterator
from datetime import datetime
from datetime import timedelta
from typing import Any

from flask import Flask
from flask import Request
from flask import Response
from flask import has_app_context
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface
from flask.sessions import SessionMixin
from flask_sqlalchemy import SQLAlchemy

from labkit.session_store import RedisSessionStore
from labkit.session_store import SessionRecord
from labkit.session_store import SessionStore
from labkit.session_store import SqlSessionStore
from labkit.session_store import redis_client
from labkit.session_store import session_key

#: Longest cookie value looked up (an id is 43 characters); anything longer is no session.
MAX_ID_LENGTH = 128

_serializer = TaggedJSONSerializer()


class ServerSession(SessionMixin):
    """The session's values, read from the store on first use (a request that never looks costs nothing)."""

    def __init__(self, loader: Callable[[ServerSession], dict[str, Any]] | None = None) -> None:
        self._loader = loader
        self._values: dict[str, Any] | None = None if loader else {}
        #: The stored record (None: not stored yet), set by the loader.
        self.record: SessionRecord | None = None
        self.modified = False
        self.accessed = False
        #: Set by :meth:`renew`: the stored record is dropped and the values saved under a new id.
        self.renewed = False
        #: The key of a record found expired, deleted when the response is saved.
        self.expired_key: str | None = None
        #: A cookie came with the request (so an empty session must delete it).
        self.had_cookie = loader is not None

    @property
    def loaded(self) -> bool:
        """Return whether the values were read (or never needed reading)."""
        return self._values is not None

    @property
    def values_(self) -> dict[str, Any]:
        """Return the values, reading them from the store the first time."""
        self.accessed = True
        if self._values is None:
            loader, self._loader = self._loader, None
            self._values = loader(self) if loader else {}
        return self._values

    def __getitem__(self, key: str) -> Any:
        return self.values_[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.values_[key] = value
        self.modified = True

    def __delitem__(self, key: str) -> None:
        del self.values_[key]
        self.modified = True

    def __iter__(self) -> Iterator[str]:
        return iter(self.values_)

    def __len__(self) -> int:
        return len(self.values_)

    def __contains__(self, key: object) -> bool:
        return key in self.values_

    def clear(self) -> None:
        """Remove every value."""
        self.values_.clear()
        self.modified = True

    @property
    def new(self) -> bool:  # type: ignore[override]
        """Return whether the session has no stored record yet."""
        return self.record is None

    def renew(self) -> None:
        """Drop the stored record and save the values under a fresh id (at login and logout)."""
        self.values_  # noqa: B018  (read first: the old record must be known to be dropped)
        self.renewed = True
        self.modified = True


class ServerSessionInterface(SessionInterface):
    """Flask's session interface over a :class:`labkit.session_store.SessionStore`."""

    def __init__(
        self,
        store: SessionStore,
        now: Callable[[], datetime],
        *,
        subject_key: str,
        idle: timedelta,
        absolute: timedelta,
        touch: timedelta,
        commit: Callable[[], None] | None = None,
        begin: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.now = now
        self.subject_key = subject_key
        self.idle = idle
        self.absolute = absolute
        self.touch = touch
        self._commit = commit or (lambda: None)
        self._begin = begin or (lambda: None)
        #: When this process last dropped the expired records (a renewal purges at most once per ``touch``).
        self._purged_at: datetime | None = None

    # --- reading -----------------------------------------------------------------------------------

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        """Return the session the cookie names (read on first use); new and empty if unknown, ended or expired."""
        session_id = request.cookies.get(self.get_cookie_name(app), "")
        if not session_id:
            return ServerSession()
        return ServerSession(lambda session: self._load_in_context(app, session, session_id))

    def _load_in_context(self, app: Flask, session: ServerSession, session_id: str) -> dict[str, Any]:
        """Load in the app's context (a test's ``session_transaction`` reads the session outside the request)."""
        if has_app_context():
            return self._load(session, session_id)
        with app.app_context():
            return self._load(session, session_id)

    def _load(self, session: ServerSession, session_id: str) -> dict[str, Any]:
        """Read the record of ``session_id`` (one lookup) and return its values; {} when there is none to use."""
        if len(session_id) > MAX_ID_LENGTH:
            return {}
        key = session_key(session_id)
        record = self.store.load(key)
        if record is None:
            return {}
        if self.expired(record, self.now()):
            session.expired_key = key
            return {}
        try:
            values = _serializer.loads(record.data)
        except ValueError:
            session.expired_key = key
            return {}
        session.record = record
        return values if isinstance(values, dict) else {}

    def expired(self, record: SessionRecord, now: datetime) -> bool:
        """Return whether the idle or the absolute lifetime of ``record`` is over at ``now``."""
        return now - record.last_seen_at >= self.idle or now - record.created_at >= self.absolute

    def _ttl(self, record: SessionRecord, now: datetime) -> int:
        left = min(self.idle, record.created_at + self.absolute - now)
        return max(1, int(left.total_seconds()))

    # --- writing -----------------------------------------------------------------------------------

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Store what changed (one write and commit at most), set or delete the cookie."""
        assert isinstance(session, ServerSession)
        if not session.loaded:
            return  # never looked at: nothing read, nothing to write
        if session.accessed:
            response.vary.add("Cookie")
        now = self.now()
        data = _serializer.dumps(dict(session)) if session else ""
        record = session.record
        # Records to delete: one found expired, and the current one when the session is renewed or emptied.
        drop = [session.expired_key] if session.expired_key else []
        if record is not None and (session.renewed or not session):
            drop.append(record.key)
        changed = record is None or session.renewed or data != record.data
        if not session:
            if drop:
                self._write(lambda: [self.store.delete(k) for k in drop])
            if session.had_cookie:
                response.delete_cookie(
                    self.get_cookie_name(app),
                    domain=self.get_cookie_domain(app),
                    path=self.get_cookie_path(app),
                    secure=self.get_cookie_secure(app),
                    httponly=self.get_cookie_httponly(app),
                    samesite=self.get_cookie_samesite(app),
                )
            return
        subject = session.get(self.subject_key)
        subject_text = str(subject) if subject is not None else None
        if record is None or session.renewed:
            session_id = secrets.token_urlsafe(32)
            new = SessionRecord(session_key(session_id), subject_text, data, now, now)

            def create() -> None:
                for k in drop:
                    self.store.delete(k)
                if session.renewed and self._purge_due(now):
                    self.store.purge(now - self.idle, now - self.absolute)
                    self._purged_at = now
                self.store.insert(new, self._ttl(new, now))

            self._write(create)
            session.record, session.renewed, session.expired_key = new, False, None
            # The browser keeps the cookie for the absolute lifetime; the server ends it sooner when idle.
            self._set_cookie(app, response, session_id, int(self.absolute.total_seconds()))
            return
        if changed or subject_text != record.subject:
            updated = SessionRecord(record.key, subject_text, data, record.created_at, now)
            self._write(lambda: self.store.update(updated, self._ttl(updated, now)))
            session.record = updated
        elif now - record.last_seen_at >= self.touch:
            self._write(lambda: self.store.touch(record.key, now, self._ttl(record, now)))
            record.last_seen_at = now

    def _purge_due(self, now: datetime) -> bool:
        """Return whether a renewal should drop the expired records (expired ones are never used meanwhile)."""
        last = self._purged_at
        return last is None or now < last or now - last >= self.touch

    def _write(self, action: Callable[[], Any]) -> None:
        """Run ``action`` on a clean transaction and commit it (what the view left uncommitted is dropped)."""
        self._begin()
        action()
        self._commit()

    def _set_cookie(self, app: Flask, response: Response, session_id: str, max_age: int) -> None:
        response.set_cookie(
            self.get_cookie_name(app),
            session_id,
            max_age=max_age,
            httponly=self.get_cookie_httponly(app),
            domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app),
            secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app),
            partitioned=self.get_cookie_partitioned(app),
        )

    # --- ending the sessions of a person -----------------------------------------------------------

    def end_subject(self, subject: Any) -> None:
        """End every session of ``subject`` (SQL: in the request's transaction, which the caller commits)."""
        self.store.end_subject(str(subject))


def setup_sessions(app: Flask, db: SQLAlchemy, model: type[Any], subject_key: str, now: Callable[[], datetime]) -> None:
    """Keep ``app``'s sessions on the server: ``model``'s table, or Redis when ``REDIS_URL`` is set."""
    cfg = app.config
    store: SessionStore
    begin: Callable[[], None] | None = None
    commit: Callable[[], None] | None = None
    if cfg.get("REDIS_URL"):
        store = RedisSessionStore(redis_client(cfg["REDIS_URL"]), cfg["SESSION_REDIS_PREFIX"])
    else:
        store = SqlSessionStore(db, model)
        begin, commit = db.session.rollback, db.session.commit
    app.session_interface = ServerSessionInterface(
        store,
        now,
        subject_key=subject_key,
        idle=timedelta(seconds=cfg["SESSION_IDLE_SECONDS"]),
        absolute=timedelta(seconds=cfg["SESSION_ABSOLUTE_SECONDS"]),
        touch=timedelta(seconds=cfg["SESSION_TOUCH_SECONDS"]),
        begin=begin,
        commit=commit,
    )


def interface(app: Flask) -> ServerSessionInterface:
    """Return ``app``'s server-side session interface."""
    si = app.session_interface
    assert isinstance(si, ServerSessionInterface)
    return si

"""Server-side sessions for both apps: the cookie carries only a random id, the values stay on the server.

A session ends when the person logs out, when their password is reset or changed (every session of
the account), after ``SESSION_IDLE_SECONDS`` without a request and ``SESSION_ABSOLUTE_SECONDS`` after
the login, whatever happens in between. Logging in always gives a new id (no fixation). Lifetimes
are security, so they run on the app clock's real time (``clock.real``; tests freeze and move it),
never on the lab's business offset.

Cost per request: one primary-key read when a cookie is sent; a write (and its commit) only when
the values changed, or at most once per ``SESSION_TOUCH_SECONDS`` to keep the idle lifetime going.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from datetime import timedelta
from typing import Any

from flask import Flask
from flask import Request
from flask import Response
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface
from flask.sessions import SessionMixin
from flask_sqlalchemy import SQLAlchemy
from werkzeug.datastructures import CallbackDict

from labkit.session_store import RedisSessionStore
from labkit.session_store import SessionRecord
from labkit.session_store import SessionStore
from labkit.session_store import SqlSessionStore
from labkit.session_store import redis_client
from labkit.session_store import session_key

#: Longest cookie value looked up (an id is 43 characters); anything longer is no session.
MAX_ID_LENGTH = 128

_serializer = TaggedJSONSerializer()


class ServerSession(CallbackDict, SessionMixin):
    """The session's values as a dict, with the key of its stored record (None: not stored yet)."""

    def __init__(self, initial: dict[str, Any] | None = None, record: SessionRecord | None = None) -> None:
        def on_update(self: ServerSession) -> None:
            self.modified = True
            self.accessed = True

        super().__init__(initial, on_update)
        self.record = record
        self.modified = False
        self.accessed = False
        #: Set by :meth:`renew`: the stored record is dropped and the values saved under a new id.
        self.renewed = False
        #: The key of a record found expired, deleted when the response is saved.
        self.expired_key: str | None = None
        #: A cookie came with the request (so an empty session must delete it).
        self.had_cookie = False

    @property
    def new(self) -> bool:  # type: ignore[override]
        """Return whether the session has no stored record yet."""
        return self.record is None

    def renew(self) -> None:
        """Drop the stored record and save the values under a fresh id (at login and logout)."""
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

    # --- reading -----------------------------------------------------------------------------------

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        """Return the session the cookie names, or a new empty one (no cookie, unknown, ended or expired)."""
        session_id = request.cookies.get(self.get_cookie_name(app), "")
        if not session_id:
            return ServerSession()
        fresh = ServerSession()
        fresh.had_cookie = True
        if len(session_id) > MAX_ID_LENGTH:
            return fresh
        key = session_key(session_id)
        record = self.store.load(key)
        if record is None:
            return fresh
        if self.expired(record, self.now()):
            fresh.expired_key = key
            return fresh
        try:
            values = _serializer.loads(record.data)
        except ValueError:
            fresh.expired_key = key
            return fresh
        session = ServerSession(values if isinstance(values, dict) else {}, record)
        session.had_cookie = True
        return session

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
        if session.accessed:
            response.vary.add("Cookie")
        now = self.now()
        data = _serializer.dumps(dict(session)) if session else ""
        record = session.record
        drop = [k for k in (session.expired_key, record.key if record and (session.renewed or not session) else None)]
        drop = [k for k in drop if k]
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
                if session.renewed:
                    self.store.purge(now - self.idle, now - self.absolute)
                self.store.insert(new, self._ttl(new, now))

            self._write(create)
            session.record, session.renewed, session.expired_key = new, False, None
            self._set_cookie(app, response, session_id, self._ttl(new, now))
            return
        if changed or subject_text != record.subject:
            updated = SessionRecord(record.key, subject_text, data, record.created_at, now)
            self._write(lambda: self.store.update(updated, self._ttl(updated, now)))
            session.record = updated
        elif now - record.last_seen_at >= self.touch:
            self._write(lambda: self.store.touch(record.key, now, self._ttl(record, now)))
            record.last_seen_at = now

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

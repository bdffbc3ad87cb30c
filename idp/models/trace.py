"""The protocol trace: every exchange on the OpenID Provider's endpoints, grouped per login."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from idp.clock import clock
from idp.db import db


class ProtocolTrace(db.Model):
    """One login (authorization request → code → token → userinfo ...) as seen by the IdP."""

    __tablename__ = "protocol_trace"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    client_id: Mapped[str | None] = mapped_column(String(100))
    account_oid: Mapped[str | None] = mapped_column(String(20))
    #: SHA-256 (hex) of the authorization request's ``state``: a client finds its login's trace by it.
    state_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=clock.real, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=clock.real)


class TraceEvent(db.Model):
    """One request and its response on a protocol endpoint (secrets masked, JWTs decoded)."""

    __tablename__ = "protocol_trace_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trace_id: Mapped[str] = mapped_column(
        ForeignKey("protocol_trace.id", ondelete="CASCADE"), nullable=False, index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=clock.real)
    #: Protocol step: authorize, token, userinfo, revoke, introspect, logout, register.
    step: Mapped[str] = mapped_column(String(20), nullable=False)
    method: Mapped[str] = mapped_column(String(10), nullable=False)
    path: Mapped[str] = mapped_column(String(200), nullable=False)
    status: Mapped[int] = mapped_column(Integer, nullable=False)
    #: JSON: {"params": ..., "headers": ...}, masked.
    request_json: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    #: JSON: {"headers": ..., "body" or "location": ..., "decoded": {...}}, masked.
    response_json: Mapped[str] = mapped_column(Text, nullable=False, default="{}")

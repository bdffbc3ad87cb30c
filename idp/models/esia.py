"""ESIA protocol state: authorization codes and tokens issued at ``/aas/oauth2/*``.

They live apart from the OpenID Connect codes and tokens so that neither protocol's endpoints accept
the other's credentials. ESIA access tokens are long JWTs, so only their SHA-256 is stored.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy import Boolean
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from idp.extensions import db


class EsiaCode(db.Model):
    """A single-use ESIA authorization code, bound to its client and redirect URI."""

    __tablename__ = "esia_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: SHA-256 (hex) of the code.
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    client_id: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), nullable=False)
    redirect_uri: Mapped[str] = mapped_column(Text, nullable=False)
    scope: Mapped[str] = mapped_column(Text, nullable=False, default="")
    #: ``legacy`` (``/ac``) or ``v2`` (``/v2/ac``).
    protocol: Mapped[str] = mapped_column(String(10), nullable=False, default="legacy")
    #: ``urn:esia:sid``: 64 hex characters naming the login session.
    sid: Mapped[str] = mapped_column(String(64), nullable=False)
    auth_time: Mapped[int] = mapped_column(BigInteger, nullable=False)
    amr: Mapped[str] = mapped_column(String(20), nullable=False, default="PWD")
    #: Lab-clock expiry and use.
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    trace_id: Mapped[str | None] = mapped_column(String(40), index=True)


class EsiaToken(db.Model):
    """An ESIA access token (JWT) with its refresh token; a refresh retires the pair."""

    __tablename__ = "esia_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    access_sha256: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    refresh_sha256: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    client_id: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), nullable=False)
    scope: Mapped[str] = mapped_column(Text, nullable=False, default="")
    redirect_uri: Mapped[str] = mapped_column(Text, nullable=False, default="")
    sid: Mapped[str] = mapped_column(String(64), nullable=False)
    auth_time: Mapped[int] = mapped_column(BigInteger, nullable=False)
    amr: Mapped[str] = mapped_column(String(20), nullable=False, default="PWD")
    #: Real epoch seconds (relying parties check them with their own clocks).
    issued_at: Mapped[int] = mapped_column(BigInteger, nullable=False)
    expires_in: Mapped[int] = mapped_column(Integer, nullable=False, default=3600)
    refresh_expires_in: Mapped[int] = mapped_column(Integer, nullable=False, default=30 * 86400)
    access_revoked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    refresh_revoked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    code_id: Mapped[int | None] = mapped_column(Integer, index=True)
    trace_id: Mapped[str | None] = mapped_column(String(40), index=True)

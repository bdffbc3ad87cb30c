"""Lab state kept in the database: settings such as the clock offset, and the inbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from idp.clock import clock
from idp.db import db


class LabSetting(db.Model):
    """A lab-wide setting shared by every instance (clock offset, registry policy, ...)."""

    __tablename__ = "lab_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


class LabVersion(db.Model):
    """One row whose random token changes with every write to the lab's rarely-changing tables.

    Workers cache clients, signing keys, settings, faults and claim overrides against it
    (:mod:`idp.domain.lab_cache`); no row means no caching.
    """

    __tablename__ = "lab_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(32), nullable=False)


class Message(db.Model):
    """An SMS or e-mail that the IdP "sent": the lab inbox shows them."""

    __tablename__ = "message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: ``sms``, ``email`` or ``post`` (a letter by Почта России).
    channel: Mapped[str] = mapped_column(String(8), nullable=False)
    #: Normalised phone or lower-cased address.
    recipient: Mapped[str] = mapped_column(String(254), nullable=False, index=True)
    subject: Mapped[str | None] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text, nullable=False)
    #: Real time it was stored, and the business time on the lab clock then.
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.real, nullable=False)
    business_time: Mapped[datetime | None] = mapped_column(DateTime)
    #: ``stored`` (lab inbox only) or ``sent`` / ``failed`` when SMTP is configured.
    delivery: Mapped[str] = mapped_column(String(16), default="stored", nullable=False)

"""A Gosuslugi-like account: contacts, password, profile data and level."""

from __future__ import annotations

import enum
from datetime import date
from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from idp.clock import clock
from idp.db import db


class AccountLevel(enum.StrEnum):
    """The three account levels: simplified (1), standard (2), verified (3)."""

    SIMPLIFIED = "simplified"
    STANDARD = "standard"
    VERIFIED = "verified"

    @property
    def number(self) -> int:
        """Return the level's number (1, 2 or 3)."""
        return {"simplified": 1, "standard": 2, "verified": 3}[self.value]


class ProfileStatus(enum.StrEnum):
    """Where the person's profile data stands with the registry checks."""

    EMPTY = "empty"  # nothing submitted yet
    PENDING = "pending"  # submitted, the registries are checking ("проверка"); locked
    REJECTED = "rejected"  # a check failed; the person corrects and resubmits
    CONFIRMED = "confirmed"  # checks passed


class Account(db.Model):
    """One person's account; phone, e-mail and SNILS are each unique across accounts."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: ESIA-style object identifier, the OIDC ``sub``; random and stable.
    oid: Mapped[int] = mapped_column(BigInteger, unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.real, nullable=False)

    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    #: Empty string with ``no_middle_name`` set means the person has no patronymic.
    middle_name: Mapped[str | None] = mapped_column(String(100))
    no_middle_name: Mapped[bool] = mapped_column(default=False, nullable=False)

    #: ``+7XXXXXXXXXX``; unique.
    phone: Mapped[str | None] = mapped_column(String(16), unique=True)
    phone_verified: Mapped[bool] = mapped_column(default=False, nullable=False)
    #: Lower-cased; unique.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    email_verified: Mapped[bool] = mapped_column(default=False, nullable=False)
    password_hash: Mapped[str | None] = mapped_column(String(255))

    #: ``M`` or ``F``.
    gender: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[date | None] = mapped_column(Date)
    birth_place: Mapped[str | None] = mapped_column(String(255))
    #: ISO 3166 alpha-3, ``RUS`` for Russian citizens.
    citizenship: Mapped[str | None] = mapped_column(String(3))
    #: 11 digits; unique.
    snils: Mapped[str | None] = mapped_column(String(11), unique=True)
    inn: Mapped[str | None] = mapped_column(String(12))
    #: Identity document (Russian passport).
    doc_type: Mapped[str | None] = mapped_column(String(20))
    doc_series: Mapped[str | None] = mapped_column(String(4))
    doc_number: Mapped[str | None] = mapped_column(String(6))
    doc_issue_date: Mapped[date | None] = mapped_column(Date)
    doc_issued_by: Mapped[str | None] = mapped_column(String(255))
    doc_department_code: Mapped[str | None] = mapped_column(String(7))

    level: Mapped[str] = mapped_column(String(12), default=AccountLevel.SIMPLIFIED, nullable=False)
    profile_status: Mapped[str] = mapped_column(String(12), default=ProfileStatus.EMPTY, nullable=False)
    #: Why the last registry check failed, shown to the person for correction.
    profile_rejection_reason: Mapped[str | None] = mapped_column(String(500))

    failed_logins: Mapped[int] = mapped_column(default=0, nullable=False)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def full_name(self) -> str:
        """Return "Surname Name Patronymic" with the parts the person has."""
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    def __repr__(self) -> str:
        return f"<Account {self.oid} {self.level}>"

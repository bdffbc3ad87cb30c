"""State registry checks of a submitted profile, the lab registry of citizens, and postal codes."""

from __future__ import annotations

import enum
from datetime import date
from datetime import datetime

from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from idp.db import db
from idp.models.accounts import Account


class CheckStatus(enum.StrEnum):
    """Where one registry check stands."""

    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"


class VerificationCheck(db.Model):
    """One submission of passport and SNILS to the registries (МВД and СФР), due at ``due_at``."""

    __tablename__ = "verification_check"
    __table_args__ = (Index("ix_verification_check_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), nullable=False, index=True)
    #: Business times on the lab clock.
    submitted_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    due_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(12), default=CheckStatus.PENDING, nullable=False)
    #: ``ok`` or a failure code, per registry (passport: МВД; SNILS: СФР).
    mvd_result: Mapped[str | None] = mapped_column(String(64))
    sfr_result: Mapped[str | None] = mapped_column(String(64))
    #: Failure codes joined by ``;``, or an operator's free-text reason.
    reason: Mapped[str | None] = mapped_column(String(500))
    #: Which policy decided (``lenient`` / ``strict``) or ``operator``.
    decided_by: Mapped[str | None] = mapped_column(String(16))

    account: Mapped[Account] = relationship(Account)


class RegistryCitizen(db.Model):
    """A citizen as the lab's state registries (МВД passports, СФР SNILS) know them."""

    __tablename__ = "registry_citizen"
    __table_args__ = (UniqueConstraint("passport_series", "passport_number", name="uq_registry_citizen_passport"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    middle_name: Mapped[str | None] = mapped_column(String(100))
    #: ``M`` or ``F``.
    gender: Mapped[str] = mapped_column(String(1), nullable=False)
    birth_date: Mapped[date] = mapped_column(Date, nullable=False)
    #: 11 digits; unique.
    snils: Mapped[str | None] = mapped_column(String(11), unique=True)
    passport_series: Mapped[str | None] = mapped_column(String(4))
    passport_number: Mapped[str | None] = mapped_column(String(6))

    @property
    def full_name(self) -> str:
        """Return "Surname Name Patronymic" with the parts the citizen has."""
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)


class PostalCode(db.Model):
    """An identity confirmation code "sent by post" (Почта России); stored hashed."""

    __tablename__ = "postal_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), nullable=False, index=True)
    code_hash: Mapped[str] = mapped_column(String(128), nullable=False)
    #: Business times on the lab clock.
    sent_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    attempts: Mapped[int] = mapped_column(default=0, nullable=False)
    #: ``active``, ``used`` or ``spent`` (too many wrong attempts, or replaced by a new letter).
    state: Mapped[str] = mapped_column(String(8), default="active", nullable=False)

"""People in the diary, their diary logins, and the links to state (Gosuslugi) identities."""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from rp.clock import clock
from rp.db import db


class Person(db.Model):
    """A person the school knows: pupil, parent, teacher or operator (roles live with the school data)."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    #: None when the person has no patronymic.
    middle_name: Mapped[str | None] = mapped_column(String(100))
    #: ``M`` or ``F``.
    gender: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[date | None] = mapped_column(Date, index=True)
    #: 11 digits, or None when the school has not entered it.
    snils: Mapped[str | None] = mapped_column(String(11), index=True)
    phone: Mapped[str | None] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(254))

    user: Mapped[User | None] = relationship(back_populates="person", uselist=False)

    @property
    def full_name(self) -> str:
        """Return "Surname Name Patronymic" with the parts the person has."""
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)


class User(db.Model):
    """A diary login (the legacy login and password) belonging to one person."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), unique=True, nullable=False)
    login: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.real, nullable=False)
    failed_logins: Mapped[int] = mapped_column(default=0, nullable=False)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)

    person: Mapped[Person] = relationship(back_populates="user")
    identities: Mapped[list[Identity]] = relationship(back_populates="user")


class Identity(db.Model):
    """A link from a diary login to a state identity: one (issuer, subject) per login and vice versa."""

    __tablename__ = "identity"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_identity_issuer_subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), unique=True, nullable=False)
    issuer: Mapped[str] = mapped_column(String(255), nullable=False)
    subject: Mapped[str] = mapped_column(String(255), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.real, nullable=False)

    user: Mapped[User] = relationship(back_populates="identities")

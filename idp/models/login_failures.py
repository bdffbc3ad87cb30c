"""Failed password tries counted per client address, so a lockout never reaches other addresses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from idp.db import db


class LoginFailure(db.Model):
    """Failures of one address against one target (``account:<id>`` or ``operator``), and its lock (lab clock)."""

    __tablename__ = "login_failure"
    __table_args__ = (UniqueConstraint("target", "address", name="uq_login_failure_target_address"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    address: Mapped[str] = mapped_column(String(64), nullable=False)
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)

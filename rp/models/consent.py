"""Consent to personal data processing (152-ФЗ): who answered which text version, and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from rp.clock import clock
from rp.db import db


class Consent(db.Model):
    """A person's answer to one version of the consent text (the latest row counts)."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False, index=True)
    version: Mapped[str] = mapped_column(String(20), nullable=False)
    accepted_at: Mapped[datetime] = mapped_column(DateTime, default=clock.real, nullable=False)
    refused: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

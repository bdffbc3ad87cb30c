"""Injected protocol faults (lab): stored in the database so every instance sees them."""

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


class Fault(db.Model):
    """One fault: what goes wrong, for which client (or all), and how many more times."""

    __tablename__ = "lab_fault"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: One of ``idp.domain.faults.KINDS``.
    kind: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    #: JSON object of the kind's parameters (``error``, ``delay``, ``claims`` ...).
    params_json: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    #: Only requests of this client; None means every client.
    client_id: Mapped[str | None] = mapped_column(String(100))
    #: Matching requests it still applies to; None means until cleared.
    remaining: Mapped[int | None] = mapped_column(Integer)
    #: How many times it fired so far.
    fired: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=clock.real)

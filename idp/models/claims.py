"""Scripted claims (lab): claim values that replace or extend what an account releases."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from idp.clock import clock
from idp.db import db


class ClaimOverride(db.Model):
    """One claim set for an account (by oid), a client, or an account at one client."""

    __tablename__ = "lab_claim_override"
    __table_args__ = (UniqueConstraint("account_oid", "client_id", "name", name="uq_claim_override_target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The account's oid (the ``sub``), or None for every account.
    account_oid: Mapped[str | None] = mapped_column(String(20), index=True)
    #: The client, or None for every client.
    client_id: Mapped[str | None] = mapped_column(String(100), index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    #: JSON value; JSON ``null`` removes the claim.
    value_json: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=clock.real)

"""A registration in progress: contacts typed at step 1 and the confirmation code or link sent for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from idp.db import db


class PendingRegistration(db.Model):
    """One person's registration between the first form and the password; deleted once the account exists."""

    __tablename__ = "pending_registration"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Random, unguessable id kept in the browser session to find this row again.
    public_id: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    #: Business time (lab clock) when step 1 was submitted.
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)

    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    #: ``+7XXXXXXXXXX``.
    phone: Mapped[str] = mapped_column(String(16), nullable=False)
    #: Lower-cased; None when registering by phone alone (the registration window's default way).
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    #: How the contact is confirmed: ``sms`` (code to the phone) or ``email`` (link to the address).
    channel: Mapped[str] = mapped_column(String(8), nullable=False)

    #: HMAC-SHA256 (hex) of the current code or link token; the secret itself is never stored.
    secret_hash: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    #: Business times when the current secret was sent and when it stops working.
    sent_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    #: Wrong attempts against the current code.
    attempts: Mapped[int] = mapped_column(default=0, nullable=False)
    #: How many codes or links were sent in total (the first one included).
    sends: Mapped[int] = mapped_column(default=0, nullable=False)
    #: Business time when the contact was confirmed; the password step needs it.
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)

    def __repr__(self) -> str:
        return f"<PendingRegistration {self.id} {self.channel}>"

"""An access recovery in progress: who asked, the code sent to the account's phone or e-mail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from idp.db import db


class PendingRecovery(db.Model):
    """One request to recover access, from the login typed to the new password; deleted when done.

    A row exists also when no account matched (``account_id`` is then empty and no code was
    sent), so that the screens cannot tell whether an account exists.
    """

    __tablename__ = "pending_recovery"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Random, unguessable id kept in the browser session to find this row again.
    public_id: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    #: Business time (lab clock) when the recovery was asked for.
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
    #: The login as typed, normalised (phone ``+7...``, SNILS digits or lower-cased e-mail); rate limits use it.
    login_key: Mapped[str] = mapped_column(String(254), nullable=False, index=True)
    #: The account found for the login, or empty when none was.
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    #: Where the code goes: ``sms`` (the account's phone), ``email`` (when it has no phone) or ``none``.
    channel: Mapped[str] = mapped_column(String(8), nullable=False)

    #: HMAC-SHA256 (hex) of the current code; the code itself is never stored.
    secret_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    #: Business times when the current code was sent and when it stops working.
    sent_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    #: Wrong attempts against the current code.
    attempts: Mapped[int] = mapped_column(default=0, nullable=False)
    #: How many codes were issued in total (the first one included).
    sends: Mapped[int] = mapped_column(default=0, nullable=False)
    #: Business time when the right code was entered; the new password step needs it.
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)

    def __repr__(self) -> str:
        return f"<PendingRecovery {self.id} {self.channel}>"

"""Client assertions already used (``private_key_jwt``): each ``jti`` is accepted once until it expires."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import Session
from sqlalchemy.orm import mapped_column

from idp.db import db


class UsedAssertion(db.Model):
    """A client assertion's ``jti``, remembered until the assertion itself expires (real time, naive UTC)."""

    __tablename__ = "used_assertion"
    __table_args__ = (UniqueConstraint("client_id", "jti", name="uq_used_assertion_client_jti"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(100), nullable=False)
    jti: Mapped[str] = mapped_column(String(255), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)


def use_assertion_once(session: Session, client_id: str, jti: str, expires_at: datetime, now: datetime) -> bool:
    """Record ``jti`` as used by ``client_id``; return False if it already was (the caller commits).

    The unique constraint decides between simultaneous uses (insert-or-fail in a savepoint), so exactly
    one succeeds on any number of instances. Expired rows are deleted on the way.
    """
    session.execute(delete(UsedAssertion).where(UsedAssertion.expires_at < now))
    try:
        with session.begin_nested():
            session.add(UsedAssertion(client_id=client_id, jti=jti, expires_at=expires_at))
    except IntegrityError:
        return False
    return True

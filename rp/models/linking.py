"""The record of every Gosuslugi login decision, for the lab's "why?" pages and QA."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from rp.clock import clock
from rp.db import db


class LinkingRecord(db.Model):
    """One Gosuslugi login attempt: what was received, who was compared, and what was decided."""

    __tablename__ = "linking_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.real, nullable=False, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.real, onupdate=clock.real, nullable=False)
    region: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    issuer: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    subject: Mapped[str | None] = mapped_column(String(255))
    #: Attributes received (SNILS partly masked), after claim mapping: diary field -> value.
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    #: Candidates considered, each with its per-field comparison.
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    #: linked | match | not_found | ambiguous | insufficient | conflict_* | error | completed ...
    outcome: Mapped[str] = mapped_column(String(40), nullable=False)
    detail: Mapped[str] = mapped_column(Text, nullable=False, default="")
    #: The diary login finally linked or signed in, if any.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: Wrong diary passwords typed on the "profile not found" page for this attempt.
    legacy_attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: SHA-256 (hex) of the login's ``state``: the lab IdP finds its protocol trace of the same login by it.
    state_sha256: Mapped[str | None] = mapped_column(String(64))
    #: Every outcome in order, the original decision first: ``[{at, outcome, detail, user_id}, …]``
    #: (``outcome``/``detail`` above are the latest; a later link or refusal does not erase the decision).
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)

    @property
    def decision(self) -> str:
        """Return the original decision (the first outcome of the history; ``outcome`` for older records)."""
        return self.history[0]["outcome"] if self.history else self.outcome

    def to_dict(self) -> dict[str, Any]:
        """Return the record as the JSON the lab API serves."""
        return {
            "id": self.id,
            "created_at": self.created_at.isoformat() + "Z",
            "updated_at": self.updated_at.isoformat() + "Z",
            "region": self.region,
            "issuer": self.issuer,
            "subject": self.subject,
            "attributes": self.attributes,
            "candidates": self.candidates,
            "outcome": self.outcome,
            "detail": self.detail,
            "user_id": self.user_id,
            "legacy_attempts": self.legacy_attempts,
            "state_sha256": self.state_sha256,
            "decision": self.decision,
            "history": self.history,
        }

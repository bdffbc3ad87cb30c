"""Consent to personal data processing (152-ФЗ): the latest answer to the current text version counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rp.models.consent import Consent

ACCEPTED, REFUSED, MISSING = "accepted", "refused", "missing"


def consent_state(session: Session, person_id: int, version: str) -> str:
    """Return ``accepted``, ``refused`` or ``missing`` for this person and text version."""
    latest = session.scalar(
        select(Consent)
        .where(Consent.person_id == person_id, Consent.version == version)
        .order_by(Consent.accepted_at.desc(), Consent.id.desc())
        .limit(1)
    )
    if latest is None:
        return MISSING
    return REFUSED if latest.refused else ACCEPTED


def record_consent(session: Session, person_id: int, version: str, accepted: bool, now: datetime) -> Consent:
    """Record the person's answer (who, when, which version); the caller commits."""
    consent = Consent(person_id=person_id, version=version, accepted_at=now, refused=not accepted)
    session.add(consent)
    return consent

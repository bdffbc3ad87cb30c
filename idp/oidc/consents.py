"""Consents: what a person allowed a client to receive, remembered per client and scope set."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from idp.clock import clock
from idp.models.oauth import Consent
from idp.models.oauth import Token


def active_consents(session: Session, account_id: int) -> list[Consent]:
    """Return the person's unrevoked consents, newest first."""
    return list(
        session.scalars(
            select(Consent)
            .where(Consent.account_id == account_id, Consent.revoked_at.is_(None))
            .order_by(Consent.granted_at.desc())
        )
    )


def has_consent(session: Session, account_id: int, client_id: str, scopes: list[str]) -> bool:
    """Return whether an unrevoked consent of this client covers every scope in ``scopes``."""
    wanted = set(scopes)
    return any(c.client_id == client_id and wanted <= set(c.scopes) for c in active_consents(session, account_id))


def grant(session: Session, account_id: int, client_id: str, scopes: list[str]) -> Consent:
    """Record the person's consent for ``scopes`` (the caller commits)."""
    consent = Consent(account_id=account_id, client_id=client_id, scope=" ".join(scopes), granted_at=clock.real())
    session.add(consent)
    session.flush()
    return consent


def revoke(session: Session, account_id: int, consent_id: int) -> bool:
    """Withdraw a consent of this person and revoke the client's tokens for them; return whether found."""
    consent = session.get(Consent, consent_id)
    if consent is None or consent.account_id != account_id or consent.revoked_at is not None:
        return False
    now = clock.real()
    for other in active_consents(session, account_id):
        if other.client_id == consent.client_id:
            other.revoked_at = now
    for token in session.scalars(
        select(Token).where(Token.account_id == account_id, Token.client_id == consent.client_id)
    ):
        token.access_revoked = True
        token.refresh_revoked = True
    return True

"""The provider's signing keys: persisted in the database, generated on first use, rotated by command.

A retired key stays in the JWKS until every token it signed has expired
(``retired_at + KEY_PUBLISH_GRACE_SECONDS``), so relying parties can still verify them.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from joserfc.jwk import ECKey
from joserfc.jwk import Key
from joserfc.jwk import KeySet
from joserfc.jwk import RSAKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from idp.clock import clock
from idp.domain import lab_cache
from idp.models.oauth import SigningKey

SUPPORTED_ALGS = ("RS256", "ES256")
#: ID tokens of a client that registered no ``id_token_signed_response_alg`` are signed with this.
DEFAULT_ALG = "RS256"
#: Longest lifetime of anything a key signs (ID tokens); a retired key stays published this long.
KEY_PUBLISH_GRACE_SECONDS = 3600


def _generate(alg: str) -> Key:
    params = {"alg": alg, "use": "sig"}
    if alg == "RS256":
        key = RSAKey.generate_key(2048, parameters=params, private=True)
    elif alg == "ES256":
        key = ECKey.generate_key("P-256", parameters=params, private=True)
    else:
        raise ValueError(f"unsupported signing algorithm {alg!r}")
    key.ensure_kid()
    return key


def add_key(session: Session, alg: str = "RS256") -> SigningKey:
    """Generate a new active signing key and flush it (the caller commits)."""
    key = _generate(alg)
    row = SigningKey(kid=key.kid, alg=alg, private_jwk=json.dumps(key.as_dict(private=True)), active=True)
    session.add(row)
    session.flush()
    return row


def rotate(session: Session, alg: str = "RS256") -> SigningKey:
    """Add a new active ``alg`` key and retire the active keys of that algorithm only.

    Keys of other algorithms stay active: a client registered for RS256 ID tokens keeps getting
    RS256 after an ES256 rotation. Retired keys stay published for a grace period.
    """
    now = clock.real()
    for old in session.scalars(select(SigningKey).where(SigningKey.active.is_(True), SigningKey.alg == alg)):
        old.active = False
        old.retired_at = now
    return add_key(session, alg)


def active_key_row(session: Session, alg: str | None = None) -> SigningKey:
    """Return the newest active key of ``alg`` (default RS256), generating and committing one when there is none."""
    alg = alg or DEFAULT_ALG
    row = session.scalar(
        select(SigningKey)
        .where(SigningKey.active.is_(True), SigningKey.alg == alg)
        .order_by(SigningKey.id.desc())
        .limit(1)
    )
    if row is not None:
        return row
    row = add_key(session, alg)
    session.commit()
    return row


@dataclass(frozen=True)
class ActiveKey:
    """What signing needs of a key row, kept by a worker between requests."""

    id: int
    kid: str
    alg: str
    private_jwk: str


def active_key(session: Session, alg: str | None = None) -> ActiveKey:
    """Return the newest active key of ``alg`` like :func:`active_key_row`, cached per worker until the lab changes."""
    alg = alg or DEFAULT_ALG

    def load() -> ActiveKey:
        row = active_key_row(session, alg)
        return ActiveKey(row.id, row.kid, row.alg, row.private_jwk)

    return lab_cache.cached(session, ("signing_key", alg), load)


def private_key(row: SigningKey | ActiveKey) -> Key:
    """Return the joserfc private key of a stored row (parsed once per process: RSA loading costs ~40 ms)."""
    return _parse_private_jwk(row.private_jwk)


@functools.lru_cache(maxsize=32)
def _parse_private_jwk(private_jwk: str) -> Key:
    data = json.loads(private_jwk)
    if data["kty"] == "RSA":
        return RSAKey.import_key(data)
    return ECKey.import_key(data)


def published_rows(session: Session, now: datetime | None = None) -> list[SigningKey]:
    """Return the keys the JWKS publishes: active ones and recently retired ones."""
    now = now or clock.real()
    cutoff = now - timedelta(seconds=KEY_PUBLISH_GRACE_SECONDS)
    rows = session.scalars(select(SigningKey).order_by(SigningKey.id)).all()
    return [r for r in rows if r.active or (r.retired_at is not None and r.retired_at > cutoff)]


def public_jwks(session: Session) -> dict:
    """Return the public JWKS document (``kid``, ``use`` and ``alg`` on every key, no private parts)."""
    active_key_row(session, DEFAULT_ALG)  # published before any client needs it
    keys = []
    for row in published_rows(session):
        public = private_key(row).as_dict(private=False)
        public.update(kid=row.kid, use="sig", alg=row.alg)
        keys.append(public)
    return {"keys": keys}


def public_keyset(session: Session) -> KeySet:
    """Return the published keys as a joserfc KeySet (to verify our own ID tokens)."""
    return KeySet.import_key_set(public_jwks(session))

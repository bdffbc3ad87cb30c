"""Stable signing keys on request: a PEM or JWK file becomes the IdP's active ID token signing key.

``fedlab setup --signing-key FILE``, ``fedlab serve --signing-key FILE``, ``signing_key = "FILE"`` in a lab file
and the test fixtures all come here, so a team can pin the issuer's keys (and its ``kid``) in its own tests.
"""

from __future__ import annotations

import json

from joserfc.jwk import ECKey
from joserfc.jwk import Key
from joserfc.jwk import RSAKey
from sqlalchemy import select
from sqlalchemy.orm import Session


class SigningKeyError(ValueError):
    """The file is not a private RSA or P-256 key (PEM or JWK)."""


def parse_signing_key(text: str) -> tuple[str, Key]:
    """Return ``(alg, key)`` for a private key given as PEM (PKCS#1/PKCS#8/SEC1) or as a JWK (JSON).

    RSA keys sign RS256, P-256 keys ES256; the ``kid`` is the JWK's own or its RFC 7638 thumbprint.
    """
    text = text.strip()
    try:
        if text.startswith("{"):
            data = json.loads(text)
            if data.get("kty") == "RSA":
                key: Key = RSAKey.import_key(data)
            elif data.get("kty") == "EC" and data.get("crv") == "P-256":
                key = ECKey.import_key(data)
            else:
                raise SigningKeyError("a JWK signing key must be RSA or EC P-256")
        elif "PRIVATE KEY" in text:
            try:
                key = RSAKey.import_key(text)
            except (ValueError, TypeError):
                key = ECKey.import_key(text)
        else:
            raise SigningKeyError("expected a private key: PEM (-----BEGIN ... PRIVATE KEY-----) or a JWK (JSON)")
    except SigningKeyError:
        raise
    except (ValueError, TypeError, KeyError) as exc:
        raise SigningKeyError(f"not a usable private key: {exc}") from None
    if not key.is_private:
        raise SigningKeyError("the key has no private part: the IdP signs with it")
    alg = "RS256" if isinstance(key, RSAKey) else "ES256"
    kid = (key.kid if text.startswith("{") else None) or key.thumbprint()
    key = type(key).import_key(key.as_dict(private=True), parameters={"alg": alg, "use": "sig", "kid": kid})
    return alg, key


def install_signing_key(session: Session, text: str):
    """Make the key in ``text`` the active key of its algorithm (others of that algorithm retire); flush.

    Installing the same key again changes nothing. Returns the key's row.
    """
    from idp.clock import clock
    from idp.models.oauth import SigningKey

    alg, key = parse_signing_key(text)
    row = session.scalar(select(SigningKey).where(SigningKey.kid == key.kid))
    for other in session.scalars(select(SigningKey).where(SigningKey.active.is_(True), SigningKey.alg == alg)):
        if row is None or other.id != row.id:
            other.active = False
            other.retired_at = clock.real()
    if row is None:
        row = SigningKey(kid=key.kid, alg=alg, private_jwk=json.dumps(key.as_dict(private=True)), active=True)
        session.add(row)
    else:
        row.active, row.retired_at = True, None
    session.flush()
    return row

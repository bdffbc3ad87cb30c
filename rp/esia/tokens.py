"""ESIA's JWTs: the id_token (RS256) and the access token (RS256 or GOST3410_2012_256), verified before use.

Keys come from ``load_keys(force)``: ``{"keys": [JWK, ...], "certificates": [PEM, ...]}`` -- the
provider's JWKS (RSA) and its published certificates (RSA and GOST). ``force=True`` refetches them once
when no cached key verifies the token (the provider may have rotated its key).
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Callable
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry

from rp.oidc.errors import OidcError
from shared import esia_crypto

#: The algorithms ESIA signs tokens with; anything else (``none``, HMAC) is refused.
ALGORITHMS = ("RS256", "GOST3410_2012_256")
#: Clock skew tolerated on ``exp``/``nbf``, in seconds.
LEEWAY_SECONDS = 60
#: ESIA's headers carry ``ver`` and ``sbt``, which joserfc's strict header check would refuse.
_RS256 = jws.JWSRegistry(algorithms=["RS256"], strict_check_header=False)


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _split(token: str, what: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    try:
        header_b64, payload_b64, signature_b64 = token.split(".")
        header = json.loads(_b64(header_b64))
        claims = json.loads(_b64(payload_b64))
        signature = _b64(signature_b64)
    except (ValueError, binascii.Error, UnicodeError):
        raise OidcError("id_token_format", f"{what} is not a compact JWS") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise OidcError("id_token_format", f"{what}: header or claims are not JSON objects")
    return header, claims, f"{header_b64}.{payload_b64}".encode("ascii"), signature


def _rs256_ok(token: str, keys: dict[str, Any], kid: str | None) -> bool:
    for jwk in keys.get("keys", []):
        if jwk.get("kty") != "RSA" or jwk.get("use", "sig") != "sig" or (kid and jwk.get("kid") not in (None, kid)):
            continue
        try:
            jws.deserialize_compact(token, JWKRegistry.import_key(dict(jwk)), registry=_RS256)
            return True
        except (JoseError, ValueError, TypeError):
            continue
    for pem in keys.get("certificates", []):
        if _certificate_algorithm(pem) != esia_crypto.RSA:
            continue
        try:
            key = JWKRegistry.import_key(esia_crypto.public_key_pem(pem), "RSA")
            jws.deserialize_compact(token, key, registry=_RS256)
            return True
        except (JoseError, ValueError, TypeError, esia_crypto.EsiaCryptoError):
            continue
    return False


def _certificate_algorithm(pem: str) -> str | None:
    try:
        return esia_crypto.certificate_algorithm(pem)
    except esia_crypto.EsiaCryptoError:
        return None


def _gost_ok(signing_input: bytes, signature: bytes, keys: dict[str, Any]) -> bool:
    for pem in keys.get("certificates", []):
        if _certificate_algorithm(pem) != esia_crypto.GOST:
            continue
        try:
            if esia_crypto.verify_raw_gost(signature, signing_input, pem):
                return True
        except esia_crypto.EsiaCryptoError:
            continue
    return False


def verify_signature(token: str, load_keys: Callable[[bool], dict[str, Any]], what: str) -> dict[str, Any]:
    """Verify an ESIA JWT's signature with the provider's keys and return its claims."""
    header, claims, signing_input, signature = _split(token, what)
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise OidcError("id_token_alg", f"{what}: signature algorithm {alg!r} is not accepted")
    for force in (False, True):
        keys = load_keys(force)
        if alg == "RS256" and _rs256_ok(token, keys, header.get("kid")):
            return claims
        if alg != "RS256" and _gost_ok(signing_input, signature, keys):
            return claims
    raise OidcError("id_token_signature", f"{what}: no key of the provider verifies the {alg} signature")


def _check_times(claims: dict[str, Any], what: str, now: float) -> None:
    exp, nbf = claims.get("exp"), claims.get("nbf")
    if not isinstance(exp, int | float) or exp + LEEWAY_SECONDS < now:
        raise OidcError("id_token_claims", f"{what} has expired (exp {exp!r})")
    if isinstance(nbf, int | float) and nbf - LEEWAY_SECONDS > now:
        raise OidcError("id_token_claims", f"{what} is not valid yet (nbf {nbf!r})")


def verify_id_token(
    token: str, load_keys: Callable[[bool], dict[str, Any]], *, issuer: str, client_id: str, now: float | None = None
) -> dict[str, Any]:
    """Verify ESIA's id_token: signature, ``iss``, ``aud`` = client_id, times, and ``urn:esia:sbj`` with an OID."""
    claims = verify_signature(token, load_keys, "id_token")
    if claims.get("iss") != issuer:
        raise OidcError("id_token_claims", f"id_token iss {claims.get('iss')!r}, expected {issuer!r}")
    aud = claims.get("aud")
    if aud != client_id and not (isinstance(aud, list) and client_id in aud):
        raise OidcError("id_token_claims", f"id_token aud {aud!r}, expected {client_id!r}")
    _check_times(claims, "id_token", time.time() if now is None else now)
    subject = claims.get("urn:esia:sbj")
    oid = subject.get("urn:esia:sbj:oid") if isinstance(subject, dict) else None
    if isinstance(oid, str) and oid.isdigit():
        oid = int(oid)
        subject["urn:esia:sbj:oid"] = oid
    if not isinstance(oid, int) or isinstance(oid, bool) or oid <= 0:
        raise OidcError("id_token_claims", f"id_token urn:esia:sbj has no OID ({subject!r})")
    if "sub" in claims and str(claims["sub"]) != str(oid):
        raise OidcError("id_token_claims", f"id_token sub {claims['sub']!r} differs from the OID {oid}")
    return claims


def verify_access_token(
    token: str, load_keys: Callable[[bool], dict[str, Any]], *, client_id: str, oid: int, now: float | None = None
) -> dict[str, Any]:
    """Verify ESIA's access token: signature, ``client_id``, times, and ``urn:esia:sbj_id`` = the id_token's OID."""
    claims = verify_signature(token, load_keys, "access token")
    if claims.get("client_id") != client_id:
        found = claims.get("client_id")
        raise OidcError("id_token_claims", f"access token client_id {found!r}, expected {client_id!r}")
    _check_times(claims, "access token", time.time() if now is None else now)
    if str(claims.get("urn:esia:sbj_id")) != str(oid):
        raise OidcError("userinfo_sub", f"access token urn:esia:sbj_id {claims.get('urn:esia:sbj_id')!r}, OID {oid}")
    return claims

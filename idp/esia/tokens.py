"""ESIA's tokens: the access token JWT (RS256 or GOST R 34.10-2012) and the RS256 id_token. No Flask.

Access token header ``{"ver":1,"typ":"JWT","sbt":"access","alg":…}``; claims ``nbf, iat,
exp=iat+ttl, iss, client_id, urn:esia:sid, urn:esia:sbj_id`` (the OID as an integer) and
``scope`` as ``openid fullname?oid=N …``. A GOST signature is the raw 64 bytes ``s‖r`` that
``openssl dgst -md_gost12_256 -sign`` writes, over ``header.payload``, base64url without ``=``.

id_token claims: ``iss, aud`` (the client_id), ``sub`` (the OID, as a string: RFC 7519's
StringOrURI), ``nbf, iat, exp, auth_time, amr, urn:esia:amd, urn:esia:sid`` and ``urn:esia:sbj``
``{typ: "P", oid, nam: "OID.<oid>", lvl: "P" | "PR", is_tru}`` where ``is_tru`` (and ``lvl`` ``PR``)
appear only for a verified account.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric import rsa

from idp.domain.faults import FiredFault
from idp.esia.idp_keys import SigningMaterial
from idp.esia.scopes import with_oid
from shared import esia_crypto

RS256 = "RS256"
GOST = esia_crypto.GOST


@dataclass(frozen=True)
class Subject:
    """Who a token speaks for: the account's OID and whether it is verified (подтверждённая)."""

    oid: int
    verified: bool


def _b64(data: bytes) -> str:
    return esia_crypto.b64url_encode(data)


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign_jwt(header: dict[str, Any], claims: dict[str, Any], material: SigningMaterial) -> str:
    """Return the compact JWT of ``header`` and ``claims`` signed with ``material`` (RS256 or GOST)."""
    signing_input = f"{_b64(_json(header))}.{_b64(_json(claims))}".encode("ascii")
    if material.algorithm == GOST:
        signature = esia_crypto.sign_raw_gost(signing_input, material.key_pem)
    else:
        key = serialization.load_pem_private_key(material.key_pem.encode("ascii"), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        signature = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return signing_input.decode("ascii") + "." + _b64(signature)


def access_token_header(alg: str) -> dict[str, Any]:
    """Return ESIA's access token header."""
    return {"ver": 1, "typ": "JWT", "sbt": "access", "alg": alg}


def access_claims(
    subject: Subject, client_id: str, scopes: list[str], sid: str, issuer: str, now: int, ttl: int
) -> dict[str, Any]:
    """Return the access token's claims."""
    return {
        "nbf": now,
        "scope": with_oid(scopes, subject.oid),
        "iss": issuer,
        "urn:esia:sid": sid,
        "urn:esia:sbj_id": subject.oid,
        "exp": now + ttl,
        "iat": now,
        "client_id": client_id,
        # Two tokens of one session minted in the same second (a refresh) must still differ.
        "jti": secrets.token_hex(16),
    }


def id_token_claims(
    subject: Subject, client_id: str, sid: str, issuer: str, now: int, ttl: int, auth_time: int, amr: str
) -> dict[str, Any]:
    """Return the id_token's claims."""
    sbj: dict[str, Any] = {
        "urn:esia:sbj:typ": "P",
        "urn:esia:sbj:oid": subject.oid,
        "urn:esia:sbj:nam": f"OID.{subject.oid}",
        "urn:esia:sbj:lvl": "PR" if subject.verified else "P",
    }
    if subject.verified:
        sbj["urn:esia:sbj:is_tru"] = True
    return {
        "iss": issuer,
        "aud": client_id,
        "sub": str(subject.oid),
        "nbf": now,
        "iat": now,
        "exp": now + ttl,
        "auth_time": auth_time,
        "amr": amr,
        "urn:esia:amd": amr,
        "urn:esia:sid": sid,
        "urn:esia:sbj": sbj,
    }


def apply_faults(
    header: dict[str, Any], claims: dict[str, Any], fired: list[FiredFault], material: SigningMaterial, now: int
) -> tuple[dict[str, Any], dict[str, Any], SigningMaterial]:
    """Return header, claims and signing key changed as the lab's token faults ask.

    ``id_token_unknown_key`` signs with a fresh key of the same algorithm that the lab never
    publishes; ``wrong_iss``, ``wrong_aud`` (``aud`` or ``client_id``), ``expired`` and
    ``missing_claims`` change the claims.
    """
    header, claims = dict(header), dict(claims)
    for fault in fired:
        if fault.kind == "id_token_unknown_key":
            material = unknown_material(material.algorithm)
            header.pop("kid", None)
        elif fault.kind == "id_token_wrong_iss":
            claims["iss"] = str(claims.get("iss", "")).rstrip("/") + "/wrong-issuer/"
        elif fault.kind == "id_token_wrong_aud":
            claims["aud" if "aud" in claims else "client_id"] = "another-client"
        elif fault.kind == "id_token_expired":
            claims["iat"] = claims["nbf"] = now - 7200
            claims["exp"] = now - 3600
        elif fault.kind == "id_token_missing_claims":
            for name in fault.params.get("claims", []):
                claims.pop(name, None)
    return header, claims, material


def unknown_material(algorithm: str) -> SigningMaterial:
    """Return a throwaway key of ``algorithm`` that no published certificate matches."""
    pair = esia_crypto.generate_keypair(esia_crypto.GOST if algorithm == GOST else esia_crypto.RSA, "unknown key")
    kid = "unknown-" + secrets.token_hex(4)
    return SigningMaterial(algorithm, kid, pair.key_pem, pair.cert_pem, "")

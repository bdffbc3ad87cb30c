"""A client's ESIA registration: its certificates (with their Streebog hash) and per-client options. No Flask."""

from __future__ import annotations

import json
from typing import Any

from shared import esia_crypto

ACCESS_TOKEN_ALGS = ("RS256", esia_crypto.GOST)
SIGNATURE_MODES = ("lab", "strict")
MAX_CERTIFICATES = 10


def parse_certificates(pem_texts: list[str]) -> list[dict[str, str]]:
    """Return ``{"pem", "hash", "algorithm", "subject"}`` for every certificate in the PEM texts.

    Raises :class:`shared.esia_crypto.EsiaCryptoError` for text without a certificate, a certificate
    that does not parse, an unsupported key or a certificate given twice.
    """
    entries: list[dict[str, str]] = []
    for text in pem_texts:
        for pem in esia_crypto.split_certificates(text):
            entry = {
                "pem": pem,
                "hash": esia_crypto.certificate_hash(pem),
                "algorithm": esia_crypto.certificate_algorithm(pem),
                "subject": esia_crypto.certificate_subject(pem),
            }
            if any(e["hash"] == entry["hash"] for e in entries):
                raise esia_crypto.EsiaCryptoError(f"certificate {entry['hash']} is given twice")
            entries.append(entry)
    if len(entries) > MAX_CERTIFICATES:
        raise esia_crypto.EsiaCryptoError(f"at most {MAX_CERTIFICATES} certificates per client")
    return entries


def validate_options(access_token_alg: str, signature_mode: str) -> dict[str, str]:
    """Return the problems of the ESIA options, as field -> reason code (empty when valid)."""
    errors: dict[str, str] = {}
    if access_token_alg not in ACCESS_TOKEN_ALGS:
        errors["esia_access_token_alg"] = "unsupported"
    if signature_mode not in SIGNATURE_MODES:
        errors["esia_signature_mode"] = "unsupported"
    return errors


def client_certificates(client: Any) -> list[dict[str, str]]:
    """Return the client's registered ESIA certificates (empty for an OpenID Connect-only client)."""
    try:
        data = json.loads(getattr(client, "esia_certificates_json", None) or "[]")
    except ValueError:
        return []
    return [e for e in data if isinstance(e, dict) and e.get("pem") and e.get("hash")]


def find_by_hash(client: Any, certificate_hash: str) -> dict[str, str] | None:
    """Return the client's certificate with this Streebog hash (hex, any case), or None."""
    wanted = (certificate_hash or "").strip().upper()
    return next((e for e in client_certificates(client) if e["hash"] == wanted), None)


def esia_json(client: Any) -> dict[str, Any]:
    """Return the client's ESIA registration as a JSON-ready dict (hashes and subjects; PEMs included)."""
    return {
        "certificates": [
            {"hash": e["hash"], "algorithm": e["algorithm"], "subject": e.get("subject", ""), "pem": e["pem"]}
            for e in client_certificates(client)
        ],
        "access_token_alg": getattr(client, "esia_access_token_alg", None) or "RS256",
        "signature_mode": getattr(client, "esia_signature_mode", None) or "lab",
    }

"""Verifying ESIA's ``client_secret``: which signed strings and formats each endpoint takes, per mode. No Flask.

What each endpoint takes (ESIA-WIRE.md):

==================  ======================================  ============================================
endpoint            strict (what real ESIA takes)           lab (default: also what real clients send)
==================  ======================================  ============================================
``/ac``, ``/te``    PKCS#7 over the legacy string           also a raw signature over the legacy string
``/v2/ac``          raw GOST over the v2 string             also raw RSA; PKCS#7 over the v2 or the
                                                            legacy string (fr05t1k/esia)
``/v3/te`` code     raw GOST over the v2 string + ``code``  as for ``/v2/ac``, with the v3 string
``/v3/te`` refresh  raw GOST over the v2 string             as for ``/v2/ac``, with either string
                    (ilimurzin) or AISGorod's string
==================  ======================================  ============================================

The signature is checked against the client's registered certificates only (the one named by
``client_certificate_hash`` when given), so a valid signature by any other certificate is refused.
A lab-mode raw GOST signature may also be byte-reversed (CryptoPro's ``csptest`` order).
"""

from __future__ import annotations

from dataclasses import dataclass

from idp.esia.errors import EsiaError
from shared import esia_crypto

LEGACY = "legacy"
V2 = "v2"
V3 = "v3"
V3_REFRESH_AISGOROD = "v3-refresh-aisgorod"


@dataclass(frozen=True)
class SignedString:
    """One string the client may have signed, named for the trace (``legacy``, ``v2``, ``v3`` ...)."""

    name: str
    text: str


@dataclass(frozen=True)
class SignatureMatch:
    """How a ``client_secret`` verified: format, signed string, encoding and certificate."""

    variant: str
    string: str
    encoding: str
    certificate_hash: str
    algorithm: str

    def as_trace(self) -> dict[str, str]:
        """Return what the protocol trace records about the match."""
        return {
            "variant": self.variant,
            "signed_string": self.string,
            "encoding": self.encoding,
            "certificate_hash": self.certificate_hash,
            "algorithm": self.algorithm,
        }


@dataclass(frozen=True)
class Policy:
    """What one endpoint in one mode accepts: strings for raw and for PKCS#7 signatures, RSA raw or not."""

    raw_strings: tuple[str, ...]
    pkcs7_strings: tuple[str, ...]
    raw_rsa: bool
    reversed_gost: bool


def policy(endpoint: str, mode: str) -> Policy:
    """Return what ``endpoint`` (``legacy``, ``v2``, ``v3``, ``v3-refresh``) accepts in ``mode``."""
    lab = mode != "strict"
    if endpoint == LEGACY:
        return Policy((LEGACY,) if lab else (), (LEGACY,), raw_rsa=lab, reversed_gost=lab)
    own = {V2: (V2,), V3: (V3,), "v3-refresh": (V2, V3_REFRESH_AISGOROD)}[endpoint]
    if not lab:
        return Policy(own, (), raw_rsa=False, reversed_gost=False)
    return Policy(own, (*own, LEGACY), raw_rsa=True, reversed_gost=True)


def verify_client_secret(
    client_secret: str,
    strings: list[SignedString],
    certificates: list[dict[str, str]],
    accepted: Policy,
) -> SignatureMatch:
    """Return how ``client_secret`` verifies against one of ``certificates``, or raise ESIA-007053."""
    try:
        decoded = esia_crypto.b64_decode_any(client_secret)
    except esia_crypto.EsiaCryptoError as exc:
        raise EsiaError("ESIA-007053", f"client_secret is not base64: {exc}") from None
    if len(decoded.data) > 64 * 1024:
        raise EsiaError("ESIA-007053", "client_secret is too long")
    by_name = {s.name: s for s in strings}
    signature = decoded.data
    looks_pkcs7 = signature[:1] == b"\x30" and len(signature) > 128
    for cert in certificates:
        algorithm = cert.get("algorithm") or esia_crypto.certificate_algorithm(cert["pem"])
        if looks_pkcs7:
            for name in accepted.pkcs7_strings:
                if name in by_name and esia_crypto.verify_pkcs7(signature, by_name[name].text.encode(), cert["pem"]):
                    info = esia_crypto.pkcs7_info(signature)
                    return SignatureMatch(info.variant, name, decoded.variant, cert["hash"], algorithm)
        if algorithm == esia_crypto.RSA and not accepted.raw_rsa:
            continue
        for name in accepted.raw_strings:
            if name not in by_name:
                continue
            message = by_name[name].text.encode()
            if algorithm == esia_crypto.GOST:
                if esia_crypto.verify_raw_gost(signature, message, cert["pem"]):
                    return SignatureMatch("raw-gost", name, decoded.variant, cert["hash"], algorithm)
                if accepted.reversed_gost and esia_crypto.verify_raw_gost(signature[::-1], message, cert["pem"]):
                    return SignatureMatch("raw-gost-reversed", name, decoded.variant, cert["hash"], algorithm)
            elif esia_crypto.verify_raw_rsa(signature, message, cert["pem"]):
                return SignatureMatch("raw-rsa", name, decoded.variant, cert["hash"], algorithm)
    raise EsiaError("ESIA-007053", "the signature does not verify with the client's registered certificate")

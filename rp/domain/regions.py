"""Regions (regional entry points) and the provider keys cached with them. No Flask."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rp.clock import clock
from rp.models.regions import DEFAULT_CLAIM_MAP
from rp.models.regions import DEFAULT_SCOPE
from rp.models.regions import Region

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


#: How a region talks to its provider: OpenID Connect, or ESIA's own protocol (signed requests, /rs/prns).
PROTOCOLS = ("oidc", "esia")


class RegionError(ValueError):
    """A region setting is not acceptable; the message says which."""


@dataclass(frozen=True)
class EsiaSettings:
    """An ESIA region's own settings: the diary's certificate and key (PEM) and the tokens' issuer."""

    certificate_pem: str
    key_pem: str
    token_issuer: str | None = None


def check_esia_pair(certificate_pem: str, key_pem: str) -> str:
    """Check that the certificate and key are PEM and belong together (a probe signature verifies); return the hash."""
    from shared import esia_crypto

    try:
        if esia_crypto.key_algorithm(key_pem) != esia_crypto.certificate_algorithm(certificate_pem):
            raise RegionError("the key and the certificate use different algorithms")
        probe = b"fedlab region key check"
        if not esia_crypto.verify_raw(esia_crypto.sign_raw(probe, key_pem), probe, certificate_pem):
            raise RegionError("the key does not belong to the certificate")
        return esia_crypto.certificate_hash(certificate_pem)
    except esia_crypto.EsiaCryptoError as exc:
        raise RegionError(f"certificate or key: {exc}") from None


def get_region(session: Session, name: str) -> Region | None:
    """Return the region with this slug, or None."""
    return session.scalar(select(Region).where(Region.name == name))


def list_regions(session: Session) -> list[Region]:
    """Return every region, by name."""
    return list(session.scalars(select(Region).order_by(Region.name)))


def set_region(
    session: Session,
    name: str,
    *,
    issuer: str,
    client_id: str,
    client_secret: str | None = None,
    scope: str | None = None,
    title: str | None = None,
    claim_map: dict[str, str] | None = None,
    protocol: str | None = None,
    esia: EsiaSettings | None = None,
) -> Region:
    """Create or update a region (not committed); the JWKS cache is dropped when the issuer changes.

    ``protocol`` ``oidc`` (the default) needs a client secret; ``esia`` needs the diary's certificate and
    key (:class:`EsiaSettings`), checked to be a pair that signs.
    """
    existing = get_region(session, name)
    protocol = protocol or (existing.protocol if existing is not None else "oidc")
    if protocol not in PROTOCOLS:
        raise RegionError(f"protocol must be one of: {', '.join(PROTOCOLS)}")
    if not _NAME.match(name):
        raise RegionError("region name: lower-case Latin letters, digits, '-' or '_'")
    if not re.match(r"^https?://", issuer):
        raise RegionError("issuer must be an http(s) URL")
    unknown = set(claim_map or {}) - set(DEFAULT_CLAIM_MAP)
    if unknown:
        raise RegionError(f"unknown diary fields in the claim map: {', '.join(sorted(unknown))}")
    scopes = (scope or DEFAULT_SCOPE).split()
    if "openid" not in scopes:
        scopes.insert(0, "openid")
    region = get_region(session, name)
    if protocol == "esia":
        if esia is None and (region is None or not region.esia_key):
            raise RegionError("an ESIA region needs the diary's certificate and key (--certificate, --key)")
        if esia is not None:
            check_esia_pair(esia.certificate_pem, esia.key_pem)
    elif not client_secret and (region is None or not region.client_secret):
        raise RegionError("an OpenID Connect region needs a client secret")
    if region is None:
        region = Region(name=name, title=title or name, claim_map={}, client_secret="")
        session.add(region)
    region.protocol = protocol
    if esia is not None:
        region.esia_certificate, region.esia_key = esia.certificate_pem, esia.key_pem
        region.esia_token_issuer = esia.token_issuer or None
    if region.issuer != issuer:
        region.jwks_json = None
        region.jwks_fetched_at = None
    region.issuer = issuer
    region.client_id = client_id
    if client_secret:
        region.client_secret = client_secret
    region.scope = " ".join(scopes)
    if title is not None:
        region.title = title
    if claim_map is not None:
        region.claim_map = {**(region.claim_map or {}), **claim_map}
    return region


def ensure_region(
    session: Session,
    name: str,
    title: str,
    issuer: str,
    client_id: str,
    client_secret: str | None,
    scope: str | None = None,
    *,
    protocol: str | None = None,
    esia: EsiaSettings | None = None,
) -> Region:
    """Create or update a region (for the demo setup; not committed)."""
    region = set_region(
        session,
        name,
        issuer=issuer,
        client_id=client_id,
        client_secret=client_secret,
        scope=scope,
        title=title,
        protocol=protocol,
        esia=esia,
    )
    session.flush()
    return region


def region_jwks(
    session: Session,
    region: Region,
    force: bool,
    fetch: Callable[[], dict[str, Any]],
    *,
    lifetime_seconds: int = 3600,
    refetch_seconds: int = 30,
) -> dict[str, Any]:
    """Return the region's cached JWKS, fetching (and storing) it when absent or stale.

    Stale: older than ``lifetime_seconds``, or, when ``force`` (a new ``kid``, a bad signature), older
    than ``refetch_seconds``.
    """
    now = clock.real()
    if region.jwks_json:
        age = (now - region.jwks_fetched_at).total_seconds() if region.jwks_fetched_at else float("inf")
        if (not force and age < lifetime_seconds) or (force and age < refetch_seconds):
            return json.loads(region.jwks_json)
    jwks = fetch()
    region.jwks_json = json.dumps(jwks)
    region.jwks_fetched_at = now
    return jwks


def region_as_dict(region: Region) -> dict[str, Any]:
    """Return a region for ``--json`` output (without its client secret)."""
    return {
        "name": region.name,
        "title": region.title,
        "issuer": region.issuer,
        "client_id": region.client_id,
        "scope": region.scope,
        "claim_map": region.claim_names(),
        "protocol": region.protocol,
        **(esia_summary(region) if region.protocol == "esia" else {}),
    }


def esia_summary(region: Region) -> dict[str, Any]:
    """Return what may be shown of an ESIA region's settings: the certificate and its hash, never the key."""
    from shared import esia_crypto

    try:
        digest = esia_crypto.certificate_hash(region.esia_certificate or "")
    except esia_crypto.EsiaCryptoError:
        digest = None
    return {
        "certificate": region.esia_certificate,
        "certificate_hash": digest,
        "token_issuer": region.esia_token_issuer or "http://esia.gosuslugi.ru/",
    }

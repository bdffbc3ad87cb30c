"""Regions (regional entry points) and the provider keys cached with them. No Flask."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rp.clock import clock
from rp.models.regions import DEFAULT_CLAIM_MAP
from rp.models.regions import DEFAULT_SCOPE
from rp.models.regions import Region

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class RegionError(ValueError):
    """A region setting is not acceptable; the message says which."""


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
    client_secret: str,
    scope: str | None = None,
    title: str | None = None,
    claim_map: dict[str, str] | None = None,
) -> Region:
    """Create or update a region (not committed); the JWKS cache is dropped when the issuer changes."""
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
    if region is None:
        region = Region(name=name, title=title or name, claim_map={})
        session.add(region)
    if region.issuer != issuer:
        region.jwks_json = None
        region.jwks_fetched_at = None
    region.issuer = issuer
    region.client_id = client_id
    region.client_secret = client_secret
    region.scope = " ".join(scopes)
    if title is not None:
        region.title = title
    if claim_map is not None:
        region.claim_map = {**(region.claim_map or {}), **claim_map}
    return region


def ensure_region(
    session: Session, name: str, title: str, issuer: str, client_id: str, client_secret: str, scope: str | None = None
) -> Region:
    """Create or update a region (for the demo setup; not committed)."""
    region = set_region(
        session, name, issuer=issuer, client_id=client_id, client_secret=client_secret, scope=scope, title=title
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
    }

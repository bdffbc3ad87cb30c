"""The ESIA-protocol half of the Gosuslugi login views: the region's ESIA client, its keys, the person's fields.

The entry point and callback in :mod:`rp.views.esia` call these for regions with ``protocol = esia``;
everything after the person is known (linking, records, pages) is shared with the OIDC path.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask import request
from flask import url_for
from flask_babel import get_locale

from rp.clock import clock
from rp.domain import linking
from rp.domain.regions import region_jwks
from rp.esia import client as esia
from rp.esia.keys import fetch_provider_keys
from rp.esia.person import ESIA_CLAIM_MAP
from rp.esia.person import person_claims
from rp.extensions import db
from rp.models.regions import Region


def config(region: Region) -> esia.EsiaConfig:
    """Return the ESIA client settings of a region (redirect URI: the diary's one callback)."""
    return esia.EsiaConfig(
        base_url=region.issuer,
        client_id=region.client_id,
        scope=region.scope,
        redirect_uri=current_app.config["BASE_URL"].rstrip("/") + url_for("esia.callback"),
        certificate_pem=region.esia_certificate or "",
        key_pem=region.esia_key or "",
        token_issuer=region.esia_token_issuer or esia.DEFAULT_TOKEN_ISSUER,
        timeout=float(current_app.config["HTTP_TIMEOUT_SECONDS"]),
    )


def start(region: Region) -> esia.EsiaAuthRequest:
    """Build the signed v2/ac request for a region."""
    return esia.build_auth_request(config(region), clock.real(), ui_locales=str(get_locale()))


def finish(region: Region, pending: dict[str, Any]) -> tuple[str, dict[str, str | None]]:
    """Check the callback, exchange the code, verify the tokens, read the person; return (OID, diary fields)."""
    cfg = config(region)
    code = esia.check_callback(request.args, pending["state"])

    def load_keys(force: bool) -> dict[str, Any]:
        return region_jwks(db.session, region, force, lambda: fetch_provider_keys(cfg.base_url, cfg.timeout))

    login = esia.finish_login(cfg, code, clock.real(), load_keys=load_keys)
    claims = person_claims(login.person)
    claim_map = {**ESIA_CLAIM_MAP, **(region.claim_map or {})}
    return login.subject, linking.extract_attributes(claims, claim_map)

"""IdP settings: the defaults here, then ``FEDLAB_IDP_CONFIG`` (TOML), then ``FEDLAB_IDP_*`` variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from typing import ClassVar
from typing import Literal

from pydantic import Field
from pydantic import field_validator

from labkit.settings import DEV_SECRET_MARKER
from labkit.settings import AppSettings
from labkit.settings import port_of
from shared.clock import parse_duration_range

PREFIX = "FEDLAB_IDP_"
INSTANCE_DIR = Path(os.environ.get("FEDLAB_INSTANCE_DIR", Path(__file__).resolve().parent.parent / "instance"))


class IdpSettings(AppSettings):
    """The identity provider's settings on top of the common ones."""

    PREFIX: ClassVar[str] = PREFIX
    SECRETS: ClassVar[tuple[str, ...]] = ("SECRET_KEY", "LAB_TOKEN", "OPERATOR_PASSWORD")
    PUBLIC_URL: ClassVar[str] = "ISSUER"

    SECRET_KEY: str = DEV_SECRET_MARKER + "idp-secret-key"
    """Signs the CSRF tokens (the session cookie carries only a random id)."""
    DATABASE_URL: str = Field(
        default_factory=lambda: os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'idp.sqlite'}"
    )
    """The SQLAlchemy URL of the IdP's database (``DATABASE_URL``, else SQLite under the instance folder)."""
    ISSUER: str = Field(default_factory=lambda: f"http://127.0.0.1:{port_of('FEDLAB_IDP_PORT', 5001)}")
    """The OpenID Provider's issuer identifier: its public base URL."""
    SESSION_COOKIE_NAME: str = "fedlab_idp_session"
    """Both apps run on 127.0.0.1 and browsers do not separate cookies by port: each names its own."""
    SESSION_REDIS_PREFIX: str = "fedlab:idp:"
    """The prefix of this app's session keys in Redis."""
    LAB_RP_URL: str = Field(default_factory=lambda: f"http://127.0.0.1:{port_of('FEDLAB_RP_PORT', 5002)}")
    """The diary's base URL, for the lab page's "reset the demo" button (its POST /api/lab/reset)."""
    OPERATOR_PASSWORD: str = DEV_SECRET_MARKER + "operator"
    """The service-centre operator's password."""
    CODE_TTL_SECONDS: int = Field(default=300, ge=1)
    """How long a registration or recovery code is valid (lab clock)."""
    CODE_MAX_ATTEMPTS: int = Field(default=3, ge=1)
    """Wrong entries before a code is spent."""
    CODE_RESEND_INTERVAL_SECONDS: int = Field(default=60, ge=0)
    """The wait before another code may be sent."""
    CODE_MAX_SENDS: int = Field(default=5, ge=1)
    """Codes sent to one recipient per registration."""
    VERIFICATION_DELAY: str = "15m-5d"
    """The range of the state registries' answer delay on the lab clock (``15m-5d``, or one duration)."""
    REGISTRY_POLICY: Literal["lenient", "strict"] = "lenient"
    """How the simulated registries judge a profile unless the lab chose otherwise."""
    DYNAMIC_REGISTRATION: bool = False
    """Accept RFC 7591 client registration at /register."""
    DYNAMIC_REGISTRATION_OPEN: bool = False
    """Accept registrations without the initial access token (RFC 7591 §3 open registration)."""
    DYNAMIC_REGISTRATION_TOKEN: str = ""
    """The initial access token for /register; empty: derived from SECRET_KEY (shown by the CLI)."""
    OIDC_CODE_TTL_SECONDS: int = Field(default=60, ge=1)
    """Lifetime of an authorization code (lab clock)."""
    OIDC_ACCESS_TOKEN_TTL_SECONDS: int = Field(default=3600, ge=1)
    """Lifetime of an access token (real time: clients see ``expires_in``)."""
    OIDC_ID_TOKEN_TTL_SECONDS: int = Field(default=3600, ge=1)
    """Lifetime of an ID token (real time: relying parties check ``exp`` on their own clocks)."""
    OIDC_JWKS_CACHE_SECONDS: int = Field(default=300, ge=0)
    """How long a client's JWKS fetched from its ``jwks_uri`` is used before it is fetched again."""
    OIDC_JWKS_REFETCH_SECONDS: int = Field(default=30, ge=0)
    """The least time between two fetches of one ``jwks_uri`` (an unknown ``kid``, a failed fetch)."""
    OIDC_TRACE: bool = True
    """Record every OpenID Connect exchange for the protocol trace pages."""
    MAIL_FROM: str = "no-reply@gosuslugi.lab"
    """The sender of outgoing mail."""
    ESIA_ISSUER: str = "http://esia.gosuslugi.ru/"
    """``iss`` of the tokens of ESIA's own protocol (/aas/oauth2/*); esia-connector hard-codes this one."""
    ESIA_TIMESTAMP_WINDOW_SECONDS: int = Field(default=300, ge=1)
    """How far a signed request's ``timestamp`` may be from now (either way) before ESIA-007015."""
    ESIA_CODE_TTL_SECONDS: int = Field(default=60, ge=1)
    """Lifetime of an ESIA authorization code."""
    ESIA_ACCESS_TOKEN_TTL_SECONDS: int = Field(default=3600, ge=1)
    """Lifetime of an ESIA access token (its ``exp`` is ``iat`` plus this)."""
    ESIA_REFRESH_TOKEN_TTL_SECONDS: int = Field(default=30 * 86400, ge=1)
    """Lifetime of an ESIA refresh token."""
    ESIA_GOST_KEY_FILE: str = ""
    """The IdP's GOST R 34.10-2012 key (PEM) for GOST access tokens; empty: generated on first use under the
    instance folder, never committed."""
    ESIA_GOST_CERT_FILE: str = ""
    """The certificate of that key (PEM); empty: generated with the key."""

    @field_validator("VERIFICATION_DELAY")
    @classmethod
    def _duration_range(cls, value: str) -> str:
        """Refuse a range :func:`shared.clock.parse_duration_range` cannot read."""
        parse_duration_range(value)
        return value


#: Settings production refuses to run with at their development defaults.
SECRETS = list(IdpSettings.SECRETS)


def defaults() -> dict[str, Any]:
    """Return the development defaults; production must override every secret."""
    return IdpSettings.defaults()


def build_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the merged, validated settings, refusing default secrets in production."""
    return IdpSettings.build(overrides)

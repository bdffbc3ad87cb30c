"""Diary settings: the defaults here, then ``FEDLAB_RP_CONFIG`` (TOML), then ``FEDLAB_RP_*`` variables."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any
from typing import ClassVar

from pydantic import Field
from pydantic import field_validator

from labkit.settings import DEV_SECRET_MARKER
from labkit.settings import AppSettings
from labkit.settings import port_of

PREFIX = "FEDLAB_RP_"
INSTANCE_DIR = Path(os.environ.get("FEDLAB_INSTANCE_DIR", Path(__file__).resolve().parent.parent / "instance"))


class RpSettings(AppSettings):
    """The diary's settings on top of the common ones."""

    PREFIX: ClassVar[str] = PREFIX
    SECRETS: ClassVar[tuple[str, ...]] = ("SECRET_KEY", "LAB_TOKEN", "DEMO_CLIENT_SECRET")
    PUBLIC_URL: ClassVar[str] = "BASE_URL"

    SECRET_KEY: str = DEV_SECRET_MARKER + "rp-secret-key"
    """Signs the CSRF tokens (the session cookie carries only a random id)."""
    DATABASE_URL: str = Field(
        default_factory=lambda: os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'rp.sqlite'}"
    )
    """The SQLAlchemy URL of the diary's database (``DATABASE_URL``, else SQLite under the instance folder)."""
    BASE_URL: str = Field(default_factory=lambda: f"http://127.0.0.1:{port_of('FEDLAB_RP_PORT', 5002)}")
    """The diary's public base URL (its redirect URIs hang off it)."""
    DEMO_IDP_ISSUER: str = Field(default_factory=lambda: f"http://127.0.0.1:{port_of('FEDLAB_IDP_PORT', 5001)}")
    """Where the demo region's IdP lives (the lab IdP by default)."""
    LAB_IDP_URL: str = Field(default_factory=lambda: f"http://127.0.0.1:{port_of('FEDLAB_IDP_PORT', 5001)}")
    """Where the lab's IdP answers its lab API: the «Загрузить» button of /lab/scenarios loads its accounts there."""
    DEMO_CLIENT_ID: str = "dnevnik"
    """The diary's client id at the demo region's IdP."""
    DEMO_CLIENT_SECRET: str = DEV_SECRET_MARKER + "dnevnik-client-secret"
    """The diary's client secret at the demo region's IdP."""
    SESSION_COOKIE_NAME: str = "fedlab_rp_session"
    """Both apps run on 127.0.0.1 and browsers do not separate cookies by port: each names its own."""
    SESSION_REDIS_PREFIX: str = "fedlab:rp:"
    """The prefix of this app's session keys in Redis."""
    CONSENT_VERSION: str = "2024-09"
    """Version of the 152-ФЗ consent text; a new version asks every parent again."""
    MARK_EDIT_WINDOW_DAYS: int = Field(default=7, ge=0)
    """Days after entry during which a teacher may change a mark; afterwards only the operator."""
    DIARY_TODAY: str = ""
    """Fixed "today" of the diary (ISO date) for demos and tests; empty = the real date."""
    MAIL_FROM: str = "no-reply@dnevnik.lab"
    """The sender of outgoing mail."""
    HTTP_TIMEOUT_SECONDS: float = Field(default=10.0, gt=0)
    """Timeout of every request the diary makes to a provider."""
    DISCOVERY_CACHE_SECONDS: int = Field(default=300, ge=0)
    """How long each process reuses a provider's discovery document (0: fetch it on every login)."""
    JWKS_CACHE_SECONDS: int = Field(default=3600, ge=0)
    """How long a provider's JWKS is used before it is fetched again."""
    JWKS_REFETCH_SECONDS: int = Field(default=30, ge=0)
    """The least time between two fetches of a provider's JWKS forced by an unknown ``kid`` or a bad signature."""
    DEFAULT_REGION: str = "dvinaland"
    """The region behind the login page's "Войти через ГосУслуги" button."""
    SCHOOL_EMAIL: str = "school32arh@example.test"
    """Where the "profile not found" page tells people to ask for their diary login."""

    @field_validator("DIARY_TODAY", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        """Accept an ISO date (or a date), or empty for the real date."""
        if isinstance(value, date):
            return value.isoformat()
        if value:
            date.fromisoformat(str(value))
        return value


#: Settings production refuses to run with at their development defaults.
SECRETS = list(RpSettings.SECRETS)


def defaults() -> dict[str, Any]:
    """Return the development defaults; production must override every secret."""
    return RpSettings.defaults()


def build_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the merged, validated settings, refusing default secrets in production."""
    return RpSettings.build(overrides)

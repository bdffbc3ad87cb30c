"""Diary settings: defaults here, then ``FEDLAB_RP_CONFIG`` (TOML), then ``FEDLAB_RP_*`` variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from shared.config import DEV_SECRET_MARKER
from shared.config import load_settings
from shared.config import refuse_default_secrets
from shared.config import resolve_cookie_secure

PREFIX = "FEDLAB_RP_"
#: Settings production refuses to run with at their development defaults.
SECRETS = ["SECRET_KEY", "LAB_TOKEN", "DEMO_CLIENT_SECRET"]
INSTANCE_DIR = Path(os.environ.get("FEDLAB_INSTANCE_DIR", Path(__file__).resolve().parent.parent / "instance"))


def defaults() -> dict[str, Any]:
    """Return the development defaults; production must override every secret."""
    port = int(os.environ.get("FEDLAB_RP_PORT", "5002"))
    idp_port = int(os.environ.get("FEDLAB_IDP_PORT", "5001"))
    return {
        "ENV": "development",
        "SECRET_KEY": DEV_SECRET_MARKER + "rp-secret-key",
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'rp.sqlite'}"),
        "BASE_URL": f"http://127.0.0.1:{port}",
        #: Where the demo region's IdP lives (the lab IdP by default).
        "DEMO_IDP_ISSUER": f"http://127.0.0.1:{idp_port}",
        "DEMO_CLIENT_ID": "dnevnik",
        "DEMO_CLIENT_SECRET": DEV_SECRET_MARKER + "dnevnik-client-secret",
        #: Both apps run on 127.0.0.1 and browsers do not separate cookies by port.
        "SESSION_COOKIE_NAME": "fedlab_rp_session",
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        #: "auto": Secure cookies in production or when the public URL is https; or true/false.
        "SESSION_COOKIE_SECURE": "auto",
        "LAB_MODE": True,
        "LAB_TOKEN": DEV_SECRET_MARKER + "lab-token",
        #: Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted (werkzeug ProxyFix);
        #: 0 = none: the headers are ignored and ``request.remote_addr`` (loopback check of the lab API) is the peer's.
        "PROXY_FIX_X_FOR": 0,
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_LOCKOUT_SECONDS": 900,
        "ARGON2_TIME_COST": 3,
        "ARGON2_MEMORY_COST": 65536,
        "ARGON2_PARALLELISM": 4,
        "BABEL_DEFAULT_LOCALE": "ru",
        "LANGUAGES": ["ru", "en"],
        "SMTP_URL": "",
        #: Version of the 152-ФЗ consent text; a new version asks every parent again.
        "CONSENT_VERSION": "2024-09",
        #: Days after entry during which a teacher may change a mark; afterwards only the operator.
        "MARK_EDIT_WINDOW_DAYS": 7,
        #: Fixed "today" of the diary (ISO date) for demos and tests; empty = the real date.
        "DIARY_TODAY": "",
        "MAIL_FROM": "no-reply@dnevnik.lab",
        "HTTP_TIMEOUT_SECONDS": 10.0,
        #: How long each process reuses a provider's discovery document (0: fetch it on every login).
        "DISCOVERY_CACHE_SECONDS": 300,
        #: The region behind the login page's "Войти через ГосУслуги" button.
        "DEFAULT_REGION": "dvinaland",
        #: Where the "profile not found" page tells people to ask for their diary login.
        "SCHOOL_EMAIL": "school32arh@example.test",
    }


def build_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the merged settings, refusing default secrets in production."""
    settings = load_settings(defaults(), PREFIX, overrides=overrides)
    refuse_default_secrets(settings, SECRETS)
    resolve_cookie_secure(settings, settings["BASE_URL"])
    settings["SQLALCHEMY_DATABASE_URI"] = settings["DATABASE_URL"]
    return settings

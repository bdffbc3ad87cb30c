"""IdP settings: defaults here, then ``FEDLAB_IDP_CONFIG`` (TOML), then ``FEDLAB_IDP_*`` variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from shared.config import DEV_SECRET_MARKER
from shared.config import load_settings
from shared.config import refuse_default_secrets
from shared.config import resolve_cookie_secure

PREFIX = "FEDLAB_IDP_"
#: Settings production refuses to run with at their development defaults.
SECRETS = ["SECRET_KEY", "LAB_TOKEN", "OPERATOR_PASSWORD"]
INSTANCE_DIR = Path(os.environ.get("FEDLAB_INSTANCE_DIR", Path(__file__).resolve().parent.parent / "instance"))


def defaults() -> dict[str, Any]:
    """Return the development defaults; production must override every secret."""
    port = int(os.environ.get("FEDLAB_IDP_PORT", "5001"))
    return {
        "ENV": "development",
        "SECRET_KEY": DEV_SECRET_MARKER + "idp-secret-key",
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'idp.sqlite'}"),
        "ISSUER": f"http://127.0.0.1:{port}",
        #: Both apps run on 127.0.0.1 and browsers do not separate cookies by port.
        "SESSION_COOKIE_NAME": "fedlab_idp_session",
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        #: "auto": Secure cookies in production or when the public URL is https; or true/false.
        "SESSION_COOKIE_SECURE": "auto",
        "LAB_MODE": True,
        "LAB_TOKEN": DEV_SECRET_MARKER + "lab-token",
        #: The diary's base URL, for the lab page's "reset the demo" button (its POST /api/lab/reset).
        "LAB_RP_URL": f"http://127.0.0.1:{int(os.environ.get('FEDLAB_RP_PORT', '5002'))}",
        #: Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted (werkzeug ProxyFix);
        #: 0 = none: the headers are ignored and ``request.remote_addr`` (loopback check of the lab API) is the peer's.
        "PROXY_FIX_X_FOR": 0,
        "OPERATOR_PASSWORD": DEV_SECRET_MARKER + "operator",
        # Registration codes.
        "CODE_TTL_SECONDS": 300,
        "CODE_MAX_ATTEMPTS": 3,
        "CODE_RESEND_INTERVAL_SECONDS": 60,
        "CODE_MAX_SENDS": 5,
        # Password log-in lockout.
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_LOCKOUT_SECONDS": 900,
        # State registry checks: delay range on the lab clock, and the policy.
        "VERIFICATION_DELAY": "15m-5d",
        "REGISTRY_POLICY": "lenient",
        # argon2id cost parameters.
        "ARGON2_TIME_COST": 3,
        "ARGON2_MEMORY_COST": 65536,
        "ARGON2_PARALLELISM": 4,
        "BABEL_DEFAULT_LOCALE": "ru",
        "LANGUAGES": ["ru", "en"],
        "SMTP_URL": "",
        # OpenID Provider: RFC 7591 registration at /register, lifetimes, protocol trace.
        "DYNAMIC_REGISTRATION": False,
        "OIDC_CODE_TTL_SECONDS": 60,
        "OIDC_ACCESS_TOKEN_TTL_SECONDS": 3600,
        "OIDC_ID_TOKEN_TTL_SECONDS": 3600,
        "OIDC_TRACE": True,
        "MAIL_FROM": "no-reply@gosuslugi.lab",
        # ESIA's own protocol (/aas/oauth2/*, /rs/prns): the issuer in its tokens (esia-connector hard-codes
        # this one), the client_secret timestamp window, lifetimes, and where the IdP's GOST key and
        # certificate are kept (empty: generated on first use in the instance directory, never committed).
        "ESIA_ISSUER": "http://esia.gosuslugi.ru/",
        "ESIA_TIMESTAMP_WINDOW_SECONDS": 300,
        "ESIA_CODE_TTL_SECONDS": 60,
        "ESIA_ACCESS_TOKEN_TTL_SECONDS": 3600,
        "ESIA_REFRESH_TOKEN_TTL_SECONDS": 30 * 86400,
        "ESIA_GOST_KEY_FILE": "",
        "ESIA_GOST_CERT_FILE": "",
    }


def build_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the merged settings, refusing default secrets in production."""
    settings = load_settings(defaults(), PREFIX, overrides=overrides)
    refuse_default_secrets(settings, SECRETS)
    resolve_cookie_secure(settings, settings["ISSUER"])
    settings["SQLALCHEMY_DATABASE_URI"] = settings["DATABASE_URL"]
    return settings

"""The host names ``make run`` / ``fedlab serve`` give the apps: ``http://idp.localhost:5001``, ``http://rp.localhost:5002``.

Browsers keep cookies per host name but not per port, so on 127.0.0.1 the IdP's and the diary's cookies
(and those of any other app a student runs on 127.0.0.1) would all be sent to each other. With a name each,
they are not. Browsers send ``*.localhost`` to loopback; this process and the apps resolve it themselves
(:mod:`shared.localhost_names`). Each URL can still be set as before (``FEDLAB_IDP_ISSUER``,
``FEDLAB_RP_BASE_URL``, ``FEDLAB_RP_DEMO_IDP_ISSUER``, ``FEDLAB_IDP_LAB_RP_URL``); ``FEDLAB_HOST_NAMES=0``
keeps everything on 127.0.0.1, which also keeps working with the names on.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

from labkit.settings import port_of

IDP_HOST = "idp.localhost"
RP_HOST = "rp.localhost"
LOOPBACK = "127.0.0.1"


def names_on(env: MutableMapping[str, str] | None = None) -> bool:
    """Return whether the apps get their own names (``FEDLAB_HOST_NAMES``, default on)."""
    value = (env if env is not None else os.environ).get("FEDLAB_HOST_NAMES", "1").strip().lower()
    return value not in ("0", "false", "no", "off")


def lab_urls(env: MutableMapping[str, str] | None = None) -> tuple[str, str]:
    """Return the browser-facing base URLs of the IdP and the diary (names on, or 127.0.0.1)."""
    idp_port, rp_port = port_of("FEDLAB_IDP_PORT", 5001), port_of("FEDLAB_RP_PORT", 5002)
    if names_on(env):
        return f"http://{IDP_HOST}:{idp_port}", f"http://{RP_HOST}:{rp_port}"
    return f"http://{LOOPBACK}:{idp_port}", f"http://{LOOPBACK}:{rp_port}"


def apply_lab_names(env: MutableMapping[str, str] | None = None) -> tuple[str, str]:
    """Fill in the apps' URL settings in ``env`` (default ``os.environ``) where unset; return the two base URLs."""
    env = os.environ if env is None else env
    idp_url, rp_url = lab_urls(env)
    defaults = {
        "FEDLAB_IDP_ISSUER": idp_url,
        "FEDLAB_IDP_LAB_RP_URL": rp_url,
        "FEDLAB_RP_BASE_URL": rp_url,
        "FEDLAB_RP_DEMO_IDP_ISSUER": idp_url,
    }
    for name, value in defaults.items():
        if not env.get(name):
            env[name] = value
    return env["FEDLAB_IDP_ISSUER"], env["FEDLAB_RP_BASE_URL"]


def loopback_twin(url: str) -> str | None:
    """Return ``url`` with a ``*.localhost`` host replaced by 127.0.0.1 (None when it has no such host)."""
    from urllib.parse import urlsplit
    from urllib.parse import urlunsplit

    parts = urlsplit(url)
    if not (parts.hostname or "").endswith(".localhost"):
        return None
    netloc = LOOPBACK + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def seeded_for_loopback() -> bool:
    """Return whether the diary's demo data was set up before the names (its demo region's IdP is 127.0.0.1).

    Such a lab keeps serving on 127.0.0.1 (its IdP client and regions know only those URLs) until it is set
    up afresh (``make clean run``).
    """
    from sqlalchemy import create_engine
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from rp.config import build_config

    url = build_config()["DATABASE_URL"]
    if url.startswith("sqlite:///") and not os.path.exists(url.removeprefix("sqlite:///")):
        return False
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            issuer = conn.execute(text("SELECT issuer FROM region WHERE name = 'dvinaland'")).scalar()
    except SQLAlchemyError:
        return False
    finally:
        engine.dispose()
    return bool(issuer) and str(issuer).startswith(f"http://{LOOPBACK}:")


def choose_lab_names(env: MutableMapping[str, str] | None = None) -> tuple[str, str]:
    """Apply the names (or 127.0.0.1 for a lab set up before them) to ``env``; return the two base URLs."""
    env = os.environ if env is None else env
    if names_on(env) and not env.get("FEDLAB_RP_DEMO_IDP_ISSUER") and seeded_for_loopback():
        env["FEDLAB_HOST_NAMES"] = "0"
    return apply_lab_names(env)

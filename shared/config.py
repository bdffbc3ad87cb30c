"""Layered settings: defaults < TOML file < environment variables < explicit overrides.

Each app calls :func:`load_settings` with its own defaults and prefix; the TOML file's
path comes from ``<PREFIX>CONFIG`` and each setting can be overridden by ``<PREFIX><NAME>``
(an empty variable counts as unset).
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from typing import Any

#: Values that must be replaced before running with ``ENV = "production"``.
DEV_SECRET_MARKER = "dev-only-"


class ConfigError(RuntimeError):
    """The configuration cannot be used (a bad value, or a default secret in production)."""


def _coerce(name: str, raw: str, default: Any) -> Any:
    """Turn an environment string into the type of the default value."""
    if isinstance(default, bool):
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off", ""):
            return False
        raise ConfigError(f"{name}: expected a boolean, got {raw!r}")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{name}: expected an integer, got {raw!r}") from None
    if isinstance(default, float):
        try:
            return float(raw)
        except ValueError:
            raise ConfigError(f"{name}: expected a number, got {raw!r}") from None
    if isinstance(default, (list, dict)):
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            if isinstance(default, list):
                return [part.strip() for part in raw.split(",") if part.strip()]
            raise ConfigError(f"{name}: expected JSON, got {raw!r}") from None
    return raw


def load_settings(
    defaults: Mapping[str, Any],
    prefix: str,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Merge the four layers and return the settings as a plain dict."""
    env = os.environ if environ is None else environ
    settings = dict(defaults)
    path = env.get(f"{prefix}CONFIG")
    if path:
        try:
            with open(path, "rb") as fh:
                from_file = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read {path}: {exc}") from None
        settings.update({k.upper(): v for k, v in from_file.items()})
    for key in list(settings):
        name = f"{prefix}{key}"
        # An empty variable counts as unset (compose files pass ``${VAR:-}`` through).
        if env.get(name):
            settings[key] = _coerce(name, env[name], settings[key])
    if overrides:
        settings.update(overrides)
    return settings


def refuse_default_secrets(settings: Mapping[str, Any], names: list[str]) -> None:
    """In production, raise if any named secret still holds its development default."""
    if settings.get("ENV") != "production":
        return
    bad = [n for n in names if not settings.get(n) or str(settings.get(n)).startswith(DEV_SECRET_MARKER)]
    if bad:
        raise ConfigError("production refuses default secrets: set " + ", ".join(bad))


def resolve_cookie_secure(settings: dict[str, Any], public_url: str) -> None:
    """Set ``SESSION_COOKIE_SECURE``: as configured, else ("auto") on in production or when ``public_url`` is https."""
    value = settings.get("SESSION_COOKIE_SECURE")
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "auto")):
        value = settings.get("ENV") == "production" or str(public_url).lower().startswith("https://")
    elif isinstance(value, str):
        value = _coerce("SESSION_COOKIE_SECURE", value, False)
    settings["SESSION_COOKIE_SECURE"] = bool(value)

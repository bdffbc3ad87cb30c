"""Typed, documented settings both apps share, in four layers: defaults < TOML file < environment < overrides.

Each app subclasses :class:`AppSettings` with its own prefix and settings. The TOML file's path comes
from ``<PREFIX>CONFIG`` (keys in any case), each setting can be set by ``<PREFIX><NAME>`` (an empty
variable counts as unset; lists as JSON or comma-separated), and the dict given to ``create_app``
wins over both. Every value is validated when the app starts; a bad one is a :class:`ConfigError`
naming the setting.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from typing import Annotated
from typing import Any
from typing import ClassVar
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field
from pydantic import ValidationError
from pydantic import field_validator
from pydantic_settings import BaseSettings
from pydantic_settings import InitSettingsSource
from pydantic_settings import NoDecode
from pydantic_settings import PydanticBaseSettingsSource
from pydantic_settings import SettingsConfigDict

from shared.passwords import LAB_HASH
from shared.passwords import PRODUCTION_HASH

#: Values that must be replaced before running with ``ENV = "production"``.
DEV_SECRET_MARKER = "dev-only-"
#: The shortest secret production accepts.
MIN_SECRET_LENGTH = 32
#: Host names every app answers to besides its public URL's: loopback, and the names ``make run`` gives the apps
#: (browsers send ``*.localhost`` to loopback).
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]", "idp.localhost", "rp.localhost")


class ConfigError(RuntimeError):
    """The configuration cannot be used (a bad value, or a default secret in production)."""


def port_of(variable: str, default: int) -> int:
    """Return the port an app listens on by default (``FEDLAB_IDP_PORT``/``FEDLAB_RP_PORT``), for default URLs."""
    raw = os.environ.get(variable) or str(default)
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{variable}: expected a port number, got {raw!r}") from None


def read_toml(path: str, variable: str) -> dict[str, Any]:
    """Return the settings of the TOML file at ``path`` with their names upper-cased."""
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{variable}: cannot read {path}: {exc}") from None
    return {key.upper(): value for key, value in data.items()}


class AppSettings(BaseSettings):
    """The settings every app has: mode, secrets, database, cookies, lab, hashing, languages, mail."""

    model_config = SettingsConfigDict(
        case_sensitive=False,
        env_ignore_empty=True,
        extra="allow",
        use_attribute_docstrings=True,
        validate_default=True,
    )

    #: The environment variable prefix (``FEDLAB_IDP_``); the TOML file's path is ``<PREFIX>CONFIG``.
    PREFIX: ClassVar[str] = ""
    #: Settings production refuses to run with at their development defaults.
    SECRETS: ClassVar[tuple[str, ...]] = ("SECRET_KEY", "LAB_TOKEN")
    #: The setting holding the app's public base URL (decides ``SESSION_COOKIE_SECURE = "auto"``).
    PUBLIC_URL: ClassVar[str] = ""

    ENV: Literal["development", "production"] = Field(
        default_factory=lambda: os.environ.get("FEDLAB_ENV") or "development"
    )
    """``production`` (also ``FEDLAB_ENV`` for both apps) turns lab mode off unless asked, refuses the development
    and short secrets, turns on Secure cookies, and loopback no longer opens the lab without the token."""
    SECRET_KEY: str = DEV_SECRET_MARKER + "secret-key"
    """Signs the CSRF tokens (the session cookie carries only a random id)."""
    DATABASE_URL: str = ""
    """The SQLAlchemy URL of the app's database (SQLite under the instance folder by default)."""
    SESSION_COOKIE_NAME: str = "fedlab_session"
    """Both apps run on 127.0.0.1 and browsers do not separate cookies by port: each names its own."""
    SESSION_COOKIE_SAMESITE: Literal["Lax", "Strict", "None"] = "Lax"
    """The session cookie's ``SameSite`` attribute."""
    SESSION_COOKIE_HTTPONLY: bool = True
    """Hide the session cookie from scripts."""
    SESSION_COOKIE_SECURE: bool | Literal["auto"] = "auto"
    """``auto``: Secure cookies in production or when the public URL is https; or true/false."""
    SESSION_IDLE_SECONDS: int = Field(default=3600, ge=60)
    """A session ends after this long without a request (real time, measured to ``SESSION_TOUCH_SECONDS``)."""
    SESSION_ABSOLUTE_SECONDS: int = Field(default=43200, ge=60)
    """A session ends this long after its login, however active (real time)."""
    SESSION_TOUCH_SECONDS: int = Field(default=60, ge=0)
    """The least time between two writes that only keep a session's idle lifetime going."""
    REDIS_URL: str = Field(default_factory=lambda: os.environ.get("REDIS_URL", ""))
    """Keep sessions in Redis at this URL (``REDIS_URL``, ``redis://127.0.0.1:6379/0``); empty: in the database."""
    SESSION_REDIS_PREFIX: str = "fedlab:"
    """The prefix of the app's session keys in Redis (each app has its own)."""
    LAB_MODE: bool | None = None
    """Serve the lab pages and the lab API (guarded by ``LAB_TOKEN``); unset: on, except in production."""
    LAB_TOKEN: str = DEV_SECRET_MARKER + "lab-token"
    """The ``X-Lab-Token`` the lab API and lab pages accept from other hosts than loopback."""
    LAB_TOKEN_MAX_ATTEMPTS: int = Field(default=10, ge=1)
    """Wrong lab tokens one address may send per ``LAB_TOKEN_WINDOW_SECONDS`` before it gets 429."""
    LAB_TOKEN_WINDOW_SECONDS: int = Field(default=900, ge=1)
    """The window of ``LAB_TOKEN_MAX_ATTEMPTS`` (each worker process counts on its own)."""
    ALLOWED_HOSTS: Annotated[list[str], NoDecode] = []
    """Further names (``host`` or ``host:port``) the lab accepts in ``Host`` and ``Origin``, besides loopback,
    ``idp.localhost``/``rp.localhost`` and the public URL's host (JSON or comma-separated in the environment)."""
    MAX_CONTENT_LENGTH: int = Field(default=1024 * 1024, ge=1024)
    """The largest request body accepted, in bytes (larger: 413)."""
    PROXY_FIX_X_FOR: int = Field(default=0, ge=0)
    """Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted (werkzeug ProxyFix);
    0 = none: the headers are ignored and ``request.remote_addr`` (loopback check of the lab API) is the peer's."""
    LOGIN_MAX_FAILURES: int = Field(default=5, ge=1)
    """Wrong passwords in a row before a login is locked."""
    LOGIN_LOCKOUT_SECONDS: int = Field(default=900, ge=0)
    """How long a locked login stays locked."""
    ARGON2_TIME_COST: int | None = Field(default=None, ge=1)
    """argon2id iterations; unset: 1 in development (lab), 3 in production."""
    ARGON2_MEMORY_COST: int | None = Field(default=None, ge=8)
    """argon2id memory in KiB; unset: 4096 in development (lab), 65536 in production."""
    ARGON2_PARALLELISM: int | None = Field(default=None, ge=1)
    """argon2id lanes; unset: 1 in development (lab), 4 in production."""
    BABEL_DEFAULT_LOCALE: str = "ru"
    """The language of a visitor who chose none."""
    LANGUAGES: Annotated[list[str], NoDecode] = ["ru", "en"]
    """The languages offered by the switcher (JSON or comma-separated in the environment)."""
    SMTP_URL: str = ""
    """Where outgoing mail goes (``smtp://host:port``); empty: mail only lands in the lab inbox."""
    MAIL_FROM: str = "no-reply@fedlab.lab"
    """The sender of outgoing mail."""

    @field_validator("LANGUAGES", "ALLOWED_HOSTS", mode="before")
    @classmethod
    def _split_list(cls, value: Any) -> Any:
        """Accept a JSON list or a comma-separated string."""
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Overrides first, then the environment, then the TOML file named by ``<PREFIX>CONFIG``."""
        variable = cls.PREFIX + "CONFIG"
        path = os.environ.get(variable)
        from_file = read_toml(path, variable) if path else {}
        return init_settings, env_settings, InitSettingsSource(settings_cls, init_kwargs=from_file)

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Return every setting's default value, by name."""
        return {name: field.get_default(call_default_factory=True) for name, field in cls.model_fields.items()}

    @classmethod
    def build(cls, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Merge and validate the four layers; return the Flask config (unknown override keys pass through)."""
        try:
            settings = cls(_env_prefix=cls.PREFIX, **dict(overrides or {}))
        except ValidationError as exc:
            raise ConfigError(cls._describe(exc)) from None
        values = settings.model_dump()
        if values["LAB_MODE"] is None:
            values["LAB_MODE"] = values["ENV"] != "production"
        refuse_default_secrets(values, cls.SECRETS)
        values["PUBLIC_BASE_URL"] = str(values.get(cls.PUBLIC_URL) or "").rstrip("/")
        values["ALLOWED_HOSTS"] = allowed_hosts(values["PUBLIC_BASE_URL"], values["ALLOWED_HOSTS"])
        values.update(hash_settings(values))
        if values["SESSION_COOKIE_SECURE"] == "auto":
            public_url = str(values.get(cls.PUBLIC_URL, ""))
            values["SESSION_COOKIE_SECURE"] = values["ENV"] == "production" or public_url.lower().startswith("https://")
        values["SQLALCHEMY_DATABASE_URI"] = values["DATABASE_URL"]
        return values

    @classmethod
    def _describe(cls, exc: ValidationError) -> str:
        """Name each refused setting with the variable that can set it and the value it got."""
        lines = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "settings"
            where = f"{name} ({cls.PREFIX}{name})" if name in cls.model_fields else name
            message = str(error["msg"]).removeprefix("Value error, ")
            lines.append(f"{where}: {message} (got {error.get('input')!r})")
        return "invalid settings: " + "; ".join(lines)


def hash_settings(settings: Mapping[str, Any]) -> dict[str, int]:
    """Return the argon2 settings with unset ones taken from the mode's costs (lab or production)."""
    costs = PRODUCTION_HASH if settings.get("ENV") == "production" else LAB_HASH
    return {
        "ARGON2_TIME_COST": settings.get("ARGON2_TIME_COST") or costs.time_cost,
        "ARGON2_MEMORY_COST": settings.get("ARGON2_MEMORY_COST") or costs.memory_cost,
        "ARGON2_PARALLELISM": settings.get("ARGON2_PARALLELISM") or costs.parallelism,
    }


def allowed_hosts(public_url: str, extra: list[str]) -> list[str]:
    """Return the names the app answers to: loopback, ``idp.localhost``/``rp.localhost``, the public URL's host, extras.

    Lower-cased; an entry without a port matches any port.
    """
    names = [*LOCAL_HOSTS]
    host = urlsplit(public_url).netloc.rpartition("@")[2].lower()
    if host:
        names.append(host)
    names += [name.strip().lower() for name in extra if name.strip()]
    return list(dict.fromkeys(names))


def refuse_default_secrets(settings: Mapping[str, Any], names: tuple[str, ...] | list[str]) -> None:
    """In production, raise if any named secret is empty, still its development default, or shorter than 32."""
    if settings.get("ENV") != "production":
        return
    default = [n for n in names if not settings.get(n) or str(settings.get(n)).startswith(DEV_SECRET_MARKER)]
    short = [n for n in names if n not in default and len(str(settings.get(n))) < MIN_SECRET_LENGTH]
    problems = []
    if default:
        problems.append("default or empty secrets: set " + ", ".join(default))
    if short:
        problems.append(f"secrets shorter than {MIN_SECRET_LENGTH} characters: " + ", ".join(short))
    if problems:
        raise ConfigError("production refuses " + "; ".join(problems))

"""What the lab helpers hand back: an account to log in with and a client to log in for."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class LabAccount:
    """A Gosuslugi account of the lab: its ``sub`` (the ESIA-style oid), what to type at login, its data."""

    oid: int
    login: str
    password: str
    level: str
    data: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def sub(self) -> str:
        """Return the ``sub`` claim the IdP gives this account."""
        return str(self.oid)

    @property
    def phone(self) -> str | None:
        """Return the account's phone as the inbox keys it (``+7XXXXXXXXXX``), if any."""
        phone = self.data.get("phone")
        return "+" + "".join(ch for ch in phone if ch.isdigit()) if phone else None


@dataclass(frozen=True)
class LabClient:
    """A client registered at the IdP: OpenID Connect (id and secret) or ESIA (id, certificate and key)."""

    client_id: str
    secret: str | None
    redirect_uri: str
    scope: str
    protocol: str = "oidc"
    auth_method: str = "client_secret_basic"
    certificate_pem: str | None = None
    key_pem: str | None = None
    #: The certificate and key as files (ESIA client libraries want paths).
    certificate_path: Path | None = None
    key_path: Path | None = None
    data: dict[str, Any] = field(default_factory=dict, compare=False)


class AuthorizeError(AssertionError):
    """The login did not come back with a code: an error redirect, a page the driver could not pass, a refusal."""

    def __init__(self, message: str, error: str | None = None, description: str | None = None) -> None:
        super().__init__(message)
        self.error = error
        self.description = description

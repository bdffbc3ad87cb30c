"""Regions: each regional entry point names an OpenID Provider, the diary's client there and the scopes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import DateTime
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from rp.clock import clock
from rp.db import db

#: ESIA scopes for the attributes the diary matches on.
DEFAULT_SCOPE = "openid fullname birthdate gender snils email mobile"

#: Diary field -> claim name, for a standard OpenID Provider plus ``snils``.
DEFAULT_CLAIM_MAP: dict[str, str] = {
    "last_name": "family_name",
    "first_name": "given_name",
    "middle_name": "middle_name",
    "birthdate": "birthdate",
    "gender": "gender",
    "snils": "snils",
    "email": "email",
    "phone": "phone_number",
    "trust_level": "trust_level",
}


class Region(db.Model):
    """A regional entry point ``/login/esia/<name>`` and the OpenID Provider it uses."""

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: URL slug, e.g. ``dvinaland``.
    name: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    issuer: Mapped[str] = mapped_column(String(255), nullable=False)
    client_id: Mapped[str] = mapped_column(String(255), nullable=False)
    client_secret: Mapped[str] = mapped_column(String(255), nullable=False)
    scope: Mapped[str] = mapped_column(String(500), nullable=False, default=DEFAULT_SCOPE)
    #: Overrides of :data:`DEFAULT_CLAIM_MAP` (diary field -> claim name).
    claim_map: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    #: The provider's last fetched JWKS (refetched when a token names an unknown ``kid``).
    jwks_json: Mapped[str | None] = mapped_column(Text)
    jwks_fetched_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.real, nullable=False)

    def claim_names(self) -> dict[str, str]:
        """Return the effective diary field -> claim name mapping."""
        return {**DEFAULT_CLAIM_MAP, **(self.claim_map or {})}

"""IdP area: profile."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("profile", __name__)

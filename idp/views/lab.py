"""IdP area: lab."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("lab", __name__)

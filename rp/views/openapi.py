"""The OpenAPI 3.1 description of the diary's JSON API (kept in ``rp/openapi.yaml``), served as JSON."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

from labkit.web import openapi_response

bp = Blueprint("openapi", __name__)

#: The description kept in the repository; ``tests/test_openapi.py`` checks it against the routes.
SPEC_PATH = str(Path(__file__).resolve().parent.parent / "openapi.yaml")


@bp.get("/api/openapi.json")
def document():
    """Return the OpenAPI description of every JSON route of this app."""
    return openapi_response(SPEC_PATH)

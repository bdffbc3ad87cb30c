"""The health check both apps serve at ``/healthz``: 200 when the database answers, else 503 with the reason."""

from __future__ import annotations

import logging

from flask import Response
from flask import jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


def database_problem(session: Session) -> str | None:
    """Return why the database does not answer ``SELECT 1`` (the driver's first line, no URL), or None."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        session.rollback()
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        return reason[0] if reason else type(exc).__name__
    return None


def health_response(session: Session, app: str) -> Response:
    """``{"status": "ok", "app"}``, or 503 ``{"status": "unavailable", "app", "database": "unreachable", "reason"}``."""
    problem = database_problem(session)
    if problem is None:
        return jsonify(status="ok", app=app)
    log.error("health check: the database is unreachable: %s", problem)
    response = jsonify(status="unavailable", app=app, database="unreachable", reason=problem)
    response.status_code = 503
    return response

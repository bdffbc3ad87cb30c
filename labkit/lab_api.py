"""The lab JSON API plumbing both apps share: JSON errors, the request body, reset and scenario loading.

Each app passes its own database session and scenario domain functions; errors are JSON
``{"error", "error_description"}`` and a refused document changes nothing (one transaction).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response
from flask import abort
from flask import jsonify
from flask import request
from sqlalchemy.orm import Session

from labkit.sessions import end_logged_in_sessions
from shared.scenarios import ResetOptions
from shared.scenarios import Scenario
from shared.scenarios import ScenarioError
from shared.scenarios import parse
from shared.scenarios import reset_options


def json_error(status: int, error: str, description: str) -> Response:
    """Return a JSON error response ``{"error", "error_description"}`` with ``status``."""
    response = jsonify(error=error, error_description=description)
    response.status_code = status
    return response


def json_body() -> Any:
    """Return the request's JSON body; an empty body or one that is not JSON aborts with 400."""
    if not request.data:
        abort(json_error(400, "invalid_request", "A JSON body is required (Content-Type: application/json)."))
    data = request.get_json(silent=True)
    if data is None:
        abort(json_error(400, "invalid_request", "The body must be JSON (Content-Type: application/json)."))
    return data


def reset_response(
    session: Session,
    wipe: Callable[[Session, ResetOptions], dict[str, int]],
    seed_demo: Callable[[], dict],
) -> Response:
    """Wipe the app as the request body's reset options say, re-seed the demo when asked, commit once.

    The body must say ``demo`` (``{"demo": true}``: back to the demo start; ``{"demo": false}``: empty): an
    empty body or ``{}`` never means "wipe everything".
    """
    data = json_body() if request.data else None
    if not isinstance(data, dict) or "demo" not in data:
        return json_error(
            400,
            "invalid_request",
            'request: say what to reset to: {"demo": true} (the demo) or {"demo": false} (empty)',
        )
    try:
        options = reset_options(data, source="request")
    except ScenarioError as exc:
        return json_error(400, "invalid_request", str(exc))
    return jsonify(reset_app(session, wipe, seed_demo, options))


def reset_app(
    session: Session,
    wipe: Callable[[Session, ResetOptions], dict[str, int]],
    seed_demo: Callable[[], dict],
    options: ResetOptions,
) -> dict[str, Any]:
    """Wipe the app as ``options`` say and re-seed the demo when asked, in one committed transaction.

    Returns ``{"reset": true, "demo", "deleted", "seeded"}`` (the reset API's answer); the lab pages'
    reset buttons call this too.
    """
    try:
        deleted = wipe(session, options)
        end_logged_in_sessions()  # the people are gone (and their ids may come back as others)
        seeded = seed_demo() if options.demo else {}
        session.commit()
    except Exception:
        session.rollback()
        raise
    return {"reset": True, "demo": options.demo, "deleted": deleted, "seeded": seeded}


def scenario_response(
    session: Session,
    wipe: Callable[[Session, ResetOptions], dict[str, int]],
    apply: Callable[[Scenario], dict[str, Any]],
    refused: type[Exception],
) -> Response:
    """Reset the app and apply its part of the scenario document in the body, all in one transaction.

    ``apply`` raising ``refused`` rolls everything back and answers 400 ``invalid_scenario``.
    """
    data = json_body()
    if not isinstance(data, dict):
        return json_error(400, "invalid_scenario", "request: expected a JSON object (a scenario document)")
    document = {k: v for k, v in data.items() if k != "reset"}
    try:
        scenario = parse(document, source="request")
        options = reset_options(data.get("reset"), source="request.reset")
    except ScenarioError as exc:
        return json_error(400, "invalid_scenario", str(exc))
    try:
        wipe(session, options)
        end_logged_in_sessions()
        result = apply(scenario)
        session.commit()
    except refused as exc:
        session.rollback()
        return json_error(400, "invalid_scenario", f"request: {exc}")
    except Exception:
        session.rollback()
        raise
    return jsonify(scenario=scenario.name, **result)

"""The IdP's lab JSON API for QA: reset the lab, load the IdP side of a scenario.

Lab-only (404 unless LAB_MODE); off loopback the ``X-Lab-Token`` header must equal LAB_TOKEN.
Errors are JSON ``{"error", "error_description"}``; a refused document changes nothing.
"""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import jsonify
from flask import request

from fedlab.web import lab_guard
from fedlab.web import password_hasher
from idp.domain import labstate
from idp.domain import scenario as scenario_domain
from idp.extensions import csrf
from idp.extensions import db
from shared.scenarios import ScenarioError
from shared.scenarios import parse
from shared.scenarios import reset_options

bp = Blueprint("lab_api", __name__)
csrf.exempt(bp)
bp.before_request(lab_guard)  # 404 without lab mode; /api/ routes want X-Lab-Token off loopback


def _error(status: int, error: str, description: str):
    response = jsonify(error=error, error_description=description)
    response.status_code = status
    return response


def _json_body():
    if not request.data:
        return {}
    data = request.get_json(silent=True)
    if data is None:
        abort(_error(400, "invalid_request", "The body must be JSON (Content-Type: application/json)."))
    return data


@bp.post("/api/lab/reset")
def reset():
    """Wipe accounts, consents, tokens, traces, registry, inbox and clock; ``{"demo": true}`` re-seeds the demo."""
    try:
        options = reset_options(_json_body(), source="request")
    except ScenarioError as exc:
        return _error(400, "invalid_request", str(exc))
    try:
        deleted = scenario_domain.wipe(db.session, options)
        seeded = {}
        if options.demo:
            seeded = scenario_domain.seed_demo(db.session, password_hasher(), labstate.now(db.session).date())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return jsonify(reset=True, demo=options.demo, deleted=deleted, seeded=seeded)


@bp.post("/api/lab/scenario")
def load_scenario():
    """Reset the IdP and apply the IdP part of a scenario document (JSON), all in one transaction."""
    data = _json_body()
    if not isinstance(data, dict):
        return _error(400, "invalid_scenario", "request: expected a JSON object (a scenario document)")
    document = {k: v for k, v in data.items() if k != "reset"}
    try:
        scenario = parse(document, source="request")
        options = reset_options(data.get("reset"), source="request.reset")
    except ScenarioError as exc:
        return _error(400, "invalid_scenario", str(exc))
    try:
        scenario_domain.wipe(db.session, options)
        result = scenario_domain.apply(db.session, scenario, password_hasher(), labstate.now(db.session).date())
        db.session.commit()
    except scenario_domain.ScenarioRefused as exc:
        db.session.rollback()
        return _error(400, "invalid_scenario", f"request: {exc}")
    except Exception:
        db.session.rollback()
        raise
    return jsonify(scenario=scenario.name, **result)

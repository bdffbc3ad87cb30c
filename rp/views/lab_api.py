"""The diary's lab JSON API for QA: reset the diary, load the diary side of a scenario, read its state.

Lab-only (404 unless LAB_MODE); off loopback the ``X-Lab-Token`` header must equal LAB_TOKEN.
Errors are JSON ``{"error", "error_description"}``; a refused document changes nothing.
Also the lab page listing the scenario library (``/lab/scenarios``).
"""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import request

from fedlab.web import lab_guard
from fedlab.web import password_hasher
from rp.domain import scenario as scenario_domain
from rp.extensions import csrf
from rp.extensions import db
from rp.models.people import User
from shared import scenarios as library
from shared.clock import real_now
from shared.demo_people import DEMO_RP_PASSWORD
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


def _provider() -> scenario_domain.ProviderDefaults:
    cfg = current_app.config
    return scenario_domain.ProviderDefaults(
        issuer=cfg["DEMO_IDP_ISSUER"], client_id=cfg["DEMO_CLIENT_ID"], client_secret=cfg["DEMO_CLIENT_SECRET"]
    )


def _today():
    fixed = current_app.config.get("DIARY_TODAY")
    if fixed:
        from datetime import date

        return date.fromisoformat(fixed)
    return real_now().date()


@bp.post("/api/lab/reset")
def reset():
    """Wipe people, logins, links, linking records and school data; ``{"demo": true}`` re-seeds the demo."""
    try:
        options = reset_options(_json_body(), source="request")
    except ScenarioError as exc:
        return _error(400, "invalid_request", str(exc))
    try:
        deleted = scenario_domain.wipe(db.session, options)
        seeded = {}
        if options.demo:
            password_hash = password_hasher().hash(DEMO_RP_PASSWORD)
            seeded = scenario_domain.seed_demo(db.session, _today(), _provider(), password_hash)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return jsonify(reset=True, demo=options.demo, deleted=deleted, seeded=seeded)


@bp.post("/api/lab/scenario")
def load_scenario():
    """Reset the diary and apply the diary part of a scenario document (JSON), all in one transaction."""
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
        result = scenario_domain.apply(db.session, scenario, password_hasher(), _provider())
        db.session.commit()
    except scenario_domain.ScenarioRefused as exc:
        db.session.rollback()
        return _error(400, "invalid_scenario", f"request: {exc}")
    except Exception:
        db.session.rollback()
        raise
    return jsonify(scenario=scenario.name, **result)


@bp.get("/api/lab/state")
def state():
    """Return counts, regions and every existing link (issuer, subject) -> diary login."""
    return jsonify(scenario_domain.state(db.session))


@bp.get("/api/lab/users/<int:user_id>")
def user(user_id: int):
    """Return one diary login with its person and links."""
    found = db.session.get(User, user_id)
    if found is None:
        return _error(404, "not_found", f"no diary login with id {user_id}")
    return jsonify(scenario_domain.user_json(found))


@bp.get("/lab/scenarios")
def scenarios_page():
    """List the QA scenario library with descriptions and how to load and check each one."""
    items, problems = [], []
    for name in library.names():
        try:
            items.append(library.load(name))
        except ScenarioError as exc:
            problems.append(str(exc))
    return render_template("lab/scenarios.html", scenarios=items, problems=problems, outcomes=library.OUTCOMES)

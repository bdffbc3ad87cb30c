"""The IdP's lab JSON API for QA: reset the lab, load the IdP side of a scenario.

Lab-only (404 unless LAB_MODE); off loopback the ``X-Lab-Token`` header must equal LAB_TOKEN.
Errors are JSON ``{"error", "error_description"}``; a refused document changes nothing.
"""

from __future__ import annotations

from flask import Blueprint

from idp.db import db
from idp.domain import labstate
from idp.domain import scenario as scenario_domain
from idp.extensions import csrf
from idp.oidc import trace
from labkit.lab_api import reset_response
from labkit.lab_api import scenario_response
from labkit.web import lab_guard
from labkit.web import password_hasher

bp = Blueprint("lab_api", __name__)
csrf.exempt(bp)
bp.before_request(lab_guard)  # 404 without lab mode; /api/ routes want X-Lab-Token off loopback


@bp.post("/api/lab/reset")
def reset():
    """Wipe accounts, consents, tokens, traces, registry, inbox and clock; ``{"demo": true}`` re-seeds the demo."""
    return reset_response(
        db.session,
        trace.flushed_first(scenario_domain.wipe),
        lambda: scenario_domain.seed_demo(db.session, password_hasher(), labstate.now(db.session).date()),
    )


@bp.post("/api/lab/scenario")
def load_scenario():
    """Reset the IdP and apply the IdP part of a scenario document (JSON), all in one transaction."""
    return scenario_response(
        db.session,
        trace.flushed_first(scenario_domain.wipe),
        lambda scenario: scenario_domain.apply(
            db.session, scenario, password_hasher(), labstate.now(db.session).date()
        ),
        scenario_domain.ScenarioRefused,
    )

"""The diary's lab JSON API for QA: reset the diary, load the diary side of a scenario, read its state.

Lab-only (404 unless LAB_MODE); off loopback the ``X-Lab-Token`` header must equal LAB_TOKEN.
Errors are JSON ``{"error", "error_description"}``; a refused document changes nothing.
The lab page listing the scenario library is :mod:`rp.views.lab_scenarios`.
"""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import request
from sqlalchemy import select

from labkit.lab_api import json_error
from labkit.lab_api import reset_response
from labkit.lab_api import scenario_response
from labkit.web import lab_guard
from labkit.web import password_hasher
from rp.domain import scenario as scenario_domain
from rp.extensions import csrf
from rp.extensions import db
from rp.models.comms import OutboxMessage
from rp.models.people import User
from rp.seed import ProviderDefaults
from rp.seed import ScenarioRefused
from rp.seed import seed
from rp.seed import wipe
from rp.views.diarykit import today

bp = Blueprint("lab_api", __name__)
csrf.exempt(bp)
bp.before_request(lab_guard)  # 404 without lab mode; /api/ routes want X-Lab-Token off loopback


def provider_defaults() -> ProviderDefaults:
    """Return the demo region's IdP issuer and the diary's client there, from the configuration."""
    cfg = current_app.config
    return ProviderDefaults(
        issuer=cfg["DEMO_IDP_ISSUER"], client_id=cfg["DEMO_CLIENT_ID"], client_secret=cfg["DEMO_CLIENT_SECRET"]
    )


def seed_demo() -> dict:
    """Create the diary's demo school, people, logins and links (the caller commits)."""
    return seed(db.session, "demo", today=today(), provider=provider_defaults(), hasher=password_hasher())


def seed_scenario(scenario) -> dict:
    """Create the diary's side of a scenario (people, logins, links) after a wipe (the caller commits)."""
    return seed(
        db.session, "scenario", today=today(), provider=provider_defaults(), hasher=password_hasher(), scenario=scenario
    )


@bp.post("/api/lab/reset")
def reset():
    """Wipe people, logins, links, linking records and school data; ``{"demo": true}`` re-seeds the demo."""
    return reset_response(db.session, wipe, seed_demo)


@bp.post("/api/lab/scenario")
def load_scenario():
    """Reset the diary and apply the diary part of a scenario document (JSON), all in one transaction."""
    return scenario_response(
        db.session,
        wipe,
        lambda scenario: seed(
            db.session,
            "scenario",
            today=today(),
            provider=provider_defaults(),
            hasher=password_hasher(),
            scenario=scenario,
        ),
        ScenarioRefused,
    )


@bp.get("/api/lab/state")
def state():
    """Return counts, regions and every existing link (issuer, subject) -> diary login."""
    return jsonify(scenario_domain.state(db.session))


@bp.get("/api/lab/users/<int:user_id>")
def user(user_id: int):
    """Return one diary login with its person and links."""
    found = db.session.get(User, user_id)
    if found is None:
        return json_error(404, "not_found", f"no diary login with id {user_id}")
    return jsonify(scenario_domain.user_json(found))


def outbox_json(message: OutboxMessage) -> dict:
    """Return one e-mail or SMS the diary sent (its lab outbox row) as a JSON-ready dict."""
    delivery = "failed" if message.error else ("sent" if message.sent_at else "outbox")
    return {
        "id": message.id,
        "channel": message.channel,
        "recipient": message.to_address,
        "subject": message.subject,
        "body": message.body,
        "created_at": message.created_at.isoformat() + "Z",
        "delivery": delivery,
    }


@bp.get("/api/lab/outbox")
def outbox():
    """Return the diary's e-mails and SMS to parents, newest first: ``{"messages": [...]}``; ``?recipient=`` filters."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200)
    recipient = (request.args.get("recipient") or "").strip()
    if recipient:
        query = query.where(OutboxMessage.to_address == recipient)
    return jsonify(messages=[outbox_json(m) for m in db.session.scalars(query)])

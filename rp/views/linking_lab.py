"""Lab pages and JSON for the linking records: why a Gosuslugi login was or was not recognised."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import request
from sqlalchemy import select

from labkit.web import lab_guard
from rp.extensions import db
from rp.models.linking import LinkingRecord

bp = Blueprint("linking_lab", __name__)


#: Answer 404 unless the lab mode is on; the JSON API wants the lab token off loopback.
bp.before_request(lab_guard)


def _recent(limit: int) -> list[LinkingRecord]:
    return list(db.session.scalars(select(LinkingRecord).order_by(LinkingRecord.id.desc()).limit(limit)))


@bp.get("/lab/linking")
def index():
    """List the latest linking decisions."""
    return render_template("lab/linking_list.html", records=_recent(200))


@bp.get("/lab/linking/<int:record_id>")
def show(record_id: int):
    """Show one linking decision field by field."""
    record = db.session.get(LinkingRecord, record_id) or abort(404)
    return render_template("lab/linking_show.html", record=record, idp_trace_url=idp_trace_url(record))


def idp_trace_url(record: LinkingRecord) -> str | None:
    """Return the lab IdP's page of this login's protocol trace (found by the state's hash), or None.

    Only for logins through the lab's own IdP (``DEMO_IDP_ISSUER``) in lab mode: other providers have no trace.
    """
    issuer = (current_app.config.get("DEMO_IDP_ISSUER") or "").rstrip("/")
    if not current_app.config.get("LAB_MODE") or not record.state_sha256 or not issuer:
        return None
    if record.issuer.rstrip("/") != issuer:
        return None
    return f"{issuer}/lab/traces?{urlencode({'state_sha256': record.state_sha256})}"


@bp.get("/api/lab/linking")
def api_index():
    """Return the latest linking decisions as JSON (``?limit=``, at most 500)."""
    limit = min(max(request.args.get("limit", 50, type=int), 1), 500)
    return jsonify(records=[r.to_dict() for r in _recent(limit)])


@bp.get("/api/lab/linking/<int:record_id>")
def api_show(record_id: int):
    """Return one linking decision as JSON."""
    record = db.session.get(LinkingRecord, record_id) or abort(404)
    return jsonify(record.to_dict())

"""Lab-only protocol trace viewer: recent logins, and one login as an ordered exchange (HTML and JSON)."""

from __future__ import annotations

import json

from flask import Blueprint
from flask import abort
from flask import jsonify
from flask import render_template

from fedlab.web import lab_guard
from idp.extensions import db
from idp.models.trace import ProtocolTrace
from idp.oidc import trace

bp = Blueprint("traces", __name__)


#: Hide the trace viewer outside lab mode; the JSON API wants the lab token off loopback.
bp.before_request(lab_guard)


def _load(trace_id: str) -> dict:
    row = db.session.get(ProtocolTrace, trace_id)
    if row is None:
        abort(404)
    return trace.trace_json(row, trace.trace_events(db.session, trace_id))


@bp.get("/lab/traces")
def index():
    """List recent logins seen by the provider."""
    return render_template("traces/list.html", traces=[trace.trace_json(t) for t in trace.recent_traces(db.session)])


@bp.get("/lab/traces/<trace_id>")
def show(trace_id: str):
    """Show one login's exchanges in order, with decoded tokens."""
    data = _load(trace_id)
    for exchange in data["exchanges"]:
        exchange["request_text"] = json.dumps(exchange["request"], ensure_ascii=False, indent=2)
        exchange["response_text"] = json.dumps(exchange["response"], ensure_ascii=False, indent=2)
    return render_template("traces/show.html", trace=data)


@bp.get("/api/lab/traces")
def api_index():
    """Return recent logins as JSON."""
    return jsonify(traces=[trace.trace_json(t) for t in trace.recent_traces(db.session)])


@bp.get("/api/lab/traces/<trace_id>")
def api_show(trace_id: str):
    """Return one login's exchanges as JSON."""
    return jsonify(_load(trace_id))

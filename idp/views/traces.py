"""Lab-only protocol trace viewer: recent logins, and one login as an ordered exchange (HTML and JSON)."""

from __future__ import annotations

import json
from datetime import datetime

from flask import Blueprint
from flask import abort
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from idp.db import db
from idp.models.trace import ProtocolTrace
from idp.oidc import trace
from idp.oidc import trace_diagram
from labkit.web import lab_guard

bp = Blueprint("traces", __name__)


#: Hide the trace viewer outside lab mode; the JSON API wants the lab token off loopback.
bp.before_request(lab_guard)


def _load(trace_id: str) -> dict:
    trace.flush()
    row = db.session.get(ProtocolTrace, trace_id)
    if row is None:
        abort(404)
    return trace.trace_json(row, trace.trace_events(db.session, trace_id))


def _listed() -> list:
    """Return the traces to list: those of ``?state_sha256=`` when given, else the most recent."""
    state_sha256 = request.args.get("state_sha256")
    if state_sha256 is not None:
        return trace.find_by_state_hash(db.session, state_sha256)
    return trace.recent_traces(db.session)


@bp.get("/lab/traces")
def index():
    """List recent logins seen by the provider; ``?state_sha256=`` finds a client's login (one: open it)."""
    traces = _listed()
    if request.args.get("state_sha256") is not None and len(traces) == 1:
        return redirect(url_for("traces.show", trace_id=traces[0].id))
    return render_template(
        "traces/list.html",
        traces=[{**trace.trace_json(t), "started": t.started_at} for t in traces],
        state_sha256=request.args.get("state_sha256"),
    )


@bp.get("/lab/traces/<trace_id>")
def show(trace_id: str):
    """Show one login's exchanges in order, with decoded tokens."""
    data = _load(trace_id)
    for exchange in data["exchanges"]:
        exchange["when"] = datetime.fromisoformat(exchange["at"])
        exchange["request_text"] = json.dumps(exchange["request"], ensure_ascii=False, indent=2)
        exchange["response_text"] = json.dumps(exchange["response"], ensure_ascii=False, indent=2)
        decoded = {
            **(exchange["request"].get("decoded") or {}),
            **((exchange["response"].get("decoded") if isinstance(exchange["response"], dict) else None) or {}),
        }
        exchange["decoded_text"] = json.dumps(decoded, ensure_ascii=False, indent=2) if decoded else ""
    return render_template("traces/show.html", trace=data, diagram=trace_diagram.layout(data["exchanges"]))


@bp.get("/api/lab/traces")
def api_index():
    """Return recent logins as JSON; ``?state_sha256=`` returns the logins whose ``state`` has that SHA-256."""
    return jsonify(traces=[trace.trace_json(t) for t in _listed()])


@bp.get("/api/lab/traces/<trace_id>")
def api_show(trace_id: str):
    """Return one login's exchanges as JSON."""
    return jsonify(_load(trace_id))

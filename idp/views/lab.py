"""Lab-only pages: the lab clock, the registry policy and the lab inbox (404 when LAB_MODE is off)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _

from fedlab.web import lab_guard
from idp.domain import inbox
from idp.domain import labstate
from idp.domain import registry
from idp.domain import verification as ver
from idp.extensions import db
from idp.forms.lab import AdvanceClockForm
from idp.forms.lab import PolicyForm
from idp.forms.lab import ResetClockForm
from idp.models.lab import Message
from shared import validators as v
from shared.clock import parse_duration

bp = Blueprint("lab", __name__, url_prefix="/lab")


#: Hide every lab page unless the lab mode is on. ``/lab/inbox.json`` is polled by the presenter page
#: in the browser, so like the pages it needs no lab token (the same messages are shown on /lab/inbox).
bp.before_request(lab_guard)


def _policy_default() -> str:
    return current_app.config["REGISTRY_POLICY"]


def offset_text(offset: timedelta) -> str:
    """Show the clock offset as days, hours and minutes."""
    minutes = int(offset.total_seconds()) // 60
    return _("%(d)d дн. %(h)d ч %(m)d мин", d=minutes // 1440, h=minutes // 60 % 24, m=minutes % 60)


def _page(advance_form=None, status: int = 200):
    session = db.session
    policy = registry.get_policy(session, _policy_default())
    policy_form = PolicyForm(formdata=None, policy=policy)
    return render_template(
        "lab/index.html",
        now=labstate.now(session),
        offset=offset_text(labstate.clock_offset(session)),
        advance_form=advance_form or AdvanceClockForm(formdata=None),
        reset_form=ResetClockForm(formdata=None),
        policy_form=policy_form,
        policy=policy,
        pending=ver.pending_checks(session),
    ), status


@bp.get("")
def index():
    """The lab clock, pending registry checks and the policy switch."""
    return _page()


@bp.post("/clock/advance")
def advance():
    """Move the lab clock forward ("Перемотать") and complete the checks that fell due."""
    form = AdvanceClockForm()
    if not form.validate():
        return _page(advance_form=form, status=422)
    now, done = ver.advance_clock(db.session, parse_duration(form.duration.data), _policy_default())
    db.session.commit()
    flash(
        _(
            "Часы переведены на %(now)s UTC. Завершено проверок: %(count)d.",
            now=now.strftime("%d.%m.%Y %H:%M"),
            count=len(done),
        ),
        "success",
    )
    return redirect(url_for("lab.index"))


@bp.post("/clock/reset")
def reset():
    """Put the lab clock back on real time."""
    if ResetClockForm().validate():
        labstate.reset_clock(db.session)
        db.session.commit()
        flash(_("Часы стенда идут по реальному времени."), "success")
    return redirect(url_for("lab.index"))


@bp.post("/policy")
def policy():
    """Switch the registry policy between lenient and strict."""
    form = PolicyForm()
    if form.validate():
        registry.set_policy(db.session, form.policy.data)
        db.session.commit()
        flash(_("Политика проверки изменена."), "success")
    else:
        flash(_("Политика не изменена: выберите одну из двух."), "error")
    return redirect(url_for("lab.index"))


def recipient_key(text: str | None) -> str | None:
    """Normalise a typed phone or address for the inbox filter (other text is kept as typed)."""
    cleaned = (text or "").strip()
    if not cleaned:
        return None
    if "@" in cleaned:
        return cleaned.lower()
    try:
        return v.normalize_phone(cleaned)
    except v.ValidationError:
        return " ".join(cleaned.split())


def message_json(message: Message) -> dict[str, Any]:
    """Return an inbox message as a JSON-ready dict."""
    return {
        "id": message.id,
        "channel": message.channel,
        "recipient": message.recipient,
        "subject": message.subject,
        "body": message.body,
        "created_at": message.created_at.isoformat() + "Z",
        "business_time": message.business_time.isoformat() + "Z" if message.business_time else None,
        "delivery": message.delivery,
    }


@bp.get("/inbox")
def inbox_page():
    """Every SMS, e-mail and letter the IdP sent, newest first, optionally for one recipient."""
    recipient = recipient_key(request.args.get("recipient"))
    return render_template(
        "lab/inbox.html",
        messages=inbox.messages(db.session, recipient),
        recipient=request.args.get("recipient", ""),
    )


@bp.get("/inbox.json")
def inbox_json():
    """The lab inbox as JSON: ``{"messages": [...]}``, newest first; ``?recipient=`` filters."""
    recipient = recipient_key(request.args.get("recipient"))
    return jsonify(messages=[message_json(m) for m in inbox.messages(db.session, recipient)])

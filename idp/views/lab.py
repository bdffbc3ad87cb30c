"""Lab-only pages: the lab clock, the registry policy and the lab inbox (404 when LAB_MODE is off)."""

from __future__ import annotations

from datetime import datetime
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

from idp.db import db
from idp.domain import demo_reset
from idp.domain import diary_outbox
from idp.domain import inbox
from idp.domain import labstate
from idp.domain import registry
from idp.domain import scenario as scenario_domain
from idp.domain import verification as ver
from idp.forms.lab import POLICY_NAMES
from idp.forms.lab import AdvanceClockForm
from idp.forms.lab import DemoResetForm
from idp.forms.lab import PaceForm
from idp.forms.lab import PolicyForm
from idp.forms.lab import ResetClockForm
from idp.models.lab import Message
from idp.oidc import trace
from labkit.lab_api import reset_app
from labkit.web import lab_guard
from labkit.web import password_hasher
from shared import validators as v
from shared.clock import parse_duration
from shared.scenarios import ResetOptions

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


def _page(advance_form=None, pace_form=None, status: int = 200):
    session = db.session
    policy = registry.get_policy(session, _policy_default())
    policy_form = PolicyForm(formdata=None, policy=policy)
    pace = ver.get_pace(session)
    if pace_form is None:
        pace_form = PaceForm(formdata=None, pace=pace.mode, factor=pace.factor if pace.mode == "accelerated" else None)
    return render_template(
        "lab/index.html",
        now=labstate.now(session),
        offset=offset_text(labstate.clock_offset(session)),
        advance_form=advance_form or AdvanceClockForm(formdata=None),
        reset_form=ResetClockForm(formdata=None),
        policy_form=policy_form,
        policy=policy,
        policy_name=POLICY_NAMES.get(policy, policy),
        pending=ver.pending_checks(session),
        pace=pace,
        pace_form=pace_form,
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


@bp.post("/pace")
def pace():
    """Set the verification pace: real, instant, or accelerated by a factor (e.g. 1440 = a day per minute)."""
    form = PaceForm()
    valid = form.validate()
    if valid and form.pace.data == "accelerated" and form.factor.data is None:
        form.factor.errors = [_("Укажите множитель, например 1440 (сутки за минуту).")]
        valid = False
    if not valid:
        return _page(pace_form=form, status=422)
    ver.set_pace(db.session, form.pace.data, form.factor.data if form.pace.data == "accelerated" else None)
    db.session.commit()
    flash(pace_text(ver.get_pace(db.session)), "success")
    return redirect(url_for("lab.index"))


def pace_text(pace: ver.Pace) -> str:
    """Describe the verification pace in words."""
    if pace.mode == "instant":
        return _("Скорость проверки: мгновенная (проверка завершается при следующем запросе).")
    if pace.mode == "accelerated":
        return _("Скорость проверки: ускоренная в %(factor)d раз.", factor=pace.factor)
    return _("Скорость проверки: реальная.")


@bp.get("/demo-reset")
def demo_reset_page():
    """Ask the trainer to confirm returning both apps to the demo start."""
    return render_template(
        "lab/demo_reset.html", form=DemoResetForm(formdata=None), rp_url=current_app.config["LAB_RP_URL"]
    )


@bp.post("/demo-reset")
def demo_reset_run():
    """Return the IdP to the demo start, then ask the diary (``LAB_RP_URL``) to do the same."""
    form = DemoResetForm()
    if not form.validate():
        flash(_("Демо не сброшено: форма устарела, попробуйте ещё раз."), "error")
        return redirect(url_for("lab.demo_reset_page"))
    session = db.session
    reset_app(
        session,
        trace.flushed_first(scenario_domain.wipe),
        lambda: scenario_domain.seed_demo(session, password_hasher(), labstate.now(session).date()),
        ResetOptions(demo=True),
    )
    diary = demo_reset.reset_diary(current_app.config["LAB_RP_URL"], str(current_app.config.get("LAB_TOKEN") or ""))
    if diary.ok:
        flash(_("Демо сброшено: госуслуги и Дневник вернулись к началу."), "success")
    else:
        current_app.logger.warning("diary reset failed: %s", diary.error)
        flash(
            _(
                "Госуслуги сброшены, но Дневник по адресу %(url)s недоступен (%(error)s): сбросьте его отдельно "
                "(кнопка «Сбросить Дневник» на странице /lab/trainer Дневника или команда fedlab reset).",
                url=diary.url,
                error=diary.error,
            ),
            "error",
        )
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


def _diary_outbox(recipient: str | None) -> diary_outbox.DiaryOutbox:
    """Read the diary's messages to parents over HTTP (``LAB_RP_URL``); a down diary is reported, not raised."""
    config = current_app.config
    return diary_outbox.fetch(config["LAB_RP_URL"], str(config.get("LAB_TOKEN") or ""), recipient)


def _when(message: dict[str, Any]) -> datetime | None:
    """Return a JSON message's time (lab clock for the IdP's, the diary's clock for the diary's) as a datetime."""
    text = (message.get("business_time") or message.get("created_at") or "").removesuffix("Z")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def merged_messages(recipient: str | None) -> tuple[list[dict[str, Any]], diary_outbox.DiaryOutbox]:
    """Return the IdP's and the diary's messages in one list, newest first (each with its ``source``)."""
    own = [{**message_json(m), "source": "idp"} for m in inbox.messages(db.session, recipient)]
    diary = _diary_outbox(recipient)
    merged = own + [{**m, "source": "diary"} for m in diary.messages]
    merged.sort(key=lambda m: _when(m) or datetime.min, reverse=True)
    return merged, diary


@bp.get("/inbox")
def inbox_page():
    """Every SMS, e-mail and letter the IdP and the diary sent, newest first, optionally for one recipient."""
    recipient = recipient_key(request.args.get("recipient"))
    messages, diary = merged_messages(recipient)
    for message in messages:
        message["when"] = _when(message)
    return render_template(
        "lab/inbox.html",
        messages=messages,
        diary=diary,
        recipient=request.args.get("recipient", ""),
    )


@bp.get("/inbox.json")
def inbox_json():
    """The lab inbox as JSON: ``{"messages": [...], "diary": {...}}``, newest first; ``?recipient=`` filters.

    ``messages`` holds the IdP's and the diary's messages (``source``: ``idp`` or ``diary``); ``diary`` says
    whether the diary answered (``ok``, ``url``, ``error``).
    """
    recipient = recipient_key(request.args.get("recipient"))
    messages, diary = merged_messages(recipient)
    return jsonify(messages=messages, diary={"ok": diary.ok, "url": diary.url, "error": diary.error})

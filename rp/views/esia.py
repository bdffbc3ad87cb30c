"""Gosuslugi login: regional entry points, the callback, the first-login pages and linking by diary login."""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Blueprint
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from labkit.web import canonical_host_redirect
from labkit.web import password_hasher
from rp.auth_session import end_sessions_of_user
from rp.auth_session import login_user
from rp.auth_session import safe_next
from rp.clock import clock
from rp.domain import linking
from rp.domain.logins import check_password
from rp.domain.regions import get_region
from rp.domain.regions import region_jwks
from rp.extensions import db
from rp.forms.auth import ContactsForm
from rp.forms.auth import ContinueForm
from rp.forms.auth import DiaryPasswordForm
from rp.forms.auth import EsiaStartForm
from rp.forms.auth import LinkLoginForm
from rp.forms.auth import LoginForm
from rp.models.linking import LinkingRecord
from rp.models.people import User
from rp.models.regions import Region
from rp.oidc import client as oidc
from rp.oidc.errors import OidcError
from rp.views import esia_protocol
from rp.views.auth import diary_home
from rp.views.auth import login_policy
from rp.views.auth import login_problem_message
from shared import validators

bp = Blueprint("esia", __name__)
log = logging.getLogger(__name__)

#: Session keys: the authorization request in flight, and a Gosuslugi login waiting for linking.
AUTH_KEY = "esia_auth"
PENDING_KEY = "esia_pending"
#: Session key: how the last callback ended, shown at ``/login/outcome/<record id>`` (reloadable).
OUTCOME_KEY = "esia_outcome"
#: Session key: the finished linking's last page (where to go next, and which step of how many it is).
DONE_KEY = "esia_done"


def _error_titles() -> dict[str, tuple[str, str]]:
    """Return (title, explanation) per failure code, in the current language."""
    broken = (
        _("Ответ портала госуслуг не прошёл проверку"),
        _("Дневник не может доверять полученным данным, поэтому вход отклонён. Попробуйте войти ещё раз позже."),
    )
    unavailable = (
        _("Не удалось получить данные от портала госуслуг"),
        _("Портал госуслуг ответил с ошибкой. Попробуйте войти ещё раз позже или войдите по логину и паролю."),
    )
    return {
        "access_denied": (
            _("Вы не разрешили доступ к данным"),
            _("Без согласия на передачу данных с портала госуслуг войти в Дневник через госуслуги нельзя."),
        ),
        "login_required": (
            _("Нужно войти на портале госуслуг"),
            _("Портал госуслуг сообщил, что вы не вошли. Нажмите «Попробовать снова» и войдите."),
        ),
        "unmet_authentication_requirements": (
            _("Способ входа на госуслугах не подходит"),
            _(
                "Портал госуслуг не смог подтвердить вход так, как требует Дневник "
                "(например, нужна стандартная или подтверждённая учётная запись)."
            ),
        ),
        "provider_error": (
            _("Портал госуслуг вернул ошибку"),
            _("Вход не выполнен. Попробуйте ещё раз или войдите по логину и паролю Дневник.ру."),
        ),
        "network": (
            _("Портал госуслуг недоступен"),
            _("Не удалось связаться с порталом госуслуг. Проверьте подключение и попробуйте позже."),
        ),
        "timeout": (
            _("Портал госуслуг не ответил вовремя"),
            _("Портал госуслуг отвечает слишком долго. Попробуйте войти ещё раз через несколько минут."),
        ),
        "state_mismatch": (
            _("Сеанс входа не совпадает"),
            _("Ответ портала госуслуг не относится к вашему текущему входу. Начните вход заново."),
        ),
        "no_pending_login": (
            _("Сеанс входа устарел"),
            _("Вход через госуслуги не был начат в этом браузере или уже завершён. Начните вход заново."),
        ),
        "iss_parameter": (
            _("Ответ пришёл не от того портала"),
            _("Ответ на вход пришёл не от того поставщика удостоверений, к которому вы обращались. Вход отклонён."),
        ),
        "userinfo_sub": (
            _("Данные пользователя не совпадают с удостоверением"),
            _("Портал госуслуг прислал сведения о другом пользователе. Вход отклонён."),
        ),
        "id_token": broken,
        "unavailable": unavailable,
    }


def _error_page(code: str, detail: str, region: str | None, record_id: int | None = None):
    titles = _error_titles()
    key = code
    if code.startswith("id_token"):
        key = "id_token"
    elif key not in titles:
        key = "unavailable"
    title, message = titles[key]
    status = {"network": 502, "timeout": 504}.get(code, 400)
    return (
        render_template(
            "esia/error.html",
            title=title,
            message=message,
            code=code,
            detail=detail,
            region=region,
            record_id=record_id,
        ),
        status,
    )


def _client_config(region: Region) -> oidc.ClientConfig:
    return oidc.ClientConfig(
        issuer=region.issuer,
        client_id=region.client_id,
        client_secret=region.client_secret,
        scope=region.scope,
        redirect_uri=current_app.config["BASE_URL"].rstrip("/") + url_for("esia.callback"),
        timeout=float(current_app.config["HTTP_TIMEOUT_SECONDS"]),
    )


def _discover(region: Region, cfg: oidc.ClientConfig) -> dict[str, Any]:
    """Return the region's discovery document, fetched at most once per ``DISCOVERY_CACHE_SECONDS``.

    A per-process cache of a public document (keyed by issuer, so a changed region refetches): without it
    every login fetched discovery twice (entry and callback), a third of the diary's calls to the provider.
    """
    ttl = float(current_app.config.get("DISCOVERY_CACHE_SECONDS", 300))
    cache = current_app.extensions.setdefault("fedlab_discovery_cache", {})
    now = time.monotonic()
    cached = cache.get(region.issuer)
    if ttl > 0 and cached is not None and cached[0] > now:
        return cached[1]
    metadata = oidc.discover(region.issuer, cfg.timeout)
    cache[region.issuer] = (now + ttl, metadata)
    return metadata


def _fail(exc: OidcError, region: Region | None, subject: str | None = None, state: str | None = None):
    """Log a refused login, record it, and send the browser to its outcome page."""
    log.warning("Gosuslugi login refused (region %s): %s: %s", region.name if region else "-", exc.code, exc.detail)
    record = linking.new_record(
        db.session,
        region=region.name if region else "",
        issuer=region.issuer if region else "",
        subject=subject,
        outcome="error",
        detail=f"{exc.code}: {exc.detail}",
        state=state,
    )
    db.session.commit()
    return _show_outcome(
        record.id, "error", code=exc.code, detail=exc.detail[:500], region=region.name if region else None
    )


def _show_outcome(record_id: int, page: str, **data: Any):
    """Keep a callback's outcome in this browser's session and redirect to its own, reloadable address."""
    session[OUTCOME_KEY] = {"record_id": record_id, "page": page, **data}
    return redirect(url_for("esia.outcome", record_id=record_id))


@bp.get("/login/outcome/<int:record_id>")
def outcome(record_id: int):
    """Show how a Gosuslugi login ended (not enough data, a conflict, an error): the same page on every reload."""
    data = session.get(OUTCOME_KEY)
    if not data or data.get("record_id") != record_id:
        return _error_page("no_pending_login", "this login's outcome is not kept in this browser", None)
    if data["page"] == "insufficient":
        return render_template(
            "esia/insufficient.html", missing=data["missing"], record=_record(record_id), region=data["region"]
        ), 403
    if data["page"] == "conflict":
        return _conflict_page(data["code"], record_id)
    return _error_page(data["code"], data["detail"], data.get("region"), record_id)


@bp.get("/login/esia/<name>")
def entry(name: str):
    """The region's login page: "Войти через ГосУслуги", and the diary's own fields the seed says to leave empty."""
    elsewhere = canonical_host_redirect()  # the provider returns to BASE_URL: start there, with its cookie
    if elsewhere is not None:
        return elsewhere
    region = get_region(db.session, name)
    if region is None:
        return render_template("esia/unknown_region.html", name=name), 404
    target = request.args.get("returnUrl") or request.args.get("next") or ""
    form = LoginForm(next=safe_next(target, "") or None)
    return render_template("esia/region_login.html", region=region, form=form, next=form.next.data)


@bp.post("/login/esia/<name>")
def start(name: str):
    """The button: discovery, then off to the provider with state, nonce and PKCE (a CSRF-checked POST)."""
    region = get_region(db.session, name)
    if region is None:
        return render_template("esia/unknown_region.html", name=name), 404
    form = EsiaStartForm()
    if not form.validate_on_submit():
        return redirect(url_for("esia.entry", name=region.name))
    target = safe_next(form.next.data, diary_home())
    session.pop(OUTCOME_KEY, None)
    if region.protocol == "esia":
        try:
            esia_auth = esia_protocol.start(region)
        except OidcError as exc:
            return _fail(exc, region)
        session.pop(PENDING_KEY, None)
        session[AUTH_KEY] = {"region": region.name, "protocol": "esia", "state": esia_auth.state, "next": target}
        return redirect(esia_auth.url)
    cfg = _client_config(region)
    try:
        metadata = _discover(region, cfg)
    except OidcError as exc:
        return _fail(exc, region)
    auth = oidc.build_auth_request(cfg, metadata, ui_locales=str(get_locale()))  # the IdP speaks our language
    session.pop(PENDING_KEY, None)
    session[AUTH_KEY] = {
        "region": region.name,
        "state": auth.state,
        "nonce": auth.nonce,
        "code_verifier": auth.code_verifier,
        "next": target,
    }
    return redirect(auth.url)


@bp.get("/login/callback")
def callback():
    """Finish a Gosuslugi login: check everything, then sign in, link, or explain why not."""
    pending = session.pop(AUTH_KEY, None)
    if not pending:
        return _fail(OidcError("no_pending_login", "callback without a login started in this session"), None)
    region = get_region(db.session, pending["region"])
    if region is None:
        return _fail(OidcError("no_pending_login", f"region {pending['region']!r} no longer exists"), None)
    if pending.get("protocol", "oidc") != region.protocol:
        return _fail(OidcError("no_pending_login", f"region {region.name!r} changed its protocol meanwhile"), region)
    if region.protocol == "esia":
        try:
            subject, attributes = esia_protocol.finish(region, pending)
        except OidcError as exc:
            return _fail(exc, region, None, pending["state"])
        return _decide(region, subject, attributes, pending)
    cfg = _client_config(region)
    subject = None
    try:
        metadata = _discover(region, cfg)
        code = oidc.check_callback(request.args, pending["state"], region.issuer, metadata)

        def load_jwks(force: bool) -> dict[str, Any]:
            return region_jwks(
                db.session,
                region,
                force,
                lambda: oidc.fetch_jwks(metadata, cfg.timeout),
                lifetime_seconds=current_app.config["JWKS_CACHE_SECONDS"],
                refetch_seconds=current_app.config["JWKS_REFETCH_SECONDS"],
            )

        result = oidc.finish_login(
            cfg, metadata, code, nonce=pending["nonce"], code_verifier=pending["code_verifier"], load_jwks=load_jwks
        )
        subject = result.subject
    except OidcError as exc:
        return _fail(exc, region, subject, pending["state"])
    attributes = linking.extract_attributes(result.claims, region.claim_names())
    return _decide(region, subject, attributes, pending)


def _decide(region: Region, subject: str, attributes: dict[str, str | None], pending: dict[str, Any]):
    """Decide what a verified Gosuslugi login means (either protocol): sign in, link, or explain why not."""
    decision = linking.decide(
        db.session,
        region=region.name,
        issuer=region.issuer,
        subject=subject,
        attributes=attributes,
        state=pending["state"],
    )
    db.session.commit()
    log.info("Gosuslugi login (region %s, sub %s): %s", region.name, subject, decision.outcome)
    if decision.outcome == "linked":
        login_user(decision.user, method="esia")
        return redirect(pending.get("next") or diary_home())
    if decision.outcome == "insufficient":
        return _show_outcome(decision.record.id, "insufficient", missing=list(decision.missing), region=region.name)
    if decision.outcome == "conflict_user_linked":
        return _show_outcome(decision.record.id, "conflict", code="user_linked")
    base = {
        "record_id": decision.record.id,
        "issuer": region.issuer,
        "subject": subject,
        "region": region.name,
        "next": pending.get("next") or diary_home(),
    }
    if decision.outcome == "match":
        session[PENDING_KEY] = {
            **base,
            "kind": "first",
            "user_id": decision.user.id,
            "step": 1,
            # what the provider released, offered on the contacts page (the person may change it)
            "released_phone": _shown_phone(attributes.get("phone")),
            "released_email": (attributes.get("email") or "").strip()[:254],
        }
        return redirect(url_for("esia.first_person"))
    session[PENDING_KEY] = {**base, "kind": "legacy"}
    return redirect(url_for("esia.not_found"))


def _shown_phone(raw: str | None) -> str:
    """Return a released phone number as the contacts page shows it (``+7 912 345-67-89``), or as received."""
    try:
        return validators.format_phone(validators.normalize_phone(raw or ""))
    except validators.ValidationError:
        return (raw or "").strip()[:32]


def _conflict_page(code: str, record_id: int | None):
    messages = {
        "user_linked": _(
            "Этот профиль Дневник.ру уже привязан к другой учётной записи госуслуг. Привязка не изменена. "
            "Если это ваш профиль, войдите по логину и паролю Дневник.ру и отвяжите старую учётную запись "
            "в настройках профиля."
        ),
        "subject_linked": _(
            "Эта учётная запись госуслуг уже привязана к другому профилю Дневник.ру. Привязка не изменена. "
            "Войдите через госуслуги, чтобы попасть в привязанный профиль, или отвяжите его в настройках."
        ),
        "user_missing": _("Профиль Дневник.ру не найден. Начните вход заново."),
    }
    session.pop(PENDING_KEY, None)
    return render_template("esia/conflict.html", message=messages[code], record_id=record_id), 409


def _pending(kind: str) -> dict[str, Any] | None:
    data = session.get(PENDING_KEY)
    return data if data and data.get("kind") == kind else None


def _no_pending():
    return _error_page("no_pending_login", "no Gosuslugi login waiting for linking in this session", None)


# First login: four pages ---------------------------------------------------------------


@bp.route("/login/esia/first/person", methods=["GET", "POST"])
def first_person():
    """Page 1: the person found in the diary (name and date of birth) and "Далее"."""
    pending = _pending("first")
    if pending is None:
        return _no_pending()
    user = db.session.get(User, pending["user_id"])
    if user is None:
        return _conflict_page("user_missing", pending["record_id"])
    form = ContinueForm()
    if form.validate_on_submit():
        session[PENDING_KEY] = {**pending, "step": max(pending["step"], 2)}
        return redirect(url_for("esia.first_contacts"))
    return render_template("esia/first_person.html", person=user.person, form=form, step=1, steps=4)


@bp.route("/login/esia/first/contacts", methods=["GET", "POST"])
def first_contacts():
    """Page 2: phone and e-mail, both required and validated."""
    pending = _pending("first")
    if pending is None:
        return _no_pending()
    if pending["step"] < 2:
        return redirect(url_for("esia.first_person"))
    form = ContactsForm()
    if request.method == "GET":
        form.phone.data = pending.get("phone") or pending.get("released_phone") or ""
        form.email.data = pending.get("email") or pending.get("released_email") or ""
    if form.validate_on_submit():
        session[PENDING_KEY] = {**pending, "phone": form.phone.data, "email": form.email.data, "step": 3}
        return redirect(url_for("esia.first_password"))
    status = 400 if form.errors else 200
    return render_template("esia/first_contacts.html", form=form, step=2, steps=4), status


@bp.route("/login/esia/first/password", methods=["GET", "POST"])
def first_password():
    """Page 3: the diary password; a valid one stores the link, contacts and password at once."""
    pending = _pending("first")
    if pending is None:
        return _no_pending()
    if pending["step"] < 3 or not pending.get("phone") or not pending.get("email"):
        return redirect(url_for("esia.first_contacts"))
    form = DiaryPasswordForm()
    if form.validate_on_submit():
        try:
            linking.link(
                db.session,
                pending["record_id"],
                pending["user_id"],
                pending["issuer"],
                pending["subject"],
                method="first_login",
                phone=pending["phone"],
                email=pending["email"],
                password_hash=password_hasher().hash(form.password.data),
            )
        except linking.AlreadyLinked:
            db.session.commit()
            return _signed_in_already(db.session.get(User, pending["user_id"]), pending)
        except linking.LinkConflict as exc:
            db.session.commit()
            return _conflict_page(exc.code, pending["record_id"])
        end_sessions_of_user(pending["user_id"])  # the new diary password ends the login's other sessions
        db.session.commit()
        user = db.session.get(User, pending["user_id"])
        login_user(user, method="esia")
        session[DONE_KEY] = {"next": pending["next"], "step": 4, "steps": 4}
        return redirect(url_for("esia.first_done"))
    status = 400 if form.errors else 200
    return render_template("esia/first_password.html", form=form, step=3, steps=4), status


def _signed_in_already(user: User, pending: dict[str, Any]):
    """The profile got linked to this same Gosuslugi account meanwhile (another browser): log in and say so."""
    login_user(user, method="esia")
    session[DONE_KEY] = {"next": pending["next"], "already": True}
    return redirect(url_for("esia.first_done"))


@bp.get("/login/esia/first/done")
def first_done():
    """The last page: from now on the person can log in with "Вход через ГосУслуги" (step 4 of 4, or 3 of 3)."""
    done = session.pop(DONE_KEY, None)
    if not isinstance(done, dict):
        return redirect(url_for("auth.login"))
    return render_template(
        "esia/first_done.html",
        target=done["next"],
        already=done.get("already", False),
        step=done.get("step"),
        steps=done.get("steps"),
    )


# Profile not found: link by diary login and password ----------------------------------------


def _record(record_id: int | None) -> LinkingRecord | None:
    return db.session.get(LinkingRecord, record_id) if record_id else None


@bp.route("/login/esia/not-found", methods=["GET", "POST"])
def not_found():
    """The "profile not found" page, in Dnevnik.ru's words, with the diary login form to link the accounts."""
    pending = _pending("legacy")
    if pending is None:
        return _no_pending()
    record = _record(pending["record_id"])
    max_attempts = int(current_app.config["LOGIN_MAX_FAILURES"])
    form = LinkLoginForm()
    error = None
    exhausted = record is not None and record.legacy_attempts >= max_attempts
    if not exhausted and form.validate_on_submit():
        result = check_password(
            db.session, password_hasher(), form.login.data, form.password.data, login_policy(), clock.real()
        )
        if result.user is not None:
            linked = linking.linked_to(result.user, pending["issuer"], pending["subject"])
            if linked == "this":
                linking.note_outcome(
                    db.session,
                    pending["record_id"],
                    "signed_in",
                    f"diary login {result.user.login!r} was linked to this Gosuslugi account already",
                    result.user.id,
                    login=result.user.login,
                )
                db.session.commit()
                return _signed_in_already(result.user, pending)
            if linked == "other":  # refused before "Привязать профиль?" is asked
                linking.note_outcome(
                    db.session,
                    pending["record_id"],
                    "conflict_user_linked",
                    f"diary login {result.user.login!r} is linked to another Gosuslugi account",
                    login=result.user.login,
                )
                db.session.commit()
                return _conflict_page("user_linked", pending["record_id"])
            db.session.commit()
            session[PENDING_KEY] = {**pending, "legacy_user_id": result.user.id}
            return redirect(url_for("esia.confirm"))
        attempts = linking.count_legacy_failure(db.session, pending["record_id"])
        log.info("legacy link refused for login %r (attempt %s): %s", form.login.data, attempts, result.problem)
        error = login_problem_message(result.problem)
        exhausted = attempts >= max_attempts
        form.password.data = ""
    if exhausted:
        linking.note_outcome(
            db.session,
            pending["record_id"],
            "legacy_attempts_exhausted",
            f"{max_attempts} wrong diary passwords on the not-found page",
        )
        error = _("Исчерпано число попыток ввода логина и пароля. Начните вход через госуслуги заново позже.")
    db.session.commit()
    status = 200 if error is None and not form.errors else (429 if exhausted else 400)
    return render_template(
        "esia/not_found.html",
        form=form,
        error=error,
        exhausted=exhausted,
        record=record,
        school_email=current_app.config["SCHOOL_EMAIL"],
        region=pending["region"],
        step=1,
        steps=3,
    ), status


@bp.route("/login/esia/confirm", methods=["GET", "POST"])
def confirm():
    """Ask once more before linking the diary login whose password was typed; link on "Привязать"."""
    pending = _pending("legacy")
    if pending is None or not pending.get("legacy_user_id"):
        return _no_pending()
    user = db.session.get(User, pending["legacy_user_id"])
    if user is None:
        return _conflict_page("user_missing", pending["record_id"])
    form = ContinueForm()
    if form.validate_on_submit():
        try:
            linking.link(
                db.session, pending["record_id"], user.id, pending["issuer"], pending["subject"], method="diary_login"
            )
        except linking.AlreadyLinked:
            db.session.commit()
            return _signed_in_already(user, pending)
        except linking.LinkConflict as exc:
            db.session.commit()
            return _conflict_page(exc.code, pending["record_id"])
        db.session.commit()
        login_user(user, method="esia")
        session[DONE_KEY] = {"next": pending["next"], "step": 3, "steps": 3}
        return redirect(url_for("esia.first_done"))
    return render_template("esia/confirm.html", user=user, form=form, step=2, steps=3)

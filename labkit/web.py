"""Flask plumbing both apps use.

Locale selection, error pages, security headers, password hashing, the lab guard (lab mode and
``X-Lab-Token``) and the optional proxy-header fix.

Each app passes its own extensions in; nothing here knows about the IdP or the diary.
"""

from __future__ import annotations

import functools
import hmac
import importlib
import ipaddress
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from urllib.parse import urlsplit

from flask import Blueprint
from flask import Flask
from flask import abort
from flask import current_app
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask.json.provider import DefaultJSONProvider
from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from shared.localhost_names import install as resolve_localhost_names
from shared.passwords import HashParams
from shared.passwords import make_hasher


def select_locale() -> str:
    """Russian unless the person chose another language (``?lang=`` or the switcher)."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang")
    if chosen in languages:
        session["lang"] = chosen
        return chosen
    return session.get("lang") if session.get("lang") in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


#: Session key: the authorization request whose ``ui_locales`` set the language (applied once per request).
UI_LOCALES_KEY = "ui_locales_for"


def apply_ui_locales(value: str | None, request_key: str | None) -> None:
    """Show the provider's pages in the first supported language of ``ui_locales`` (OIDC Core 3.1.2.1).

    The choice goes into the session, so every page of that login (log-in, registration, consent) keeps it.
    It is applied once per authorization request (``request_key``): when the same request comes back after the
    log-in, a language the person picked meanwhile with the switcher wins.
    """
    if not value or (request_key and session.get(UI_LOCALES_KEY) == request_key):
        return
    for tag in value.split():
        lang = tag.split("-")[0].lower()
        if lang in current_app.config["LANGUAGES"]:
            session["lang"] = lang
            session[UI_LOCALES_KEY] = request_key
            from flask_babel import refresh

            refresh()
            return


def setup_i18n(app: Flask, babel: Babel) -> None:
    """Bind Flask-Babel with Russian as the default language."""
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")

    @app.before_request
    def remember_language() -> None:
        # The locale is selected lazily: a page that only redirects would otherwise forget ``?lang=``.
        if request.args.get("lang") in app.config["LANGUAGES"]:
            session["lang"] = request.args["lang"]

    @app.context_processor
    def inject_locale() -> dict:
        from flask_babel import get_locale

        return {
            "current_locale": str(get_locale()),
            "lab_mode": app.config.get("LAB_MODE", False),
            "lang_url": lang_url,
        }


def lang_url(code: str) -> str:
    """Return this page's URL with ``lang=code``, keeping its other query parameters (e.g. ``next``)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return request.script_root + request.path + "?" + urlencode([*args, ("lang", code)])


ERROR_TITLES = {
    400: _l("Неверный запрос"),
    403: _l("Доступ запрещён"),
    404: _l("Страница не найдена"),
    405: _l("Метод не поддерживается"),
    429: _l("Слишком много запросов"),
    500: _l("Внутренняя ошибка"),
}

#: Shown instead of werkzeug's English default description (a view's own description is shown as given).
ERROR_MESSAGES = {
    400: _l("Запрос не удалось обработать. Проверьте адрес или данные формы."),
    403: _l("У вас нет доступа к этой странице."),
    404: _l("Такой страницы нет. Проверьте адрес или перейдите на главную."),
    405: _l("Этот адрес не принимает такой запрос."),
    429: _l("Слишком много попыток. Подождите немного и повторите."),
}


def wants_json() -> bool:
    """Return whether the client asked for JSON rather than a page."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.path.startswith("/api/") or best == "application/json"


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` limited to what an ``Integer`` id column holds, so ``/x/99999999999999999999`` is a 404."""

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None, max: int | None = 2**31 - 1) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max)


def setup_errors(app: Flask, db: SQLAlchemy) -> None:
    """Render HTTP errors as Russian pages, or JSON for API clients; roll back on 500.

    Also bounds ``<int:...>`` path parameters (registered before the blueprints): an id no table can hold
    is "not found" rather than a database overflow.
    """
    app.url_map.converters["int"] = DatabaseIdConverter

    @app.before_request
    def refuse_nul_characters():
        # PostgreSQL text cannot hold NUL (U+0000): refuse it up front as bad input rather than a 500.
        values = [request.path, *request.args.keys(), *request.args.values()]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            values += [*request.form.keys(), *request.form.values()]
        elif request.is_json and "\\u0000" in request.get_data(as_text=True).lower():
            abort(400)
        if any("\x00" in value for value in values):
            abort(400)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        message = _l("Форма устарела или отправлена не с этого сайта. Обновите страницу и повторите.")
        if wants_json():
            return jsonify(error="csrf_failed", error_description=str(message)), 400
        return render_template("error.html", code=400, title=ERROR_TITLES[400], message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        if wants_json():
            return jsonify(error=exc.name.lower().replace(" ", "_"), error_description=exc.description), code
        title = ERROR_TITLES.get(code, exc.name)
        message = exc.description
        if message == type(exc).description:
            message = ERROR_MESSAGES.get(code, "")
        return render_template("error.html", code=code, title=title, message=message), code

    @app.errorhandler(500)
    def server_error(exc):
        db.session.rollback()
        if wants_json():
            return jsonify(error="server_error"), 500
        return render_template("error.html", code=500, title=ERROR_TITLES[500], message=""), 500


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, but a document nested deeper than the parser can go is invalid JSON (400), not a 500."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse ``s``; too deep a nesting raises ``ValueError`` like any other invalid JSON."""
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def setup_sqlite(app: Flask, db: SQLAlchemy) -> None:
    """On SQLite, use write-ahead logging: readers no longer wait for a writer, and a commit costs one fsync.

    Nothing changes on PostgreSQL. (Without it, every commit of a login rewrote the rollback journal with
    several fsyncs, and two gunicorn workers serialised on each other's writes.)
    """
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, connection_record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def setup_security_headers(app: Flask, same_origin_framing: bool = False) -> None:
    """Send conservative security headers; pages and API answers are never cached (``no-store``).

    No page may be framed, except by a page of the same origin when ``same_origin_framing``
    (the IdP's lab presenter page frames the IdP's own screens).
    """
    ancestors, frame_options = ("'self'", "SAMEORIGIN") if same_origin_framing else ("'none'", "DENY")

    @app.after_request
    def headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"frame-ancestors {ancestors}; form-action 'self' http: https:",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", frame_options)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        # Pages and API answers may carry personal data or tokens: no cache keeps them, unless a view chose
        # its own policy (discovery, JWKS); static files keep Flask's caching.
        if not (request.endpoint or "").endswith("static") and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
            response.headers.setdefault("Pragma", "no-cache")
        return response


def password_hasher():
    """Return the argon2 hasher with the configured cost parameters."""
    cfg = current_app.config
    return make_hasher(HashParams(cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"]))


# --- the lab guard -------------------------------------------------------------------------------

#: The request header that carries the lab token (``LAB_TOKEN`` of the app's configuration).
LAB_TOKEN_HEADER = "X-Lab-Token"


#: Headers a reverse proxy adds: with any of them the request did not come from this machine's own browser.
FORWARDED_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP")


def from_loopback() -> bool:
    """Return whether loopback opens the lab without the token: the request comes from this machine, directly.

    Behind a reverse proxy on the same host every request would look like loopback, so loopback does not count
    in production (``ENV``), when proxies are trusted (``PROXY_FIX_X_FOR`` > 0), or when the request carries a
    proxy's forwarding header: then the lab token is needed.
    """
    cfg = current_app.config
    if cfg.get("ENV") == "production" or int(cfg.get("PROXY_FIX_X_FOR") or 0) > 0:
        return False
    if any(name in request.headers for name in FORWARDED_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def lab_token_ok() -> bool:
    """Return whether the request's ``X-Lab-Token`` equals the configured ``LAB_TOKEN`` (constant time)."""
    expected = str(current_app.config.get("LAB_TOKEN") or "")
    given = request.headers.get(LAB_TOKEN_HEADER, "")
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def check_lab(api: bool) -> Any:
    """Refuse a lab request that may not go on; return ``None`` when it may.

    404 unless ``LAB_MODE``; 403 for a foreign ``Host`` or a request another site made
    (:mod:`labkit.same_site`); 429 for an address that sent too many wrong tokens; for the API, a 401 JSON
    response off loopback without the right ``X-Lab-Token`` and 415 for a body that is not JSON; for a page
    off loopback, the lab token page unless this session gave the token.
    """
    from labkit import lab_access
    from labkit.same_site import refuse_foreign
    from labkit.same_site import refuse_non_json

    if not current_app.config.get("LAB_MODE"):
        abort(404)
    refused = refuse_foreign(api)
    if refused is not None:
        return refused
    if not from_loopback():
        if LAB_TOKEN_HEADER in request.headers:
            wait = lab_access.token_retry_after()
            if wait:
                return lab_access.too_many(wait, api)
            if not lab_token_ok():
                lab_access.count_wrong_token()
        if not lab_token_ok():
            if api:
                response = jsonify(
                    error="lab_token_required",
                    error_description=f"Send the lab token from the configuration in the {LAB_TOKEN_HEADER} header.",
                )
                response.status_code = 401
                response.headers["WWW-Authenticate"] = f'LabToken header="{LAB_TOKEN_HEADER}"'
                return response
            if not lab_access.unlocked():
                return redirect(url_for("lab_access.unlock", next=request.full_path.rstrip("?")))
    return refuse_non_json() if api else None


def lab_guard() -> Any:
    """``before_request`` hook for a lab blueprint: every route needs lab mode, ``/api/`` routes the token too.

    Use as ``bp.before_request(lab_guard)``; pages (``/lab/...``) are guarded like ``lab_only(api=False)``
    and JSON API routes (``/api/...``) like ``lab_only(api=True)``.
    """
    return check_lab(api=request.path.startswith("/api/"))


def lab_only(api: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a lab view: 404 without lab mode; with ``api``, 401 JSON off loopback without the lab token."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            refused = check_lab(api)
            return refused if refused is not None else view(*args, **kwargs)

        return guarded

    return decorate


@functools.cache
def openapi_document(path: str) -> dict[str, Any]:
    """Return the OpenAPI description kept in the YAML file at ``path`` (read once per process)."""
    import yaml

    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def base_url() -> str:
    """Return the app's configured public base URL (``ISSUER`` / ``BASE_URL``), without the trailing slash.

    Every URL that leaves the request (a link in a mail, a document naming the server) starts with it, never
    with the request's ``Host``, which the client chooses.
    """
    return str(current_app.config.get("PUBLIC_BASE_URL") or request.url_root).rstrip("/")


def external_url(endpoint: str, **values: Any) -> str:
    """Return the absolute URL of ``endpoint`` under the configured base URL (not the request's ``Host``)."""
    return base_url() + url_for(endpoint, **values)


LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")


def _local(name: str) -> bool:
    return name in LOCAL_NAMES or name.endswith(".localhost")


def canonical_host_redirect() -> Any:
    """Send a visitor on another local name of this app (127.0.0.1 for ``rp.localhost``) to the configured one.

    For pages that start a login: the provider returns the browser to the configured base URL, and the
    session cookie of another host name would not be there. Returns None when nothing needs to change.
    """
    from labkit.same_site import split_host

    base = urlsplit(base_url())
    here_name, here_port = split_host(request.host)
    base_name, base_port = split_host(base.netloc)
    if (here_name, here_port) == (base_name, base_port) or not (_local(here_name) and _local(base_name)):
        return None
    if (here_port or "80") != (base_port or "80"):
        return None
    return redirect(base_url() + request.full_path.rstrip("?"))


def openapi_response(path: str) -> Any:
    """Serve the OpenAPI description at ``path`` as JSON, with the configured base URL as its ``servers``."""
    document = {**openapi_document(path), "servers": [{"url": base_url()}]}
    response = jsonify(document)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def setup_proxy_fix(app: Flask) -> None:
    """Trust ``X-Forwarded-For/-Proto/-Host`` from ``PROXY_FIX_X_FOR`` proxies in front of the app (0: none).

    Without a proxy the headers are ignored, so nobody can claim to be on loopback by sending them.
    """
    hops = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


#: The stylesheet both apps share (accessibility and the small-screen layout), at ``/static/labkit/labkit.css``.
shared_static = Blueprint("labkit", __name__, static_folder="static", static_url_path="/static/labkit")


def setup_static(app: Flask) -> None:
    """Serve the shared stylesheet, and answer ``/favicon.ico`` with the app's own ``static/favicon.svg``."""
    app.register_blueprint(shared_static)

    icon = Path(app.static_folder or "", "favicon.svg").read_bytes()  # read once: a few hundred bytes, no open file

    def favicon() -> Any:
        response = app.response_class(icon, mimetype="image/svg+xml")
        response.cache_control.public = True
        response.cache_control.max_age = 86400
        return response

    app.add_url_rule("/favicon.ico", "favicon", favicon)


def setup_app(
    app: Flask, db: SQLAlchemy, migrate: Any, csrf: Any, babel: Babel, *, same_origin_framing: bool = False
) -> None:
    """Bind an app's extensions and the plumbing both apps share (the factories call only this)."""
    from labkit.lab_access import setup_lab_access

    resolve_localhost_names()  # the back-channel reaches http://idp.localhost:5001 like the browser does
    app.json = BoundedJSONProvider(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/migrations"))
    csrf.init_app(app)
    setup_lab_access(app)
    setup_proxy_fix(app)  # only when PROXY_FIX_X_FOR > 0 (see the config)
    setup_i18n(app, babel)
    setup_errors(app, db)
    setup_sqlite(app, db)
    setup_security_headers(app, same_origin_framing=same_origin_framing)
    setup_static(app)


def setup_sessions(app: Flask, db: SQLAlchemy, model: type, subject_key: str, now: Callable[[], Any]) -> None:
    """Keep the app's sessions on the server (``model``'s table, or Redis by ``REDIS_URL``); see the module."""
    from labkit.session_interface import setup_sessions as setup

    setup(app, db, model, subject_key, now)


def register_blueprints(app: Flask, modules: list[str]) -> None:
    """Register the ``bp`` blueprint of each named module, in order."""
    for name in modules:
        app.register_blueprint(importlib.import_module(name).bp)

"""Flask plumbing both apps use: locale selection, error pages, security headers, password hashing.

Each app passes its own extensions in; nothing here knows about the IdP or the diary.
"""

from __future__ import annotations

from flask import Flask
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import request
from flask import session
from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

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


def setup_i18n(app: Flask, babel: Babel) -> None:
    """Bind Flask-Babel with Russian as the default language."""
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")

    @app.context_processor
    def inject_locale() -> dict:
        from flask_babel import get_locale

        return {"current_locale": str(get_locale()), "lab_mode": app.config.get("LAB_MODE", False)}


ERROR_TITLES = {
    400: _l("Неверный запрос"),
    403: _l("Доступ запрещён"),
    404: _l("Страница не найдена"),
    405: _l("Метод не поддерживается"),
    429: _l("Слишком много запросов"),
    500: _l("Внутренняя ошибка"),
}


def wants_json() -> bool:
    """Return whether the client asked for JSON rather than a page."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.path.startswith("/api/") or best == "application/json"


def setup_errors(app: Flask, db: SQLAlchemy) -> None:
    """Render HTTP errors as Russian pages, or JSON for API clients; roll back on 500."""

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
        return render_template("error.html", code=code, title=title, message=exc.description), code

    @app.errorhandler(500)
    def server_error(exc):
        db.session.rollback()
        if wants_json():
            return jsonify(error="server_error"), 500
        return render_template("error.html", code=500, title=ERROR_TITLES[500], message=""), 500


def setup_security_headers(app: Flask, same_origin_framing: bool = False) -> None:
    """Send conservative security headers; pages with secrets are never cached.

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
        return response


def password_hasher():
    """Return the argon2 hasher with the configured cost parameters."""
    cfg = current_app.config
    return make_hasher(HashParams(cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"]))

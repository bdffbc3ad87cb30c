"""The school diary (Дневник), a relying party of the IdP: app factory."""

from __future__ import annotations

from typing import Any

from flask import Flask

from rp.clock import bind as bind_clock
from rp.config import INSTANCE_DIR
from rp.config import build_config

#: One blueprint per user-facing area; each module exposes ``bp``.
BLUEPRINTS = [
    "rp.views.home",
    "rp.views.auth",
    "rp.views.esia",
    "rp.views.linking_lab",
    "rp.views.diary",
    "rp.views.journal",
    "rp.views.school",
    "rp.views.reports",
    "rp.views.consent",
    "rp.views.lab_api",
    "rp.views.lab_trainer",
    "rp.views.lab_scenarios",
    "rp.views.openapi",
]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create and configure an instance of the diary application."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.config.update(build_config(config))
    app.extensions["clock"] = bind_clock(app.config)

    from labkit import web
    from rp.extensions import babel
    from rp.extensions import csrf
    from rp.extensions import db
    from rp.extensions import migrate

    web.setup_app(app, db, migrate, csrf, babel)

    from rp import jinja_i18n

    jinja_i18n.install(app)  # templates' _() read the request's catalogue once (Flask-Babel's: per string)

    import rp.models  # noqa: F401  (registers the models with SQLAlchemy)
    from rp.clock import clock
    from rp.models.sessions import WebSession

    # Sessions on the server (the web_session table, or Redis by REDIS_URL), on the clock's real time.
    web.setup_sessions(app, db, WebSession, "user_id", clock.real)

    web.register_blueprints(app, BLUEPRINTS)

    from rp.domain.linking_diff import char_diff
    from rp.labels import template_globals
    from rp.views.diarykit import inject_nav
    from rp.views.lab_trainer import inject_guide
    from shared.validators import display_phone

    app.jinja_env.globals.update(template_globals())  # role_label(), achievement_kind_label() …
    app.add_template_filter(display_phone, "phone")  # {{ person.phone|phone }}: +7 912 345-67-89
    app.context_processor(inject_nav)  # the diary's menu on every page of a signed-in person
    app.jinja_env.globals["char_diff"] = char_diff  # the linking record marks the characters two values differ in
    app.context_processor(inject_guide)  # the guided mode's step on the login and linking screens

    return app

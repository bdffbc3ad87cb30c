"""The Gosuslugi-like identity provider: app factory."""

from __future__ import annotations

from typing import Any

from flask import Flask

from idp.clock import bind as bind_clock
from idp.config import INSTANCE_DIR
from idp.config import build_config

#: One blueprint per user-facing area; each module exposes ``bp``.
BLUEPRINTS = [
    "idp.views.home",
    "idp.views.auth",
    "idp.views.registration",
    "idp.views.recovery",
    "idp.views.profile",
    "idp.views.operator",
    "idp.views.lab",
    "idp.oidc.endpoints",
    "idp.views.consents",
    "idp.views.traces",
    "idp.views.lab_api",
    "idp.views.lab_faults",
    "idp.views.presenter",
    "idp.views.openapi",
    # ESIA's own protocol (/aas/oauth2/*, /rs/prns, /idp/ext/Logout) and its lab page.
    "idp.esia.endpoints.authorize",
    "idp.esia.endpoints.token",
    "idp.esia.endpoints.rest",
    "idp.esia.endpoints.logout",
    "idp.esia.endpoints.lab",
    "idp.esia.endpoints.operator",
]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create and configure an instance of the IdP application."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.config.update(build_config(config))
    app.extensions["clock"] = bind_clock(app.config)

    from idp.db import db
    from idp.db import migrate
    from idp.extensions import babel
    from idp.extensions import csrf
    from labkit import web

    # Lab mode: the presenter page (/lab/presenter) frames the IdP's own pages; never another origin.
    web.setup_app(app, db, migrate, csrf, babel, same_origin_framing=bool(app.config.get("LAB_MODE")))

    import idp.models  # noqa: F401  (registers the models with SQLAlchemy)
    from idp.clock import clock
    from idp.models.sessions import WebSession

    # Sessions on the server (the web_session table, or Redis by REDIS_URL), on the clock's real time.
    web.setup_sessions(app, db, WebSession, "account_id", clock.real)
    from idp.oidc.server import setup_oauth

    setup_oauth(app)

    from idp.hooks import setup_due_checks
    from idp.template_globals import register_context_processors
    from idp.template_globals import register_template_globals

    setup_due_checks(app)
    register_template_globals(app)
    register_context_processors(app)
    web.register_blueprints(app, BLUEPRINTS)

    from idp.cli import idp_cli

    app.cli.add_command(idp_cli)
    return app

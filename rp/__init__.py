"""The school diary (Дневник), a relying party of the IdP: app factory."""

from __future__ import annotations

import importlib
from typing import Any

from flask import Flask

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
    "rp.views.openapi",
]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create and configure an instance of the diary application."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.config.update(build_config(config))

    from fedlab import web
    from rp.extensions import babel
    from rp.extensions import csrf
    from rp.extensions import db
    from rp.extensions import migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/migrations"))
    csrf.init_app(app)
    from fedlab.lab_access import setup_lab_access

    setup_lab_access(app)
    web.setup_proxy_fix(app)  # only when PROXY_FIX_X_FOR > 0 (see the config)
    web.setup_i18n(app, babel)
    web.setup_errors(app, db)
    web.setup_sqlite(app, db)
    web.setup_security_headers(app)

    import rp.models  # noqa: F401  (registers the models with SQLAlchemy)

    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(name).bp)

    return app

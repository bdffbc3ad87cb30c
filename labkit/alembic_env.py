"""The Alembic environment both apps' migrations run in (Flask-Migrate's, written once).

Each app's ``migrations/env.py`` calls :func:`run`.

The database is the Flask-SQLAlchemy one of the app Flask-Migrate runs in; ``flask db migrate`` writes no
revision when the models match the schema.
"""

from __future__ import annotations

import logging
from logging.config import fileConfig
from typing import Any

from alembic import context
from flask import current_app

logger = logging.getLogger("alembic.env")


def run() -> None:
    """Run the migrations Alembic asked for, offline (SQL script) or online (on the app's engine)."""
    config = context.config
    if config.config_file_name:
        fileConfig(config.config_file_name)
    target_db = current_app.extensions["migrate"].db
    engine = target_db.engine
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    metadata = target_db.metadatas[None] if hasattr(target_db, "metadatas") else target_db.metadata
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return

    def no_empty_revision(migration_context: Any, revision: Any, directives: list[Any]) -> None:
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", no_empty_revision)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()

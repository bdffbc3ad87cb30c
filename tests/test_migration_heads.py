"""Each app's migrations form one line: a second head would stop ``fedlab setup`` (``flask db upgrade``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("app", ["idp", "rp"])
def test_migrations_have_one_head(app):
    config = Config()
    config.set_main_option("script_location", str(ROOT / app / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"{app} has several migration heads: {heads}"

"""schemathesis against both apps' OpenAPI descriptions, in-process (WSGI): no operation answers a 500.

Each operation gets a small number of generated requests (bounded for the suite's time budget) on a
throwaway app with a fresh database, so the destructive lab routes (reset, scenario) are exercised too.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile

import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings
from schemathesis.checks import not_a_server_error

from tests.helpers.databases import CHEAP_HASHING

#: Generated requests per operation: enough to hit odd inputs, small enough for the suite's budget.
MAX_EXAMPLES = 12
LAB_TOKEN = "schemathesis-lab-token"
SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def _make_app(name: str):
    """Return a throwaway app on a fresh SQLite database in a temporary directory (removed at exit)."""
    directory = tempfile.mkdtemp(prefix=f"fedlab-schemathesis-{name}-")
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    config = {
        "TESTING": True,
        "SECRET_KEY": f"schemathesis-{name}",
        "DATABASE_URL": f"sqlite:///{directory}/{name}.sqlite",
        "LAB_TOKEN": LAB_TOKEN,
        **CHEAP_HASHING,
    }
    if name == "idp":
        from idp import create_app

        config.update(ISSUER="http://idp.test", DYNAMIC_REGISTRATION=True)
    else:
        from rp import create_app

        config.update(BASE_URL="http://rp.test")
    app = create_app(config)
    with app.app_context():
        app.extensions["sqlalchemy"].create_all()
    return app


#: The schemas are loaded from each app's own ``/api/openapi.json`` (idp/openapi.yaml, rp/openapi.yaml).
idp_api = schemathesis.openapi.from_wsgi("/api/openapi.json", _make_app("idp"))
rp_api = schemathesis.openapi.from_wsgi("/api/openapi.json", _make_app("rp"))


@idp_api.parametrize()
@SETTINGS
def test_idp_api_never_answers_500(case):
    case.call_and_validate(headers={"X-Lab-Token": LAB_TOKEN}, checks=[not_a_server_error])


@rp_api.parametrize()
@SETTINGS
def test_rp_api_never_answers_500(case):
    case.call_and_validate(headers={"X-Lab-Token": LAB_TOKEN}, checks=[not_a_server_error])

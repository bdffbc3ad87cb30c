"""docker-compose.yml, the Dockerfile, deploy/postgres-init.sql and the apps' settings agree:
variable names, ports, health paths, databases, secrets production refuses, and what the image serves.
"""

from __future__ import annotations

import importlib
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
INIT_SQL = (ROOT / "deploy" / "postgres-init.sql").read_text(encoding="utf-8")

APPS = ("idp", "rp")
#: Variables of the container itself (read by the Dockerfile's CMD), not app settings.
CONTAINER_VARIABLES = {"APP", "PORT", "WORKERS"}
INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?::-(?P<default>[^}]*))?\}")


def config_module(app: str):
    """Return ``idp.config`` or ``rp.config``."""
    return importlib.import_module(f"{app}.config")


def environment(service: str) -> dict[str, str]:
    """Return a service's environment as compose resolves it with an empty ``.env`` (defaults applied)."""
    raw = COMPOSE["services"][service]["environment"]
    return {key: INTERPOLATION.sub(lambda m: m.group("default") or "", str(value)) for key, value in raw.items()}


def raw_environment(service: str) -> dict[str, str]:
    """Return a service's environment as written (with its ``${...}`` expressions)."""
    return {key: str(value) for key, value in COMPOSE["services"][service]["environment"].items()}


def app_settings(variable: str) -> tuple[str, str] | None:
    """Return (app, setting) for ``FEDLAB_IDP_X`` / ``FEDLAB_RP_X``; None for any other variable."""
    for app in APPS:
        prefix = config_module(app).PREFIX
        if variable.startswith(prefix):
            return app, variable.removeprefix(prefix)
    return None


def dockerfile_instruction(name: str) -> str:
    """Return the argument text of the Dockerfile's (last) ``name`` instruction."""
    found = re.findall(rf"^{name}\s+(.+)$", DOCKERFILE, flags=re.MULTILINE)
    assert found, f"no {name} in the Dockerfile"
    return found[-1]


def cmd_script() -> str:
    """Return the shell script the image's CMD runs (``sh -c <script>``)."""
    import json

    argv = json.loads(dockerfile_instruction("CMD"))
    assert argv[:2] == ["sh", "-c"], argv
    return argv[2]


def created_databases() -> set[str]:
    """Return the databases deploy/postgres-init.sql creates."""
    return set(re.findall(r"CREATE DATABASE\s+(\w+)", INIT_SQL, flags=re.IGNORECASE))


# --- variables -----------------------------------------------------------------------------------


@pytest.mark.parametrize("service", APPS)
def test_every_fedlab_variable_names_a_real_setting(service):
    for variable in environment(service):
        if variable in CONTAINER_VARIABLES:
            continue
        owner = app_settings(variable)
        assert owner is not None, f"{service}: {variable} is neither a container variable nor an app setting"
        app, setting = owner
        assert setting in config_module(app).defaults(), f"{service}: {variable} names no setting of {app}"


@pytest.mark.parametrize("service", APPS)
def test_each_service_serves_its_own_app_in_the_mode_compose_chooses(service):
    env = environment(service)
    assert env["APP"] == service
    prefix = config_module(service).PREFIX
    assert env[prefix + "ENV"] in ("development", "production")


def test_the_diary_points_at_the_idp_and_the_idp_knows_the_diary():
    idp, rp = environment("idp"), environment("rp")
    raw_idp, raw_rp = raw_environment("idp"), raw_environment("rp")
    issuer = idp["FEDLAB_IDP_ISSUER"]
    assert rp["FEDLAB_RP_DEMO_IDP_ISSUER"] == issuer
    assert rp["FEDLAB_IDP_ISSUER"] == issuer  # the diary's demo region is seeded with it
    # The same .env variable feeds both sides, so overriding it moves both.
    assert raw_rp["FEDLAB_RP_DEMO_IDP_ISSUER"] == raw_idp["FEDLAB_IDP_ISSUER"]
    # The IdP seeds the diary as its demo client: same base URL (redirect URI) and same client secret.
    assert idp["FEDLAB_RP_BASE_URL"] == rp["FEDLAB_RP_BASE_URL"]
    assert raw_idp["FEDLAB_RP_BASE_URL"] == raw_rp["FEDLAB_RP_BASE_URL"]
    assert raw_idp["FEDLAB_RP_DEMO_CLIENT_SECRET"] == raw_rp["FEDLAB_RP_DEMO_CLIENT_SECRET"]


def test_the_issuer_host_reaches_the_idp_inside_the_compose_network():
    host = urlsplit(environment("idp")["FEDLAB_IDP_ISSUER"]).hostname
    aliases = COMPOSE["services"]["idp"].get("networks", {}).get("default", {}).get("aliases", [])
    assert host == "idp" or host in aliases, f"the diary container cannot reach {host}"
    assert host.endswith(".localhost") or host == "idp"  # and browsers on the host resolve it to loopback


# --- ports, health, what the image serves ----------------------------------------------------------


@pytest.mark.parametrize("service", APPS)
def test_ports_agree(service):
    port = environment(service)["PORT"]
    published = [str(p).rsplit(":", 1)[-1] for p in COMPOSE["services"][service]["ports"]]
    assert published == [port]
    assert port in dockerfile_instruction("EXPOSE").split()
    assert "--bind 0.0.0.0:$PORT" in cmd_script()
    public = environment(service).get("FEDLAB_IDP_ISSUER" if service == "idp" else "FEDLAB_RP_BASE_URL")
    assert str(urlsplit(public).port) == port


@pytest.mark.parametrize("service", APPS)
def test_healthcheck_hits_the_apps_health_route(service, request):
    check = " ".join(COMPOSE["services"][service]["healthcheck"]["test"])
    url = urlsplit(re.search(r"https?://[^'\"\s]+", check).group(0))
    assert str(url.port) == environment(service)["PORT"]
    app = request.getfixturevalue(f"{service}_app")
    assert url.path in {rule.rule for rule in app.url_map.iter_rules()}
    assert app.test_client().get(url.path).status_code == 200


def test_dependencies_wait_for_healthy_services():
    services = COMPOSE["services"]
    for name, service in services.items():
        for dependency, condition in service.get("depends_on", {}).items():
            assert condition == {"condition": "service_healthy"}, (name, dependency)
            assert "healthcheck" in services[dependency], dependency


def test_dockerfile_serves_the_app_factories():
    script = cmd_script()
    words = shlex.split(script.replace("$APP", "APP"))
    assert '"$APP:create_app()"' in script and words[-1] == "APP:create_app()"
    for app in APPS:
        module = importlib.import_module(app)
        assert callable(module.create_app)
    # The default APP/PORT of the image is a consistent pair too.
    env = dockerfile_instruction("ENV")
    assert "APP=idp" in env and "PORT=5001" in env
    # Proxy headers are the app's business (PROXY_FIX_X_FOR), not trusted from everyone by gunicorn.
    assert "forwarded-allow-ips='*'" not in script and 'forwarded-allow-ips="*"' not in script


def test_dockerfile_migrates_with_a_command_that_exists():
    from click.testing import CliRunner

    from fedlab.cli import main

    script = cmd_script()
    assert "fedlab setup --only $APP" in script
    help_text = CliRunner().invoke(main, ["setup", "--help"]).output
    assert "--only" in help_text and "[idp|rp]" in help_text


# --- databases -------------------------------------------------------------------------------------


def test_each_app_has_its_own_database_created_by_the_init_script():
    db = COMPOSE["services"]["db"]
    user = db["environment"]["POSTGRES_USER"]
    names = {}
    for service in APPS:
        url = urlsplit(environment(service)[config_module(service).PREFIX + "DATABASE_URL"])
        assert url.scheme.startswith("postgresql") and url.hostname == "db" and url.username == user
        names[service] = url.path.lstrip("/")
    assert names["idp"] != names["rp"]
    assert set(names.values()) <= created_databases()
    assert all(f"OWNER {user}" in line for line in INIT_SQL.splitlines() if "CREATE DATABASE" in line)
    mounted = [v for v in db["volumes"] if "postgres-init.sql" in v]
    assert mounted and mounted[0].split(":")[1].startswith("/docker-entrypoint-initdb.d/")
    assert "pgdata" in COMPOSE["volumes"]


# --- secrets in production ----------------------------------------------------------------------


def _left_empty(service: str) -> list[str]:
    """Return the variables of this app that compose passes as ``${X:-}`` (empty unless .env sets them)."""
    prefix = config_module(service).PREFIX
    return [k for k, v in environment(service).items() if k.startswith(prefix) and v == ""]


@pytest.mark.parametrize("service", APPS)
def test_compose_passes_every_secret_production_checks(service):
    prefix = config_module(service).PREFIX
    for secret in config_module(service).SECRETS:
        assert prefix + secret in _left_empty(service), f"{service}: compose must let .env set {secret}"


@pytest.mark.parametrize("service", APPS)
def test_production_refuses_each_secret_compose_leaves_empty(service, monkeypatch):
    from labkit.settings import ConfigError

    module = config_module(service)
    for variable in list(module.defaults()):
        monkeypatch.delenv(module.PREFIX + variable, raising=False)
    monkeypatch.delenv(module.PREFIX + "CONFIG", raising=False)
    given = {name: "set-by-the-operator-" + name.lower() for name in _left_empty(service)}
    base = {**environment(service), module.PREFIX + "ENV": "production"}

    def build(env: dict[str, str]):
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        return module.build_config()

    assert build({**base, **given})["ENV"] == "production"  # all set: it starts
    for missing in given:
        monkeypatch.setenv(missing, "")
        with pytest.raises(ConfigError, match=missing.removeprefix(module.PREFIX)):
            module.build_config()
        monkeypatch.setenv(missing, given[missing])

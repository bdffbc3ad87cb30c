"""No state in process memory: two IdP and two diary instances on one PostgreSQL database per app.

Every browser request goes to the other instance of its app than the previous one, so a login that
begins on one instance ends on the other, and attempt counters must be shared through the database.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
from dataclasses import dataclass
from dataclasses import field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

import psycopg
import pytest
import requests

from fedlab.serve import gunicorn_command
from tests.e2e.conftest import FEDLAB
from tests.e2e.conftest import free_port
from tests.e2e.conftest import wait_healthy
from tests.helpers.databases import PG_ADMIN_DSN
from tests.helpers.databases import pg_create_database
from tests.helpers.databases import pg_drop_database
from tests.test_postgres_migrations import postgres_reachable

pytestmark = pytest.mark.e2e

IDP_PASSWORD = "Gosuslugi+2024"


class FormParser(HTMLParser):
    """Collects every form of a page: its action and its named inputs' values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": {}, "buttons": []})
        elif tag in ("input", "button") and self.forms and a.get("name"):
            kind = (a.get("type") or ("submit" if tag == "button" else "text")).lower()
            if kind in ("submit", "button"):
                self.forms[-1]["buttons"].append((a["name"], a.get("value") or "1"))
            elif kind not in ("checkbox", "radio") or "checked" in a:
                self.forms[-1]["fields"].setdefault(a["name"], a.get("value") or "")


def forms_of(html: str) -> list[dict]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def form_with(html: str, name: str) -> dict:
    """Return the first form that has a field or button called ``name``."""
    for form in forms_of(html):
        if name in form["fields"] or any(b[0] == name for b in form["buttons"]):
            return form
    raise AssertionError(f"no form with {name!r} on the page:\n{html[:3000]}")


@dataclass
class App:
    """Two served instances of one app; ``base`` is the public URL the configuration names (instance A)."""

    name: str
    ports: tuple[int, int]
    served: list[int] = field(default_factory=list)

    def next_port(self) -> int:
        """Return the instance that did not serve the previous request of this app."""
        if not self.served:
            return self.ports[0]
        return self.ports[1] if self.served[-1] == self.ports[0] else self.ports[0]


class Browser:
    """A ``requests`` session that sends each request of an app to the other instance than the last one."""

    def __init__(self, apps: list[App]) -> None:
        self.http = requests.Session()
        self.apps = {port: app for app in apps for port in app.ports}

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        parts = urlsplit(url)
        app = self.apps[parts.port]
        port = app.next_port()
        app.served.append(port)
        target = urlunsplit(parts._replace(netloc=f"127.0.0.1:{port}"))
        return self.http.request(method, target, allow_redirects=False, timeout=60, **kwargs)

    def go(self, method: str, url: str, **kwargs) -> requests.Response:
        """Send a request and follow its redirects, each to the other instance of the app it names."""
        response = self.request(method, url, **kwargs)
        for _ in range(20):
            if response.status_code not in (301, 302, 303, 307, 308):
                return response
            url = urljoin(response.url, response.headers["Location"])
            response = self.request("GET", url)
        raise AssertionError("too many redirects")

    def submit(self, page: requests.Response, name: str, **values: str) -> requests.Response:
        """Fill and submit the page's form that has ``name``, pressing that button when it is one."""
        form = form_with(page.text, name)
        data = {**form["fields"], **values}
        for button, value in form["buttons"]:
            if button == name:
                data[button] = value
        return self.go("POST", urljoin(page.url, form["action"] or page.url), data=data)


@dataclass
class Cluster:
    """Two instances of each app on loopback, sharing one PostgreSQL database per app."""

    idp: App
    rp: App
    env: dict[str, str]
    processes: list[subprocess.Popen]

    @property
    def idp_url(self) -> str:
        return f"http://127.0.0.1:{self.idp.ports[0]}"

    @property
    def rp_url(self) -> str:
        return f"http://127.0.0.1:{self.rp.ports[0]}"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Set up both PostgreSQL databases with ``fedlab setup`` and serve two instances of each app."""
    tmp_path = tmp_path_factory.mktemp("instances")
    if not postgres_reachable():
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN_DSN!r}")
    names = {app: f"fedlab_test_{os.getpid()}_instances_{app}" for app in ("idp", "rp")}
    urls = {app: pg_create_database(name) for app, name in names.items()}
    idp_ports, rp_ports = (free_port(), free_port()), (free_port(), free_port())
    env = {
        **os.environ,
        "FEDLAB_INSTANCE_DIR": str(tmp_path),
        "FEDLAB_IDP_DATABASE_URL": urls["idp"],
        "FEDLAB_RP_DATABASE_URL": urls["rp"],
        # Public URLs name instance A of each app; instance B serves the same configuration.
        "FEDLAB_IDP_PORT": str(idp_ports[0]),
        "FEDLAB_RP_PORT": str(rp_ports[0]),
        "FEDLAB_IDP_SECRET_KEY": "instances-test-idp-secret",
        "FEDLAB_RP_SECRET_KEY": "instances-test-rp-secret",
        "FEDLAB_IDP_ARGON2_TIME_COST": "1",
        "FEDLAB_IDP_ARGON2_MEMORY_COST": "8",
        "FEDLAB_IDP_ARGON2_PARALLELISM": "1",
        "FEDLAB_RP_ARGON2_TIME_COST": "1",
        "FEDLAB_RP_ARGON2_MEMORY_COST": "8",
        "FEDLAB_RP_ARGON2_PARALLELISM": "1",
    }
    env.pop("DATABASE_URL", None)
    processes: list[subprocess.Popen] = []
    try:
        setup = subprocess.run([FEDLAB, "setup"], env=env, capture_output=True, text=True, timeout=300)
        assert setup.returncode == 0, setup.stdout + setup.stderr
        started = []  # all four start at once, then each is waited for
        for factory, ports in (("idp:create_app()", idp_ports), ("rp:create_app()", rp_ports)):
            for port in ports:
                log_path = tmp_path / f"{factory[:3].strip(':')}-{port}.log"
                with log_path.open("w") as log:  # the server writes through its own copy of the descriptor
                    process = subprocess.Popen(
                        gunicorn_command(factory, port, 1),
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                        cwd=Path(__file__).resolve().parents[2],
                    )
                processes.append(process)
                started.append((port, process, log_path))
        for port, process, log_path in started:
            wait_healthy(f"http://127.0.0.1:{port}", process, log_path)
        yield Cluster(App("idp", idp_ports), App("rp", rp_ports), env, processes)
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for log_path in sorted(tmp_path.glob("*.log")):
            text = log_path.read_text(errors="replace")
            if "Traceback" in text:  # shown by pytest when the test fails
                print(f"--- {log_path.name} ---\n{text[-4000:]}")
        for name in names.values():
            pg_drop_database(name)


@pytest.fixture
def apps(cluster) -> tuple[App, App]:
    """Fresh (IdP, diary) request bookkeeping for one test."""
    return App("idp", cluster.idp.ports), App("rp", cluster.rp.ports)


def log_in_at_idp(browser: Browser, page: requests.Response, login: str) -> requests.Response:
    """Answer the IdP's login page (and its consent page, if shown) and return where that leads."""
    assert 'name="password"' in page.text, page.text[:2000]
    page = browser.submit(page, "password", login=login, password=IDP_PASSWORD)
    if "allow" in {b[0] for form in forms_of(page.text) for b in form["buttons"]}:
        page = browser.submit(page, "allow")
    return page


def signed_in_diary(page: requests.Response) -> bool:
    """Return whether ``page`` is a diary page of a signed-in person (it has the log-out form)."""
    return page.status_code == 200 and urlsplit(page.url).path.startswith("/diary") and "/logout" in page.text


def through_diary_consent(browser: Browser, page: requests.Response) -> requests.Response:
    """Accept the diary's 152-ФЗ consent page when it is shown (a parent's first visit)."""
    if "/consent" in urlsplit(page.url).path:
        page = browser.submit(page, "accept")
    return page


def test_gosuslugi_login_alternating_instances_at_every_step(cluster, apps):
    idp, rp = apps
    browser = Browser([idp, rp])

    # Diary A or B -> IdP login form -> IdP (other instance) -> consent -> diary callback -> diary page.
    page = browser.submit(browser.go("GET", cluster.rp_url + "/login/esia/dvinaland"), "esia_start")
    assert urlsplit(page.url).port in idp.ports, page.url
    page = through_diary_consent(browser, log_in_at_idp(browser, page, "vasiliev@example.test"))

    assert page.status_code == 200, page.text[:2000]
    assert urlsplit(page.url).port in cluster.rp.ports, page.url
    assert signed_in_diary(page), (page.url, page.text[page.text.find("<main") :][:1500])
    # The signed-in diary session works on both instances.
    for _ in range(2):
        again = browser.go("GET", page.url)
        assert urlsplit(again.url).path == urlsplit(page.url).path and signed_in_diary(again)
    # Both instances of each app served the login, never the same one twice in a row.
    for app in (idp, rp):
        assert set(app.served) == set(app.ports), (app.name, app.served)
        assert all(a != b for a, b in zip(app.served, app.served[1:], strict=False)), (app.name, app.served)


def idp_pg(cluster: Cluster):
    """Return a psycopg connection to the IdP's database (to read the lab inbox)."""
    url = cluster.env["FEDLAB_IDP_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(url, autocommit=True)


def test_password_lockout_is_counted_across_instances(cluster, apps):
    idp, _ = apps
    browser = Browser([idp])
    page = browser.go("GET", cluster.idp_url + "/login")
    for _ in range(4):
        page = browser.submit(page, "password", login="smirnova@example.test", password="wrong-password-1")
        assert page.status_code == 401, page.text[:1000]
    page = browser.submit(page, "password", login="smirnova@example.test", password="wrong-password-1")
    assert page.status_code == 429
    # The right password on the other instance is refused too: the lock lives in the database.
    page = browser.submit(page, "password", login="smirnova@example.test", password=IDP_PASSWORD)
    assert page.status_code == 429
    assert "заблокирован" in page.text
    assert set(idp.served) == set(idp.ports)


def test_registration_code_attempts_are_counted_across_instances(cluster, apps):
    idp, _ = apps
    browser = Browser([idp])
    phone = "+79990001122"
    page = browser.go("GET", cluster.idp_url + "/registration")
    page = browser.submit(
        page,
        "last_name",
        last_name="Новиков",
        first_name="Олег",
        phone=phone,
        email="novikov@example.test",
        channel="sms",
    )
    assert "/registration/confirm" in page.url, page.text[:2000]
    with idp_pg(cluster) as conn:
        body = conn.execute(
            "SELECT body FROM message WHERE recipient = %s ORDER BY id DESC LIMIT 1", (phone,)
        ).fetchone()[0]
    code = next(word for word in body.replace(".", " ").split() if word.isdigit() and len(word) == 6)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    served_before = len(idp.served)
    page = browser.submit(page, "code", code=wrong)  # instance A or B
    assert "Осталось попыток: 2" in page.text
    page = browser.submit(page, "code", code=wrong)  # the other one
    assert "Осталось попыток: 1" in page.text
    page = browser.submit(page, "code", code=wrong)  # the first one again
    assert "больше не действует" in page.text
    page = browser.submit(page, "code", code=code)  # even the right code is refused now
    assert "больше не действует" in page.text
    assert "/registration/password" not in page.url
    assert set(idp.served[served_before:]) == set(idp.ports)


def test_first_gosuslugi_login_links_across_instances(cluster, apps):
    idp, rp = apps
    browser = Browser([idp, rp])
    page = browser.submit(browser.go("GET", cluster.rp_url + "/login/esia/dvinaland"), "esia_start")
    page = log_in_at_idp(browser, page, "ivanova@example.test")
    assert urlsplit(page.url).port in cluster.rp.ports, page.url
    assert page.status_code == 200, page.text[:2000]
    # The four first-login pages, each answered on the other diary instance than the one that showed it.
    assert urlsplit(page.url).path == "/login/esia/first/person", page.url
    page = browser.submit(page, "submit")
    assert urlsplit(page.url).path == "/login/esia/first/contacts", page.url
    page = browser.submit(page, "phone", phone="+79111000001", email="ivanova@example.test")
    assert urlsplit(page.url).path == "/login/esia/first/password", page.text[:3000]
    page = browser.submit(page, "password", password="Dnevnik2025new", repeat="Dnevnik2025new")
    assert urlsplit(page.url).path == "/login/esia/first/done", page.text[:3000]
    target = re.search(r'class="button" href="([^"]+)"', page.text).group(1)
    page = browser.go("GET", urljoin(page.url, target))
    page = through_diary_consent(browser, page)
    assert page.status_code == 200, page.text[:2000]
    assert signed_in_diary(page), (page.url, page.text[page.text.find("<main") :][:1500])
    assert set(rp.served) == set(rp.ports)

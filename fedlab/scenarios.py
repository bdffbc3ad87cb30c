"""``fedlab scenario ...`` and ``fedlab reset``: load QA scenarios into both running apps and check them over HTTP.

Only HTTP: the lab APIs of the IdP and the diary (``/api/lab/...``) and their ordinary pages, driven with
``requests`` the way a browser would (one cookie jar per app).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from html import unescape
from typing import Any
from urllib.parse import urljoin
from urllib.parse import urlsplit

import click
import requests

from fedlab.lab_names import lab_urls
from labkit.cliutil import emit
from labkit.cliutil import fail
from shared import scenarios as library
from shared.scenarios import Scenario

DEFAULT_IDP_URL = "http://127.0.0.1:5001"
DEFAULT_RP_URL = "http://127.0.0.1:5002"
TIMEOUT = 30
MAX_STEPS = 20


class LabError(RuntimeError):
    """A lab app could not be reached or refused a request; the message says which and why."""


@dataclass
class Lab:
    """Where the two running apps are, and the lab token to send (needed off loopback)."""

    idp_url: str = DEFAULT_IDP_URL
    rp_url: str = DEFAULT_RP_URL
    token: str | None = None

    @classmethod
    def from_env(cls, idp_url: str | None = None, rp_url: str | None = None, token: str | None = None) -> Lab:
        """Return the lab from options, else FEDLAB_IDP_URL / FEDLAB_RP_URL / FEDLAB_LAB_TOKEN, else serve's URLs.

        Those are the names ``fedlab serve`` uses, on ``FEDLAB_IDP_PORT`` / ``FEDLAB_RP_PORT``.
        """
        return cls(
            idp_url=(idp_url or os.environ.get("FEDLAB_IDP_URL") or lab_urls()[0]).rstrip("/"),
            rp_url=(rp_url or os.environ.get("FEDLAB_RP_URL") or lab_urls()[1]).rstrip("/"),
            token=token or os.environ.get("FEDLAB_LAB_TOKEN") or None,
        )

    def _api(self, app: str, method: str, path: str, body: Any = None) -> dict[str, Any]:
        base = self.idp_url if app == "idp" else self.rp_url
        headers = {"X-Lab-Token": self.token} if self.token else {}
        try:
            response = requests.request(method, base + path, json=body, headers=headers, timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise LabError(f"{app} at {base} is not reachable: {exc}") from None
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code >= 400 or not isinstance(data, dict):
            detail = data.get("error_description") or data.get("error") if isinstance(data, dict) else None
            raise LabError(f"{app}: {method} {path} -> {response.status_code}: {detail or response.text[:300]}")
        return data

    def reset(self, demo: bool = True) -> dict[str, Any]:
        """Reset both apps (to the demo when ``demo``) and return their answers."""
        return {
            "idp": self._api("idp", "POST", "/api/lab/reset", {"demo": demo}),
            "rp": self._api("rp", "POST", "/api/lab/reset", {"demo": demo}),
        }

    def load(self, scenario: Scenario) -> dict[str, Any]:
        """Reset both apps to exactly the scenario's state and return their answers."""
        document = scenario.to_document()
        return {
            "idp": self._api("idp", "POST", "/api/lab/scenario", document),
            "rp": self._api("rp", "POST", "/api/lab/scenario", document),
        }

    def latest_record_id(self) -> int:
        """Return the id of the diary's newest linking record (0 when none)."""
        records = self._api("rp", "GET", "/api/lab/linking?limit=1")["records"]
        return records[0]["id"] if records else 0

    def records_after(self, record_id: int) -> list[dict[str, Any]]:
        """Return the diary's linking records newer than ``record_id``, oldest first."""
        records = self._api("rp", "GET", "/api/lab/linking?limit=20")["records"]
        return sorted((r for r in records if r["id"] > record_id), key=lambda r: r["id"])

    def user_login(self, user_id: int | None) -> str | None:
        """Return the diary login with this id, or None."""
        if user_id is None:
            return None
        return self._api("rp", "GET", f"/api/lab/users/{user_id}")["login"]


# --- driving the login as a browser would ----------------------------------------------------------


_INPUT = re.compile(r"<input\b[^>]*>", re.I | re.S)
_ATTR = re.compile(r'([a-zA-Z_:-]+)\s*=\s*"([^"]*)"')
_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.I | re.S)


def _forms(html: str) -> list[tuple[dict[str, str], dict[str, str], str]]:
    """Return each form's attributes, its named input values and its inner HTML."""
    forms = []
    for attrs, body in _FORM.findall(html):
        fields = {}
        for tag in _INPUT.findall(body):
            a = {k.lower(): unescape(val) for k, val in _ATTR.findall(tag)}
            if "name" in a:
                fields[a["name"]] = a.get("value", "")
        forms.append(({k.lower(): unescape(val) for k, val in _ATTR.findall(attrs)}, fields, body))
    return forms


class Browser:
    """Two cookie jars (IdP and diary), redirects followed by hand so that each app gets its own cookies."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab
        self.idp = requests.Session()
        self.rp = requests.Session()
        self.url = ""

    def is_idp(self, url: str) -> bool:
        """Return whether ``url`` is the IdP's: its base URL, or the same port on a loopback name.

        ``fedlab`` reaches the IdP at 127.0.0.1 while its pages redirect to ``idp.localhost`` (or back).
        """
        if url.startswith(self.lab.idp_url):
            return True
        here, idp = urlsplit(url), urlsplit(self.lab.idp_url)
        local = ("127.0.0.1", "localhost", "::1")
        on_loopback = (here.hostname or "").endswith(".localhost") or here.hostname in local
        idp_local = (idp.hostname or "").endswith(".localhost") or idp.hostname in local
        return on_loopback and idp_local and here.port == idp.port

    def _session(self, url: str) -> requests.Session:
        return self.idp if self.is_idp(url) else self.rp

    def open(self, method: str, url: str, data: dict[str, str] | None = None) -> requests.Response:
        """Send a request and follow redirects (GET) until a page; return the last response."""
        for _ in range(MAX_STEPS):
            response = self._session(url).request(method, url, data=data, allow_redirects=False, timeout=TIMEOUT)
            self.url = url
            if response.status_code not in (301, 302, 303, 307, 308) or "Location" not in response.headers:
                return response
            url = urljoin(url, response.headers["Location"])
            method, data = "GET", None
        raise LabError(f"too many redirects (last: {url})")

    def on_idp(self) -> bool:
        """Return whether the current page is the IdP's."""
        return self.is_idp(self.url)

    def press_gosuslugi(self, region: str) -> requests.Response:
        """Open the region's login page and press "Войти через ГосУслуги" (its form POSTs with a CSRF token)."""
        url = f"{self.lab.rp_url}/login/esia/{region}"
        page = self.open("GET", url)
        action = f"/login/esia/{region}"
        found = next(((a, f) for a, f, _ in _forms(page.text) if (a.get("action") or "").endswith(action)), None)
        if found is None:
            raise LabError(f"no «Войти через ГосУслуги» button on {self.url} ({page.status_code})")
        attrs, form = found
        # The page may have moved to the diary's own host name (its cookie lives there): post where it is.
        return self.open("POST", urljoin(self.url, attrs.get("action") or self.url), form)


def drive_login(lab: Lab, scenario: Scenario) -> list[str]:
    """Run the scenario's Gosuslugi login from the diary's entry point to the callback; return the pages seen."""
    account = scenario.account(scenario.login.account)
    browser = Browser(lab)
    response = browser.press_gosuslugi(scenario.login.region)
    seen = []
    for _ in range(MAX_STEPS):
        seen.append(f"{response.status_code} {urlsplit(browser.url).netloc}{urlsplit(browser.url).path}")
        if not browser.on_idp():
            return seen
        forms = _forms(response.text)
        login_form = next(((a, f) for a, f, _ in forms if "login" in f and "password" in f), None)
        consent_form = next(((a, f) for a, f, body in forms if 'name="allow"' in body), None)
        if login_form is not None:
            attrs, fields = login_form
            fields.update(login=account.login, password=account.password)
            response = browser.open("POST", urljoin(browser.url, attrs.get("action") or browser.url), fields)
        elif consent_form is not None:
            attrs, fields = consent_form
            fields["allow" if scenario.login.consent == "grant" else "deny"] = "1"
            response = browser.open("POST", urljoin(browser.url, attrs.get("action") or browser.url), fields)
        else:
            back = re.search(r'href="([^"]*error=[^"]*)"', response.text)
            if back is None:
                raise LabError(f"stuck on an IdP page {browser.url} ({response.status_code}); seen: {seen}")
            response = browser.open("GET", urljoin(browser.url, unescape(back.group(1))))
    raise LabError(f"the login did not come back to the diary; seen: {seen}")


def record_outcome(record: dict[str, Any]) -> str:
    """Return a linking record's outcome as scenarios name it (``error:<code>`` for errors)."""
    if record["outcome"] == "error":
        return "error:" + (record.get("detail") or "").split(":", 1)[0].strip()
    return record["outcome"]


@dataclass
class CheckResult:
    """Expected against actual outcome of one scenario."""

    name: str
    expected: str
    actual: str
    expected_login: str | None
    actual_login: str | None
    record_id: int | None
    detail: str
    pages: list[str]
    #: The region of the diary's record (which regional entry point, hence which protocol, was used).
    region: str | None = None

    @property
    def ok(self) -> bool:
        """Return whether the outcome (and the diary login, when expected) is the scenario's."""
        return self.expected == self.actual and (self.expected_login in (None, self.actual_login))

    def as_dict(self) -> dict[str, Any]:
        """Return the result for ``--json``."""
        return {
            "scenario": self.name,
            "ok": self.ok,
            "expected": {"outcome": self.expected, "login": self.expected_login},
            "actual": {"outcome": self.actual, "login": self.actual_login},
            "record_id": self.record_id,
            "detail": self.detail,
            "pages": self.pages,
            "region": self.region,
        }


def check(lab: Lab, scenario: Scenario, region: str | None = None) -> CheckResult:
    """Load the scenario, drive its login over HTTP and compare the diary's decision with the expected one.

    ``region`` logs in through another regional entry point than the scenario's (e.g. the OIDC one).
    """
    if region:
        scenario.login.region = region
    lab.load(scenario)
    before = lab.latest_record_id()
    pages = drive_login(lab, scenario)
    records = lab.records_after(before)
    if not records:
        return CheckResult(
            scenario.name, scenario.expect.outcome, "no_record", scenario.expect.login, None, None, "", pages
        )
    # The decision is the first record of this login (later steps of the same login update that record).
    record = records[0]
    login = None
    if record.get("user_id"):
        login = lab.user_login(record["user_id"])
    elif record["outcome"].startswith("conflict"):
        login = next((c["login"] for c in record.get("candidates", []) if c.get("match")), None)
    return CheckResult(
        scenario.name,
        scenario.expect.outcome,
        record_outcome(record),
        scenario.expect.login,
        login,
        record["id"],
        record.get("detail", ""),
        pages,
        record.get("region"),
    )


# --- the click commands (added to the root ``fedlab`` command in fedlab/cli.py) -----------------------


def _lab_options(func):
    func = click.option("--token", default=None, help="Lab token (X-Lab-Token); env FEDLAB_LAB_TOKEN.")(func)
    func = click.option(
        "--rp-url", default=None, help="Diary base URL; env FEDLAB_RP_URL, else the one fedlab serve uses."
    )(func)
    func = click.option(
        "--idp-url", default=None, help="IdP base URL; env FEDLAB_IDP_URL, else the one fedlab serve uses."
    )(func)
    return func


def _load_named(name: str, as_json: bool = False) -> Scenario:
    try:
        return library.load(name)
    except LookupError as exc:
        fail(f"{exc}; see `fedlab scenario list`", as_json=as_json)
    except library.ScenarioError as exc:
        fail(str(exc), as_json=as_json)


@click.group("scenario")
def scenario_group() -> None:
    """QA scenarios: list, show, load into both running apps, check the Gosuslugi login outcome."""


@scenario_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_command(as_json: bool) -> None:
    """List the scenario library with each scenario's expected outcome."""
    try:
        items = library.load_all()
    except library.ScenarioError as exc:
        fail(str(exc), as_json=as_json)
    lines = [f"{s.name:36} {s.expect.outcome:22} {s.title}" for s in items]
    emit([s.summary() for s in items], as_json, "\n".join(lines))


@scenario_group.command("show")
@click.argument("name")
def show_command(name: str) -> None:
    """Print a scenario: description, both sides, and the expected outcome (as JSON)."""
    scenario = _load_named(name)
    click.echo(json.dumps(scenario.to_document(), ensure_ascii=False, indent=2))


@scenario_group.command("load")
@click.argument("name")
@_lab_options
def load_command(name: str, idp_url: str | None, rp_url: str | None, token: str | None) -> None:
    """Reset both running apps to exactly this scenario's state (over their lab APIs)."""
    scenario = _load_named(name)
    lab = Lab.from_env(idp_url, rp_url, token)
    try:
        lab.load(scenario)
    except LabError as exc:
        fail(str(exc))
    account = scenario.account(scenario.login.account)
    click.echo(f"loaded {scenario.name}: {scenario.title}")
    click.echo(f"  log in at {lab.rp_url}/login/esia/{scenario.login.region}")
    click.echo(f"  Gosuslugi login {account.login}, password {account.password}")
    click.echo(
        f"  expected outcome: {scenario.expect.outcome}"
        + (f" ({scenario.expect.login})" if scenario.expect.login else "")
    )
    click.echo(f"  linking decisions: {lab.rp_url}/lab/linking")


@scenario_group.command("check")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--region", default=None, help="Log in through this region instead (e.g. tomsk: OIDC, dvinaland: ESIA).")
@_lab_options
def check_command(
    name: str, as_json: bool, region: str | None, idp_url: str | None, rp_url: str | None, token: str | None
) -> None:
    """Load the scenario, drive the Gosuslugi login over HTTP, and compare the outcome (exit 1 on mismatch)."""
    scenario = _load_named(name, as_json)
    lab = Lab.from_env(idp_url, rp_url, token)
    try:
        result = check(lab, scenario, region)
    except LabError as exc:
        fail(str(exc), as_json=as_json)
    expected = result.expected + (f" ({result.expected_login})" if result.expected_login else "")
    actual = result.actual + (f" ({result.actual_login})" if result.actual_login else "")
    text = (
        f"{'OK  ' if result.ok else 'FAIL'} {scenario.name}: expected {expected}, got {actual}\n"
        f"     record #{result.record_id}: {result.detail}\n"
        f"     {lab.rp_url}/lab/linking/{result.record_id}"
    )
    emit(result.as_dict(), as_json, text)
    if not result.ok:
        raise SystemExit(1)


@click.command("reset")
@click.option("--empty", is_flag=True, help="Leave both apps empty instead of re-seeding the demo.")
@_lab_options
def reset_command(empty: bool, idp_url: str | None, rp_url: str | None, token: str | None) -> None:
    """Return both running apps to the demo state in one call (signing keys, clients and regions are kept)."""
    lab = Lab.from_env(idp_url, rp_url, token)
    try:
        lab.reset(demo=not empty)
    except LabError as exc:
        fail(str(exc))
    click.echo("both apps reset" + ("" if empty else " to the demo state"))

"""Fuzz every route of both apps with random and malicious values: no 500, no template injection, no partial writes.

Routes come from each app's ``url_map`` (GET, POST and DELETE where the rule allows them); path parameters get
ids of seeded rows and garbage; query strings, form bodies and JSON bodies get overlong text, Unicode edge
cases, SQL and template injection strings and wrong JSON types, with the CSRF token read from a page and
without it. Each app is tried logged out and logged in as each kind of user. A deterministic
``random.Random`` seed keeps the run reproducible and bounded.

Checks per request: no status 500 and no exception (``PROPAGATE_EXCEPTIONS`` makes a crash raise here),
``{{7*7}}`` never rendered as 49, and a refused request (4xx) leaves the row count of every table unchanged.
"""

from __future__ import annotations

import inspect
import json
import random
import re
import tempfile
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from werkzeug.routing import IntegerConverter

pytestmark = pytest.mark.spread  # each fuzzer is long and independent of the others

ROOT = Path(__file__).resolve().parents[2]
SEED = 20240607
TODAY = date(2026, 9, 16)
#: Requests per (route, method) and identity beyond the baseline; keeps the whole fuzz well under a minute.
CASES = 3

# --- values ------------------------------------------------------------------------------------------

#: A template expression wrapped in markers: rendered, it would show as ``zq49qz``.
TEMPLATE_PROBES = {"zq{{7*7}}qz": "zq49qz", "zq{{ 7*'7' }}qz": "zq7777777qz", "zq{% print(7*7) %}qz": "zq49qz"}
MALICIOUS = [
    "",
    " ",
    "a" * 10_001,
    "Ж" * 12_000,
    "1" * 10_500,
    "\x00",
    "abc\x00def",
    "\u202eтекст справа налево\u202c",
    "е" + "\u0301\u0308\u0327\u0336" * 40,
    "👨‍👩‍👧‍👦🎉🇷🇺",
    "\ufeff\u200b\u200d",
    "１２３-４５６-７８９ ６４",
    "٣٤٥٦٧٨٩٠١٢٣",
    "+７ (９１６) １２３-４５-６７",
    "' OR 1=1 --",
    "'; DROP TABLE account; --",
    '" OR ""="',
    "1 UNION SELECT NULL, NULL--",
    "{{7*7}}",
    "${7*7}",
    "#{7*7}",
    "<script>alert(1)</script>",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "31.02.2026",
    "../../../../etc/passwd",
    "http://evil.example/",
    "//evil.example",
    "javascript:alert(1)",
    "\r\nSet-Cookie: x=1",
    "%00%ff",
    *TEMPLATE_PROBES,
]
#: JSON values of the wrong type (and a lone surrogate, which only JSON can carry).
WRONG_TYPES: list[Any] = [
    None,
    [],
    [1, "a", None],
    {"a": {"b": [None, {"c": 1}]}},
    0,
    -1,
    1.5,
    10**30,
    True,
    "x" * 10_001,
    "\ud800",
    "zq{{7*7}}qz",
    "' OR 1=1 --",
]
#: Percent-encoded bytes that are not UTF-8 (a CESU-8 lone surrogate, a stray continuation byte, NUL).
RAW_BAD_UTF8 = ["%ED%A0%80", "%C0%AF", "%FF%FE", "%00"]
#: Names the views read that no form declares (OIDC parameters, filters).
EXTRA_NAMES = {
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "prompt",
    "max_age",
    "login_hint",
    "request",
    "grant_type",
    "code",
    "code_verifier",
    "refresh_token",
    "token",
    "token_type_hint",
    "id_token_hint",
    "post_logout_redirect_uri",
    "next",
    "lang",
    "error",
    "error_description",
    "iss",
    "demo",
}


def source_names(package: str) -> set[str]:
    """Return the request parameter and JSON key names a package's source reads (``.get("x"``, ``["x"]``)."""
    names: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        names.update(re.findall(r'\.get\(\s*"([a-z][a-z0-9_]{0,40})"', text))
        names.update(re.findall(r'(?:args|form|values|data|body|payload)\[\s*"([a-z][a-z0-9_]{0,40})"\s*\]', text))
    return names


def form_field_names(package: str) -> set[str]:
    """Return the field names of every FlaskForm in ``<package>.forms``."""
    import importlib
    import pkgutil

    from flask_wtf import FlaskForm
    from wtforms.fields.core import UnboundField

    forms_pkg = importlib.import_module(f"{package}.forms")
    names: set[str] = set()
    for info in pkgutil.iter_modules(forms_pkg.__path__):
        module = importlib.import_module(f"{package}.forms.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, FlaskForm):
                names.update(n for n, _ in inspect.getmembers(cls, lambda v: isinstance(v, UnboundField)))
    return names


# --- pages -------------------------------------------------------------------------------------------


class _Forms(HTMLParser):
    """Collect each form's method, action and named controls (with their values)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"method": a.get("method", "get").lower(), "action": a.get("action", ""), "fields": {}})
        elif self.forms and tag in ("input", "select", "textarea", "button") and a.get("name"):
            self.forms[-1]["fields"].setdefault(a["name"], a.get("value", ""))


def page_forms(html: str) -> list[dict[str, Any]]:
    """Return the forms of a page."""
    parser = _Forms()
    parser.feed(html)
    return parser.forms


CSRF = re.compile(r'name="(?:\w+-)?csrf_token" type="hidden" value="([^"]+)"')


# --- the database ------------------------------------------------------------------------------------


#: The row-count query of each metadata (built once: building it costs more than running it).
_COUNT_QUERIES: dict[int, Any] = {}


def row_counts(app) -> dict[str, int]:
    """Return the row count of every table of the app's metadata (one query: a scalar subquery per table)."""
    ext = app.extensions["sqlalchemy"]
    query = _COUNT_QUERIES.get(id(ext.metadata))
    if query is None:
        counts = (
            sa.select(sa.func.count()).select_from(t).scalar_subquery().label(t.name)
            for t in ext.metadata.sorted_tables
        )
        query = _COUNT_QUERIES[id(ext.metadata)] = sa.select(*counts)
    with app.app_context(), ext.engine.connect() as conn:
        return dict(conn.execute(query).one()._mapping)


# --- the fuzzer --------------------------------------------------------------------------------------


@dataclass
class Fuzzer:
    """Sends the cases of every route as one identity and collects what went wrong."""

    app: Any
    client: Any
    login: Any  # callable(client) -> None: (re)establishes the identity
    path_values: dict[str, list[Any]]
    names: list[str]
    rng: random.Random
    #: Table -> path prefixes where a refused request may still write to it (an audit trail or an attempt
    #: counter, not a partial write); ``""`` matches every path.
    audit_tables: dict[str, tuple[str, ...]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    sent: int = 0
    csrf: str | None = None
    csrf_session: str | None = None

    def send(self, method: str, path: str, **kwargs: Any):
        """Send one request (identity restored first) and check it; return the response or None on a crash."""
        self.login(self.client, self.csrf_session)
        before = row_counts(self.app)
        self.sent += 1
        label = f"{method} {path[:120]} {_describe(kwargs)}"
        try:
            response = self.client.open(path, method=method, **kwargs)
        except Exception as exc:  # noqa: BLE001  (any crash is a finding)
            self.problems.append(f"EXCEPTION {type(exc).__name__}: {str(exc)[:200]} <- {label}")
            return None
        if response.status_code == 500:
            self.problems.append(f"500 <- {label}")
        body = response.get_data(as_text=True)
        for rendered in set(TEMPLATE_PROBES.values()):
            if rendered in body:
                self.problems.append(f"template injection rendered {rendered!r} <- {label}")
        if 400 <= response.status_code < 500:
            after = row_counts(self.app)
            changed = {
                t: (before[t], after[t])
                for t in before
                if before[t] != after[t] and not path.startswith(self.audit_tables.get(t, ("\0",)))
            }
            if changed:
                self.problems.append(f"partial write {changed} on {response.status_code} <- {label}")
        return response

    def value(self) -> str:
        return self.rng.choice(MALICIOUS)

    def path_variants(self, rule) -> list[str]:
        """Return the rule's path with plausible ids and with garbage parameters (the same path without any)."""
        args = sorted(rule.arguments)
        if not args:
            return [rule.rule, rule.rule]
        plausible = {a: self.rng.choice(self.path_values.get(a, [1])) for a in args}
        garbage = {}
        for a in args:
            if isinstance(rule._converters[a], IntegerConverter):
                garbage[a] = self.rng.choice(["0", "999999999", str(2**31), str(2**63), "9" * 40])
            else:
                garbage[a] = quote(self.rng.choice(MALICIOUS) or "x", safe="")
        return [_build(rule, plausible), _build(rule, garbage)]

    def fuzz_get(self, path: str) -> None:
        """A plain GET (remembering the page's forms and CSRF token), then GETs with hostile query strings."""
        response = self.send("GET", path)
        if response is not None and response.status_code == 200 and "html" in (response.content_type or ""):
            html = response.get_data(as_text=True)
            token = CSRF.search(html)
            if token:
                self.csrf = token.group(1)
                self.remember_csrf_session()
            for form in page_forms(html):
                self.names.extend(n for n in form["fields"] if n not in self.names and "csrf" not in n)
        for _ in range(CASES):
            params = {n: self.value() for n in self.rng.sample(self.names, min(len(self.names), 6))}
            self.send("GET", path, query_string=urlencode(params))
        raw = "&".join(f"{n}={self.rng.choice(RAW_BAD_UTF8)}" for n in self.rng.sample(self.names, 4))
        self.send("GET", path, query_string=raw)

    def remember_csrf_session(self) -> None:
        with self.client.session_transaction() as sess:
            self.csrf_session = sess.get("csrf_token")

    def fuzz_post(self, method: str, path: str, form_fields: dict[str, str]) -> None:
        """Form bodies with and without the CSRF token, a body that is not UTF-8, and JSON of the wrong types."""
        fields = dict(form_fields) or {n: "" for n in self.rng.sample(self.names, min(len(self.names), 12))}
        fields = {k: v for k, v in fields.items() if "csrf" not in k}
        for case in range(CASES + 1):
            data = dict(fields)
            if case == 0:  # every field hostile
                data = {k: self.value() for k in data}
            else:  # one or two hostile fields among the page's own values
                for name in self.rng.sample(sorted(data) or ["x"], min(2, max(1, len(data)))):
                    data[name] = self.value()
            if self.csrf and case % 2 == 0:
                data["csrf_token"] = self.csrf
            self.send(method, path, data=data)
        raw = "&".join(f"{n}={self.rng.choice(RAW_BAD_UTF8)}" for n in list(fields)[:6] or ["x"])
        if self.csrf:
            raw += "&csrf_token=" + quote(self.csrf)
        self.send(method, path, data=raw, content_type="application/x-www-form-urlencoded")
        for top in (self.rng.choice(WRONG_TYPES), self._json_object(fields)):
            self.send(method, path, json=top, headers={"X-CSRFToken": self.csrf} if self.csrf else {})
        self.send(method, path, data="{not json", content_type="application/json")
        if path.startswith("/api/lab/"):
            self.fuzz_lab_api(method, path, fields)

    def fuzz_lab_api(self, method: str, path: str, fields: dict[str, str]) -> None:
        """What another web page or a hostile client sends to the lab API: each must be refused, none a write.

        Form and text bodies, JSON nested 5,000 levels, a body over the size limit, a rebinding ``Host`` and
        a cross-site ``Origin`` / ``Sec-Fetch-Site`` (with a body the API would otherwise accept).
        """
        valid = {"demo": False} if path == "/api/lab/reset" else self._json_object(fields)
        cases: list[dict[str, Any]] = [
            {"data": {"demo": "false"}},
            {"data": b"", "content_type": "application/x-www-form-urlencoded"},
            {"data": json.dumps(valid), "content_type": "text/plain"},
            {"data": "[" * 5000 + "]" * 5000, "content_type": "application/json"},
            {"data": '{"a":' * 5000 + "1" + "}" * 5000, "content_type": "application/json"},
            {"data": '{"x": "' + "y" * (2 * 1024 * 1024) + '"}', "content_type": "application/json"},
            {"json": valid, "headers": {"Host": "rebind.attacker.example"}},
            {"json": valid, "headers": {"Origin": "http://evil.example"}},
            {"json": valid, "headers": {"Origin": "null"}},
            {"json": valid, "headers": {"Sec-Fetch-Site": "cross-site"}},
        ]
        nested = (cases[3], cases[4])  # a route that never reads its body may answer 200: only no 500 there
        for kwargs in cases:
            response = self.send(method, path, **kwargs)
            if response is not None and response.status_code < 400 and kwargs not in nested:
                self.problems.append(f"lab API accepted {response.status_code} <- {method} {path} {_describe(kwargs)}")
            if response is not None and "yyyyyyyyyy" in response.get_data(as_text=True):
                self.problems.append(f"oversized body echoed <- {method} {path}")

    def _json_object(self, fields: dict[str, str]) -> dict[str, Any]:
        keys = list(fields) + self.rng.sample(self.names, min(len(self.names), 6))
        return {k: self.rng.choice(WRONG_TYPES) for k in keys}

    def run(self, rules) -> None:
        """Fuzz every given rule with every method it allows (garbage path parameters: one request each)."""
        for rule in rules:
            methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
            path, garbage_path = self.path_variants(rule)
            form_fields: dict[str, str] = {}
            if "GET" in methods:
                self.fuzz_get(path)
                form_fields = self._post_form_of(path)
            for method in ("POST", "PUT", "PATCH", "DELETE"):
                if method in methods:
                    self.fuzz_post(method, path, form_fields)
            if garbage_path != path:
                for method in methods:
                    data = {"csrf_token": self.csrf} if self.csrf and method != "GET" else None
                    self.send(method, garbage_path, data=data)

    def _post_form_of(self, path: str) -> dict[str, str]:
        self.login(self.client, self.csrf_session)
        response = self.client.get(path)
        if response.status_code != 200 or "html" not in (response.content_type or ""):
            return {}
        forms = [f for f in page_forms(response.get_data(as_text=True)) if f["method"] == "post"]
        return forms[0]["fields"] if forms else {}


def _build(rule, values: dict[str, str]) -> str:
    path = rule.rule
    for name, value in values.items():
        path = re.sub(r"<(?:[^:<>]+:)?" + re.escape(name) + r">", str(value), path)
    return path


def _describe(kwargs: dict[str, Any]) -> str:
    shown = {
        k: ({kk: repr(vv)[:40] for kk, vv in v.items()} if isinstance(v, dict) else repr(v)[:160])
        for k, v in kwargs.items()
    }
    return str(shown)[:400]


def _report(fuzzer: Fuzzer) -> None:
    assert fuzzer.sent > 0
    problems = sorted(set(fuzzer.problems))
    assert not problems, f"{len(problems)} problems in {fuzzer.sent} requests:\n" + "\n".join(problems[:40])


#: Lab APIs and pages that wipe the app's data (and seed the demo again): fuzzed in a test of their own, after
#: which the seeded ids mean nothing.
DESTRUCTIVE = ("/api/lab/reset", "/api/lab/scenario", "/lab/demo-reset")


def _rules(app, destructive: bool):
    """Return the app's rules (without static files); ``destructive`` picks only the lab reset/scenario APIs."""
    picked = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        if (rule.rule in DESTRUCTIVE) == destructive:
            picked.append(rule)
    return picked


# --- the IdP -----------------------------------------------------------------------------------------


def _idp_setup(idp_app) -> dict[str, list[Any]]:
    from idp.db import db
    from idp.domain.scenario import seed_demo
    from idp.models.accounts import Account
    from labkit.web import password_hasher

    idp_app.config["PROPAGATE_EXCEPTIONS"] = True
    keys_dir = Path(tempfile.mkdtemp(prefix="fedlab-fuzz-esia-"))  # the IdP's GOST key, out of the instance dir
    idp_app.config["ESIA_GOST_KEY_FILE"] = str(keys_dir / "gost.key")
    idp_app.config["ESIA_GOST_CERT_FILE"] = str(keys_dir / "gost.pem")
    with idp_app.app_context():
        seed_demo(db.session, password_hasher(), TODAY)
        db.session.commit()
        accounts = list(db.session.scalars(sa.select(Account.id)))
    return {"account_id": accounts, "check_id": [1], "consent_id": [1], "fault_id": [1], "override_id": [1]}


IDP_IDENTITIES = ["anonymous", "account", "operator"]


def _idp_login(idp_app, who: str):
    def login(client, csrf_session: str | None) -> None:
        with client.session_transaction() as sess:
            if csrf_session and "csrf_token" not in sess:
                sess["csrf_token"] = csrf_session
            if who == "account":
                sess["account_id"] = 1
                sess["auth_time"] = 1_900_000_000
                sess["amr"] = "pwd"
            elif who == "operator":
                sess["operator"] = True

    return login


def _idp_fuzzer(idp_app, who: str) -> Fuzzer:
    values = _idp_setup(idp_app)
    names = sorted(source_names("idp") | form_field_names("idp") | EXTRA_NAMES)
    return Fuzzer(
        idp_app,
        idp_app.test_client(),
        _idp_login(idp_app, who),
        values,
        names,
        random.Random(f"{SEED}-idp-{who}"),
        # Refused protocol requests are traced (that is the trace's purpose); failed logins (the account's and the
        # operator's) are counted per address in login_failure.
        audit_tables={
            "protocol_trace": ("",),
            "protocol_trace_event": ("",),
            "login_failure": ("/login", "/operator/login"),
        },
    )


@pytest.mark.slow
@pytest.mark.parametrize("who", IDP_IDENTITIES)
def test_fuzz_idp_routes(idp_app, who):
    fuzzer = _idp_fuzzer(idp_app, who)
    fuzzer.run(_rules(idp_app, destructive=False))
    _report(fuzzer)


@pytest.mark.slow
def test_fuzz_idp_lab_reset_and_scenario(idp_app):
    fuzzer = _idp_fuzzer(idp_app, "anonymous")
    fuzzer.run(_rules(idp_app, destructive=True))
    _report(fuzzer)


# --- the diary ---------------------------------------------------------------------------------------


def _rp_setup(rp_app) -> tuple[dict[str, list[Any]], dict[str, int]]:
    from rp.demo import seed_school
    from rp.domain.consent import record_consent
    from rp.domain.regions import ensure_region
    from rp.extensions import db
    from rp.models.people import User
    from rp.models.school import Guardian
    from shared.clock import real_now

    rp_app.config["PROPAGATE_EXCEPTIONS"] = True
    rp_app.extensions["clock"].configure(day=TODAY)
    with rp_app.app_context():
        seed_school(db.session, TODAY, password_hash="not-a-real-hash")
        # A closed loopback port: the region's provider is "down", answered without a network.
        ensure_region(db.session, "dvinaland", "Двиналенд", "http://127.0.0.1:9", "diary", "secret")
        users = {u.login: u.id for u in db.session.scalars(sa.select(User))}
        for user in db.session.scalars(sa.select(User)):  # past the personal-data consent page
            record_consent(db.session, user.person_id, rp_app.config["CONSENT_VERSION"], True, real_now())
        db.session.commit()
        parent = db.session.scalar(sa.select(User).where(User.login == "vasiliev.d"))
        child = db.session.scalar(sa.select(Guardian.pupil_id).where(Guardian.parent_id == parent.person_id))

        def ids(table: str) -> list[int]:
            t = db.metadata.tables[table]
            return list(db.session.scalars(sa.select(t.c.id).order_by(t.c.id).limit(3)))

        values = {
            "pupil_id": [child] if child else [1],
            "class_id": ids("school_class"),
            "group_id": ids("subject_group"),
            "lesson_id": ids("lesson"),
            "mark_id": ids("mark"),
            "user_id": list(users.values())[:3],
            "record_id": [1],
            "name": ["dvinaland"],
        }
    return values, users


RP_IDENTITIES = ["anonymous", "vasiliev.d", "uchitel", "operator"]


def _rp_fuzzer(rp_app, who: str) -> Fuzzer:
    values, users = _rp_setup(rp_app)

    def login(client, csrf_session: str | None) -> None:
        with client.session_transaction() as sess:
            if csrf_session and "csrf_token" not in sess:
                sess["csrf_token"] = csrf_session
            if who in users:
                sess["user_id"] = users[who]
                sess["auth_time"] = 1_900_000_000
                sess["login_method"] = "password"

    names = sorted(source_names("rp") | form_field_names("rp") | EXTRA_NAMES)
    return Fuzzer(
        rp_app,
        rp_app.test_client(),
        login,
        values,
        names,
        random.Random(f"{SEED}-rp-{who}"),
        # Every Gosuslugi login attempt, refused ones included, is recorded for the linking lab page.
        audit_tables={"linking_record": ("",)},
    )


@pytest.mark.slow
@pytest.mark.parametrize("who", RP_IDENTITIES)
def test_fuzz_diary_routes(rp_app, who):
    fuzzer = _rp_fuzzer(rp_app, who)
    fuzzer.run(_rules(rp_app, destructive=False))
    _report(fuzzer)


@pytest.mark.slow
def test_fuzz_diary_lab_reset_and_scenario(rp_app):
    fuzzer = _rp_fuzzer(rp_app, "anonymous")
    fuzzer.run(_rules(rp_app, destructive=True))
    _report(fuzzer)


# --- the checks themselves ---------------------------------------------------------------------------


def test_the_fuzzer_notices_a_crash_a_rendered_template_and_a_partial_write(idp_app):
    from flask import abort
    from flask import render_template_string
    from flask import request

    from idp.db import db
    from idp.models.lab import LabSetting

    def crash():
        raise RuntimeError("boom")

    def render():
        return render_template_string("<p>" + request.args.get("q", "") + "</p>")

    def half_written():
        db.session.add(LabSetting(key="half-written", value="1"))
        db.session.commit()
        abort(400)

    for view in (crash, render, half_written):
        idp_app.add_url_rule(f"/probe/{view.__name__}", view.__name__, view, methods=["GET", "POST"])
    fuzzer = Fuzzer(idp_app, idp_app.test_client(), lambda client, csrf: None, {}, ["q"], random.Random(SEED))
    fuzzer.send("GET", "/probe/crash")
    fuzzer.send("GET", "/probe/render", query_string=urlencode({"q": "zq{{7*7}}qz"}))
    fuzzer.send("GET", "/probe/render", query_string=urlencode({"q": "plain"}))
    fuzzer.send("GET", "/probe/half_written")
    kinds = sorted(problem.split(" ", 1)[0] for problem in fuzzer.problems)
    assert kinds == ["EXCEPTION", "partial", "template"], fuzzer.problems


# --- ESIA's protocol ------------------------------------------------------------------------------

ESIA_AC_FIELDS = ("client_id", "client_secret", "redirect_uri", "scope", "scope_org", "response_type", "state")
ESIA_AC_FIELDS += ("timestamp", "access_type", "client_certificate_hash")
ESIA_TE_FIELDS = ("client_id", "client_secret", "grant_type", "code", "refresh_token", "redirect_uri", "scope")
ESIA_TE_FIELDS += ("scope_org", "state", "timestamp", "token_type", "client_certificate_hash")


def test_fuzz_esia_endpoints(idp_app):
    """Correctly signed ESIA requests with one hostile field each, and hostile tokens, OIDs and embeds at /rs/prns."""
    from shared import esia_crypto
    from shared import esia_wire
    from tests.idp.esia.conftest import register
    from tests.idp.esia.conftest import timestamp

    if not esia_crypto.gost_available():
        pytest.skip("OpenSSL's GOST engine is not installed")
    fuzzer = _idp_fuzzer(idp_app, "account")
    pair = esia_crypto.generate_gost("fuzz")
    register(idp_app, "FUZZ", [pair])
    cert_hash = esia_crypto.certificate_hash(pair.cert_pem)

    def signed(fields: dict[str, str], v2: bool) -> dict[str, str]:
        if v2:
            message = esia_wire.v2_string(
                "FUZZ", fields["scope"], "", fields["timestamp"], fields["state"], fields["redirect_uri"]
            )
            secret = esia_crypto.b64url_encode(esia_crypto.sign_raw(message.encode(), pair.key_pem))
        else:
            message = esia_wire.legacy_string(fields["scope"], fields["timestamp"], "FUZZ", fields["state"])
            der = esia_crypto.sign_pkcs7(message.encode(), pair.cert_pem, pair.key_pem)
            secret = esia_crypto.b64url_encode(der)
        return {**fields, "client_secret": secret}

    base = {"client_id": "FUZZ", "redirect_uri": "https://rp.example/esia/callback", "scope": "openid fullname"}
    base |= {"response_type": "code", "state": "fuzz-state", "access_type": "offline"}
    for path, v2, names in (
        ("/aas/oauth2/ac", False, ESIA_AC_FIELDS),
        ("/aas/oauth2/v2/ac", True, ESIA_AC_FIELDS),
        ("/aas/oauth2/te", False, ESIA_TE_FIELDS),
        ("/aas/oauth2/v3/te", True, ESIA_TE_FIELDS),
    ):
        method = "POST" if path.endswith("te") else "GET"
        for name in names:
            for _ in range(2):
                fields = signed({**base, "timestamp": timestamp(), "code": "c", "grant_type": "authorization_code"}, v2)
                fields["client_certificate_hash"] = cert_hash
                fields[name] = fuzzer.value()
                if method == "GET":
                    fuzzer.send(method, path, query_string=urlencode(fields))
                else:
                    fuzzer.send(method, path, data=fields)
        raw = "&".join(f"{n}={fuzzer.rng.choice(RAW_BAD_UTF8)}" for n in names)
        fuzzer.send(method, path, **({"query_string": raw} if method == "GET" else {"data": raw}))
    for _ in range(12):
        oid = quote(fuzzer.value() or "x", safe="")
        value = fuzzer.rng.choice(["Bearer ", "Bearer x", "Basic x", ""]) + fuzzer.value()
        headers = {"Authorization": value.replace("\r", "").replace("\n", "")}  # HTTP cannot carry a newline
        for suffix in ("", "/ctts", "/docs/1", "/addrs"):
            fuzzer.send("GET", f"/rs/prns/{oid}{suffix}", headers=headers, query_string={"embed": fuzzer.value()})
    for _ in range(6):
        fuzzer.send(
            "GET", "/idp/ext/Logout", query_string={"client_id": fuzzer.value(), "redirect_url": fuzzer.value()}
        )
    _report(fuzzer)

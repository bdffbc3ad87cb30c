"""QA scenarios: lab files (TOML; YAML too) in ``scenarios/`` declaring both sides of a Gosuslugi login and its outcome.

A scenario document (the YAML file, or the same structure as JSON sent to the lab APIs)::

    title: Patronymic missing at Gosuslugi          # English
    title_ru: Нет отчества на госуслугах             # for the diary's lab page
    description: |                                   # English, what differs and why it matters
      ...
    description_ru: |                                # optional: the same in Russian, for the diary's lab page
      ...
    idp:
      settings: {registry_policy: lenient}           # optional lab settings of the IdP
      accounts:
        - key: kuznetsov                             # how links and ``login`` name the account
          oid: 1000000003                            # optional; default 1900000001 + index
          last_name: Кузнецов
          first_name: Андрей
          middle_name: null                          # null/absent = no patronymic
          gender: M                                  # M | F
          birth_date: 1986-01-21
          snils: "345-678-912 26"                    # optional (a valid SNILS)
          phone: "+79111000003"                      # phone and/or email
          email: kuznetsov@example.test
          password: Gosuslugi+2024                   # optional; default DEMO_IDP_PASSWORD
          level: standard                            # simplified | standard | verified
          verification: pending                      # optional: data submitted, registry check pending
      registry:                                      # citizens the lab registries know
        - {last_name: ..., first_name: ..., middle_name: ..., gender: M, birth_date: ..., snils: ...,
           passport_series: "1104", passport_number: "500001"}
    diary:
      people:
        - {login: kuznetsov.a, password: dnevnik2024, role: parent,
           last_name: ..., first_name: ..., middle_name: ..., gender: M, birth_date: ..., snils: ...}
      links:                                         # existing (issuer, subject) -> diary login
        - {account: kuznetsov, login: kuznetsov.a}   # or subject: "1000000099"; issuer: default = region's
    login:
      account: kuznetsov                             # whose Gosuslugi login is checked
      region: dvinaland                              # optional
      consent: grant                                 # grant | deny (refuse to release SNILS and the rest)
    expect:
      outcome: not_found                             # see OUTCOMES; or error:<code>
      login: kuznetsov.a                             # optional: the diary login signed in or matched

No Flask here: both apps and the CLI validate with :func:`parse`. Errors name the source and the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from typing import Literal
from typing import NoReturn
from typing import overload

import yaml

from shared import validators as v
from shared.demo_people import DEMO_IDP_PASSWORD
from shared.demo_people import DEMO_RP_PASSWORD

#: The folder holding the library (``scenarios/`` at the top of the repository).
SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"

#: Outcomes as the diary's linking records name them (rp/domain/linking.py); errors are ``error:<code>``.
OUTCOMES = {
    "signed_in": "already linked by (issuer, subject): the diary signs the person in",
    "match": "exactly one diary profile matches: the first-login sequence starts",
    "not_found": "no diary profile matches on all six fields: the 'profile not found' page",
    "ambiguous": "several diary profiles match: the 'profile not found' page",
    "insufficient": "the released data is not enough to match (simplified account, missing field)",
    "conflict_user_linked": "the only matching diary profile is linked to another Gosuslugi account",
    "conflict_subject_linked": "this Gosuslugi account is linked to another diary profile",
}
ERROR_OUTCOME = re.compile(r"^error:[a-z0-9_]+$")
LEVELS = ("simplified", "standard", "verified")
ROLES = ("operator", "teacher", "class_teacher", "parent", "pupil")
CONSENTS = ("grant", "deny")
VERIFICATION_STATES = ("pending",)
IDP_SETTINGS = {"registry_policy": ("lenient", "strict")}
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
KEY_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
#: First ESIA-style oid given to accounts that do not fix one.
DEFAULT_OID_BASE = 1_900_000_001


class ScenarioError(ValueError):
    """A scenario document is not valid; the message names the source and the field."""

    def __init__(self, source: str, path: str, message: str) -> None:
        super().__init__(f"{source}: {path}: {message}" if path else f"{source}: {message}")
        self.source = source
        self.path = path
        self.message = message


@dataclass
class IdpAccount:
    """A Gosuslugi account to create."""

    key: str
    oid: int
    last_name: str
    first_name: str
    middle_name: str | None
    gender: str | None
    birth_date: date | None
    snils: str | None
    phone: str | None
    email: str | None
    password: str
    level: str
    verification: str | None = None

    @property
    def login(self) -> str:
        """Return what the person types on the IdP login page (phone, else e-mail)."""
        return self.phone or self.email or ""


@dataclass
class Citizen:
    """A citizen of the lab registries (МВД passports, СФР SNILS)."""

    last_name: str
    first_name: str
    middle_name: str | None
    gender: str
    birth_date: date
    snils: str | None = None
    passport_series: str | None = None
    passport_number: str | None = None


@dataclass
class DiaryPerson:
    """A person in the diary, with a diary login when ``login`` is set."""

    last_name: str
    first_name: str
    middle_name: str | None
    gender: str | None
    birth_date: date | None
    snils: str | None
    login: str | None = None
    password: str = DEMO_RP_PASSWORD
    role: str | None = "parent"
    phone: str | None = None
    email: str | None = None


@dataclass
class Link:
    """An existing link (issuer, subject) -> diary login; ``issuer`` None means the login region's."""

    subject: str
    login: str
    issuer: str | None = None


@dataclass
class LoginSpec:
    """Whose Gosuslugi login the check drives, through which region, and the consent answer."""

    account: str
    region: str = "dvinaland"
    consent: str = "grant"


@dataclass
class Expectation:
    """The outcome the diary should record, and optionally the diary login concerned."""

    outcome: str
    login: str | None = None


@dataclass
class Scenario:
    """One validated scenario."""

    name: str
    title: str
    title_ru: str
    description: str
    accounts: list[IdpAccount]
    registry: list[Citizen]
    idp_settings: dict[str, str]
    people: list[DiaryPerson]
    links: list[Link]
    login: LoginSpec
    expect: Expectation
    source: str = ""
    #: The description in Russian (optional; the diary's lab page falls back to the English one).
    description_ru: str = ""

    def account(self, key: str) -> IdpAccount:
        """Return the IdP account with this key."""
        return next(a for a in self.accounts if a.key == key)

    def to_document(self) -> dict[str, Any]:
        """Return the scenario as a JSON-ready document that :func:`parse` accepts again."""

        def clean(obj: Any) -> Any:
            if isinstance(obj, date):
                return obj.isoformat()
            if isinstance(obj, dict):
                return {k: clean(val) for k, val in obj.items()}
            if isinstance(obj, list):
                return [clean(x) for x in obj]
            return obj

        return clean(
            {
                "name": self.name,
                "title": self.title,
                "title_ru": self.title_ru,
                "description": self.description,
                "description_ru": self.description_ru,
                "idp": {
                    "settings": dict(self.idp_settings),
                    "accounts": [asdict(a) for a in self.accounts],
                    "registry": [asdict(c) for c in self.registry],
                },
                "diary": {"people": [asdict(p) for p in self.people], "links": [asdict(k) for k in self.links]},
                "login": asdict(self.login),
                "expect": asdict(self.expect),
            }
        )

    def summary(self) -> dict[str, Any]:
        """Return what ``scenario list --json`` shows."""
        return {
            "name": self.name,
            "title": self.title,
            "title_ru": self.title_ru,
            "description": self.description,
            "description_ru": self.description_ru,
            "login": self.login.account,
            "expect": asdict(self.expect),
        }


# --- parsing ----------------------------------------------------------------------------------------


class _Reader:
    """Reads one mapping of the document, collecting nothing: the first problem raises."""

    def __init__(self, source: str, data: Any, path: str, known: tuple[str, ...]) -> None:
        self.source, self.path = source, path
        if not isinstance(data, Mapping):
            self.fail("", f"expected a mapping, got {type(data).__name__}")
        unknown = sorted(str(k) for k in data if k not in known)
        if unknown:
            self.fail("", f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(known)}")
        self.data = data

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, message: str) -> NoReturn:
        raise ScenarioError(self.source, self.at(key) if key else self.path, message)

    @overload
    def text(self, key: str, *, required: Literal[True], default: str | None = None) -> str: ...
    @overload
    def text(self, key: str, *, required: bool = False, default: str) -> str: ...
    @overload
    def text(self, key: str, *, required: bool = False, default: None = None) -> str | None: ...
    def text(self, key: str, *, required: bool = False, default: str | None = None) -> str | None:
        """Return the field as stripped text (numbers allowed), or ``default`` when it is empty or absent."""
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(key, "required")
            return default
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.fail(key, f"expected text, got {type(value).__name__}")
        return str(value).strip()

    @overload
    def choice(
        self, key: str, choices: tuple[str, ...], *, default: str | None = None, required: Literal[True]
    ) -> str: ...
    @overload
    def choice(self, key: str, choices: tuple[str, ...], *, default: str, required: bool = False) -> str: ...
    @overload
    def choice(
        self, key: str, choices: tuple[str, ...], *, default: None = None, required: bool = False
    ) -> str | None: ...
    def choice(
        self, key: str, choices: tuple[str, ...], *, default: str | None = None, required: bool = False
    ) -> str | None:
        """Return the field's text, which must be one of ``choices``."""
        value = self.text(key, required=required, default=default)
        if value is not None and value not in choices:
            self.fail(key, f"{value!r} is not one of {', '.join(choices)}")
        return value

    @overload
    def iso_date(self, key: str, *, required: Literal[True]) -> date: ...
    @overload
    def iso_date(self, key: str, *, required: bool = False) -> date | None: ...
    def iso_date(self, key: str, *, required: bool = False) -> date | None:
        """Return the field as a date (YAML date or ``YYYY-MM-DD`` text), or None when absent."""
        value = self.data.get(key)
        if value is None:
            if required:
                self.fail(key, "required")
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(key, f"expected a date YYYY-MM-DD, got {value!r}")

    def items(self, key: str) -> list[Any]:
        """Return the field as a list (empty when absent)."""
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(key, f"expected a list, got {type(value).__name__}")
        return value

    @overload
    def name_field(self, key: str, *, required: Literal[True]) -> str: ...
    @overload
    def name_field(self, key: str, *, required: bool) -> str | None: ...
    def name_field(self, key: str, *, required: bool) -> str | None:
        """Return the field's text, which must be a well-formed person's name."""
        value = self.text(key, required=required)
        if value is not None:
            try:
                v.normalize_person_name(value, required=required)
            except v.ValidationError as exc:
                self.fail(key, f"not a person's name ({exc.code}): {value!r}")
        return value

    def snils(self, key: str, *, checksum: bool) -> str | None:
        value = self.text(key)
        if value is None:
            return None
        if checksum:
            try:
                return v.canonical_snils(value)
            except v.ValidationError as exc:
                self.fail(key, f"not a valid SNILS ({exc.code}): {value!r}")
        digits = re.sub(r"\D", "", value)
        if len(digits) != 11:
            self.fail(key, f"a SNILS has 11 digits, got {value!r}")
        return digits


_PERSON_FIELDS = ("last_name", "first_name", "middle_name", "gender", "birth_date", "snils")


def _account(source: str, data: Any, path: str, index: int) -> IdpAccount:
    r = _Reader(
        source, data, path, ("key", "oid", *_PERSON_FIELDS, "phone", "email", "password", "level", "verification")
    )
    key = r.text("key", required=True)
    if not KEY_RE.match(key):
        r.fail("key", "use Latin letters, digits, '.', '_' or '-'")
    oid = data.get("oid", DEFAULT_OID_BASE + index)
    if isinstance(oid, bool) or not isinstance(oid, int) or not 1 <= oid < 10**15:
        r.fail("oid", f"expected a positive integer, got {oid!r}")
    level = r.choice("level", LEVELS, default="standard")
    phone, email = r.text("phone"), r.text("email")
    if not phone and not email:
        r.fail("phone", "an account needs a phone or an e-mail to log in with")
    if phone:
        try:
            phone = v.normalize_phone(phone)
        except v.ValidationError as exc:
            r.fail("phone", f"not a phone number ({exc.code}): {phone!r}")
    gender = r.choice("gender", ("M", "F"))
    birth_date = r.iso_date("birth_date")
    snils = r.snils("snils", checksum=True)
    verification = r.choice("verification", VERIFICATION_STATES)
    if level != "simplified" or verification:
        for name, value in (("gender", gender), ("birth_date", birth_date), ("snils", snils)):
            if value is None:
                r.fail(name, f"required for a {verification or level} account")
    if verification and level != "simplified":
        r.fail("verification", "only a simplified account can wait for its registry check (set level: simplified)")
    return IdpAccount(
        key=key,
        oid=oid,
        last_name=r.name_field("last_name", required=True),
        first_name=r.name_field("first_name", required=True),
        middle_name=r.name_field("middle_name", required=False),
        gender=gender,
        birth_date=birth_date,
        snils=snils,
        phone=phone,
        email=r.text("email"),
        password=r.text("password", default=DEMO_IDP_PASSWORD),
        level=level,
        verification=verification,
    )


def _citizen(source: str, data: Any, path: str) -> Citizen:
    r = _Reader(source, data, path, (*_PERSON_FIELDS, "passport_series", "passport_number"))
    series, number = r.text("passport_series"), r.text("passport_number")
    if bool(series) != bool(number):
        r.fail("passport_number" if series else "passport_series", "passport series and number go together")
    return Citizen(
        last_name=r.name_field("last_name", required=True),
        first_name=r.name_field("first_name", required=True),
        middle_name=r.name_field("middle_name", required=False),
        gender=r.choice("gender", ("M", "F"), required=True),
        birth_date=r.iso_date("birth_date", required=True),
        snils=r.snils("snils", checksum=True),
        passport_series=series,
        passport_number=number,
    )


def _person(source: str, data: Any, path: str) -> DiaryPerson:
    r = _Reader(source, data, path, (*_PERSON_FIELDS, "login", "password", "role", "phone", "email"))
    login = r.text("login")
    if login is not None and not KEY_RE.match(login):
        r.fail("login", "a diary login uses Latin letters, digits, '.', '_' or '-'")
    return DiaryPerson(
        # The diary side is free text on purpose: typos and odd spacing are what scenarios are about.
        last_name=r.text("last_name", required=True),
        first_name=r.text("first_name", required=True),
        middle_name=r.text("middle_name"),
        gender=r.choice("gender", ("M", "F")),
        birth_date=r.iso_date("birth_date"),
        snils=r.snils("snils", checksum=False),
        login=login,
        password=r.text("password", default=DEMO_RP_PASSWORD),
        role=r.choice("role", ROLES, default="parent"),
        phone=r.text("phone"),
        email=r.text("email"),
    )


def parse(data: Any, source: str = "scenario", name: str | None = None) -> Scenario:
    """Validate a scenario document (parsed YAML or JSON) and return it; raise :class:`ScenarioError`."""
    top = _Reader(
        source,
        data,
        "",
        ("name", "title", "title_ru", "description", "description_ru", "idp", "diary", "login", "expect"),
    )
    name = name or top.text("name", required=True)
    if not NAME_RE.match(name):
        top.fail("name", f"{name!r}: use lower-case Latin letters, digits and '-'")
    idp = _Reader(source, data.get("idp") or {}, "idp", ("settings", "accounts", "registry"))
    settings_reader = _Reader(source, idp.data.get("settings") or {}, "idp.settings", tuple(IDP_SETTINGS))
    settings = {k: settings_reader.choice(k, allowed) for k, allowed in IDP_SETTINGS.items()}
    accounts = [_account(source, a, f"idp.accounts[{i}]", i) for i, a in enumerate(idp.items("accounts"))]
    _unique(source, "idp.accounts", [a.key for a in accounts], "key")
    _unique(source, "idp.accounts", [a.oid for a in accounts], "oid")
    _unique(source, "idp.accounts", [a.phone for a in accounts if a.phone], "phone")
    _unique(source, "idp.accounts", [a.email.lower() for a in accounts if a.email], "email")
    _unique(source, "idp.accounts", [a.snils for a in accounts if a.snils], "snils")
    registry = [_citizen(source, c, f"idp.registry[{i}]") for i, c in enumerate(idp.items("registry"))]
    _unique(source, "idp.registry", [c.snils for c in registry if c.snils], "snils")

    diary = _Reader(source, data.get("diary") or {}, "diary", ("people", "links"))
    people = [_person(source, p, f"diary.people[{i}]") for i, p in enumerate(diary.items("people"))]
    logins = [p.login for p in people if p.login]
    _unique(source, "diary.people", logins, "login")
    links = []
    for i, item in enumerate(diary.items("links")):
        r = _Reader(source, item, f"diary.links[{i}]", ("account", "subject", "issuer", "login"))
        account, subject = r.text("account"), r.text("subject")
        one_of = "give exactly one of account (an IdP account key) or subject"
        if account:
            if subject:
                r.fail("account", one_of)
            if account not in [a.key for a in accounts]:
                r.fail("account", f"no IdP account with key {account!r}")
            subject = str(next(a.oid for a in accounts if a.key == account))
        elif not subject:
            r.fail("account", one_of)
        link_login = r.text("login", required=True)
        if link_login not in logins:
            r.fail("login", f"no diary person with login {link_login!r}")
        links.append(Link(subject=subject, login=link_login, issuer=r.text("issuer")))
    _unique(source, "diary.links", [(k.issuer, k.subject) for k in links], "subject")
    _unique(source, "diary.links", [k.login for k in links], "login")

    lr = _Reader(source, data.get("login"), "login", ("account", "region", "consent"))
    login = LoginSpec(
        account=lr.text("account", required=True),
        region=lr.text("region", default="dvinaland"),
        consent=lr.choice("consent", CONSENTS, default="grant"),
    )
    if login.account not in [a.key for a in accounts]:
        lr.fail("account", f"no IdP account with key {login.account!r}")
    er = _Reader(source, data.get("expect"), "expect", ("outcome", "login"))
    outcome = er.text("outcome", required=True)
    if outcome not in OUTCOMES and not ERROR_OUTCOME.match(outcome):
        er.fail("outcome", f"{outcome!r} is not one of {', '.join(OUTCOMES)} or error:<code>")
    expect_login = er.text("login")
    if expect_login is not None and expect_login not in logins:
        er.fail("login", f"no diary person with login {expect_login!r}")
    return Scenario(
        name=name,
        title=top.text("title", required=True),
        title_ru=top.text("title_ru", required=True),
        description=top.text("description", required=True),
        description_ru=top.text("description_ru", default=""),
        accounts=accounts,
        registry=registry,
        idp_settings={k: val for k, val in settings.items() if val is not None},
        people=people,
        links=links,
        login=login,
        expect=Expectation(outcome=outcome, login=expect_login),
        source=source,
    )


def _unique(source: str, path: str, values: list[Any], what: str) -> None:
    seen: set[Any] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise ScenarioError(source, f"{path}[{index}].{what}", f"duplicate {what} {value!r}")
        seen.add(value)


# --- the library ------------------------------------------------------------------------------------


def scenario_path(name: str, directory: Path | None = None) -> Path:
    """Return the file of a named scenario: a lab file ``NAME.toml``, else the older ``NAME.yaml``."""
    lab_file = (directory or SCENARIO_DIR) / f"{name}.toml"
    return lab_file if lab_file.is_file() else (directory or SCENARIO_DIR) / f"{name}.yaml"


#: Lab file tables a scenario holds, and where they go in a scenario document.
_LAB_FILE_PLACES = {"settings": "idp", "accounts": "idp", "registry": "idp", "people": "diary", "links": "diary"}
_LAB_FILE_TOP = ("name", "title", "title_ru", "description", "description_ru", "login", "expect")
_LEVEL_NUMBERS = {1: "simplified", 2: "standard", 3: "verified"}


def lab_file_document(data: Any, source: str) -> dict[str, Any]:
    """Return a lab file (its TOML tables: accounts, registry, people, links, login, expect) as a scenario document.

    A scenario is a lab file with ``[login]`` and ``[expect]``; tables a scenario cannot hold (clients,
    regions, faults, claims, signing_key) are refused by name.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError(source, "", "expected a table")
    other = sorted(k for k in data if k not in _LAB_FILE_PLACES and k not in _LAB_FILE_TOP)
    if other:
        raise ScenarioError(
            source, other[0], "a scenario holds settings, accounts, registry, people, links, login, expect"
        )
    document: dict[str, Any] = {k: data[k] for k in _LAB_FILE_TOP if k in data}
    for table, side in _LAB_FILE_PLACES.items():
        if table in data:
            value = data[table]
            if table == "accounts" and isinstance(value, list):
                value = [_named_level(a) for a in value]
            document.setdefault(side, {})[table] = value
    return document


def _named_level(account: Any) -> Any:
    """Return a lab file's account with its level by name (a lab file may say 1, 2 or 3)."""
    if isinstance(account, Mapping) and isinstance(account.get("level"), int):
        return {**account, "level": _LEVEL_NUMBERS.get(account["level"], account["level"])}
    return account


def load_file(path: Path) -> Scenario:
    """Read and validate one scenario file (a ``.toml`` lab file or ``.yaml``); its name is the file's stem."""
    source = f"scenarios/{path.name}" if path.parent == SCENARIO_DIR else str(path)
    if path.suffix == ".toml":
        import tomllib

        try:
            data = lab_file_document(tomllib.loads(path.read_text(encoding="utf-8")), source)
        except tomllib.TOMLDecodeError as exc:
            raise ScenarioError(source, "", f"not valid TOML: {exc}") from None
    else:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ScenarioError(source, "", f"not valid YAML: {exc}") from None
    if isinstance(data, Mapping) and "name" in data and data["name"] != path.stem:
        raise ScenarioError(source, "name", f"{data['name']!r} differs from the file name {path.stem!r}")
    return parse(data, source=source, name=path.stem)


def load(name: str, directory: Path | None = None) -> Scenario:
    """Load a scenario by name; raise :class:`LookupError` when there is no such file."""
    if not NAME_RE.match(name):
        raise LookupError(f"no scenario named {name!r}")
    path = scenario_path(name, directory)
    if not path.is_file():
        raise LookupError(f"no scenario named {name!r} (looked for {path})")
    return load_file(path)


def names(directory: Path | None = None) -> list[str]:
    """Return the names of every scenario file, sorted."""
    folder = directory or SCENARIO_DIR
    return sorted({p.stem for pattern in ("*.toml", "*.yaml") for p in folder.glob(pattern)})


def load_all(directory: Path | None = None) -> list[Scenario]:
    """Load and validate every scenario of the library."""
    return [load(n, directory) for n in names(directory)]


@dataclass
class ResetOptions:
    """What a reset keeps: the IdP's signing keys and clients, the diary's regions (all kept by default)."""

    keep_keys: bool = True
    keep_clients: bool = True
    keep_regions: bool = True
    demo: bool = False


def reset_options(data: Any, source: str = "request") -> ResetOptions:
    """Validate the JSON body of a reset request (``{}`` or ``{"demo": true, "keep_clients": false, ...}``)."""
    if data is None:
        data = {}
    r = _Reader(source, data, "", ("demo", "keep_keys", "keep_clients", "keep_regions"))
    values = {}
    for key in ("demo", "keep_keys", "keep_clients", "keep_regions"):
        if key in data:
            if not isinstance(data[key], bool):
                r.fail(key, f"expected true or false, got {data[key]!r}")
            values[key] = data[key]
    return ResetOptions(**values)

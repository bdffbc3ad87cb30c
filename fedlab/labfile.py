"""Lab files: a team's lab in its repository (TOML), checked against a schema, loaded into the apps.

A lab file declares clients, accounts, registry records, diary regions, people, links, faults and scripted
claims, and optionally the issuer's signing key; with ``[login]`` and ``[expect]`` it is also a QA scenario
(``scenarios/*.toml``, ``fedlab scenario check``). The schema is :class:`LabFile` (``fedlab lab schema`` prints
it as JSON Schema). Errors name the file and the line: tomllib's own for syntax, a scan of the text for the
table and key a schema error is about.

``fedlab lab apply FILE``, ``fedlab serve --lab-file FILE`` and the pytest fixtures (ini option
``fedlab_lab_file``, marker ``fedlab(lab_file=...)``) all load one with :func:`apply_direct`.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any
from typing import Literal

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import ValidationError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Account(_Strict):
    """A Gosuslugi account (``key`` names it in links, claims and ``[login]``)."""

    key: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    oid: int | None = None
    last_name: str
    first_name: str
    middle_name: str | None = None
    gender: Literal["M", "F"] | None = None
    birth_date: date | None = None
    snils: str | None = None
    phone: str | None = None
    email: str | None = None
    password: str | None = None
    level: Literal["simplified", "standard", "verified", 1, 2, 3] = "standard"
    verification: Literal["pending"] | None = None


class Citizen(_Strict):
    """A citizen of the lab registries (МВД passports, СФР SNILS)."""

    last_name: str
    first_name: str
    middle_name: str | None = None
    gender: Literal["M", "F"]
    birth_date: date
    snils: str | None = None
    passport_series: str | None = None
    passport_number: str | None = None


class Client(_Strict):
    """A client of the IdP: OpenID Connect (id, secret) or ESIA (id, certificate file)."""

    client_id: str
    protocol: Literal["oidc", "esia"] = "oidc"
    secret: str | None = None
    redirect_uris: list[str] = Field(min_length=1)
    scope: str | None = None
    auth_method: Literal["client_secret_basic", "client_secret_post", "none", "private_key_jwt"] = "client_secret_basic"
    min_level: int = Field(default=1, ge=1, le=3)
    name: str | None = None
    #: ESIA: the PEM file of the system's certificate (relative to the lab file).
    certificate: str | None = None


class Region(_Strict):
    """A diary region pointing at the lab IdP (``client`` names a client of this file or of the IdP)."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    title: str | None = None
    protocol: Literal["oidc", "esia"] = "oidc"
    client: str
    scope: str | None = None
    #: ESIA: the diary's certificate and key (PEM files, relative to the lab file).
    certificate: str | None = None
    key: str | None = None


class Person(_Strict):
    """A person in the diary, with a diary login when ``login`` is set."""

    login: str | None = None
    password: str | None = None
    role: Literal["operator", "teacher", "class_teacher", "parent", "pupil"] | None = "parent"
    last_name: str
    first_name: str
    middle_name: str | None = None
    gender: Literal["M", "F"] | None = None
    birth_date: date | None = None
    snils: str | None = None
    phone: str | None = None
    email: str | None = None


class Link(_Strict):
    """A finished link: a Gosuslugi account (``account`` key, or ``subject``) to a diary login."""

    account: str | None = None
    subject: str | None = None
    login: str
    issuer: str | None = None


class Fault(_Strict):
    """A fault of the IdP (``fedlab idp fault add``)."""

    kind: str
    count: int | None = Field(default=None, ge=1)
    delay: str | None = None
    client: str | None = None
    error: str | None = None
    claims: list[str] | None = None
    description: str | None = None


class Claims(_Strict):
    """Scripted claims for an account (its key) and/or a client."""

    account: str | None = None
    client: str | None = None
    values: dict[str, Any]


class Settings(_Strict):
    """Lab settings of the IdP."""

    registry_policy: Literal["lenient", "strict"] | None = None


class Login(_Strict):
    """A scenario's login: whose, through which diary region, and the consent answer."""

    account: str
    region: str = "dvinaland"
    consent: Literal["grant", "deny"] = "grant"


class Expect(_Strict):
    """A scenario's expected outcome of the diary's linking decision."""

    outcome: str
    login: str | None = None


class LabFile(_Strict):
    """A lab file (TOML): every table is optional."""

    title: str | None = None
    title_ru: str | None = None
    description: str | None = None
    #: The description in Russian (the diary's lab page shows it in the Russian UI).
    description_ru: str | None = None
    #: A PEM or JWK file (relative to the lab file): the IdP's signing key.
    signing_key: str | None = None
    settings: Settings = Settings()
    clients: list[Client] = []
    accounts: list[Account] = []
    registry: list[Citizen] = []
    regions: list[Region] = []
    people: list[Person] = []
    links: list[Link] = []
    faults: list[Fault] = []
    claims: list[Claims] = []
    login: Login | None = None
    expect: Expect | None = None

    #: Where the file is (relative paths in it are relative to its folder).
    _path: Path | None = None


class LabFileError(ValueError):
    """A lab file is not valid; the message says the file, the line and what is wrong."""


def schema() -> dict[str, Any]:
    """Return the lab file's JSON Schema."""
    return LabFile.model_json_schema()


# --- line numbers -----------------------------------------------------------------------------------

_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?\s*(#.*)?$")


def line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """Return the 1-based line a schema error's location (``("accounts", 2, "level")``) points at.

    Scans for the ``[[accounts]]`` header of the right index, then for ``level =`` inside that table;
    falls back to the table's header, then to the top-level key.
    """
    lines = text.splitlines()
    if not loc:
        return None
    table, rest = str(loc[0]), list(loc[1:])
    index = rest.pop(0) if rest and isinstance(rest[0], int) else None
    key = str(rest[0]) if rest else None
    seen = -1
    start = None
    for number, line in enumerate(lines):
        match = _HEADER.match(line)
        if match and match.group(1) == table:
            seen += 1
            if index is None or seen == index:
                start = number
                break
    if start is None:  # a top-level key, or a table given inline
        for number, line in enumerate(lines):
            if re.match(rf"^\s*{re.escape(table)}\s*=", line):
                return number + 1
        return None
    if key is None:
        return start + 1
    for number in range(start + 1, len(lines)):
        if _HEADER.match(lines[number]):
            break
        if re.match(rf"^\s*{re.escape(key)}\s*=", lines[number]):
            return number + 1
    return start + 1


def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse(text: str, source: str = "lab file", path: Path | None = None) -> LabFile:
    """Parse and validate a lab file's text; :class:`LabFileError` names the line of the first problems."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LabFileError(f"{source}: not valid TOML: {exc}") from None
    try:
        lab = LabFile.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors()[:5]:
            loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith(("function-", "literal["))))
            line = line_of(text, loc)
            problems.append(f"{source}:{line or '?'}: {_where(loc)}: {error['msg']}")
        raise LabFileError("\n".join(problems)) from None
    _check_references(lab, text, source)
    lab._path = path
    return lab


def _check_references(lab: LabFile, text: str, source: str) -> None:
    keys = {a.key for a in lab.accounts}
    logins = {p.login for p in lab.people if p.login}
    for index, link in enumerate(lab.links):
        if (link.account is None) == (link.subject is None):
            line = line_of(text, ("links", index))
            raise LabFileError(f"{source}:{line}: links[{index}]: give either account or subject")
        if link.account is not None and link.account not in keys:
            line = line_of(text, ("links", index, "account"))
            raise LabFileError(f"{source}:{line}: links[{index}].account: no account with key {link.account!r}")
        if link.login not in logins:
            line = line_of(text, ("links", index, "login"))
            raise LabFileError(f"{source}:{line}: links[{index}].login: no diary person with login {link.login!r}")
    for index, claims in enumerate(lab.claims):
        if claims.account is not None and claims.account not in keys:
            line = line_of(text, ("claims", index, "account"))
            raise LabFileError(f"{source}:{line}: claims[{index}].account: no account with key {claims.account!r}")
    if lab.login is not None and lab.login.account not in keys:
        line = line_of(text, ("login", "account"))
        raise LabFileError(f"{source}:{line}: login.account: no account with key {lab.login.account!r}")
    seen: set[str] = set()
    for index, account in enumerate(lab.accounts):
        if account.key in seen:
            line = line_of(text, ("accounts", index, "key"))
            raise LabFileError(f"{source}:{line}: accounts[{index}].key: {account.key!r} is used twice")
        seen.add(account.key)


def load(path: str | Path) -> LabFile:
    """Read and validate a lab file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LabFileError(f"{path}: cannot read: {exc.strerror}") from None
    return parse(text, source=str(path), path=path)


def _file(lab: LabFile, name: str) -> str:
    path = Path(name)
    if not path.is_absolute() and lab._path is not None:
        path = lab._path.parent / path
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LabFileError(f"{lab._path or 'lab file'}: {name}: cannot read: {exc.strerror}") from None


# --- loading into the apps ----------------------------------------------------------------------------


def apply_direct(lab: LabFile, idp_app: Any, rp_app: Any = None) -> dict[str, Any]:
    """Load ``lab`` into the IdP app (and the diary app) through the helpers of :mod:`fedlab.testing`.

    Each item is committed as it is made; a refused item raises :class:`LabFileError` naming it.
    Returns what was made: accounts by key (their ``oid``), clients by id.
    """
    from fedlab.signing_key import SigningKeyError
    from fedlab.signing_key import install_signing_key
    from fedlab.testing.idp import IdpHandle
    from fedlab.testing.idp import LabSetupError
    from fedlab.testing.lab import LabHandle

    source = str(lab._path or "lab file")
    url = idp_app.config["ISSUER"]
    handle: IdpHandle = (
        LabHandle(idp_app, url, rp_app, rp_app.config["BASE_URL"]) if rp_app is not None else IdpHandle(idp_app, url)
    )
    made: dict[str, Any] = {"accounts": {}, "clients": {}}

    def step(what: str, func, *args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (LabSetupError, SigningKeyError, ValueError) as exc:
            raise LabFileError(f"{source}: {what}: {exc}") from None

    if lab.signing_key:
        from idp.db import db

        text = _file(lab, lab.signing_key)
        with handle.context():
            step("signing_key", install_signing_key, db.session, text)
            db.session.commit()
    if lab.settings.registry_policy:
        from idp.domain import registry

        handle._commit(registry.set_policy, lab.settings.registry_policy)
    for i, c in enumerate(lab.clients):
        options: dict[str, Any] = {"min_level": c.min_level, "name": c.name}
        if c.protocol == "esia":
            if not c.certificate:
                raise LabFileError(f"{source}: clients[{i}]: an ESIA client needs its certificate file")
            options["certificate_pem"] = _file(lab, c.certificate)
        made["clients"][c.client_id] = step(
            f"clients[{i}] ({c.client_id})", handle.client, c.redirect_uris[0], c.scope, c.protocol,
            client_id=c.client_id, secret=c.secret, auth_method=c.auth_method, redirect_uris=c.redirect_uris,
            **options,
        )  # fmt: skip
    for i, a in enumerate(lab.accounts):
        fields = a.model_dump(exclude={"key", "level", "verification"}, exclude_none=True)
        if "middle_name" not in fields:
            fields["middle_name"] = None
        made["accounts"][a.key] = step(f"accounts[{i}] ({a.key})", handle.account, a.level, **fields)
    for i, citizen in enumerate(lab.registry):
        step(f"registry[{i}]", handle.registry, **citizen.model_dump(exclude_none=True))
    for i, f in enumerate(lab.faults):
        step(
            f"faults[{i}] ({f.kind})", handle.fault, f.kind, delay=f.delay, count=f.count, client=f.client,
            error=f.error, claims=f.claims, description=f.description,
        )  # fmt: skip
    for i, cl in enumerate(lab.claims):
        person = made["accounts"].get(cl.account) if cl.account else None
        step(f"claims[{i}]", handle.claims, person, cl.client, **cl.values)
    if isinstance(handle, LabHandle):
        _apply_diary(lab, handle, made, step)
    elif lab.regions or lab.people or lab.links:
        raise LabFileError(f"{source}: regions, people and links need the diary (fedlab_lab, or fedlab serve)")
    return made


def _apply_diary(lab: LabFile, handle: Any, made: dict[str, Any], step) -> None:
    from fedlab.testing.handles import LabClient

    for i, r in enumerate(lab.regions):
        client = made["clients"].get(r.client)
        if client is None:
            raise LabFileError(f"{lab._path or 'lab file'}: regions[{i}].client: no client {r.client!r} in this file")
        if r.protocol == "esia" and (r.certificate and r.key):
            client = LabClient(**{**client.__dict__, "key_pem": _file(lab, r.key)})
        step(f"regions[{i}] ({r.name})", handle.region, r.name, r.protocol, title=r.title, client=client, scope=r.scope)
    for i, p in enumerate(lab.people):
        fields = p.model_dump(exclude={"login"}, exclude_none=True)
        if "middle_name" not in fields:
            fields["middle_name"] = None
        step(f"people[{i}]", handle.person, p.login, **fields)
    for i, link in enumerate(lab.links):
        account = made["accounts"][link.account] if link.account else link.subject
        step(f"links[{i}]", handle.link, account, link.login, link.issuer)

"""The IdP's helpers for tests: accounts, clients, registry, faults, scripted claims, clock, inbox, trace, login.

Each helper is a call into the IdP's own domain modules (the ones ``fedlab idp ...`` and the lab API use), in
the app's context, committed at once; the served app or the in-process one sees it on its next request.
"""

from __future__ import annotations

import re
import secrets
from datetime import date
from datetime import datetime
from pathlib import Path
from typing import Any

from fedlab.testing.handles import AuthorizeError
from fedlab.testing.handles import LabAccount
from fedlab.testing.handles import LabClient
from fedlab.testing.values import next_serial

#: Levels by number (as ``acr`` says them: ``urn:fedlab:loa:N``) and by name.
LEVELS = {1: "simplified", 2: "standard", 3: "verified"}
DEFAULT_OIDC_SCOPE = "openid profile email phone snils"
DEFAULT_ESIA_SCOPE = "openid fullname birthdate gender snils mobile email"
DEFAULT_REDIRECT_URI = "http://127.0.0.1/callback"
_DIGITS = re.compile(r"\b(\d{4,8})\b")


class LabSetupError(ValueError):
    """The IdP or the diary refused what a helper asked for; the message says what and why."""


def level_name(level: int | str) -> str:
    """Return the level's name for 1/2/3, "1"/"2"/"3", or a name (simplified, standard, verified)."""
    if isinstance(level, int) or (isinstance(level, str) and level.isdigit()):
        number = int(level)
        if number not in LEVELS:
            raise LabSetupError(f"level {level!r}: one of 1, 2, 3 (simplified, standard, verified)")
        return LEVELS[number]
    if level not in LEVELS.values():
        raise LabSetupError(f"level {level!r}: one of 1, 2, 3 (simplified, standard, verified)")
    return level


def commit_in(app: Any, db: Any, who: str, func, *args: Any, **kwargs: Any) -> Any:
    """Run ``func(db.session, *args, **kwargs)`` in ``app``'s context and commit; roll back if it fails.

    An integrity error (a duplicate login, an unknown client) becomes a :class:`LabSetupError` naming ``who``.
    """
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        try:
            result = func(db.session, *args, **kwargs)
            db.session.commit()
        except IntegrityError as exc:
            db.session.rollback()
            raise LabSetupError(f"{who} refused it: {exc.orig}") from None
        except Exception:
            db.session.rollback()
            raise
        return result


class Clock:
    """The IdP's lab clock: ``advance("5d")`` moves business time (due registry checks complete), ``freeze()``."""

    def __init__(self, idp: IdpHandle) -> None:
        self._idp = idp

    def advance(self, duration: str) -> datetime:
        """Move the lab clock forward by ``duration`` (``90s``, ``15m``, ``2h``, ``5d``, ``1d12h``); return its time."""
        from idp.db import db
        from idp.domain import verification
        from shared.clock import parse_duration

        with self._idp.context():
            now, _ = verification.advance_clock(
                db.session, parse_duration(duration), self._idp.app.config["REGISTRY_POLICY"]
            )
            db.session.commit()
        return now

    def now(self) -> datetime:
        """Return the lab's business time (naive UTC)."""
        from idp.db import db
        from idp.domain import labstate

        with self._idp.context():
            return labstate.now(db.session)

    def freeze(self, at: datetime | None = None) -> datetime:
        """Stop real time (the IdP's, and the diary's in a whole lab) at ``at`` (default now) until reset."""
        frozen = self._idp.real_clock.freeze(at)
        for other in self._idp.other_clocks:
            other.freeze(frozen)
        return frozen

    def tick(self, duration: str) -> datetime:
        """Move a frozen real clock by ``duration`` (token lifetimes, code expiry, ``iat``/``exp``)."""
        from shared.clock import parse_duration

        delta = parse_duration(duration)
        moved = self._idp.real_clock.advance(delta)
        for other in self._idp.other_clocks:
            other.advance(delta)
        return moved

    def unfreeze(self) -> None:
        """Let real time run again."""
        self._idp.real_clock.unfreeze()
        for other in self._idp.other_clocks:
            other.unfreeze()


class Inbox:
    """The lab phone and mailbox: every SMS, e-mail and letter the IdP sent, newest first."""

    def __init__(self, idp: IdpHandle) -> None:
        self._idp = idp

    def messages(self, to: str | LabAccount | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """Return the messages (to one phone or address when given), newest first."""
        from idp.db import db
        from idp.domain import inbox
        from idp.views.lab import message_json
        from idp.views.lab import recipient_key

        if isinstance(to, LabAccount):
            to = to.phone or to.data.get("email")
        with self._idp.context():
            return [message_json(m) for m in inbox.messages(db.session, recipient_key(to), limit=limit)]

    def last(self, to: str | LabAccount | None = None) -> dict[str, Any]:
        """Return the newest message (to ``to``); AssertionError when there is none."""
        found = self.messages(to, limit=1)
        if not found:
            raise AssertionError(f"the lab inbox has no message{f' to {to}' if to else ''}")
        return found[0]

    def last_code(self, to: str | LabAccount | None = None) -> str:
        """Return the code in the last message sent to this phone (or address)."""
        message = self.last(to)
        match = _DIGITS.search(message["body"])
        if match is None:
            raise AssertionError(f"the last message to {message['recipient']} has no code: {message['body']!r}")
        return match.group(1)


class IdpHandle:
    """The lab IdP of a test: its URL, its helpers, and ``authorize()``.

    ``app`` is the IdP's Flask app; ``url`` its base URL (the issuer) — served on loopback, or an address
    only ``responses`` answers in the in-process mode.
    """

    def __init__(self, app: Any, url: str, served: Any = None) -> None:
        from idp.clock import clock as real_clock

        self.app = app
        self.url = url.rstrip("/")
        self.served = served
        self.real_clock = real_clock
        self.other_clocks: list[Any] = []
        self.clock = Clock(self)
        self.inbox = Inbox(self)
        self._esia_pairs: list[Any] = []
        self._esia_used = 0
        self.workdir = Path(served.workdir) if served is not None else None

    @classmethod
    def served(cls, served: Any) -> IdpHandle:
        """Return the handle of a served IdP (:func:`fedlab.testing.served.serve`)."""
        return cls(served.idp.app, served.idp.url, served)

    # --- life cycle -----------------------------------------------------------------------------------

    @property
    def issuer(self) -> str:
        """Return the OpenID Connect issuer."""
        return self.app.config["ISSUER"]

    def context(self):
        """Return an app context of the IdP (for a test that calls its domain modules itself)."""
        return self.app.app_context()

    def prepare(self, lab_file: str | Path | None) -> None:
        """Load the lab file (if any) and take the state each test starts from."""
        if lab_file is not None:
            self.apply_lab_file(lab_file)
        if self.served is not None:
            self.served.snapshot()

    def apply_lab_file(self, lab_file: str | Path) -> dict[str, Any]:
        """Load a lab file (TOML) into the IdP (and the diary, in a whole lab)."""
        from fedlab.labfile import apply_direct
        from fedlab.labfile import load

        return apply_direct(load(lab_file), idp_app=self.app, rp_app=getattr(self, "rp_app", None))

    def reset(self) -> None:
        """Return the IdP to the state the session started with (the snapshot), clocks to real time."""
        from idp.oidc import trace
        from idp.oidc.client_jwks import forget_cache

        forget_cache()
        trace.flush()  # the trace writer's waiting exchanges land before the snapshot is put back, not after
        self._esia_used = 0
        if self.served is not None:
            self.served.restore()

    def _commit(self, func, *args: Any, **kwargs: Any) -> Any:
        from idp.db import db

        return commit_in(self.app, db, "the IdP", func, *args, **kwargs)

    # --- accounts and the registry --------------------------------------------------------------------

    def account(
        self,
        level: int | str = "standard",
        *,
        last_name: str = "Иванова",
        first_name: str = "Мария",
        middle_name: str | None = "Петровна",
        gender: str | None = "F",
        birth_date: date | str | None = date(1984, 3, 14),
        phone: str | None = None,
        email: str | None = None,
        snils: str | None = None,
        password: str | None = None,
        oid: int | None = None,
        **fields: Any,
    ) -> LabAccount:
        """Create a Gosuslugi account at any level (1/2/3 or its name); contacts count as confirmed.

        Phone, e-mail and (above level 1) SNILS and passport are made up, unique within the test, unless
        given; ``fields`` takes the rest of ``fedlab idp account create`` (``inn``, ``doc_series`` ...).
        """
        from fedlab.testing.values import made_up_phone
        from fedlab.testing.values import made_up_snils
        from idp.cli.accounts import account_json
        from idp.domain import labstate
        from idp.domain.accounts import AccountInvalid
        from idp.domain.accounts import AccountTaken
        from idp.domain.accounts import create_account
        from labkit.web import password_hasher
        from shared.demo_people import DEMO_IDP_PASSWORD

        name = level_name(level)
        n = next_serial()
        documented = name != "simplified"
        if isinstance(birth_date, str):
            birth_date = date.fromisoformat(birth_date)
        values: dict[str, Any] = {
            "last_name": last_name,
            "first_name": first_name,
            "middle_name": middle_name,
            "gender": gender,
            "birth_date": birth_date,
            "phone": phone or (made_up_phone(n) if not email else None),
            "email": email or f"person{n}@example.test",
            "password": password or DEMO_IDP_PASSWORD,
            "snils": snils or (made_up_snils(n) if documented else None),
            "level": name,
        }
        if documented:
            values.update(
                doc_series="1190",
                doc_number=f"{1 + n % 999_999:06d}",
                doc_issue_date=birth_date.replace(year=birth_date.year + 20) if birth_date else None,
                doc_issued_by="УМВД России по Архангельской области",
                doc_department_code="290-001",
                birth_place="г. Архангельск",
                citizenship="RUS",
            )
        values.update(fields)

        def create(session):
            try:
                account = create_account(session, password_hasher(), today=labstate.now(session).date(), **values)
            except AccountInvalid as exc:
                raise LabSetupError(f"the IdP refused the account: {exc.errors}") from None
            except AccountTaken as exc:
                raise LabSetupError(f"the IdP refused the account: {exc.field} already belongs to another") from None
            if oid is not None:
                account.oid = oid
                session.flush()
            return account_json(account)

        data = self._commit(create)
        return LabAccount(data["oid"], values["phone"] or values["email"], values["password"], name, data)

    def registry(self, **citizen: Any) -> dict[str, Any]:
        """Add a citizen to the lab registries (МВД passports, СФР SNILS): last_name, first_name, gender, ..."""
        from idp.domain import registry

        if isinstance(citizen.get("birth_date"), str):
            citizen["birth_date"] = date.fromisoformat(citizen["birth_date"])

        def add(session):
            try:
                return registry.citizen_json(registry.add_citizen(session, **citizen))
            except registry.CitizenInvalid as exc:
                raise LabSetupError(f"the registry refused the citizen: {exc}") from None

        return self._commit(add)

    # --- clients --------------------------------------------------------------------------------------

    def _esia_pair(self):
        from shared import esia_crypto

        if self._esia_used == len(self._esia_pairs):  # made once per session, reused by later tests
            self._esia_pairs.append(esia_crypto.generate_rsa(f"fedlab test system {len(self._esia_pairs) + 1}"))
        pair = self._esia_pairs[self._esia_used]
        self._esia_used += 1
        return pair

    def client(
        self,
        redirect_uri: str = DEFAULT_REDIRECT_URI,
        scope: str | None = None,
        protocol: str = "oidc",
        *,
        client_id: str | None = None,
        secret: str | None = None,
        auth_method: str = "client_secret_basic",
        certificate_pem: str | None = None,
        key_pem: str | None = None,
        redirect_uris: list[str] | None = None,
        **options: Any,
    ) -> LabClient:
        """Register a client: OpenID Connect (a secret made up unless given), or ESIA (a generated RSA certificate).

        ``options`` takes the rest of ``create_client`` (``min_level``, ``post_logout_redirect_uris``,
        ``jwks``, ``esia_access_token_alg``, ``esia_signature_mode`` ...).
        """
        from idp.domain.clients import ClientInvalid
        from idp.domain.clients import client_json
        from idp.domain.clients import create_client

        if protocol not in ("oidc", "esia"):
            raise LabSetupError(f"protocol {protocol!r}: oidc or esia")
        n = next_serial()
        scope = scope or (DEFAULT_ESIA_SCOPE if protocol == "esia" else DEFAULT_OIDC_SCOPE)
        client_id = client_id or (f"SYSTEM{n:03d}" if protocol == "esia" else f"client-{n}")
        cert_path = key_path = None
        if protocol == "esia":
            if certificate_pem is None:
                pair = self._esia_pair()
                certificate_pem, key_pem = pair.cert_pem, pair.key_pem
            options["esia_certificates"] = [certificate_pem]
            secret = None
            auth_method = "none"
            if self.workdir is not None and key_pem:
                cert_path, key_path = self.workdir / f"{client_id}.crt", self.workdir / f"{client_id}.key"
                cert_path.write_text(certificate_pem)
                key_path.write_text(key_pem)
        elif auth_method != "none":
            secret = secret or secrets.token_urlsafe(24)

        def create(session):
            try:
                row = create_client(
                    session,
                    client_id,
                    secret,
                    redirect_uris or [redirect_uri],
                    auth_method=auth_method,
                    scope=scope,
                    **options,
                )
            except ClientInvalid as exc:
                raise LabSetupError(f"the IdP refused the client {client_id}: {exc}") from None
            return client_json(row)

        data = self._commit(create)
        return LabClient(
            client_id, secret, redirect_uri, scope, protocol, auth_method, certificate_pem, key_pem,
            cert_path, key_path, data,
        )  # fmt: skip

    # --- faults, scripted claims, trace -----------------------------------------------------------------

    def fault(
        self,
        name: str,
        *,
        delay: str | float | None = None,
        count: int | None = None,
        client: LabClient | str | None = None,
        error: str | None = None,
        claims: list[str] | str | None = None,
        description: str | None = None,
    ) -> dict[str, Any]:
        """Inject a fault (``token_slow``, ``token_error``, ``id_token_wrong_iss`` ...) for ``count`` requests."""
        from idp.domain import faults

        client_id = client.client_id if isinstance(client, LabClient) else client

        def add(session):
            try:
                row = faults.add_fault(
                    session, name, client_id=client_id, count=count, error=error, delay=delay, claims=claims,
                    description=description,
                )  # fmt: skip
            except faults.FaultInvalid as exc:
                raise LabSetupError(f"the IdP refused the fault {name!r}: {exc}") from None
            return faults.fault_json(row)

        return self._commit(add)

    def faults(self) -> list[dict[str, Any]]:
        """Return the faults in force (with how often each fired)."""
        from idp.db import db
        from idp.domain import faults

        with self.context():
            return [faults.fault_json(f) for f in faults.active_faults(db.session)]

    def claims(
        self, person: LabAccount | None = None, client: LabClient | str | None = None, **claims: Any
    ) -> list[dict[str, Any]]:
        """Script claims of the ID token and userinfo for a person and/or client (a value None removes a claim)."""
        from idp.domain import claim_overrides as co

        client_id = client.client_id if isinstance(client, LabClient) else client

        def set_claims(session):
            try:
                rows = co.set_claims(session, claims, account_oid=person.sub if person else None, client_id=client_id)
            except co.OverrideInvalid as exc:
                raise LabSetupError(f"the IdP refused the claims: {exc}") from None
            return [co.override_json(r) for r in rows]

        return self._commit(set_claims)

    def traces(self, limit: int = 20) -> list[dict[str, Any]]:
        """Return the protocol traces, newest first, each with its exchanges (decoded tokens, masked)."""
        from idp.db import db
        from idp.oidc import trace

        with self.context():
            return [
                trace.trace_json(t, trace.trace_events(db.session, t.id))
                for t in trace.recent_traces(db.session, limit)
            ]

    def trace(self, client: LabClient | str | None = None) -> dict[str, Any]:
        """Return the trace of the newest login (of ``client`` when given): its exchanges, step by step."""
        client_id = client.client_id if isinstance(client, LabClient) else client
        for item in self.traces():
            if client_id is None or item["client_id"] == client_id:
                return item
        raise AssertionError("no login was traced" + (f" for client {client_id}" if client_id else ""))

    def keys(self) -> dict[str, Any]:
        """Return the IdP's published JWKS."""
        from idp.db import db
        from idp.oidc import keys

        with self.context():
            return keys.public_jwks(db.session)

    # --- the login ------------------------------------------------------------------------------------

    def browse(self, url: str, person: LabAccount, redirect_uri: str, consent: bool = True) -> dict[str, str]:
        """Be the browser for an authorization URL your client made: log in, consent; return the callback query.

        The query (``code``, ``state``, ``iss`` — or ``error``) is what the IdP sent back to ``redirect_uri``.
        """
        import requests

        from fedlab.testing.browser import drive

        return drive(requests.Session(), url, redirect_uri, person, consent)

    def authorize(
        self,
        client: LabClient,
        person: LabAccount,
        *,
        tokens: bool = False,
        scope: str | None = None,
        consent: bool = True,
        **params: str,
    ) -> Any:
        """Log ``person`` in for ``client`` over HTTP (login and consent pages); return the code.

        ``tokens=True`` also redeems the code and returns the token response. Works for OpenID Connect and
        ESIA clients alike. A login that does not come back with a code raises :class:`AuthorizeError`
        (``.error`` holds the OAuth error code of an error redirect).
        """
        from fedlab.testing.browser import authorize_esia
        from fedlab.testing.browser import authorize_oidc

        if client.protocol == "esia":
            if params:
                raise AuthorizeError(f"ESIA logins take no extra parameters: {sorted(params)}")
            return authorize_esia(
                self.url, client, person, self.real_clock.real, tokens=tokens, scope=scope, consent=consent
            )
        return authorize_oidc(self.url, client, person, tokens=tokens, scope=scope, consent=consent, **params)

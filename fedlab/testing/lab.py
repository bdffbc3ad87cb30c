"""The whole lab for tests: the IdP's helpers plus the diary's regions, people, links and its Gosuslugi login."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

import requests

from fedlab.testing.handles import LabAccount
from fedlab.testing.handles import LabClient
from fedlab.testing.idp import IdpHandle
from fedlab.testing.idp import LabSetupError
from fedlab.testing.idp import commit_in


class LabHandle(IdpHandle):
    """Both apps of a test: everything :class:`IdpHandle` has, and the diary (``rp_app``, ``rp_url``)."""

    def __init__(self, app: Any, url: str, rp_app: Any, rp_url: str, served: Any = None) -> None:
        from rp.clock import clock as rp_clock

        super().__init__(app, url, served)
        self.rp_app = rp_app
        self.rp_url = rp_url.rstrip("/")
        self.other_clocks = [rp_clock]

    @classmethod
    def served(cls, served: Any) -> LabHandle:
        """Return the handle of a served lab (:func:`fedlab.testing.served.serve` with the diary)."""
        return cls(served.idp.app, served.idp.url, served.rp.app, served.rp.url, served)

    @property
    def callback_uri(self) -> str:
        """Return the diary's one callback (the redirect URI of every region)."""
        return self.rp_url + "/login/callback"

    def _rp_commit(self, func, *args: Any) -> Any:
        from rp.extensions import db

        return commit_in(self.rp_app, db, "the diary", func, *args)

    # --- the diary ------------------------------------------------------------------------------------

    def region(
        self,
        name: str = "test",
        protocol: str = "oidc",
        *,
        title: str | None = None,
        client: LabClient | None = None,
        scope: str | None = None,
    ) -> LabClient:
        """Point a diary region at the lab IdP over OpenID Connect or ESIA; return the IdP client it uses.

        Without ``client`` one is registered for the diary's callback (with a generated certificate for ESIA).
        """
        from rp.domain.regions import EsiaSettings
        from rp.domain.regions import RegionError
        from rp.domain.regions import set_region
        from rp.models.regions import DEFAULT_SCOPE

        scope = scope or DEFAULT_SCOPE
        if client is None:
            client = self.client(redirect_uri=self.callback_uri, scope=scope, protocol=protocol)
        esia = EsiaSettings(client.certificate_pem or "", client.key_pem or "") if protocol == "esia" else None

        def store(session):
            try:
                region = set_region(
                    session, name, issuer=self.url, client_id=client.client_id, client_secret=client.secret,
                    scope=scope, title=title or name, protocol=protocol, esia=esia,
                )  # fmt: skip
            except RegionError as exc:
                raise LabSetupError(f"the diary refused the region {name!r}: {exc}") from None
            session.flush()
            return region.name

        self._rp_commit(store)
        return client

    def person(
        self,
        login: str | None = None,
        *,
        last_name: str = "Иванова",
        first_name: str = "Мария",
        middle_name: str | None = "Петровна",
        gender: str | None = "F",
        birth_date: date | str | None = date(1984, 3, 14),
        snils: str | None = None,
        password: str | None = None,
        role: str | None = "parent",
        phone: str | None = None,
        email: str | None = None,
        like: LabAccount | None = None,
    ) -> dict[str, Any]:
        """Add a person to the diary (with a diary login when ``login``); ``like`` copies a Gosuslugi account's data."""
        from labkit.web import password_hasher
        from rp.domain.scenario import _scenario_school
        from rp.models.people import Person
        from rp.models.people import User
        from rp.models.school import PersonRole
        from shared.demo_people import DEMO_RP_PASSWORD
        from shared.validators import canonical_snils

        if like is not None:
            last_name, first_name = like.data["last_name"], like.data["first_name"]
            middle_name, gender = like.data["middle_name"], like.data["gender"]
            birth_date, snils = like.data["birth_date"], snils or like.data["snils"]
        if isinstance(birth_date, str):
            birth_date = date.fromisoformat(birth_date)

        def create(session):
            from rp.domain.people import login_problem

            problem = login_problem(session, login) if login else None
            if problem:
                raise LabSetupError(f"the diary refused the login {login!r}: {problem}")
            person = Person(
                last_name=last_name, first_name=first_name, middle_name=middle_name, gender=gender,
                birth_date=birth_date, snils=canonical_snils(snils) if snils else None, phone=phone, email=email,
            )  # fmt: skip
            session.add(person)
            if login:
                hashed = password_hasher().hash(password or DEMO_RP_PASSWORD)
                session.add(User(person=person, login=login, password_hash=hashed))
            session.flush()
            if role:
                session.add(PersonRole(person_id=person.id, school_id=_scenario_school(session).id, role=role))
            session.flush()
            return {"person_id": person.id, "login": login, "name": person.full_name}

        return self._rp_commit(create)

    def link(self, account: LabAccount | str, login: str, issuer: str | None = None) -> dict[str, Any]:
        """Link a Gosuslugi account (its ``sub``) to a diary login, as a finished first login would."""
        from sqlalchemy import select

        from rp.models.people import Identity
        from rp.models.people import User

        subject = account.sub if isinstance(account, LabAccount) else str(account)

        def create(session):
            user = session.scalar(select(User).where(User.login == login))
            if user is None:
                raise LabSetupError(f"the diary has no login {login!r} to link")
            session.add(Identity(user=user, issuer=issuer or self.url, subject=subject))
            session.flush()
            return {"issuer": issuer or self.url, "subject": subject, "login": login}

        return self._rp_commit(create)

    def diary_login(self, person: LabAccount, region: str = "test", consent: bool = True) -> dict[str, Any]:
        """Log in at the diary through Gosuslugi (``/login/esia/REGION``) and return the diary's linking decision.

        The answer is the linking record (``outcome``: signed_in, match, not_found, ambiguous, insufficient,
        conflict_...; ``fields``: the field-by-field comparison) with ``login``, the diary login concerned.
        """
        from fedlab.scenarios import Lab
        from fedlab.scenarios import record_outcome
        from fedlab.testing.browser import _follow
        from fedlab.testing.browser import drive

        lab = Lab(self.url, self.rp_url)
        before = lab.latest_record_id()
        session = requests.Session()
        query = drive(session, f"{self.rp_url}/login/esia/{region}", self.callback_uri, person, consent, press=True)
        landed = session.get(f"{self.callback_uri}?{urlencode(query)}", allow_redirects=False, timeout=30)
        _follow(session, landed, "\0")
        records = lab.records_after(before)
        if not records:
            raise AssertionError(f"the diary recorded no linking decision for the login of {person.login}")
        record = dict(records[0])
        record["outcome"] = record_outcome(record)
        record["login"] = lab.user_login(record.get("user_id")) if record.get("user_id") else None
        return record

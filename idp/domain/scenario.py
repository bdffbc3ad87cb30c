"""The IdP side of lab resets and QA scenarios: wipe the lab, seed the demo, apply a scenario. No Flask.

Nothing here commits: the caller commits once, so a refused scenario leaves the database as it was.
"""

from __future__ import annotations

from datetime import date
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from idp.domain import labstate
from idp.domain import registry
from idp.domain.accounts import AccountInvalid
from idp.domain.accounts import AccountTaken
from idp.domain.accounts import create_account
from idp.models.accounts import Account
from idp.models.accounts import ProfileStatus
from idp.models.verification import CheckStatus
from idp.models.verification import VerificationCheck
from shared.demo_people import DEMO_IDP_PASSWORD
from shared.demo_people import DEMO_PEOPLE
from shared.lab_wipe import wipe_tables
from shared.scenarios import ResetOptions
from shared.scenarios import Scenario

#: Tables a reset keeps unless told otherwise: option name -> table.
KEPT_TABLES = {"keep_keys": "oauth2_signing_key", "keep_clients": "oauth2_client"}
#: How long a scenario's pending registry check waits (lab clock) before it is due.
PENDING_CHECK_DELAY = timedelta(days=5)


class ScenarioRefused(ValueError):
    """The IdP cannot hold this scenario (an account or citizen was refused); the message says which."""


def wipe(session: Session, options: ResetOptions) -> dict[str, int]:
    """Delete every row of the IdP's lab state (accounts, consents, tokens, traces, registry, inbox, clock ...).

    Signing keys and clients stay unless ``options`` says otherwise. Returns rows deleted per table.
    """
    return wipe_tables(session, Account.metadata, options, KEPT_TABLES)


def seed_demo_accounts(session: Session, hasher: PasswordHasher, today: date) -> list[Account]:
    """Create the Gosuslugi accounts of the demo people (shared.demo_people) with their fixed oids."""
    from idp.demo import demo_passport

    accounts = []
    for person in DEMO_PEOPLE:
        if person.idp is None:
            continue
        side = person.idp
        documented = person.level != "simplified"
        series, number = demo_passport(person.key) if documented else (None, None)
        account = create_account(
            session,
            hasher,
            last_name=side.last_name,
            first_name=side.first_name,
            middle_name=side.middle_name,
            phone=person.phone,
            email=person.email,
            password=DEMO_IDP_PASSWORD,
            gender=side.gender,
            birth_date=side.birth_date,
            birth_place="г. Архангельск",
            snils=side.snils,
            level=person.level,
            doc_series=series,
            doc_number=number,
            doc_issue_date=side.birth_date.replace(year=side.birth_date.year + 20) if documented else None,
            doc_issued_by="УМВД России по Архангельской области" if documented else None,
            doc_department_code="290-001" if documented else None,
            today=today,
        )
        account.oid = person.oid
        accounts.append(account)
    session.flush()
    return accounts


def seed_demo(session: Session, hasher: PasswordHasher, today: date) -> dict[str, int]:
    """Seed the IdP's demo: the demo people's accounts and the lab registry of citizens."""
    from idp.demo import seed_registry

    accounts = seed_demo_accounts(session, hasher, today)
    citizens = seed_registry(session)
    return {"accounts": len(accounts), "citizens": citizens}


def _passport(index: int) -> tuple[str, str]:
    return "1190", f"{900001 + index:06d}"


def apply(session: Session, scenario: Scenario, hasher: PasswordHasher, today: date) -> dict[str, Any]:
    """Create the scenario's IdP accounts, registry citizens and settings (on a wiped IdP; not committed).

    Raises :class:`ScenarioRefused` naming the account or citizen the IdP refuses.
    """
    for key, value in scenario.idp_settings.items():
        if key == "registry_policy":
            registry.set_policy(session, value)
    now = labstate.now(session)
    created = []
    for index, spec in enumerate(scenario.accounts):
        documented = spec.level != "simplified" or spec.verification is not None
        series, number = _passport(index) if documented else (None, None)
        try:
            account = create_account(
                session,
                hasher,
                last_name=spec.last_name,
                first_name=spec.first_name,
                middle_name=spec.middle_name,
                phone=spec.phone,
                email=spec.email,
                password=spec.password,
                gender=spec.gender,
                birth_date=spec.birth_date,
                birth_place="г. Архангельск" if documented else None,
                citizenship="RUS" if documented else None,
                snils=spec.snils,
                level=spec.level,
                doc_series=series,
                doc_number=number,
                doc_issue_date=spec.birth_date.replace(year=spec.birth_date.year + 20)
                if documented and spec.birth_date
                else None,
                doc_issued_by="УМВД России по Архангельской области" if documented else None,
                doc_department_code="290-001" if documented else None,
                today=now.date(),
            )
        except AccountInvalid as exc:
            raise ScenarioRefused(f"idp.accounts[{index}] ({spec.key}): {exc}") from None
        except AccountTaken as exc:
            raise ScenarioRefused(f"idp.accounts[{index}] ({spec.key}): {exc}") from None
        account.oid = spec.oid
        if spec.verification == "pending":
            account.profile_status = ProfileStatus.PENDING
            account.no_middle_name = spec.middle_name is None
            session.add(
                VerificationCheck(
                    account=account, submitted_at=now, due_at=now + PENDING_CHECK_DELAY, status=CheckStatus.PENDING
                )
            )
        created.append({"key": spec.key, "oid": spec.oid, "login": spec.login, "level": spec.level})
    citizens = 0
    for index, spec in enumerate(scenario.registry):
        try:
            registry.add_citizen(
                session,
                last_name=spec.last_name,
                first_name=spec.first_name,
                middle_name=spec.middle_name,
                gender=spec.gender,
                birth_date=spec.birth_date,
                snils=spec.snils,
                passport_series=spec.passport_series,
                passport_number=spec.passport_number,
            )
        except registry.CitizenInvalid as exc:
            raise ScenarioRefused(f"idp.registry[{index}]: {exc}") from None
        citizens += 1
    session.flush()
    return {"accounts": created, "citizens": citizens, "settings": dict(scenario.idp_settings)}

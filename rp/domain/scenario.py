"""The diary side of lab resets and QA scenarios: wipe the diary, apply a scenario, read the lab state. No Flask.

Nothing here commits; :mod:`rp.seed` is the entry point that seeds the demo or a scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from rp.domain.regions import RegionError
from rp.domain.regions import get_region
from rp.domain.regions import set_region
from rp.models.linking import LinkingRecord
from rp.models.people import Identity
from rp.models.people import Person
from rp.models.people import User
from rp.models.regions import DEFAULT_SCOPE
from rp.models.regions import Region
from rp.models.school import PersonRole
from rp.models.school import School
from shared.lab_wipe import wipe_tables
from shared.scenarios import ResetOptions
from shared.scenarios import Scenario

#: Tables a reset keeps unless told otherwise: option name -> table.
KEPT_TABLES = {"keep_regions": "region"}
#: The demo region's name, title and scopes (as ``fedlab setup`` creates it).
DEMO_REGION = ("dvinaland", "Архангельская область", DEFAULT_SCOPE)


@dataclass(frozen=True)
class ProviderDefaults:
    """Where a region missing from the diary points: the lab IdP and the diary's client there."""

    issuer: str
    client_id: str
    client_secret: str


class ScenarioRefused(ValueError):
    """The diary cannot hold this scenario; the message says which part."""


def wipe(session: Session, options: ResetOptions) -> dict[str, int]:
    """Delete every row of the diary (people, logins, links, linking records, school data ...).

    Regions (with their provider settings) stay unless ``options.keep_regions`` is false.
    """
    return wipe_tables(session, Person.metadata, options, KEPT_TABLES)


def ensure_demo_region(session: Session, provider: ProviderDefaults, name: str = DEMO_REGION[0]) -> Region:
    """Return the region ``name``, creating it from ``provider`` when missing (not committed)."""
    region = get_region(session, name)
    if region is not None:
        return region
    title = DEMO_REGION[1] if name == DEMO_REGION[0] else name
    try:
        return set_region(
            session,
            name,
            issuer=provider.issuer,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            scope=DEMO_REGION[2],
            title=title,
        )
    except RegionError as exc:
        raise ScenarioRefused(f"login.region: {exc}") from None


def _scenario_school(session: Session) -> School:
    school = session.scalar(select(School).order_by(School.id).limit(1))
    if school is None:
        from rp.demo import DEMO_SCHOOL

        school = School(**DEMO_SCHOOL)
        session.add(school)
        session.flush()
    return school


def apply(session: Session, scenario: Scenario, hasher: PasswordHasher, provider: ProviderDefaults) -> dict[str, Any]:
    """Create the scenario's diary people, logins, roles and links (on a wiped diary; not committed)."""
    region = ensure_demo_region(session, provider, scenario.login.region)
    school = None
    users: dict[str, User] = {}
    hashes: dict[str, str] = {}
    created = []
    for spec in scenario.people:
        person = Person(
            last_name=spec.last_name,
            first_name=spec.first_name,
            middle_name=spec.middle_name,
            gender=spec.gender,
            birth_date=spec.birth_date,
            snils=spec.snils,
            phone=spec.phone,
            email=spec.email,
        )
        session.add(person)
        if spec.login:
            if spec.password not in hashes:
                hashes[spec.password] = hasher.hash(spec.password)
            user = User(person=person, login=spec.login, password_hash=hashes[spec.password])
            session.add(user)
            users[spec.login] = user
        session.flush()
        if spec.role:
            school = school or _scenario_school(session)
            session.add(PersonRole(person_id=person.id, school_id=school.id, role=spec.role))
        created.append({"login": spec.login, "person_id": person.id, "name": person.full_name})
    links = []
    for link in scenario.links:
        issuer = link.issuer or region.issuer
        session.add(Identity(user=users[link.login], issuer=issuer, subject=link.subject))
        links.append({"issuer": issuer, "subject": link.subject, "login": link.login})
    session.flush()
    return {"people": created, "links": links, "region": region.name, "issuer": region.issuer}


def user_json(user: User) -> dict[str, Any]:
    """Return a diary login with its person and links, as the lab API serves it."""
    return {
        "id": user.id,
        "login": user.login,
        "person_id": user.person_id,
        "name": user.person.full_name,
        "identities": [{"issuer": i.issuer, "subject": i.subject} for i in user.identities],
    }


def state(session: Session) -> dict[str, Any]:
    """Return what scenarios are about: counts, regions, and every existing link with its diary login."""
    links = [
        {"issuer": i.issuer, "subject": i.subject, "login": i.user.login}
        for i in session.scalars(select(Identity).order_by(Identity.id))
    ]
    return {
        "people": session.query(Person).count(),
        "users": session.query(User).count(),
        "linking_records": session.query(LinkingRecord).count(),
        "regions": [
            {"name": r.name, "issuer": r.issuer} for r in session.scalars(select(Region).order_by(Region.name))
        ],
        "links": links,
    }

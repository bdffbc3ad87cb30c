"""The diary's one seeding entry point: the demo, or the diary part of a QA scenario. No Flask.

``fedlab setup``, the lab reset (API and trainer button) and scenario loading all call :func:`seed`;
a reset wipes first with :func:`wipe`. Nothing here commits: the command or the request commits once,
so a refused scenario or a failed seed leaves the database as it was.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from typing import Literal

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from rp.domain.scenario import ProviderDefaults
from rp.domain.scenario import ScenarioRefused
from rp.domain.scenario import apply
from rp.domain.scenario import ensure_demo_region
from rp.domain.scenario import wipe
from shared.demo_people import DEMO_RP_PASSWORD
from shared.scenarios import Scenario

__all__ = ["ProviderDefaults", "ScenarioRefused", "seed", "wipe"]

Seedable = Literal["demo", "scenario"]


def seed(
    session: Session,
    what: Seedable = "demo",
    *,
    today: date,
    provider: ProviderDefaults,
    hasher: PasswordHasher,
    scenario: Scenario | None = None,
) -> dict[str, Any]:
    """Seed the diary with ``what`` and return a summary; not committed.

    ``demo``: the demo school around ``today``, the demo region (created from ``provider`` when missing)
    and the already-linked demo people. ``scenario``: the people, logins, roles and links of ``scenario``
    (on a wiped diary; :class:`ScenarioRefused` says what the diary cannot hold).
    """
    if what == "demo":
        return _seed_demo(session, today, provider, hasher.hash(DEMO_RP_PASSWORD))
    if what == "scenario":
        if scenario is None:
            raise ValueError("seeding a scenario needs the scenario")
        return apply(session, scenario, hasher, provider)
    raise ValueError(f"nothing to seed called {what!r}")


def _seed_demo(session: Session, today: date, provider: ProviderDefaults, password_hash: str) -> dict[str, Any]:
    from rp.demo import seed_school
    from rp.domain.linking import link_demo_people

    summary = seed_school(session, today, password_hash=password_hash)
    region = ensure_demo_region(session, provider)
    session.flush()
    linked = link_demo_people(session, region.issuer)
    counts = {k: val for k, val in summary.items() if isinstance(val, int)}
    return {**counts, "logins": len(summary.get("logins", {})), "linked": linked}

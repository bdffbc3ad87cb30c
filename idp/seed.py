"""The IdP's one seeding entry point: the demo (and, at setup, the diary as a client), or a QA scenario. No Flask.

``fedlab setup``, the lab reset (API and trainer button) and scenario loading call :func:`seed`; a reset
wipes first with :func:`wipe`. Nothing here commits: the command or the request commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from typing import Literal

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from idp.domain.scenario import ScenarioRefused
from idp.domain.scenario import apply
from idp.domain.scenario import seed_demo
from idp.domain.scenario import wipe
from shared.scenarios import Scenario

__all__ = ["DiaryClient", "ScenarioRefused", "seed", "wipe"]

Seedable = Literal["demo", "scenario"]


@dataclass(frozen=True)
class DiaryClient:
    """The demo diary as an OIDC client of the IdP: its base URL and client secret."""

    base_url: str
    secret: str
    client_id: str = "dnevnik"
    name: str = "Дневник.ру"
    #: The diary's ESIA certificates (PEM) registered on the same client, for its ESIA region.
    esia_certificates: tuple[str, ...] = ()
    #: Further base URLs the same diary is served on (``http://127.0.0.1:5002`` beside ``http://rp.localhost:5002``).
    also_base_urls: tuple[str, ...] = ()


def seed(
    session: Session,
    what: Seedable = "demo",
    *,
    hasher: PasswordHasher,
    today: date,
    scenario: Scenario | None = None,
    diary: DiaryClient | None = None,
) -> dict[str, Any]:
    """Seed the IdP with ``what`` and return a summary; not committed.

    ``demo``: the demo people's accounts and the lab registry of citizens, plus the diary as a client
    when ``diary`` is given (``fedlab setup``; a lab reset keeps clients). ``scenario``: the accounts,
    citizens and settings of ``scenario`` (on a wiped IdP; :class:`ScenarioRefused` says what is refused).
    """
    if what == "demo":
        summary: dict[str, Any] = dict(seed_demo(session, hasher, today))
        if diary is not None:
            _ensure_diary_client(session, diary)
        return summary
    if what == "scenario":
        if scenario is None:
            raise ValueError("seeding a scenario needs the scenario")
        return apply(session, scenario, hasher, today)
    raise ValueError(f"nothing to seed called {what!r}")


def _ensure_diary_client(session: Session, diary: DiaryClient) -> None:
    from idp.domain.clients import ensure_client

    bases = [diary.base_url, *diary.also_base_urls]
    ensure_client(
        session,
        client_id=diary.client_id,
        secret=diary.secret,
        redirect_uris=[f"{base}/login/callback" for base in bases],
        post_logout_redirect_uris=[f"{base}/" for base in bases],
        name=diary.name,
        esia_certificates=list(diary.esia_certificates) or None,
    )

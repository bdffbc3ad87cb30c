"""``fedlab setup``: create or migrate both databases and seed the demo data once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_migrate import upgrade
from sqlalchemy import select

from shared.demo_people import DEMO_IDP_PASSWORD
from shared.demo_people import DEMO_PEOPLE
from shared.demo_people import DEMO_RP_PASSWORD


def seed_idp_demo(session, rp_base_url: str) -> None:
    """Seed the IdP: the demo people's accounts, the citizens registry and the diary as a client.

    The diary's client is also an ESIA system: its demo certificate (made here once, never committed) is
    registered on it, for the diary's ESIA region.
    """
    from fedlab.esia_demo import demo_pair
    from fedlab.lab_names import loopback_twin
    from idp.domain import labstate
    from idp.seed import DiaryClient
    from idp.seed import seed
    from labkit.web import password_hasher
    from rp.config import INSTANCE_DIR

    twin = loopback_twin(rp_base_url)
    diary = DiaryClient(
        base_url=rp_base_url,
        secret=rp_secret(),
        esia_certificates=(demo_pair(INSTANCE_DIR).cert_pem,),
        also_base_urls=(twin,) if twin else (),
    )
    seed(session, "demo", hasher=password_hasher(), today=labstate.now(session).date(), diary=diary)


def rp_secret() -> str:
    """Return the diary's client secret as the diary is configured (shared by the demo setup)."""
    from rp.config import build_config

    return build_config()["DEMO_CLIENT_SECRET"]


def seed_rp_demo(session, idp_issuer: str) -> None:
    """Seed the diary: the demo regions (ESIA and OIDC, at the IdP), the demo school, the already-linked people."""
    from labkit.web import password_hasher
    from rp.clock import clock
    from rp.config import build_config
    from rp.seed import ProviderDefaults
    from rp.seed import seed

    seed_demo_regions(session, idp_issuer)
    cfg = build_config()
    provider = ProviderDefaults(
        issuer=idp_issuer, client_id=cfg["DEMO_CLIENT_ID"], client_secret=cfg["DEMO_CLIENT_SECRET"]
    )
    seed(session, "demo", today=clock.today(), provider=provider, hasher=password_hasher())


def seed_demo_regions(session, idp_issuer: str) -> None:
    """Create the demo regions: ``dvinaland`` over ESIA's protocol (as Dnevnik.ru logs in), ``tomsk`` over OIDC."""
    from fedlab.esia_demo import ESIA_REGION
    from fedlab.esia_demo import OIDC_REGION
    from fedlab.esia_demo import demo_pair
    from rp.config import INSTANCE_DIR
    from rp.config import build_config
    from rp.domain.regions import EsiaSettings
    from rp.domain.regions import ensure_region
    from rp.models.regions import DEFAULT_SCOPE

    cfg = build_config()
    scope = DEFAULT_SCOPE
    pair = demo_pair(INSTANCE_DIR)
    client = {"issuer": idp_issuer, "client_id": cfg["DEMO_CLIENT_ID"], "client_secret": cfg["DEMO_CLIENT_SECRET"]}
    ensure_region(
        session, *ESIA_REGION, **client, scope=scope, protocol="esia", esia=EsiaSettings(pair.cert_pem, pair.key_pem)
    )
    ensure_region(session, *OIDC_REGION, **client, scope=scope, protocol="oidc")


def _migrate_and_seed(
    echo: Callable[[str], None], app, db, marker, seed: Callable[[Any], None], name: str, what: str
) -> None:
    """Upgrade ``app``'s schema; run ``seed`` and commit when no ``marker`` row exists yet."""
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        if db.session.scalar(select(marker).limit(1)) is None:
            seed(db.session)
            db.session.commit()
            echo(f"{name}: {what} seeded")
        else:
            echo(f"{name}: database up to date (demo data already there)")


def migrate_and_seed_idp(echo: Callable[[str], None], rp_base_url: str) -> None:
    """Bring the IdP's schema up to date and seed its demo data if it has none."""
    from idp import create_app
    from idp.db import db
    from idp.models import Account

    def seed(session) -> None:
        seed_idp_demo(session, rp_base_url=rp_base_url)

    _migrate_and_seed(echo, create_app(), db, Account.id, seed, "idp", "demo data")


def migrate_and_seed_rp(echo: Callable[[str], None], idp_issuer: str) -> None:
    """Bring the diary's schema up to date and seed its demo school if it has none."""
    from rp import create_app
    from rp.extensions import db
    from rp.models import Person

    def seed(session) -> None:
        seed_rp_demo(session, idp_issuer=idp_issuer)

    _migrate_and_seed(echo, create_app(), db, Person.id, seed, "rp", "demo school")


def setup_all(echo: Callable[[str], None] = print, only: str | None = None) -> None:
    """Migrate both databases (or ``only`` "idp" or "rp", as a container does) and seed each one that is empty."""
    from fedlab.lab_names import choose_lab_names
    from idp.config import build_config as idp_config
    from rp.config import build_config as rp_config

    choose_lab_names()
    idp_settings = idp_config()
    rp_settings = rp_config()
    idp_settings_dir = idp_settings["DATABASE_URL"]
    if idp_settings_dir.startswith("sqlite:///"):
        from pathlib import Path

        Path(idp_settings_dir.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        Path(rp_settings["DATABASE_URL"].removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if only in (None, "idp"):
        migrate_and_seed_idp(echo, rp_base_url=rp_settings["BASE_URL"])
    if only in (None, "rp"):
        migrate_and_seed_rp(echo, idp_issuer=idp_settings["ISSUER"])


def demo_logins() -> list[str]:
    """Return the lines that tell a newcomer how to log in to the demo."""
    from rp.demo import CLASS_TEACHER_LOGIN
    from rp.demo import OPERATOR_LOGIN
    from rp.demo import PUPIL_LOGIN
    from rp.demo import TEACHER_LOGIN
    from shared.validators import format_phone

    lines = [f"Госуслуги (IdP) demo accounts — password {DEMO_IDP_PASSWORD}:"]
    for person in DEMO_PEOPLE:
        if person.idp and person.phone:
            lines.append(
                f"  {format_phone(person.phone):16} {person.email:26} {person.level:10} {person.key}: {person.note}"
            )
    lines.append(f"Дневник (diary) demo logins — password {DEMO_RP_PASSWORD}:")
    parents = ", ".join(person.rp_login for person in DEMO_PEOPLE if person.rp_login)
    lines.append(f"  parents: {parents}")
    lines.append(
        f"  school: {OPERATOR_LOGIN} (school operator), {TEACHER_LOGIN} (teacher), "
        f"{CLASS_TEACHER_LOGIN} (class teacher of 5А), {PUPIL_LOGIN} (pupil)"
    )
    return lines

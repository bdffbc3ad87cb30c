"""Helpers for the profile, verification, operator and lab tests: accounts, log-in, forms, clock."""

from __future__ import annotations

import time
from datetime import date
from datetime import timedelta

from shared.validators import format_snils
from shared.validators import make_snils
from tests.helpers.forms import csrf_token

#: A person whose data is well formed; :func:`add_registry_person` puts them in the registry.
SNILS = make_snils("112233445")
PROFILE = {
    "last_name": "Иванова",
    "first_name": "Мария",
    "middle_name": "Петровна",
    "gender": "F",
    "birth_date": "14.03.1984",
    "birth_place": "г. Архангельск",
    "citizenship": "RUS",
    "doc_type": "RF_PASSPORT",
    "doc_series": "1104",
    "doc_number": "123456",
    "doc_issued_by": "УМВД России по Архангельской области",
    "doc_issue_date": "20.03.2004",
    "doc_department_code": "290-001",
    "snils": format_snils(SNILS),
}


def make_account(app, **fields) -> int:
    """Create an account (a simplified one unless fields say otherwise) and return its id."""
    from idp.db import db
    from idp.domain.accounts import create_account
    from labkit.web import password_hasher

    values = {"last_name": "Иванова", "first_name": "Мария", "phone": "+79110000001", "password": "Secret+123"}
    values.update(fields)
    with app.app_context():
        account = create_account(db.session, password_hasher(), **values)
        db.session.commit()
        return account.id


def log_in(client, account_id: int) -> None:
    """Log the test client in as the account by setting the session."""
    with client.session_transaction() as s:
        s["account_id"] = account_id
        s["auth_time"] = int(time.time())


def post_form(client, get_url: str, post_url: str | None = None, **data):
    """GET a page, then POST ``data`` with its CSRF token (to ``post_url`` or the same URL)."""
    page = client.get(get_url)
    return client.post(post_url or get_url, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data})


def submit_profile(client, token_page: str = "/profile/edit", **overrides):
    """Send the profile form with :data:`PROFILE` changed by ``overrides`` (CSRF token from ``token_page``)."""
    data = {**PROFILE, **overrides}
    return post_form(client, token_page, "/profile/edit", **{k: v for k, v in data.items() if v is not None})


def advance(app, duration: str):
    """Move the lab clock forward and run due checks, as ``fedlab clock advance`` does."""
    from idp.db import db
    from idp.domain import verification as ver
    from shared.clock import parse_duration

    with app.app_context():
        ver.advance_clock(db.session, parse_duration(duration), app.config["REGISTRY_POLICY"])
        db.session.commit()


def account_state(app, account_id: int) -> tuple[str, str, str | None]:
    """Return (level, profile_status, rejection reason) of an account."""
    from idp.db import db
    from idp.models.accounts import Account

    with app.app_context():
        account = db.session.get(Account, account_id)
        return account.level, account.profile_status, account.profile_rejection_reason


def add_registry_person(app, **overrides) -> None:
    """Put the :data:`PROFILE` person (changed by ``overrides``) in the lab registry."""
    from idp.db import db
    from idp.domain import registry

    values = {
        "last_name": "Иванова",
        "first_name": "Мария",
        "middle_name": "Петровна",
        "gender": "F",
        "birth_date": date(1984, 3, 14),
        "snils": SNILS,
        "passport_series": "1104",
        "passport_number": "123456",
    }
    values.update(overrides)
    with app.app_context():
        registry.add_citizen(db.session, **values)
        db.session.commit()


def set_policy(app, policy: str) -> None:
    """Store the registry policy."""
    from idp.db import db
    from idp.domain import registry

    with app.app_context():
        registry.set_policy(db.session, policy)
        db.session.commit()


def birthday_years_ago(years: int, days_after: int = 0) -> date:
    """Return the birth date of someone who turns ``years`` old ``days_after`` days from today (UTC)."""
    from shared.clock import real_now

    today = real_now().date()
    try:
        birthday = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        birthday = today.replace(year=today.year - years, day=28)
    return birthday + timedelta(days=days_after)

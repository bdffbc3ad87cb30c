"""Creating accounts and finding them by login; the one place that enforces uniqueness."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from idp.domain import labstate
from idp.domain.profile_rules import PROFILE_CITIZENSHIP
from idp.domain.profile_rules import profile_problems
from idp.models.accounts import Account
from idp.models.accounts import AccountLevel
from idp.models.accounts import ProfileStatus
from shared import validators as v
from shared.passwords import password_problems


@dataclass
class AccountInvalid(Exception):
    """Some fields were refused: ``errors`` maps field name to a list of rule codes."""

    errors: dict[str, list[str]] = field(default_factory=dict)

    def __str__(self) -> str:
        return "; ".join(f"{k}: {', '.join(c)}" for k, c in self.errors.items())


@dataclass
class AccountTaken(Exception):
    """Another account already holds this phone, e-mail or SNILS (``field`` names which)."""

    field: str

    def __str__(self) -> str:
        return f"{self.field} already belongs to another account"


def new_oid(session: Session) -> int:
    """Return a random, unused ESIA-style object id (10 digits)."""
    while True:
        oid = 1_000_000_000 + secrets.randbelow(8_999_999_999)
        if session.scalar(select(Account.id).where(Account.oid == oid)) is None:
            return oid


def taken_field(session: Session, phone: str | None, email: str | None, snils: str | None) -> str | None:
    """Return which of phone, e-mail or SNILS already belongs to an account, if any."""
    for name, column, value in (
        ("phone", Account.phone, phone),
        ("email", Account.email, email),
        ("snils", Account.snils, snils),
    ):
        if value and session.scalar(select(Account.id).where(column == value)) is not None:
            return name
    return None


def _collect(errors: dict[str, list[str]], name: str, func, *args: Any, **kwargs: Any) -> Any:
    try:
        return func(*args, **kwargs)
    except v.ValidationError as exc:
        errors.setdefault(name, []).append(exc.code)
        return None


def create_account(
    session: Session,
    hasher: PasswordHasher,
    *,
    last_name: str,
    first_name: str,
    phone: str | None = None,
    email: str | None = None,
    password: str | None = None,
    middle_name: str | None = None,
    gender: str | None = None,
    birth_date: date | None = None,
    birth_place: str | None = None,
    citizenship: str | None = None,
    snils: str | None = None,
    inn: str | None = None,
    doc_series: str | None = None,
    doc_number: str | None = None,
    doc_issue_date: date | None = None,
    doc_issued_by: str | None = None,
    doc_department_code: str | None = None,
    level: str = AccountLevel.SIMPLIFIED,
    today: date | None = None,
    contacts_verified: bool = True,
) -> Account:
    """Validate every field, create the account and flush it; the caller commits.

    Raises :class:`AccountInvalid` listing every refused field, or :class:`AccountTaken`
    when phone, e-mail or SNILS is in use (also when a concurrent insert wins the race).
    """
    today = today or labstate.now(session).date()
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {
        "last_name": _collect(errors, "last_name", v.normalize_person_name, last_name),
        "first_name": _collect(errors, "first_name", v.normalize_person_name, first_name),
        "middle_name": _collect(errors, "middle_name", v.normalize_person_name, middle_name or "", required=False)
        or None,
    }
    if not phone and not email:
        errors.setdefault("phone", []).append("phone_or_email_required")
    values["phone"] = _collect(errors, "phone", v.normalize_phone, phone) if phone else None
    values["email"] = _collect(errors, "email", v.normalize_email, email) if email else None
    if password is not None:
        problems = password_problems(password)
        if problems:
            errors["password"] = problems
    if gender is not None and gender not in ("M", "F"):
        errors.setdefault("gender", []).append("gender_format")
    if birth_date is not None:
        _collect(errors, "birth_date", v.check_birth_date, birth_date, today)
    values["snils"] = _collect(errors, "snils", v.canonical_snils, snils) if snils else None
    values["inn"] = _collect(errors, "inn", v.normalize_inn, inn) if inn else None
    values["doc_series"] = (
        _collect(errors, "doc_series", v.normalize_passport_series, doc_series) if doc_series else None
    )
    values["doc_number"] = (
        _collect(errors, "doc_number", v.normalize_passport_number, doc_number) if doc_number else None
    )
    values["doc_department_code"] = (
        _collect(errors, "doc_department_code", v.normalize_department_code, doc_department_code)
        if doc_department_code
        else None
    )
    if doc_issue_date is not None:
        _collect(errors, "doc_issue_date", v.check_issue_date, doc_issue_date, birth_date, today)
    try:
        level_value = AccountLevel(level)
    except ValueError:
        errors.setdefault("level", []).append("level_format")
        level_value = AccountLevel.SIMPLIFIED
    if level_value != AccountLevel.SIMPLIFIED:
        for name, value in (
            ("gender", gender),
            ("birth_date", birth_date),
            ("snils", snils),
            ("doc_series", doc_series),
            ("doc_number", doc_number),
        ):
            if not value:
                errors.setdefault(name, []).append("required_for_level")
        # A standard or verified account has a confirmed profile: the profile rules hold for it too.
        profile_citizenship = citizenship or PROFILE_CITIZENSHIP
        for name, code in profile_problems(birth_date, birth_place, profile_citizenship, today).items():
            errors.setdefault(name, []).append(code)
    if errors:
        raise AccountInvalid(errors)

    taken = taken_field(session, values["phone"], values["email"], values["snils"])
    if taken:
        raise AccountTaken(taken)
    account = Account(
        oid=new_oid(session),
        no_middle_name=values["middle_name"] is None and level_value != AccountLevel.SIMPLIFIED,
        phone_verified=bool(values["phone"]) and contacts_verified,
        email_verified=bool(values["email"]) and contacts_verified,
        password_hash=hasher.hash(password) if password else None,
        gender=gender,
        birth_date=birth_date,
        birth_place=birth_place or None,
        citizenship=citizenship or (PROFILE_CITIZENSHIP if level_value != AccountLevel.SIMPLIFIED else None),
        doc_type="RF_PASSPORT" if doc_series else None,
        doc_issue_date=doc_issue_date,
        doc_issued_by=doc_issued_by or None,
        level=level_value.value,
        profile_status=ProfileStatus.CONFIRMED if level_value != AccountLevel.SIMPLIFIED else ProfileStatus.EMPTY,
        **values,
    )
    try:
        with session.begin_nested():
            session.add(account)
            session.flush()
    except IntegrityError:
        # A concurrent registration took one of the unique values between check and insert.
        raise AccountTaken(taken_field(session, values["phone"], values["email"], values["snils"]) or "phone") from None
    return account


def find_by_login(session: Session, login: str) -> Account | None:
    """Find an account by phone, e-mail or SNILS, however the person typed it."""
    text = (login or "").strip()
    if not text:
        return None
    candidates = []
    if "@" in text:
        candidates.append(Account.email == text.lower())
    else:
        for normalise, column in ((v.normalize_phone, Account.phone), (v.canonical_snils, Account.snils)):
            try:
                candidates.append(column == normalise(text))
            except v.ValidationError:
                continue
    if not candidates:
        return None
    return session.scalars(select(Account).where(or_(*candidates))).first()

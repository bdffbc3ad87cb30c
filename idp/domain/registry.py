"""The lab registry of citizens (what МВД and СФР know) and the policy the checks apply."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from idp.domain import labstate
from idp.models.verification import RegistryCitizen
from shared import validators as v

POLICY_KEY = "registry_policy"
POLICIES = ("lenient", "strict")


@dataclass
class CitizenInvalid(Exception):
    """Some citizen fields were refused: ``errors`` maps field name to rule codes."""

    errors: dict[str, list[str]] = field(default_factory=dict)

    def __str__(self) -> str:
        return "; ".join(f"{k}: {', '.join(c)}" for k, c in self.errors.items())


def get_policy(session: Session, default: str = "lenient") -> str:
    """Return the registry policy stored as a lab setting, else ``default``."""
    value = labstate.get_setting(session, POLICY_KEY, default)
    return value if value in POLICIES else "lenient"


def set_policy(session: Session, policy: str) -> None:
    """Store the registry policy, ``lenient`` or ``strict`` (the caller commits)."""
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}")
    labstate.set_setting(session, POLICY_KEY, policy)


def add_citizen(
    session: Session,
    *,
    last_name: str,
    first_name: str,
    gender: str,
    birth_date: date,
    middle_name: str | None = None,
    snils: str | None = None,
    passport_series: str | None = None,
    passport_number: str | None = None,
) -> RegistryCitizen:
    """Validate and add one citizen to the registry, flushing it; the caller commits.

    Raises :class:`CitizenInvalid` for bad fields or a SNILS or passport already in the registry.
    """
    errors: dict[str, list[str]] = {}

    def collect(name: str, func, *args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except v.ValidationError as exc:
            errors.setdefault(name, []).append(exc.code)
            return None

    values = {
        "last_name": collect("last_name", v.normalize_person_name, last_name),
        "first_name": collect("first_name", v.normalize_person_name, first_name),
        "middle_name": collect("middle_name", v.normalize_person_name, middle_name or "", required=False) or None,
        "snils": collect("snils", v.canonical_snils, snils) if snils else None,
        "passport_series": collect("passport_series", v.normalize_passport_series, passport_series)
        if passport_series
        else None,
        "passport_number": collect("passport_number", v.normalize_passport_number, passport_number)
        if passport_number
        else None,
    }
    if gender not in ("M", "F"):
        errors.setdefault("gender", []).append("gender_format")
    if bool(values["passport_series"]) != bool(values["passport_number"]) and not errors.get("passport_series"):
        errors.setdefault("passport_number", []).append("required")
    if errors:
        raise CitizenInvalid(errors)
    if values["snils"] and find_by_snils(session, values["snils"]) is not None:
        raise CitizenInvalid({"snils": ["taken"]})
    if values["passport_series"] and find_by_passport(session, values["passport_series"], values["passport_number"]):
        raise CitizenInvalid({"passport": ["taken"]})
    citizen = RegistryCitizen(gender=gender, birth_date=birth_date, **values)
    try:
        with session.begin_nested():
            session.add(citizen)
            session.flush()
    except IntegrityError:
        raise CitizenInvalid({"snils": ["taken"]}) from None
    return citizen


def find_by_snils(session: Session, snils: str) -> RegistryCitizen | None:
    """Return the citizen holding this 11-digit SNILS, if any."""
    return session.scalars(select(RegistryCitizen).where(RegistryCitizen.snils == snils)).first()


def find_by_passport(session: Session, series: str, number: str) -> RegistryCitizen | None:
    """Return the citizen holding this passport, if any."""
    return session.scalars(
        select(RegistryCitizen).where(
            RegistryCitizen.passport_series == series, RegistryCitizen.passport_number == number
        )
    ).first()


def list_citizens(session: Session) -> list[RegistryCitizen]:
    """Return every citizen of the registry, by surname."""
    return list(session.scalars(select(RegistryCitizen).order_by(RegistryCitizen.last_name, RegistryCitizen.id)))


def citizen_json(citizen: RegistryCitizen) -> dict[str, Any]:
    """Return a citizen as a JSON-ready dict."""
    return {
        "id": citizen.id,
        "last_name": citizen.last_name,
        "first_name": citizen.first_name,
        "middle_name": citizen.middle_name,
        "gender": citizen.gender,
        "birth_date": citizen.birth_date.isoformat(),
        "snils": v.format_snils(citizen.snils) if citizen.snils else None,
        "passport_series": citizen.passport_series,
        "passport_number": citizen.passport_number,
    }

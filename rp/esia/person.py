"""ESIA's person (``/rs/prns/{oid}`` with contacts and documents embedded) as the fields linking compares.

ESIA has no trust-level claim: ``trusted`` true is a confirmed account; an account whose data is still
being checked (``verifying``) or that has no SNILS is simplified; otherwise standard (ESIA.md, levels).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Diary field -> key of :func:`person_claims` (the ESIA names the "why?" panel shows).
ESIA_CLAIM_MAP: dict[str, str] = {
    "last_name": "lastName",
    "first_name": "firstName",
    "middle_name": "middleName",
    "birthdate": "birthDate",
    "gender": "gender",
    "snils": "snils",
    "email": "EML",
    "phone": "MBT",
    "trust_level": "trust_level",
}


def _elements(person: Mapping[str, Any], collection: str) -> list[dict[str, Any]]:
    """Return the embedded elements of ``contacts`` / ``documents`` (URLs without ``embed`` are skipped)."""
    value = person.get(collection)
    elements = value.get("elements") if isinstance(value, Mapping) else None
    return [e for e in elements or [] if isinstance(e, dict)]


def trust_level(person: Mapping[str, Any]) -> str:
    """Return ``verified``, ``standard`` or ``simplified`` for an ESIA person."""
    if person.get("trusted") is True:
        return "verified"
    if person.get("verifying") is True or not person.get("snils"):
        return "simplified"
    return "standard"


def person_claims(person: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten an ESIA person into one level: its own fields, the first mobile and e-mail, the level."""
    claims: dict[str, Any] = {
        key: person.get(key)
        for key in ("lastName", "firstName", "middleName", "birthDate", "gender", "snils", "trusted", "verifying")
        if person.get(key) is not None
    }
    for contact in _elements(person, "contacts"):
        kind = contact.get("type")
        if kind in ("MBT", "EML") and kind not in claims and contact.get("value"):
            claims[kind] = contact["value"]
    passports = [d for d in _elements(person, "documents") if d.get("type") == "RF_PASSPORT"]
    if passports:
        claims["RF_PASSPORT"] = f"{passports[0].get('series', '')} {passports[0].get('number', '')}".strip()
    claims["trust_level"] = trust_level(person)
    return claims

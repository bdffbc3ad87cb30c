"""Linking a Gosuslugi identity to a diary login on the first Gosuslugi login. No Flask.

Decision order: already linked by (issuer, subject) -> signed in; released data not enough ->
``insufficient``; otherwise the six attributes (surname, name, patronymic, date of birth, sex,
SNILS) are compared, after :mod:`shared.names` normalisation, with every diary person who shares
the SNILS or the date of birth. Exactly one person matching on all six, with a diary login not
linked yet -> ``match``; linked already -> ``conflict_user_linked``; none -> ``not_found``;
several -> ``ambiguous``. Every decision is stored as a :class:`LinkingRecord`; a later step of
the same login (a link, a refusal) changes its outcome and appends to its ``history``, whose first
entry stays the original decision.

Functions add and change rows but never commit: the request (or the command) commits once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rp.clock import clock
from rp.domain.linking_diff import digit_positions
from rp.models.linking import LinkingRecord
from rp.models.people import Identity
from rp.models.people import Person
from rp.models.people import User
from shared import names

#: The attributes that must all match, in the order pages and records show them.
MATCH_FIELDS = ("last_name", "first_name", "middle_name", "birthdate", "gender", "snils")
#: Attributes without which matching is not attempted (the patronymic may be absent).
REQUIRED_FIELDS = ("last_name", "first_name", "birthdate", "gender", "snils")
#: ``trust_level`` values meaning a simplified (unverified) Gosuslugi account.
SIMPLIFIED_LEVELS = {"simplified", "1"}

_NORMALIZERS: dict[str, Callable[[Any], str]] = {
    "last_name": names.normalize_name,
    "first_name": names.normalize_name,
    "middle_name": names.normalize_name,
    "birthdate": names.normalize_birthdate,
    "gender": names.normalize_gender,
    "snils": names.snils_digits,
}


class LinkConflict(Exception):
    """The link would break "one Gosuslugi account <-> one diary login"; ``code`` says which side."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class AlreadyLinked(LinkConflict):
    """The diary login is linked to this very Gosuslugi account already (another browser finished first)."""

    def __init__(self) -> None:
        super().__init__("already_linked")


@dataclass(frozen=True)
class Decision:
    """The outcome of a first look at a Gosuslugi login, with its stored record."""

    outcome: str
    record: LinkingRecord
    user: User | None = None
    missing: tuple[str, ...] = ()


def extract_attributes(claims: Mapping[str, Any], claim_names: Mapping[str, str]) -> dict[str, str | None]:
    """Pick the diary's fields out of the provider's claims using the region's claim names."""
    result: dict[str, str | None] = {}
    for field, claim in claim_names.items():
        value = claims.get(claim)
        result[field] = None if value is None or value == "" else str(value)
    return result


def missing_data(attributes: Mapping[str, str | None]) -> tuple[str, ...]:
    """Return what keeps matching from being attempted: ``simplified_account`` and/or missing fields."""
    missing: list[str] = []
    level = (attributes.get("trust_level") or "").strip().casefold()
    if level in SIMPLIFIED_LEVELS:
        missing.append("simplified_account")
    missing.extend(f for f in REQUIRED_FIELDS if not (attributes.get(f) or "").strip())
    return tuple(missing)


def _person_value(person: Person, field: str) -> Any:
    return {
        "last_name": person.last_name,
        "first_name": person.first_name,
        "middle_name": person.middle_name,
        "birthdate": person.birth_date,
        "gender": person.gender,
        "snils": person.snils,
    }[field]


def _shown(field: str, value: Any, normalized: bool = False) -> str | None:
    """Return a value as recorded: dates as ISO text, SNILS partly masked."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if field == "snils":
        digits = names.snils_digits(value)
        if normalized:
            return digits[:3] + "***" + digits[6:] if len(digits) == 11 else "*" * len(digits)
        return names.mask_snils(value) if len(digits) == 11 else "*" * len(str(value))
    return str(value)


def compare_person(person: Person, attributes: Mapping[str, str | None]) -> list[dict[str, Any]]:
    """Compare one diary person with the released attributes, field by field (raw and normalised)."""
    rows = []
    for field in MATCH_FIELDS:
        normalize = _NORMALIZERS[field]
        received, ours = attributes.get(field), _person_value(person, field)
        received_norm, ours_norm = normalize(received), normalize(ours)
        row: dict[str, Any] = {
            "field": field,
            "received": _shown(field, received),
            "received_normalized": _shown(field, received_norm, True),
            "diary": _shown(field, ours),
            "diary_normalized": _shown(field, ours_norm, True),
            "equal": received_norm == ours_norm,
        }
        if field == "snils" and not row["equal"]:
            # The mask hides digits 4-6: say where the two numbers differ, without showing the digits.
            row["differs_at"] = digit_positions(received_norm, ours_norm)
        rows.append(row)
    return rows


def masked_attributes(attributes: Mapping[str, str | None]) -> dict[str, str | None]:
    """Return the released attributes as recorded (SNILS partly masked)."""
    return {k: (_shown(k, v) if k == "snils" else v) for k, v in attributes.items()}


def find_identity(session: Session, issuer: str, subject: str) -> Identity | None:
    """Return the link for this Gosuslugi identity, or None."""
    return session.scalar(select(Identity).where(Identity.issuer == issuer, Identity.subject == subject))


def _candidates(session: Session, attributes: Mapping[str, str | None]) -> list[Person]:
    snils = names.snils_digits(attributes.get("snils"))
    conditions = []
    if snils:
        conditions.append(Person.snils == snils)
    try:
        conditions.append(
            Person.birth_date == date.fromisoformat(names.normalize_birthdate(attributes.get("birthdate")))
        )
    except ValueError:
        pass
    if not conditions:
        return []
    return list(session.scalars(select(Person).where(or_(*conditions)).order_by(Person.id)))


def new_record(
    session: Session,
    *,
    region: str,
    issuer: str,
    subject: str | None,
    outcome: str,
    detail: str = "",
    attributes: Mapping[str, str | None] | None = None,
    state: str | None = None,
) -> LinkingRecord:
    """Store a linking record (not committed) and return it; ``state`` is kept only as its SHA-256."""
    record = LinkingRecord(
        region=region,
        issuer=issuer,
        subject=subject,
        attributes=masked_attributes(attributes or {}),
        candidates=[],
        outcome=outcome,
        detail=detail,
        state_sha256=state_hash(state),
        history=[_entry(outcome, detail)],
    )
    session.add(record)
    session.flush()
    return record


def _entry(outcome: str, detail: str, user_id: int | None = None, login: str | None = None) -> dict[str, Any]:
    """One history entry: the English ``detail`` is for logs; ``login`` lets a page tell it in its language."""
    entry = {"at": clock.real().isoformat() + "Z", "outcome": outcome, "detail": detail, "user_id": user_id}
    if login is not None:
        entry["login"] = login
    return entry


def _decided(session: Session, record: LinkingRecord) -> None:
    """Store the first decision as the start of the record's history (flushed)."""
    record.history = [_entry(record.outcome, record.detail, record.user_id)]
    session.flush()


def _change(
    record: LinkingRecord, outcome: str, detail: str, user_id: int | None = None, login: str | None = None
) -> None:
    """Change a record's outcome, keeping every earlier one in its history (a repeat is not added twice)."""
    if user_id is not None:
        record.user_id = user_id
    record.outcome, record.detail = outcome, detail
    history = list(record.history or [])
    if history and (history[-1]["outcome"], history[-1]["detail"]) == (outcome, detail):
        return
    record.history = [*history, _entry(outcome, detail, record.user_id, login)]


def state_hash(state: str | None) -> str | None:
    """Return the SHA-256 (hex) of a login's ``state`` (how the lab IdP's trace of that login is found)."""
    return hashlib.sha256(state.encode()).hexdigest() if state else None


def decide(
    session: Session,
    *,
    region: str,
    issuer: str,
    subject: str,
    attributes: Mapping[str, str | None],
    state: str | None = None,
) -> Decision:
    """Decide what a Gosuslugi login means for the diary and record the decision (flushed, not committed)."""
    record = LinkingRecord(
        region=region,
        issuer=issuer,
        subject=subject,
        attributes=masked_attributes(attributes),
        candidates=[],
        outcome="pending",
        detail="",
        state_sha256=state_hash(state),
    )
    session.add(record)
    identity = find_identity(session, issuer, subject)
    if identity is not None:
        record.outcome, record.user_id = "signed_in", identity.user_id
        record.detail = "already linked by (issuer, subject)"
        _decided(session, record)
        return Decision("linked", record, identity.user)
    missing = missing_data(attributes)
    if missing:
        record.outcome, record.detail = "insufficient", "missing: " + ", ".join(missing)
        _decided(session, record)
        return Decision("insufficient", record, missing=missing)
    considered, matches = [], []
    for person in _candidates(session, attributes):
        fields = compare_person(person, attributes)
        user = person.user
        full = all(row["equal"] for row in fields)
        considered.append(
            {
                "person_id": person.id,
                "full_name": person.full_name,
                "login": user.login if user else None,
                "linked": bool(user and user.identities),
                "match": full,
                "fields": fields,
            }
        )
        if full and user is not None:
            matches.append(user)
    record.candidates = considered
    if len(matches) == 1:
        user = matches[0]
        if user.identities:
            record.outcome = "conflict_user_linked"
            record.detail = f"the only matching diary login {user.login!r} is linked to another Gosuslugi account"
            _decided(session, record)
            return Decision("conflict_user_linked", record, user)
        record.outcome, record.user_id = "match", user.id
        record.detail = f"exactly one match: diary login {user.login!r}; first-login sequence started"
        _decided(session, record)
        return Decision("match", record, user)
    if matches:
        record.outcome = "ambiguous"
        record.detail = f"{len(matches)} diary logins match on all six fields: " + ", ".join(u.login for u in matches)
    else:
        record.outcome = "not_found"
        record.detail = f"no diary person matches on all six fields ({len(considered)} candidates compared)"
    _decided(session, record)
    return Decision(record.outcome, record)


def link(
    session: Session,
    record_id: int | None,
    user_id: int,
    issuer: str,
    subject: str,
    *,
    method: str,
    phone: str | None = None,
    email: str | None = None,
    password_hash: str | None = None,
) -> Identity:
    """Link a diary login to a Gosuslugi identity (with the contacts/password given); not committed.

    Raises :class:`LinkConflict` (``user_linked`` or ``subject_linked``), storing nothing but the
    record's outcome, when either side is already linked, also when a concurrent login won the race
    (the writes run in a savepoint, so a refused link leaves the rest of the request's work intact);
    :class:`AlreadyLinked` when the diary login is linked to this very account already (the record
    says ``signed_in``; the contacts and password given are not stored).
    """
    user = session.get(User, user_id)
    record = session.get(LinkingRecord, record_id) if record_id else None
    if user is None:
        raise LinkConflict("user_missing")
    try:
        if user.identities:
            raise _already_or_conflict(user, issuer, subject)
        if find_identity(session, issuer, subject) is not None:
            raise LinkConflict("subject_linked")
        with session.begin_nested():
            if phone:
                user.person.phone = phone
            if email:
                user.person.email = email
            if password_hash:
                user.password_hash = password_hash
            identity = Identity(user_id=user.id, issuer=issuer, subject=subject)
            session.add(identity)
            if record is not None:
                detail = f"linked to diary login {user.login!r} by {method}"
                _change(record, f"linked_{method}", detail, user.id, user.login)
        return identity
    except IntegrityError:
        session.expire_all()
        winner = find_identity(session, issuer, subject)
        if winner is not None and winner.user_id == user_id:
            conflict: LinkConflict = AlreadyLinked()
        else:
            conflict = LinkConflict("subject_linked" if winner else "user_linked")
    except LinkConflict as exc:
        conflict = exc
    if isinstance(conflict, AlreadyLinked):
        note_outcome(
            session,
            record_id,
            "signed_in",
            f"diary login {user.login!r} was linked to this Gosuslugi account already (another browser)",
            user_id,
            login=user.login,
        )
    else:
        detail = f"link to diary login {user.login!r} refused"
        note_outcome(session, record_id, f"conflict_{conflict.code}", detail, login=user.login)
    raise conflict


def _already_or_conflict(user: User, issuer: str, subject: str) -> LinkConflict:
    """Return :class:`AlreadyLinked` when ``user`` is linked to (issuer, subject), else a ``user_linked`` conflict."""
    if any(i.issuer == issuer and i.subject == subject for i in user.identities):
        return AlreadyLinked()
    return LinkConflict("user_linked")


def linked_to(user: User, issuer: str, subject: str) -> str | None:
    """Return ``this`` when ``user`` is linked to (issuer, subject), ``other`` when to another account, else None."""
    if not user.identities:
        return None
    return "this" if isinstance(_already_or_conflict(user, issuer, subject), AlreadyLinked) else "other"


def note_outcome(
    session: Session,
    record_id: int | None,
    outcome: str,
    detail: str,
    user_id: int | None = None,
    *,
    login: str | None = None,
) -> None:
    """Change a record's outcome and detail, keeping the earlier ones in its history (not committed).

    A missing record is ignored.
    """
    record = session.get(LinkingRecord, record_id) if record_id else None
    if record is None:
        return
    _change(record, outcome, detail, user_id, login)


def count_legacy_failure(session: Session, record_id: int) -> int:
    """Count one wrong diary password on the "not found" page for this attempt; return the total."""
    record = session.get(LinkingRecord, record_id)
    if record is None:
        return 0
    record.legacy_attempts += 1
    session.flush()
    return record.legacy_attempts


def unlink(session: Session, user: User) -> int:
    """Remove every Gosuslugi link of a diary login; return how many were removed (not committed)."""
    removed = 0
    for identity in list(user.identities):
        session.delete(identity)
        removed += 1
    session.flush()
    return removed


def link_demo_people(session: Session, issuer: str) -> int:
    """Link the demo people marked ``linked`` to their IdP accounts (subject = oid); return how many were added."""
    from shared.demo_people import DEMO_PEOPLE

    added = 0
    for demo in DEMO_PEOPLE:
        if not demo.linked or not demo.rp_login or demo.oid is None:
            continue
        user = session.scalar(select(User).where(User.login == demo.rp_login))
        if user is None or user.identities or find_identity(session, issuer, str(demo.oid)):
            continue
        session.add(Identity(user_id=user.id, issuer=issuer, subject=str(demo.oid)))
        added += 1
    session.flush()
    return added

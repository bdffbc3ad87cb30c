"""Profile submission, the state registry checks (МВД, СФР), operator decisions and postal codes.

Plain functions over an SQLAlchemy session; the caller commits once per operation.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from idp.domain import lab_cache
from idp.domain import labstate
from idp.domain import registry
from idp.domain.accounts import AccountTaken
from idp.models.accounts import Account
from idp.models.accounts import AccountLevel
from idp.models.accounts import ProfileStatus
from idp.models.verification import CheckStatus
from idp.models.verification import PostalCode
from idp.models.verification import VerificationCheck
from shared import validators as v

OK = "ok"
POSTAL_CODE_TTL = timedelta(days=30)
POSTAL_MAX_ATTEMPTS = 3
#: Letters one account may request in all; then only the service centre can confirm.
POSTAL_MAX_LETTERS = 5


class ProfileLocked(Exception):
    """The profile cannot be edited now (a check is pending, or the data is already confirmed)."""


class NotAllowed(Exception):
    """The action does not apply to this account or check in its current state."""


@dataclass
class ProfileData:
    """Normalised profile fields as the form submits them."""

    last_name: str
    first_name: str
    middle_name: str | None
    gender: str
    birth_date: date
    birth_place: str
    citizenship: str
    doc_series: str
    doc_number: str
    doc_issued_by: str
    doc_issue_date: date
    doc_department_code: str
    snils: str


def can_edit(account: Account) -> bool:
    """Return whether the person may submit profile data now (nothing submitted yet, or rejected)."""
    return account.profile_status in (ProfileStatus.EMPTY, ProfileStatus.REJECTED)


# Verification pace (a lab setting for trainers) ----------------------------------------------

PACE_KEY = "verification_pace"
PACE_FACTOR_KEY = "verification_pace_factor"
PACES = ("real", "instant", "accelerated")
#: Accelerated pace: one day per minute unless another factor is chosen.
DEFAULT_FACTOR = 1440
MAX_FACTOR = 10_000_000


@dataclass(frozen=True)
class Pace:
    """How fast registry checks complete: ``real``, ``instant`` or ``accelerated`` by ``factor``."""

    mode: str = "real"
    factor: int = 1

    def scale(self, delay: timedelta) -> timedelta:
        """Return ``delay`` as this pace makes it (zero when instant, divided by the factor when accelerated)."""
        if self.mode == "instant":
            return timedelta(0)
        if self.mode == "accelerated":
            return timedelta(seconds=int(delay.total_seconds() / self.factor))
        return delay

    def as_json(self) -> dict[str, object]:
        """Return the pace as ``{"pace": ..., "factor": ...}`` (factor only for accelerated, else null)."""
        return {"pace": self.mode, "factor": self.factor if self.mode == "accelerated" else None}


def get_pace(session: Session) -> Pace:
    """Return the lab's verification pace (``real`` when unset or unreadable)."""
    mode = labstate.get_setting(session, PACE_KEY, "real")
    if mode not in PACES:
        return Pace()
    if mode != "accelerated":
        return Pace(mode)
    try:
        factor = int(labstate.get_setting(session, PACE_FACTOR_KEY, str(DEFAULT_FACTOR)) or DEFAULT_FACTOR)
    except ValueError:
        factor = DEFAULT_FACTOR
    return Pace(mode, min(max(factor, 1), MAX_FACTOR))


def set_pace(session: Session, mode: str, factor: int | None = None) -> Pace:
    """Store the verification pace (the caller commits); ``factor`` is required for ``accelerated``.

    Raises ValueError for an unknown mode or a factor outside 1..MAX_FACTOR. Checks already queued keep
    their due time; the pace applies to profiles submitted from now on.
    """
    if mode not in PACES:
        raise ValueError(f"unknown pace {mode!r}")
    if mode == "accelerated":
        factor = DEFAULT_FACTOR if factor is None else factor
        if not 1 <= factor <= MAX_FACTOR:
            raise ValueError(f"the factor must be between 1 and {MAX_FACTOR}")
        labstate.set_setting(session, PACE_FACTOR_KEY, str(factor))
    labstate.set_setting(session, PACE_KEY, mode)
    return get_pace(session)


def draw_due(now: datetime, delay_range: tuple[timedelta, timedelta], pace: Pace | None = None) -> datetime:
    """Return ``now`` plus a random delay within ``delay_range`` (whole seconds), scaled by ``pace``."""
    low, high = delay_range
    span = int((high - low).total_seconds())
    delay = low + timedelta(seconds=secrets.randbelow(span + 1) if span > 0 else 0)
    return now + (pace or Pace()).scale(delay)


def snils_holder(session: Session, snils: str, exclude_account_id: int | None = None) -> Account | None:
    """Return another account already holding this SNILS, if any."""
    query = select(Account).where(Account.snils == snils)
    if exclude_account_id is not None:
        query = query.where(Account.id != exclude_account_id)
    return session.scalars(query).first()


def submit_profile(
    session: Session,
    account: Account,
    data: ProfileData,
    now: datetime,
    delay_range: tuple[timedelta, timedelta],
) -> VerificationCheck:
    """Store the profile, lock it ("проверка") and queue a registry check due after a random delay.

    The delay is scaled by the lab's verification pace (:func:`get_pace`): none when instant.

    Raises :class:`ProfileLocked` when editing is not allowed, :class:`AccountTaken` when the
    SNILS belongs to another account (also when a concurrent save wins the race).
    """
    if not can_edit(account):
        raise ProfileLocked()
    if snils_holder(session, data.snils, account.id) is not None:
        raise AccountTaken("snils")
    try:
        with session.begin_nested():
            account.last_name = data.last_name
            account.first_name = data.first_name
            account.middle_name = data.middle_name or None
            account.no_middle_name = not data.middle_name
            account.gender = data.gender
            account.birth_date = data.birth_date
            account.birth_place = data.birth_place
            account.citizenship = data.citizenship
            account.doc_type = "RF_PASSPORT"
            account.doc_series = data.doc_series
            account.doc_number = data.doc_number
            account.doc_issued_by = data.doc_issued_by
            account.doc_issue_date = data.doc_issue_date
            account.doc_department_code = data.doc_department_code
            account.snils = data.snils
            account.profile_status = ProfileStatus.PENDING
            account.profile_rejection_reason = None
            check = VerificationCheck(
                account_id=account.id,
                submitted_at=now,
                due_at=draw_due(now, delay_range, get_pace(session)),
                status=CheckStatus.PENDING,
            )
            session.add(check)
            session.flush()
    except IntegrityError:
        session.refresh(account)
        raise AccountTaken("snils") from None
    return check


def pending_check(session: Session, account: Account) -> VerificationCheck | None:
    """Return the account's pending check, if any."""
    return session.scalars(
        select(VerificationCheck)
        .where(VerificationCheck.account_id == account.id, VerificationCheck.status == CheckStatus.PENDING)
        .order_by(VerificationCheck.id.desc())
    ).first()


def last_check(session: Session, account: Account) -> VerificationCheck | None:
    """Return the account's most recent check, if any."""
    return session.scalars(
        select(VerificationCheck)
        .where(VerificationCheck.account_id == account.id)
        .order_by(VerificationCheck.id.desc())
    ).first()


def pending_checks(session: Session) -> list[VerificationCheck]:
    """Return every pending check, soonest due first."""
    return list(
        session.scalars(
            select(VerificationCheck)
            .where(VerificationCheck.status == CheckStatus.PENDING)
            .order_by(VerificationCheck.due_at)
        )
    )


# Registry comparison ----------------------------------------------------------------------


def name_key(value: str | None) -> str:
    """Return a name for comparison: case, ё/е, spaces and hyphens do not matter."""
    text = (value or "").casefold().replace("ё", "е")
    return "".join(ch for ch in text if ch not in " -")


def _same_person(account: Account, citizen) -> str:
    """Return ``ok``, ``person_mismatch`` or ``gender_mismatch`` comparing account and citizen."""
    names_equal = all(
        name_key(a) == name_key(b)
        for a, b in (
            (account.last_name, citizen.last_name),
            (account.first_name, citizen.first_name),
            (account.middle_name, citizen.middle_name),
        )
    )
    if not names_equal or account.birth_date != citizen.birth_date:
        return "person_mismatch"
    if account.gender != citizen.gender:
        return "gender_mismatch"
    return OK


def _passport_well_formed(account: Account, today: date) -> bool:
    try:
        v.normalize_passport_series(account.doc_series or "")
        v.normalize_passport_number(account.doc_number or "")
        v.normalize_department_code(account.doc_department_code or "")
        if account.birth_date is None or account.doc_issue_date is None:
            return False
        v.check_birth_date(account.birth_date, today)
        v.check_issue_date(account.doc_issue_date, account.birth_date, today)
    except v.ValidationError:
        return False
    return bool(account.doc_issued_by) and account.citizenship == "RUS" and account.gender in ("M", "F")


def _snils_well_formed(account: Account) -> bool:
    try:
        v.canonical_snils(account.snils or "")
    except v.ValidationError:
        return False
    return True


def evaluate(session: Session, account: Account, policy: str, today: date) -> tuple[str, str]:
    """Return the (МВД, СФР) results for the account's data under ``policy``: ``ok`` or a failure code."""
    mvd = OK if _passport_well_formed(account, today) else "passport_invalid"
    sfr = OK if _snils_well_formed(account) else "snils_invalid"
    if policy != "strict":
        return mvd, sfr
    if mvd == OK:
        citizen = registry.find_by_passport(session, account.doc_series, account.doc_number)
        mvd = "passport_not_found" if citizen is None else _same_person(account, citizen)
    if sfr == OK:
        citizen = registry.find_by_snils(session, account.snils)
        if citizen is None:
            sfr = "snils_not_found"
        elif _same_person(account, citizen) != OK:
            sfr = "snils_other_person"
    return mvd, sfr


def _finish(
    session: Session,
    check: VerificationCheck,
    *,
    passed: bool,
    now: datetime,
    decided_by: str,
    mvd: str | None,
    sfr: str | None,
    reason: str | None,
) -> bool:
    """Complete a pending check once (a concurrent worker may have done it) and update the account."""
    result = session.execute(
        update(VerificationCheck)
        .where(VerificationCheck.id == check.id, VerificationCheck.status == CheckStatus.PENDING)
        .values(
            status=CheckStatus.PASSED if passed else CheckStatus.FAILED,
            completed_at=now,
            mvd_result=mvd,
            sfr_result=sfr,
            reason=reason,
            decided_by=decided_by,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    session.refresh(check)
    account = check.account
    if passed:
        account.profile_status = ProfileStatus.CONFIRMED
        account.profile_rejection_reason = None
        if account.level == AccountLevel.SIMPLIFIED:
            account.level = AccountLevel.STANDARD
    else:
        account.profile_status = ProfileStatus.REJECTED
        account.profile_rejection_reason = reason
    session.flush()
    return True


def run_due_checks(session: Session, now: datetime, policy: str) -> list[VerificationCheck]:
    """Complete every pending check whose ``due_at`` is at or before ``now``; return those completed."""
    due = list(
        session.scalars(
            select(VerificationCheck)
            .where(VerificationCheck.status == CheckStatus.PENDING, VerificationCheck.due_at <= now)
            .order_by(VerificationCheck.due_at)
        )
    )
    done = []
    for check in due:
        mvd, sfr = evaluate(session, check.account, policy, check.due_at.date())
        failures = [code for code in (mvd, sfr) if code != OK]
        if _finish(
            session,
            check,
            passed=not failures,
            now=check.due_at,
            decided_by=policy,
            mvd=mvd,
            sfr=sfr,
            reason=";".join(failures) or None,
        ):
            done.append(check)
    return done


def first_due_and_now(session: Session) -> tuple[datetime | None, datetime]:
    """Return the earliest pending due time and the lab clock's now (no query while the lab has not changed)."""

    def load() -> datetime | None:
        first = session.scalar(
            select(func.min(VerificationCheck.due_at)).where(VerificationCheck.status == CheckStatus.PENDING)
        )
        return datetime.fromisoformat(first) if isinstance(first, str) else first  # SQLite: aggregates are text

    return lab_cache.cached(session, "first_due_check", load), labstate.now(session)


def advance_clock(session: Session, delta: timedelta, default_policy: str) -> tuple[datetime, list[VerificationCheck]]:
    """Move the lab clock forward and complete every check that fell due; return (now, completed)."""
    now = labstate.advance_clock(session, delta)
    return now, run_due_checks(session, now, registry.get_policy(session, default_policy))


def operator_decide(
    session: Session, check: VerificationCheck, approve: bool, reason: str | None, now: datetime
) -> None:
    """Approve or reject a pending check as the service-centre operator."""
    if check.status != CheckStatus.PENDING:
        raise NotAllowed("check is not pending")
    if not approve and not (reason or "").strip():
        raise NotAllowed("a rejection needs a reason")
    _finish(
        session,
        check,
        passed=approve,
        now=now,
        decided_by="operator",
        mvd=OK if approve else None,
        sfr=OK if approve else None,
        reason=None if approve else reason.strip(),
    )


def confirm_identity(session: Session, account: Account) -> None:
    """Make a standard account verified (level 3), as the operator or a postal code does."""
    if account.level != AccountLevel.STANDARD:
        raise NotAllowed("only a standard account can be confirmed")
    account.level = AccountLevel.VERIFIED
    session.flush()


# Codes by post (Почта России) ----------------------------------------------------------------


def _hash_code(code: str, salt: str) -> str:
    return salt + "$" + hashlib.sha256((salt + code).encode()).hexdigest()


def active_postal_code(session: Session, account: Account, now: datetime) -> PostalCode | None:
    """Return the account's unexpired, unused postal code, if any."""
    return session.scalars(
        select(PostalCode)
        .where(PostalCode.account_id == account.id, PostalCode.state == "active", PostalCode.expires_at > now)
        .order_by(PostalCode.id.desc())
    ).first()


def issue_postal_code(session: Session, account: Account, now: datetime) -> str:
    """Create a new 6-digit postal code for a standard account (older ones lapse); return it in clear."""
    if account.level != AccountLevel.STANDARD:
        raise NotAllowed("only a standard account can request a code by post")
    sent = session.scalar(select(func.count(PostalCode.id)).where(PostalCode.account_id == account.id))
    if sent >= POSTAL_MAX_LETTERS:
        raise NotAllowed("letter limit reached")
    session.execute(
        update(PostalCode)
        .where(PostalCode.account_id == account.id, PostalCode.state == "active")
        .values(state="spent")
        .execution_options(synchronize_session=False)
    )
    code = f"{secrets.randbelow(1_000_000):06d}"
    session.add(
        PostalCode(
            account_id=account.id,
            code_hash=_hash_code(code, secrets.token_hex(8)),
            sent_at=now,
            expires_at=now + POSTAL_CODE_TTL,
        )
    )
    session.flush()
    return code


def enter_postal_code(session: Session, account: Account, code: str, now: datetime) -> tuple[str, int]:
    """Check a typed postal code: return (outcome, attempts left); outcome is ``ok``, ``wrong`` or ``no_code``.

    A right code makes the account verified; after the last wrong attempt the code is spent.
    """
    letter = active_postal_code(session, account, now)
    if letter is None or account.level != AccountLevel.STANDARD:
        return "no_code", 0
    salt = letter.code_hash.split("$", 1)[0]
    if hmac.compare_digest(_hash_code((code or "").strip(), salt), letter.code_hash):
        letter.state = "used"
        confirm_identity(session, account)
        return OK, POSTAL_MAX_ATTEMPTS - letter.attempts
    letter.attempts += 1
    left = POSTAL_MAX_ATTEMPTS - letter.attempts
    if left <= 0:
        letter.state = "spent"
        left = 0
    session.flush()
    return "wrong", left

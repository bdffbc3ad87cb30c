"""Access recovery: a code to the account's phone (or e-mail), then a new password.

The steps never reveal whether an account exists: a login that matches nothing gets a
pending row too, whose code can never match and for which nothing is sent. Codes follow
the registration's :class:`~idp.domain.registration.CodePolicy` (hashed, expiring on the lab
clock, limited attempts and sends). Every step leaves committing to the caller.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from argon2 import PasswordHasher
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from idp.domain import address_lockout
from idp.domain import labstate
from idp.domain import registration as reg
from idp.domain.accounts import AccountInvalid
from idp.domain.accounts import find_by_login
from idp.domain.registration import CodePolicy
from idp.domain.registration import RegistrationError
from idp.models.accounts import Account
from idp.models.recovery import PendingRecovery
from shared import validators as v

#: A recovery left unfinished this long (lab clock) is forgotten; also the rate-limit window.
RECOVERY_LIFETIME = timedelta(hours=1)
#: Stored instead of a code hash when no account matched: no HMAC hex digest equals it.
NEVER_MATCHES = "-" * 64

#: Errors are :class:`RegistrationError` with the same codes (``code_wrong``, ``code_dead``,
#: ``code_expired``, ``resend_too_soon``, ``too_many_sends``, ``not_confirmed``) plus
#: ``too_many_requests`` (this login asked for ``max_sends`` codes within the last hour).
RecoveryError = RegistrationError


@dataclass(frozen=True)
class Outgoing:
    """A code to deliver: ``channel`` ``sms`` or ``email``, the phone or address, and the code."""

    channel: str
    recipient: str
    code: str


def login_key(login: str) -> str:
    """Return the login as the rate limit counts it: normalised phone, SNILS or e-mail, else the trimmed text."""
    text = " ".join((login or "").split())
    if "@" in text:
        return text.lower()[:254]
    for normalise in (v.normalize_phone, v.canonical_snils):
        try:
            return normalise(text)
        except v.ValidationError:
            continue
    return text[:254]


def _requests_for(session: Session, key: str, now: datetime) -> int:
    """Count the codes issued for this login within :data:`RECOVERY_LIFETIME`, found or not."""
    return session.scalar(
        select(func.coalesce(func.sum(PendingRecovery.sends), 0)).where(
            PendingRecovery.login_key == key,
            PendingRecovery.created_at >= now - RECOVERY_LIFETIME,
        )
    )


def _outgoing(
    session: Session, policy: CodePolicy, pending: PendingRecovery, code: str, now: datetime
) -> Outgoing | None:
    """Return what to send for a freshly issued code, or None (no account, or its recipient had enough)."""
    account = session.get(Account, pending.account_id) if pending.account_id is not None else None
    recipient = None
    if account is not None:
        recipient = account.phone if pending.channel == "sms" else account.email
    if not recipient:
        pending.secret_hash = NEVER_MATCHES
        return None
    reg.lock_recipient(session, pending.channel, recipient)  # counted and sent as one step per recipient
    if reg.recent_sends(session, pending.channel, recipient, now) >= policy.max_sends:
        # The phone or address already got enough messages this hour; say nothing that differs.
        return None
    return Outgoing(pending.channel, recipient, code)


def start(session: Session, policy: CodePolicy, login: str) -> tuple[PendingRecovery, Outgoing | None]:
    """Open a recovery for the account with this phone, e-mail or SNILS, if there is one.

    Returns the pending row (also when nothing matched) and the code to send, if any.
    Raises :class:`RegistrationError` ``too_many_requests`` for a login (existing or not) that
    asked too often, and :class:`AccountInvalid` (``login``: ``required``) for an empty one.
    """
    key = login_key(login)
    if not key:
        raise AccountInvalid({"login": ["required"]})
    now = labstate.now(session)
    session.execute(delete(PendingRecovery).where(PendingRecovery.created_at < now - RECOVERY_LIFETIME))
    if _requests_for(session, key, now) >= policy.max_sends:
        raise RegistrationError("too_many_requests")
    account = find_by_login(session, login)
    channel = "none"
    if account is not None and account.phone:
        channel = "sms"
    elif account is not None and account.email:
        channel = "email"
    pending = PendingRecovery(
        public_id=secrets.token_urlsafe(32),
        created_at=now,
        login_key=key,
        account_id=account.id if account is not None else None,
        channel=channel,
    )
    code = reg.issue_secret(session, policy, pending, now, numeric=True)
    outgoing = _outgoing(session, policy, pending, code, now)
    session.add(pending)
    session.flush()
    return pending, outgoing


def find_pending(session: Session, public_id: str | None) -> PendingRecovery | None:
    """Return the live pending recovery with this public id, or None."""
    return reg.find_live(session, PendingRecovery, public_id, RECOVERY_LIFETIME)


def resend(session: Session, policy: CodePolicy, pending: PendingRecovery) -> Outgoing | None:
    """Replace the code with a new one and return what to send (None when nothing is sent).

    Raises :class:`RegistrationError` ``too_many_sends`` or ``resend_too_soon``, the same way
    whether or not an account matched.
    """
    code = reg.resend(session, policy, pending, numeric=True)
    return _outgoing(session, policy, pending, code, labstate.now(session))


def check_code(session: Session, policy: CodePolicy, pending: PendingRecovery, code: str) -> None:
    """Accept the code or raise :class:`RegistrationError` (a wrong code counts an attempt; caller commits)."""
    reg.check_code(session, policy, pending, code)


def complete(
    session: Session,
    hasher: PasswordHasher,
    pending: PendingRecovery,
    password: str,
    password_repeat: str,
) -> Account:
    """Set the new password of a confirmed recovery, lift the login lockout and drop the account's recoveries.

    Raises :class:`RegistrationError` ``not_confirmed`` or :class:`AccountInvalid` with the
    password problems (``password``) and a mismatch (``password_repeat``).
    """
    account = session.get(Account, pending.account_id) if pending.account_id is not None else None
    if pending.confirmed_at is None or account is None:
        raise RegistrationError("not_confirmed")
    reg.check_new_password(password, password_repeat)
    account.password_hash = hasher.hash(password)
    account.failed_logins = 0
    account.locked_until = None
    address_lockout.clear(session, address_lockout.account_target(account.id))  # a new password: every lock ends
    session.execute(delete(PendingRecovery).where(PendingRecovery.account_id == account.id))
    session.flush()
    return account

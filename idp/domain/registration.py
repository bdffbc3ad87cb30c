"""Registration of a simplified account: contacts, a confirmation code or link, then the password.

Every step reads and writes :class:`PendingRegistration` rows (no process memory), measures
time on the lab clock and leaves committing to the caller.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import delete
from sqlalchemy import func as sa_func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy import update
from sqlalchemy.orm import Session

from idp.domain import labstate
from idp.domain.accounts import AccountInvalid
from idp.domain.accounts import AccountTaken
from idp.domain.accounts import create_account
from idp.domain.accounts import taken_field
from idp.models.accounts import Account
from idp.models.accounts import AccountLevel
from idp.models.lab import Message
from idp.models.registration import PendingRegistration
from shared import validators as v
from shared.passwords import password_problems

CHANNELS = ("sms", "email")
CODE_LENGTH = 6
#: A registration left unfinished this long (lab clock) is forgotten.
PENDING_LIFETIME = timedelta(days=1)


@dataclass(frozen=True)
class CodePolicy:
    """Limits on confirmation codes and links, from the app configuration."""

    secret_key: str
    ttl_seconds: int = 300
    max_attempts: int = 3
    resend_interval_seconds: int = 60
    max_sends: int = 5


def code_policy(config: Mapping[str, Any]) -> CodePolicy:
    """Build the code policy from an app configuration (``SECRET_KEY`` and the ``CODE_*`` settings)."""
    return CodePolicy(
        secret_key=config["SECRET_KEY"],
        ttl_seconds=int(config["CODE_TTL_SECONDS"]),
        max_attempts=int(config["CODE_MAX_ATTEMPTS"]),
        resend_interval_seconds=int(config["CODE_RESEND_INTERVAL_SECONDS"]),
        max_sends=int(config["CODE_MAX_SENDS"]),
    )


class RegistrationError(Exception):
    """A registration step was refused; ``code`` names why (see the module's codes below).

    Codes: ``code_wrong`` (``remaining`` attempts left), ``code_dead`` (attempts used up),
    ``code_expired``, ``link_invalid``, ``resend_too_soon`` (``wait_seconds``),
    ``too_many_sends``, ``recipient_busy`` (this phone or address already got
    ``max_sends`` messages within :data:`RECIPIENT_WINDOW`), ``not_confirmed``.
    """

    def __init__(self, code: str, *, remaining: int = 0, wait_seconds: int = 0) -> None:
        super().__init__(code)
        self.code = code
        self.remaining = remaining
        self.wait_seconds = wait_seconds


def hash_secret(policy: CodePolicy, secret: str) -> str:
    """Return the keyed hash under which a code or link token is stored."""
    return hmac.new(policy.secret_key.encode(), secret.encode(), hashlib.sha256).hexdigest()


#: Window (lab clock) over which codes sent to one phone or address are counted.
RECIPIENT_WINDOW = timedelta(hours=1)


def new_code() -> str:
    """Return a random confirmation code of :data:`CODE_LENGTH` digits."""
    return f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"


def issue_secret(session: Session, policy: CodePolicy, pending, now: datetime, *, numeric: bool | None = None) -> str:
    """Give ``pending`` a fresh code or link token and return it in clear (to be sent, never stored).

    ``pending`` is any row with the code columns of :class:`PendingRegistration` (``secret_hash``,
    ``sent_at``, ``expires_at``, ``attempts``, ``sends``). A numeric code is made when ``numeric``
    is true, or, when it is None, when the row's ``channel`` is ``sms``; otherwise a link token.
    """
    if numeric is None:
        numeric = pending.channel == "sms"
    secret = new_code() if numeric else secrets.token_urlsafe(32)
    pending.secret_hash = hash_secret(policy, secret)
    pending.sent_at = now
    pending.expires_at = now + timedelta(seconds=policy.ttl_seconds)
    pending.attempts = 0
    pending.sends = (pending.sends or 0) + 1
    return secret


def recent_sends(session: Session, channel: str, recipient: str, now: datetime) -> int:
    """Count the SMS or e-mails the lab inbox holds for ``recipient`` within :data:`RECIPIENT_WINDOW`."""
    return session.scalar(
        select(sa_func.count())
        .select_from(Message)
        .where(
            Message.channel == channel,
            Message.recipient == recipient,
            Message.business_time >= now - RECIPIENT_WINDOW,
        )
    )


def lock_recipient(session: Session, channel: str, recipient: str) -> None:
    """Serialise the sends to one recipient until the transaction ends (a PostgreSQL advisory lock).

    Counting the recent messages and storing the new one then happen as one step for each recipient,
    so simultaneous requests cannot all pass the limit. SQLite serialises writers itself.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    key = int.from_bytes(hashlib.sha256(f"send\x00{channel}\x00{recipient}".encode()).digest()[:8], "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _check_recipient(session: Session, policy: CodePolicy, channel: str, recipient: str, now: datetime) -> None:
    """Refuse with ``recipient_busy`` when ``recipient`` already got ``max_sends`` messages this hour."""
    lock_recipient(session, channel, recipient)
    if recent_sends(session, channel, recipient, now) >= policy.max_sends:
        raise RegistrationError("recipient_busy")


def _recipient_of(pending: PendingRegistration) -> str:
    return pending.phone if pending.channel == "sms" else (pending.email or "")


def start(
    session: Session,
    policy: CodePolicy,
    *,
    last_name: str,
    first_name: str,
    phone: str,
    email: str | None = None,
    channel: str = "sms",
) -> tuple[PendingRegistration, str]:
    """Check the step-1 data, store a pending registration and return it with the secret to send.

    ``email`` None registers by phone alone (confirmed by SMS); a given ``email`` (the seed's
    «Другой способ регистрации») is required and checked.

    Raises :class:`AccountInvalid` (field -> rule codes), :class:`AccountTaken`, or
    :class:`RegistrationError` ``recipient_busy`` when the phone (SMS) or address (e-mail) got
    ``max_sends`` messages within the last hour, whichever registrations they were for.
    """
    errors: dict[str, list[str]] = {}
    values: dict[str, str | None] = {"email": None}
    checks = [
        ("last_name", v.normalize_person_name, last_name),
        ("first_name", v.normalize_person_name, first_name),
        ("phone", v.normalize_phone, phone),
    ]
    if email is not None or channel == "email":  # None: registering by phone alone, no e-mail asked
        checks.append(("email", v.normalize_email, email or ""))
    for name, func, raw in checks:
        try:
            values[name] = func(raw)
        except v.ValidationError as exc:
            errors.setdefault(name, []).append(exc.code)
    if channel not in CHANNELS:
        errors.setdefault("channel", []).append("required")
    if errors:
        raise AccountInvalid(errors)
    taken = taken_field(session, values["phone"], values["email"], None)
    if taken:
        raise AccountTaken(taken)

    now = labstate.now(session)
    recipient = values["phone"] if channel == "sms" else values["email"]
    assert recipient is not None  # checked above: the e-mail is required to confirm by e-mail
    _check_recipient(session, policy, channel, recipient, now)
    session.execute(delete(PendingRegistration).where(PendingRegistration.created_at < now - PENDING_LIFETIME))
    pending = PendingRegistration(public_id=secrets.token_urlsafe(32), created_at=now, channel=channel, **values)
    secret = issue_secret(session, policy, pending, now)
    session.add(pending)
    session.flush()
    return pending, secret


def find_live(session: Session, model: type, public_id: str | None, lifetime: timedelta):
    """Return the pending ``model`` row with this public id, or None when missing or older than ``lifetime``."""
    if not public_id:
        return None
    pending = session.scalar(select(model).where(model.public_id == public_id))
    if pending is None or pending.created_at < labstate.now(session) - lifetime:
        return None
    return pending


def find_pending(session: Session, public_id: str | None) -> PendingRegistration | None:
    """Return the live pending registration with this public id, or None."""
    return find_live(session, PendingRegistration, public_id, PENDING_LIFETIME)


def resend_wait_seconds(session: Session, policy: CodePolicy, pending: PendingRegistration) -> int:
    """Return how many seconds remain before another code may be sent (0 when allowed now).

    A code that can no longer be used (its attempts are used up, or it expired) may be replaced at once:
    the page that says «Запросите новый код» lets the person do so.
    """
    now = labstate.now(session)
    if pending.attempts >= policy.max_attempts or now >= pending.expires_at:
        return 0
    ready_at = pending.sent_at + timedelta(seconds=policy.resend_interval_seconds)
    remaining = (ready_at - now).total_seconds()
    return max(0, int(remaining + 0.999))


def can_resend(session: Session, policy: CodePolicy, pending: PendingRegistration) -> bool:
    """Return whether another code or link may be sent now."""
    return pending.sends < policy.max_sends and resend_wait_seconds(session, policy, pending) == 0


def resend(session: Session, policy: CodePolicy, pending, *, numeric: bool | None = None) -> str:
    """Replace the code or link with a new one and return it; the old one stops working.

    Works on any row that :func:`issue_secret` accepts. Raises :class:`RegistrationError`
    ``too_many_sends``, ``resend_too_soon`` or (registrations only) ``recipient_busy``.
    """
    if pending.sends >= policy.max_sends:
        raise RegistrationError("too_many_sends")
    wait = resend_wait_seconds(session, policy, pending)
    if wait:
        raise RegistrationError("resend_too_soon", wait_seconds=wait)
    if isinstance(pending, PendingRegistration):
        _check_recipient(session, policy, pending.channel, _recipient_of(pending), labstate.now(session))
    return issue_secret(session, policy, pending, labstate.now(session), numeric=numeric)


def check_code(session: Session, policy: CodePolicy, pending: PendingRegistration, code: str) -> None:
    """Confirm the phone with the SMS code, or raise :class:`RegistrationError`.

    A wrong code counts an attempt (the caller commits it too); after ``max_attempts``
    wrong ones the code is dead and only a new code helps.
    """
    if pending.confirmed_at is not None:
        return
    if pending.attempts >= policy.max_attempts:
        raise RegistrationError("code_dead")
    if labstate.now(session) >= pending.expires_at:
        raise RegistrationError("code_expired")
    # Every guess first takes an attempt in one conditional UPDATE (the row stays locked until the
    # caller commits), so simultaneous guesses on any instance cannot get past the limit.
    row = type(pending)
    taken = session.execute(
        update(row)
        .where(row.id == pending.id, row.attempts < policy.max_attempts)
        .values(attempts=row.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(pending, ["attempts"])
    if not taken:
        raise RegistrationError("code_dead")
    typed = "".join((code or "").split())
    if not hmac.compare_digest(hash_secret(policy, typed), pending.secret_hash):
        remaining = policy.max_attempts - pending.attempts
        if remaining <= 0:
            raise RegistrationError("code_dead")
        raise RegistrationError("code_wrong", remaining=remaining)
    pending.confirmed_at = labstate.now(session)


def confirm_link(session: Session, policy: CodePolicy, token: str) -> PendingRegistration:
    """Confirm the e-mail address by the token of the link that was sent to it.

    Raises :class:`RegistrationError` ``link_invalid`` (unknown or replaced) or ``code_expired``.
    """
    pending = session.scalar(
        select(PendingRegistration).where(
            PendingRegistration.secret_hash == hash_secret(policy, token or ""),
            PendingRegistration.channel == "email",
        )
    )
    if pending is None or pending.created_at < labstate.now(session) - PENDING_LIFETIME:
        raise RegistrationError("link_invalid")
    if pending.confirmed_at is None:
        if labstate.now(session) >= pending.expires_at:
            raise RegistrationError("code_expired")
        pending.confirmed_at = labstate.now(session)
    return pending


def check_new_password(password: str, password_repeat: str) -> None:
    """Raise :class:`AccountInvalid` with the password problems (``password``) and a mismatch (``password_repeat``)."""
    errors: dict[str, list[str]] = {}
    problems = password_problems(password or "")
    if problems:
        errors["password"] = problems
    if (password or "") != (password_repeat or ""):
        errors["password_repeat"] = ["password_mismatch"]
    if errors:
        raise AccountInvalid(errors)


def complete(
    session: Session,
    hasher: PasswordHasher,
    pending: PendingRegistration,
    password: str,
    password_repeat: str,
) -> Account:
    """Create the simplified account from a confirmed registration and drop the pending row.

    Raises :class:`RegistrationError` ``not_confirmed``, :class:`AccountInvalid` with the
    password problems, or :class:`AccountTaken` when a phone or e-mail was taken meanwhile
    (the pending row is then deleted too, so it cannot be retried into a second account).
    """
    if pending.confirmed_at is None:
        raise RegistrationError("not_confirmed")
    check_new_password(password, password_repeat)
    try:
        account = create_account(
            session,
            hasher,
            last_name=pending.last_name,
            first_name=pending.first_name,
            phone=pending.phone,
            email=pending.email,
            password=password,
            level=AccountLevel.SIMPLIFIED,
            contacts_verified=False,
        )
    except AccountTaken:
        session.delete(pending)
        raise
    account.phone_verified = pending.channel == "sms"
    account.email_verified = pending.channel == "email"
    session.delete(pending)
    session.flush()
    return account

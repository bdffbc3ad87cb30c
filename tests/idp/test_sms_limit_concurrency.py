"""The per-recipient SMS limit holds under concurrency (PostgreSQL): simultaneous registrations for one
phone send at most ``CODE_MAX_SENDS`` messages within the hour.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy import select

from idp.domain import inbox
from idp.domain import registration as reg
from idp.models.lab import Message
from tests.concurrency import requires_postgresql
from tests.concurrency import run_together
from tests.concurrency import session_factory

pytestmark = requires_postgresql

PHONE = "+79165550101"


def test_simultaneous_registrations_for_one_phone_respect_the_limit(idp_app):
    policy = reg.code_policy(idp_app.config)
    new_session = session_factory(idp_app)

    def register(i: int) -> str:
        with new_session() as session:
            pending, secret = reg.start(
                session, policy, last_name="Петров", first_name="Пётр", phone=PHONE, email=f"p{i}@example.ru"
            )
            inbox.send(session, "sms", pending.phone, f"code {secret}")
            session.commit()
            return "sent"

    results = run_together(20, register)
    with new_session() as session:
        sent = session.scalar(select(func.count()).select_from(Message).where(Message.recipient == PHONE))
    assert sent == policy.max_sends, results
    busy = [r for r in results if isinstance(r, reg.RegistrationError) and r.code == "recipient_busy"]
    assert len(busy) == 20 - policy.max_sends, results

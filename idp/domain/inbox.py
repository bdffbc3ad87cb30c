"""Outgoing SMS and e-mail: stored in the lab inbox, and sent by SMTP when configured."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from idp.domain import labstate
from idp.models.lab import Message

log = logging.getLogger(__name__)


def send(
    session: Session,
    channel: str,
    recipient: str,
    body: str,
    subject: str | None = None,
    smtp_url: str = "",
    mail_from: str = "",
) -> Message:
    """Record a message (``sms``, ``email`` or ``post``) in the lab inbox; deliver e-mail by SMTP if configured."""
    if channel not in ("sms", "email", "post"):
        raise ValueError(f"unknown channel {channel!r}")
    message = Message(
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        business_time=labstate.now(session),
    )
    if channel == "email" and smtp_url:
        message.delivery = "sent" if _smtp_send(smtp_url, mail_from, recipient, subject or "", body) else "failed"
    session.add(message)
    return message


def _smtp_send(smtp_url: str, mail_from: str, recipient: str, subject: str, body: str) -> bool:
    """Deliver one e-mail through ``smtp://host:port``; failures are logged, not raised."""
    parts = urlsplit(smtp_url)
    email = EmailMessage()
    email["From"] = mail_from
    email["To"] = recipient
    email["Subject"] = subject
    email.set_content(body)
    try:
        with smtplib.SMTP(parts.hostname or "127.0.0.1", parts.port or 25, timeout=10) as smtp:
            if parts.username:
                smtp.login(parts.username, parts.password or "")
            smtp.send_message(email)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("SMTP delivery to %s failed: %s", recipient, exc.__class__.__name__)
        return False
    return True


def messages(session: Session, recipient: str | None = None, limit: int = 200) -> list[Message]:
    """Return stored messages, newest first, optionally for one phone or address."""
    query = select(Message).order_by(Message.id.desc()).limit(limit)
    if recipient:
        query = query.where(Message.recipient == recipient)
    return list(session.scalars(query))

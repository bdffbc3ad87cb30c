"""Messages to all parents of a class: one delivery per parent and channel, via the lab outbox or SMTP."""

from __future__ import annotations

import smtplib
from datetime import datetime
from email.message import EmailMessage
from urllib.parse import unquote
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from rp.models.comms import CHANNEL_EMAIL
from rp.models.comms import CHANNEL_SMS
from rp.models.comms import DELIVERY_FAILED
from rp.models.comms import DELIVERY_NO_CONTACT
from rp.models.comms import DELIVERY_QUEUED
from rp.models.comms import DELIVERY_SENT
from rp.models.comms import Delivery
from rp.models.comms import Message
from rp.models.comms import OutboxMessage
from rp.models.people import Person
from rp.models.school import Enrolment
from rp.models.school import Guardian
from rp.models.school import SchoolClass


def class_parents(session: Session, class_id: int) -> list[tuple[Person, bool, bool]]:
    """Return each parent of the class once, with whether they take e-mail and SMS (any child's link says so)."""
    rows = session.execute(
        select(Person, Guardian.contact_email, Guardian.contact_sms)
        .join(Guardian, Guardian.parent_id == Person.id)
        .join(Enrolment, Enrolment.pupil_id == Guardian.pupil_id)
        .where(Enrolment.class_id == class_id)
        .order_by(Person.last_name, Person.first_name, Person.id)
    ).all()
    merged: dict[int, list] = {}
    for person, by_email, by_sms in rows:
        entry = merged.setdefault(person.id, [person, False, False])
        entry[1] = entry[1] or by_email
        entry[2] = entry[2] or by_sms
    return [tuple(v) for v in merged.values()]


def send_to_class_parents(
    session: Session, class_id: int, author_id: int, subject: str, body: str, now: datetime
) -> Message:
    """Record a message to every parent of the class and queue its deliveries in the outbox (not committed)."""
    cls = session.get(SchoolClass, class_id)
    message = Message(school_id=cls.school_id, class_id=class_id, author_id=author_id, subject=subject, body=body)
    message.created_at = now
    session.add(message)
    for parent, by_email, by_sms in class_parents(session, class_id):
        channels = []
        if by_email and parent.email:
            channels.append((CHANNEL_EMAIL, parent.email))
        if by_sms and parent.phone:
            channels.append((CHANNEL_SMS, parent.phone))
        if not channels:
            session.add(Delivery(message=message, recipient_id=parent.id, status=DELIVERY_NO_CONTACT))
            continue
        for channel, address in channels:
            text = body if channel == CHANNEL_EMAIL else f"{subject}. {body}"[:670]
            outbox = OutboxMessage(
                channel=channel,
                to_address=address,
                subject=subject if channel == CHANNEL_EMAIL else None,
                body=text,
                created_at=now,
            )
            session.add(outbox)
            delivery = Delivery(message=message, recipient_id=parent.id, channel=channel, address=address)
            delivery.outbox = outbox
            session.add(delivery)
    session.flush()
    return message


def send_by_smtp(session: Session, message: Message, smtp_url: str, mail_from: str, now: datetime) -> None:
    """Send the message's e-mail deliveries through ``smtp_url`` (smtp:// or smtps://), recording each result."""
    url = urlparse(smtp_url)
    for delivery in message.deliveries:
        if delivery.channel != CHANNEL_EMAIL or delivery.status != DELIVERY_QUEUED:
            continue
        outbox = session.get(OutboxMessage, delivery.outbox_id)
        mail = EmailMessage()
        mail["From"] = mail_from
        mail["To"] = delivery.address
        mail["Subject"] = message.subject
        mail.set_content(message.body)
        try:
            smtp_cls = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
            with smtp_cls(
                url.hostname or "localhost", url.port or (465 if url.scheme == "smtps" else 25), timeout=10
            ) as smtp:
                if url.username:
                    smtp.login(unquote(url.username), unquote(url.password or ""))
                smtp.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            delivery.status = DELIVERY_FAILED
            outbox.error = str(exc)[:255]
        else:
            delivery.status = DELIVERY_SENT
            outbox.sent_at = now

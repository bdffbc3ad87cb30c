"""Communication: news, achievements, messages to parents with per-recipient deliveries, the lab outbox."""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from rp.clock import clock
from rp.db import db
from rp.models.people import Person

CHANNEL_EMAIL, CHANNEL_SMS = "email", "sms"
#: Delivery states: in the lab outbox, sent by SMTP, SMTP failed, parent has no usable contact.
DELIVERY_QUEUED, DELIVERY_SENT, DELIVERY_FAILED, DELIVERY_NO_CONTACT = "queued", "sent", "failed", "no_contact"


class News(db.Model):
    """A news item of the school (``class_id`` None) or of one class."""

    __tablename__ = "news"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), nullable=False, index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_class.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    title: Mapped[str] = mapped_column(String(255), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    published_on: Mapped[date] = mapped_column(Date, nullable=False)

    author: Mapped[Person | None] = relationship()


class Achievement(db.Model):
    """A pupil's olympiad, contest or sport result."""

    __tablename__ = "achievement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False, index=True)
    #: olympiad, contest, sport
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    title: Mapped[str] = mapped_column(String(255), nullable=False)
    #: school, municipal, regional, federal, international
    level: Mapped[str] = mapped_column(String(20), nullable=False)
    #: winner, prize, participant
    result: Mapped[str] = mapped_column(String(20), nullable=False)
    held_on: Mapped[date] = mapped_column(Date, nullable=False)


class Message(db.Model):
    """A message from the school or a class teacher to all parents of a class."""

    __tablename__ = "message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), nullable=False)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"), nullable=False, index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False)
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.real, nullable=False)

    author: Mapped[Person] = relationship()
    deliveries: Mapped[list[Delivery]] = relationship(back_populates="message", order_by="Delivery.id")


class OutboxMessage(db.Model):
    """The diary's lab outbox: every e-mail and SMS the diary sends, kept for trainers and tests."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(10), nullable=False)
    to_address: Mapped[str] = mapped_column(String(254), nullable=False, index=True)
    subject: Mapped[str | None] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.real, nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    error: Mapped[str | None] = mapped_column(String(255))


class Delivery(db.Model):
    """One recipient's delivery of a message on one channel."""

    __tablename__ = "delivery"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), nullable=False, index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False)
    channel: Mapped[str | None] = mapped_column(String(10))
    address: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(12), nullable=False, default=DELIVERY_QUEUED)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id"))

    message: Mapped[Message] = relationship(back_populates="deliveries")
    recipient: Mapped[Person] = relationship()
    outbox: Mapped[OutboxMessage | None] = relationship()

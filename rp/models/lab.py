"""Lab state of the diary kept in the database: settings such as the guided (trainer) mode."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from rp.db import db


class LabSetting(db.Model):
    """A lab-wide setting of the diary shared by every instance."""

    __tablename__ = "lab_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)

"""Diary area: diary."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("diary", __name__)

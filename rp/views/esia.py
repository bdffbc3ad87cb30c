"""Diary area: esia."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("esia", __name__)

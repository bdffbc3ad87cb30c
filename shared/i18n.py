"""Marking UI strings for translation where Flask-Babel cannot be used (plain modules, constants)."""

from __future__ import annotations


def N_(text: str) -> str:  # noqa: N802 - the name pybabel extracts by default
    """Mark ``text`` for extraction only; the page that shows it translates it with ``_(...)``."""
    return text

"""Served labs shared across pytest sessions of one process (pytester's in-process runs, a team's harness).

A harness that already serves a lab registers it here; the plugin's session fixtures use it instead of
starting another (and leave stopping it to whoever registered it). A whole lab also serves ``fedlab_idp``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_shared: dict[tuple[str, str, str], Any] = {}


def _key(kind: str, lab_file: Path | str | None, signing_key: Path | str | None) -> tuple[str, str, str]:
    return (
        kind,
        str(Path(lab_file).resolve()) if lab_file else "",
        str(Path(signing_key).resolve()) if signing_key else "",
    )


def register(kind: str, handle: Any, lab_file: Path | str | None = None, signing_key: Path | str | None = None) -> None:
    """Offer a served ``kind`` ("idp" or "lab") handle started with these options to later sessions."""
    _shared[_key(kind, lab_file, signing_key)] = handle


def unregister(handle: Any) -> None:
    """Stop offering ``handle``."""
    for key in [k for k, v in _shared.items() if v is handle]:
        del _shared[key]


def find(kind: str, lab_file: Path | str | None = None, signing_key: Path | str | None = None) -> Any:
    """Return a registered handle for ``kind`` with these options (a lab serves an IdP too), or None."""
    found = _shared.get(_key(kind, lab_file, signing_key))
    if found is None and kind == "idp":
        found = _shared.get(_key("lab", lab_file, signing_key))
    return found

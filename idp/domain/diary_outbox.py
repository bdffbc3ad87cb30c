"""The diary's lab outbox (its e-mails and SMS to parents), read over HTTP for the IdP's lab inbox view.

The diary shows its deliveries in its lab API ``GET /api/lab/outbox``; the IdP never imports the diary,
so it asks over HTTP (like :mod:`idp.domain.demo_reset`) and says so when the diary does not answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

import requests

#: Seconds to wait for the diary: the presenter page polls every 2 s, so a down diary must not hold it.
DIARY_TIMEOUT = 1.5


@dataclass(frozen=True)
class DiaryOutbox:
    """What the diary answered: its messages, or ``error`` saying why none could be read."""

    url: str
    ok: bool
    messages: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


def _message(raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("body"), str):
        return None
    return {
        "id": raw.get("id"),
        "channel": raw.get("channel") if raw.get("channel") in ("sms", "email") else "email",
        "recipient": str(raw.get("recipient") or ""),
        "subject": raw.get("subject") if isinstance(raw.get("subject"), str) else None,
        "body": raw["body"],
        "created_at": str(raw.get("created_at") or ""),
        "delivery": raw.get("delivery"),
    }


def fetch(base_url: str, lab_token: str, recipient: str | None = None, timeout: float = DIARY_TIMEOUT) -> DiaryOutbox:
    """Return the diary's outbox at ``base_url`` (newest first); never raises for network trouble."""
    url = base_url.rstrip("/") + "/api/lab/outbox"
    params = {"recipient": recipient} if recipient else None
    try:
        response = requests.get(url, params=params, headers={"X-Lab-Token": lab_token}, timeout=timeout)
    except requests.RequestException as exc:
        return DiaryOutbox(url, False, error=type(exc).__name__)
    if response.status_code != 200:
        return DiaryOutbox(url, False, error=f"HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        return DiaryOutbox(url, False, error="not JSON")
    raw = body.get("messages") if isinstance(body, dict) else None
    if not isinstance(raw, list):
        return DiaryOutbox(url, False, error="no messages list")
    return DiaryOutbox(url, True, [m for m in map(_message, raw) if m is not None])

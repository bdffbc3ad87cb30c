"""The trainer's "reset the demo for the next group": the IdP resets itself, then asks the diary to do the same.

The diary is reached over HTTP (its lab API ``POST /api/lab/reset {"demo": true}``), since the apps
never import each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests

#: Seconds to wait for the diary's reset (it re-seeds the demo, which hashes a few passwords).
DIARY_TIMEOUT = 30


@dataclass(frozen=True)
class DiaryReset:
    """What the diary answered: ``ok``, or ``error`` saying why it was not reset."""

    ok: bool
    url: str
    error: str | None = None


def reset_diary(base_url: str, lab_token: str, timeout: float = DIARY_TIMEOUT) -> DiaryReset:
    """Ask the diary at ``base_url`` to return to the demo start; never raises for network trouble."""
    url = base_url.rstrip("/") + "/api/lab/reset"
    try:
        response = requests.post(url, json={"demo": True}, headers={"X-Lab-Token": lab_token}, timeout=timeout)
    except requests.RequestException as exc:
        return DiaryReset(False, url, f"{type(exc).__name__}: {exc}")
    if response.status_code != 200:
        return DiaryReset(False, url, f"HTTP {response.status_code}: {response.text[:200]}")
    try:
        body = response.json()
    except ValueError:
        return DiaryReset(False, url, "the answer is not JSON")
    if not isinstance(body, dict) or body.get("reset") is not True:
        return DiaryReset(False, url, "the answer does not confirm the reset")
    return DiaryReset(True, url)

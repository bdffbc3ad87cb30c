"""The lab IdP's side of a scenario, loaded over HTTP (the diary never imports the IdP).

The diary's «Загрузить» button on /lab/scenarios sends the scenario document to the IdP's lab API
(``POST /api/lab/scenario``), as ``fedlab scenario load`` does, then loads its own part.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

#: Seconds to wait for the IdP: it resets and seeds the scenario's accounts (hashing their passwords).
IDP_TIMEOUT = 30


@dataclass(frozen=True)
class IdpLoad:
    """What the IdP answered: ``ok``, or ``error`` saying why its part was not loaded."""

    ok: bool
    url: str
    error: str | None = None


def load_scenario(base_url: str, lab_token: str, document: dict[str, Any], timeout: float = IDP_TIMEOUT) -> IdpLoad:
    """Ask the IdP at ``base_url`` to reset to exactly the scenario's accounts; never raises for network trouble."""
    url = base_url.rstrip("/") + "/api/lab/scenario"
    try:
        response = requests.post(url, json=document, headers={"X-Lab-Token": lab_token}, timeout=timeout)
    except requests.RequestException as exc:
        return IdpLoad(False, url, type(exc).__name__)
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200 or not isinstance(body, dict):
        detail = body.get("error_description") or body.get("error") if isinstance(body, dict) else None
        return IdpLoad(False, url, f"HTTP {response.status_code}" + (f": {detail}" if detail else ""))
    return IdpLoad(True, url)

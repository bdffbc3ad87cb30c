"""Lay out one login's trace as a sequence diagram: lifelines Браузер, Дневник, Госуслуги and arrows between them.

Pure layout (coordinates for an inline SVG the template draws); each recorded exchange gives a request
arrow from its caller (the browser, or the diary's server for a back-channel call) to the IdP and a
response arrow back. Hops the IdP cannot see (the diary sending the browser to the IdP, the browser
returning to the diary with the code) are drawn dashed as inferred.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

LANE_X = {"browser": 100, "diary": 350, "idp": 600}
WIDTH = 700
TOP = 56
ROW = 36
LABEL_MAX = 46


@dataclass(frozen=True)
class Arrow:
    """One arrow: from one lifeline to another at height ``y``, labelled, linking to an exchange (or inferred)."""

    y: int
    source: str
    target: str
    label: str
    kind: str  # request | response | inferred
    href: str | None = None
    channel: str | None = None

    @property
    def x1(self) -> int:
        """Return the x of the arrow's start."""
        return LANE_X[self.source]

    @property
    def x2(self) -> int:
        """Return the x of the arrow's head (stopping short of the lifeline)."""
        return LANE_X[self.target] + (-6 if LANE_X[self.target] > LANE_X[self.source] else 6)

    @property
    def label_x(self) -> int:
        """Return the x of the label's middle."""
        return (LANE_X[self.source] + LANE_X[self.target]) // 2


@dataclass(frozen=True)
class Diagram:
    """The arrows and the drawing's size."""

    arrows: list[Arrow]
    width: int
    height: int
    lanes: dict[str, int]


def _short(text: str) -> str:
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def _back_to_client(exchange: dict[str, Any]) -> str | None:
    """Return the client's callback path when the IdP sent the browser back to the client, else None."""
    location = (exchange.get("response") or {}).get("location")
    if not location or exchange.get("step") != "authorize":
        return None
    parts = urlsplit(location)
    if not parts.netloc:  # a relative redirect stays on the IdP (log-in, consent)
        return None
    query = parts.query
    if "code=" in query or "error=" in query:
        return parts.path or "/"
    return None


def _response_label(exchange: dict[str, Any]) -> str:
    location = (exchange.get("response") or {}).get("location")
    label = str(exchange.get("status", ""))
    if location:
        parts = urlsplit(location)
        label += " → " + (parts.path or "/")
        if "code=" in parts.query:
            label += " (code)"
        elif "error=" in parts.query:
            label += " (error)"
    return _short(label)


def layout(exchanges: list[dict[str, Any]]) -> Diagram:
    """Return the sequence diagram of a trace's exchanges (as :func:`idp.oidc.trace.trace_json` gives them)."""
    arrows: list[Arrow] = []
    y = TOP

    def add(source: str, target: str, label: str, kind: str, href: str | None = None, channel: str | None = None):
        nonlocal y
        arrows.append(Arrow(y, source, target, label, kind, href, channel))
        y += ROW

    for index, x in enumerate(exchanges):
        caller = "browser" if x.get("channel") == "browser" else "diary"
        href = f"#x{x['seq']}"
        if index == 0 and caller == "browser" and x.get("step") == "authorize":
            add("diary", "browser", "302 → /authorize", "inferred")
        add(caller, "idp", _short(f"{x['seq']}. {x['step']}: {x['method']} {x['path']}"), "request", href, caller)
        add("idp", caller, _response_label(x), "response", href, caller)
        callback = _back_to_client(x) if caller == "browser" else None
        if callback:
            add("browser", "diary", _short(f"GET {callback}"), "inferred")
    return Diagram(arrows=arrows, width=WIDTH, height=y + 10, lanes=dict(LANE_X))

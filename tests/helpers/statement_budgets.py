"""The statements and commits a login's protocol requests may cost, trace on (held by a test, printed by the bench)."""

from __future__ import annotations

#: Per request: (statements, commits). The second ``GET /authorize`` of a login is the logged-in one. The
#: requests queue their trace exchanges; "trace writer" is one batch of them (one upsert per login's trace,
#: the events in one executemany, one commit).
BUDGETS = {"GET /authorize": (8, 1), "POST /token": (9, 1), "GET /userinfo": (5, 1), "trace writer": (2, 1)}

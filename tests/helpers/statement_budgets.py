"""The statements and commits a login's protocol requests may cost, trace on (held by a test, printed by the bench)."""

from __future__ import annotations

#: Per request: (statements, commits). The second ``GET /authorize`` of a login is the logged-in one; it reads the
#: server-side session by its primary key (the token and userinfo requests carry no cookie). Each reads the lab
#: version row once; clients, keys, lab clock, faults and claim overrides come from the worker's cache. Requests queue
#: their trace exchanges; "trace writer" is one batch of them (one upsert per login's trace,
#: the events in one executemany, one commit).
BUDGETS = {"GET /authorize": (6, 1), "POST /token": (5, 1), "GET /userinfo": (3, 1), "trace writer": (2, 1)}

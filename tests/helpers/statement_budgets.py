"""The statements and commits a login's protocol requests may cost, trace on (held by a test, printed by the bench)."""

from __future__ import annotations

#: Per request: (statements, commits). The second ``GET /authorize`` of a login is the logged-in one; it reads the
#: server-side session by its primary key (one statement; the token and userinfo requests carry no cookie).
BUDGETS = {"GET /authorize": (11, 2), "POST /token": (12, 2), "GET /userinfo": (8, 2)}

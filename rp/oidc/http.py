"""The diary's back-channel connections: one pool per process, kept alive between logins.

Discovery, JWKS, token and userinfo requests of every login reuse the process's pooled connections
to the provider instead of opening (and closing) one per call. A forked worker starts its own pool.
"""

from __future__ import annotations

import os
import threading

import requests
from requests.adapters import HTTPAdapter

#: Connections kept per provider host: one per gunicorn thread is enough.
POOL_SIZE = 8

_lock = threading.Lock()
_pools: dict[int, tuple[HTTPAdapter, requests.Session]] = {}


def _pool() -> tuple[HTTPAdapter, requests.Session]:
    pid = os.getpid()
    pool = _pools.get(pid)
    if pool is None:
        with _lock:
            pool = _pools.get(pid)
            if pool is None:
                _pools.clear()
                adapter = HTTPAdapter(pool_connections=POOL_SIZE, pool_maxsize=POOL_SIZE)
                session = requests.Session()
                use_pool(session, adapter)
                pool = _pools[pid] = (adapter, session)
    return pool


def use_pool(session: requests.Session, adapter: HTTPAdapter | None = None) -> requests.Session:
    """Route ``session``'s http and https requests through this process's connection pool; return it."""
    adapter = adapter or _pool()[0]
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def http() -> requests.Session:
    """Return this process's pooled session for plain GETs (discovery, JWKS)."""
    return _pool()[1]

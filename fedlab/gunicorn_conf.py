"""gunicorn settings of both apps (``gunicorn -c python:fedlab.gunicorn_conf``): threaded workers sized by CPU count.

gthread workers keep idle connections open (``keepalive`` seconds), so a client's login reuses one
connection, and a worker waiting on the database or a back-channel call serves its other threads.
``WEB_CONCURRENCY`` (workers) and ``GUNICORN_THREADS`` override the sizing; the command line wins over both.
"""

from __future__ import annotations

import os


def default_workers() -> int:
    """Return one worker per CPU (at least two, so a crashed worker never stops the app)."""
    return max(2, os.cpu_count() or 1)


def default_threads() -> int:
    """Return the threads per worker: four, enough to overlap database and network waits."""
    return 4


worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or default_workers())
threads = int(os.environ.get("GUNICORN_THREADS") or default_threads())
keepalive = 5
#: The workers' heartbeat file is touched on every loop turn: in memory where there is /dev/shm (Docker, Linux).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

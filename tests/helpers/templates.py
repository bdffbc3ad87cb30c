"""Compiled Jinja templates shared by every app a test process creates.

Each test gets apps of its own, and each new app's Jinja environment would compile every template it renders
again (about a third of a typical test's time). Jinja's bytecode cache keeps the compiled code in memory for
the whole process instead, one cache per app package (``idp``, ``rp``: one factory, one set of Jinja options
each). Jinja checks the template source's checksum before it uses a cached entry, so an edited template is
compiled again.
"""

from __future__ import annotations

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in a dict for the life of the process."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        """Give the bucket the compiled code kept for its template, if any (Jinja checks the checksum)."""
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep the template's freshly compiled code."""
        self._code[bucket.key] = bucket.bytecode_to_string()


_CACHES: dict[str, MemoryBytecodeCache] = {}


def share_compiled_templates() -> None:
    """Make every Flask app created from now on in this process use its package's shared bytecode cache."""
    from flask import Flask

    if getattr(Flask.create_jinja_environment, "_shares_templates", False):
        return
    create = Flask.create_jinja_environment

    def create_jinja_environment(self):
        env = create(self)
        env.bytecode_cache = _CACHES.setdefault(self.import_name, MemoryBytecodeCache())
        return env

    create_jinja_environment._shares_templates = True  # type: ignore[attr-defined]
    Flask.create_jinja_environment = create_jinja_environment  # type: ignore[method-assign]

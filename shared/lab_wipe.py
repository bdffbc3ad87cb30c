"""Emptying an app's tables for a lab reset, keeping the tables a reset option protects. No Flask."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import cast

from sqlalchemy import CursorResult
from sqlalchemy import MetaData
from sqlalchemy import delete
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from shared.scenarios import ResetOptions

#: Tables no reset empties: the server-side sessions (the toolkit ends the logged-in ones; anonymous ones keep
#: the visitor's language, lab token and the message that the reset is done).
ALWAYS_KEPT = frozenset({"web_session"})


def wipe_tables(
    session: Session, metadata: MetaData, options: ResetOptions, kept_tables: Mapping[str, str]
) -> dict[str, int]:
    """Delete every row of ``metadata``'s tables, children first, and return the rows deleted per table.

    ``kept_tables`` maps a reset option to the table it keeps when that option is true; tables the
    database does not have yet (a model awaiting its migration) are passed over. Nothing is committed.
    """
    kept = {table for option, table in kept_tables.items() if getattr(options, option)}
    existing = set(inspect(session.connection()).get_table_names())  # a model may still await its migration
    deleted: dict[str, int] = {}
    for table in reversed(metadata.sorted_tables):
        if table.name in kept or table.name in ALWAYS_KEPT or table.name not in existing:
            continue
        result = cast(CursorResult[Any], session.execute(delete(table)))  # a DELETE gives a cursor result
        deleted[table.name] = result.rowcount or 0
    session.flush()
    return deleted

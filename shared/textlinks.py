"""Find the web links in a message's text, so a page can show them as links (no Flask, no HTML here)."""

from __future__ import annotations

import re

#: An http(s) address up to the next blank; a closing punctuation mark right after it is not part of it.
LINK = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]»]")


def split_links(text: str | None) -> list[tuple[str, bool]]:
    """Return ``text`` as pieces ``(piece, is_link)`` in order; joined, the pieces give ``text`` back."""
    text = text or ""
    parts: list[tuple[str, bool]] = []
    last = 0
    for match in LINK.finditer(text):
        if match.start() > last:
            parts.append((text[last : match.start()], False))
        parts.append((match.group(0), True))
        last = match.end()
    if last < len(text):
        parts.append((text[last:], False))
    return parts


def first_link(text: str | None) -> str | None:
    """Return the first http(s) address in ``text``, or None."""
    match = LINK.search(text or "")
    return match.group(0) if match else None

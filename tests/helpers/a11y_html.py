"""Read a rendered page the way assistive technology does: elements by id, their attributes and text, and what
an ``aria-describedby`` points to (stdlib HTML parser, no browser).
"""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: dict[str, dict] = {}
        self.stack: list[dict] = []

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": {k: (v if v is not None else "") for k, v in attrs}, "text": []}
        if element["attrs"].get("id"):
            self.elements.setdefault(element["attrs"]["id"], element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        while self.stack:
            element = self.stack.pop()
            if element["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self.stack:
            element["text"].append(data)


class Page:
    """A rendered HTML page."""

    def __init__(self, html: str) -> None:
        parser = _Page()
        parser.feed(html)
        self._elements = parser.elements

    def attrs(self, element_id: str) -> dict[str, str]:
        """Return the attributes of the element with ``element_id`` (failing when there is none)."""
        assert element_id in self._elements, f"no element with id={element_id!r}"
        return self._elements[element_id]["attrs"]

    def has(self, element_id: str) -> bool:
        """Return whether an element has ``element_id``."""
        return element_id in self._elements

    def text(self, element_id: str) -> str:
        """Return the element's text, whitespace collapsed."""
        self.attrs(element_id)
        return " ".join("".join(self._elements[element_id]["text"]).split())

    def description(self, element_id: str) -> str:
        """Return what a screen reader reads as the control's description (its aria-describedby texts)."""
        ids = self.attrs(element_id).get("aria-describedby", "").split()
        return " ".join(self.text(i) for i in ids)

"""Accessibility checks for the browser tests: axe-core (pinned in tests/a11y/node, installed by
``make a11y-deps``) injected into the page by Playwright, and keyboard-only helpers.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

import pytest

AXE_JS = Path(__file__).resolve().parents[1] / "a11y" / "node" / "node_modules" / "axe-core" / "axe.min.js"
#: The WCAG 2.1 A and AA rules of axe-core.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")
#: Colour contrast is the costliest rule and depends on the stylesheet, which both languages share: it is
#: checked on the Russian pages (the seed's language) and skipped on the English ones.
CONTRAST_LANG = "ru"


def with_lang(url: str, lang: str) -> str:
    """Return ``url`` with ``lang=`` set (both apps keep the choice in the session; this survives a new session)."""
    parts = urlsplit(url)
    query = "&".join(p for p in parts.query.split("&") if p and not p.startswith("lang="))
    query = (query + "&" if query else "") + urlencode({"lang": lang})
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def axe_problems(page, label: str, contrast: bool = True) -> list[str]:
    """Run axe's WCAG 2.1 A/AA rules on the page; return one line per serious or critical violation."""
    if not AXE_JS.exists():
        pytest.fail(f"axe-core is not installed ({AXE_JS}): run `make a11y-deps` (npm ci in tests/a11y/node)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """([tags, contrast]) => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                   rules: {'color-contrast': {enabled: contrast}},
                                                   resultTypes: ['violations']})""",
        [WCAG_TAGS, contrast],
    )
    problems = []
    for violation in result["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"][:5]:
            problems.append(
                f"{label}: {violation['id']} ({violation['impact']}) {node['target']} — "
                f"{node.get('failureSummary', '').splitlines()[-1].strip() if node.get('failureSummary') else ''}"
            )
    return problems


def focused(page) -> dict:
    """Describe the focused element: its tag, id, type, name and text."""
    return page.evaluate(
        """() => { const e = document.activeElement;
                   return {tag: e.tagName.toLowerCase(), id: e.id, type: e.type || '', name: e.name || '',
                           text: (e.innerText || e.value || '').trim().slice(0, 200)}; }"""
    )


def tab_to(page, predicate, limit: int = 60) -> dict:
    """Press Tab until the focused element satisfies ``predicate`` (a function of :func:`focused`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        current = focused(page)
        if predicate(current):
            return current
    raise AssertionError(f"no element matching the condition within {limit} Tab presses; last: {focused(page)}")


def tab_to_field(page, field_id: str) -> None:
    """Tab to the control with id ``field_id``."""
    tab_to(page, lambda f: f["id"] == field_id)


def tab_to_button(page, text: str) -> None:
    """Tab to the button (or submit input) whose text is ``text``."""
    tab_to(page, lambda f: f["tag"] in ("button", "input") and f["type"] == "submit" and f["text"] == text)


def type_into(page, field_id: str, text: str) -> None:
    """Tab to a field and type into it, as a keyboard user would."""
    tab_to_field(page, field_id)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def latest_code(lab, recipient: str, channel: str = "sms") -> str:
    """Read the newest code sent to ``recipient`` from the lab inbox (as a trainer's audience would)."""
    import re

    import requests

    res = requests.get(lab.idp_url + "/lab/inbox.json", params={"recipient": recipient}, timeout=5)
    messages = [m for m in res.json()["messages"] if m["channel"] == channel]
    assert messages, f"no {channel} message for {recipient}: {res.json()}"
    return re.search(r"\b(\d{6})\b", messages[0]["body"]).group(1)


class Audit:
    """Visit pages in one browser context and collect every serious or critical axe violation."""

    def __init__(self, page, lang: str):
        self.page = page
        self.lang = lang
        self.problems: list[str] = []
        self.checked: list[str] = []

    def check(self, label: str) -> None:
        """Audit the page as it is now (after a submit, with its errors shown)."""
        self.checked.append(label)
        where = f"[{self.lang}] {label} ({self.page.url})"
        self.problems.extend(axe_problems(self.page, where, contrast=self.lang == CONTRAST_LANG))

    def visit(self, url: str, label: str | None = None) -> None:
        """Open ``url`` in the audited language and audit it."""
        self.page.goto(with_lang(url, self.lang))
        self.check(label or urlsplit(url).path)

    def submit(self, label: str, button: str | None = None) -> None:
        """Submit the page's form (its first submit button, or the one with ``button``'s id) and audit the result."""
        selector = f"#{button}" if button else "main form [type=submit]"
        self.follow(self.page.locator(selector).first, label)

    def follow(self, locator, label: str | None = None) -> None:
        """Click ``locator`` (a link or a button), wait for the next page and audit it when ``label`` is given."""
        with self.page.expect_navigation():
            locator.click()
        if label:
            self.check(label)

    def assert_clean(self) -> None:
        """Fail with every violation found, one per line."""
        assert not self.problems, f"{len(self.problems)} WCAG violations:\n" + "\n".join(self.problems)

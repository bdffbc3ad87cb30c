"""The IdP's one clock (bound by the factory; business time adds the lab offset, see ``idp.domain.labstate``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.clock import Clock

#: Every "now" of the IdP reads this object; tests freeze it.
clock = Clock()


def bind(settings: Mapping[str, Any]) -> Clock:
    """Configure the IdP's clock for a new app (the factory calls this) and return it."""
    clock.configure()
    return clock

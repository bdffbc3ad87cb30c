"""Fixtures of the diary tests: rp_app → the demo school (a copy of a template seeded once) → access targets;
the fake provider.
"""

from __future__ import annotations

import pytest

from tests.rp.fakeop import fake_op
from tests.rp.helpers import access_targets
from tests.rp.helpers import seed_school_copy


@pytest.fixture
def school(rp_app):
    """The demo school on the test database (copied from a template seeded once); returns seed_school's summary."""
    return seed_school_copy(rp_app)


@pytest.fixture
def targets(rp_app, school):
    """Ids of the objects the access tests request, from the demo school."""
    return access_targets(rp_app)


@pytest.fixture
def op(rp_app):
    """The fake provider, and a region ``test`` of the diary pointing at it."""
    with fake_op(rp_app) as provider:
        yield provider

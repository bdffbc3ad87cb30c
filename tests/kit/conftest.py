"""The plugin's tests: one served lab for the whole run, shared with the pytester projects run in this process."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def shared_lab():
    """Serve the IdP and the diary once and offer them to the generated projects' sessions (runpytest_inprocess)."""
    from fedlab.testing import sessions
    from fedlab.testing import start_lab

    with start_lab() as lab:
        sessions.register("lab", lab)
        yield lab
        sessions.unregister(lab)

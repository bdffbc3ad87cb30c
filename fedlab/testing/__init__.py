"""fedlab inside a team's own test suite: the lab's apps served for tests, their helpers, the in-process mode.

The pytest fixtures are in :mod:`fedlab.pytest_plugin` (``-p fedlab``); everything here is plain Python, so a
``unittest`` suite or a script can use it too::

    from fedlab.testing import start_idp

    with start_idp() as idp:
        person = idp.account(level="standard")
        client = idp.client(redirect_uri="http://127.0.0.1:8000/callback")
        tokens = idp.authorize(client, person, tokens=True)
"""

from __future__ import annotations

from fedlab.testing.handles import LabAccount
from fedlab.testing.handles import LabClient
from fedlab.testing.idp import IdpHandle
from fedlab.testing.lab import LabHandle
from fedlab.testing.served import start_idp
from fedlab.testing.served import start_lab

__all__ = ["IdpHandle", "LabAccount", "LabClient", "LabHandle", "start_idp", "start_lab"]

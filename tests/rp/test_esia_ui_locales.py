# ruff: noqa: F811  (the fixtures are imported from tests.rp.fakeesia)
"""The diary's ESIA request carries its language (``ui_locales``, outside the signed string)."""

from __future__ import annotations

import pytest

from shared import esia_wire
from tests.rp.fakeesia import CLIENT_ID
from tests.rp.fakeesia import diary_pair  # noqa: F401  (fixture)
from tests.rp.fakeesia import esia_op  # noqa: F401  (fixture)
from tests.rp.fakeesia import start


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_esia_request_asks_for_the_diarys_language(rp_client, esia_op, lang):
    rp_client.get(f"/login?lang={lang}")
    params = start(rp_client)
    assert params["ui_locales"] == lang
    signed = esia_wire.v2_string(
        CLIENT_ID, params["scope"], "", params["timestamp"], params["state"], params["redirect_uri"]
    )
    assert esia_op.verify(params, signed)  # the signature is unchanged by it

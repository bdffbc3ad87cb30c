"""A provider that answers the token request with a server error is "the provider answered with an error",
not "no network": the person is told the portal failed, not to check their connection.
"""

from __future__ import annotations

import pytest

from tests.rp.fakeop import last_record
from tests.rp.fakeop import login

PROVIDER_FAILED = "Портал госуслуг вернул ошибку"
NO_NETWORK = "Портал госуслуг недоступен"


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, "<html><body>Internal Server Error</body></html>"),
        (502, "Bad gateway"),
        (503, ""),
        (500, None),  # a JSON error body: {"error": "invalid_grant"} with status 500
    ],
)
def test_a_server_error_at_the_token_endpoint_is_a_provider_error(rp_client, rp_app, op, status, body):
    op.token_status = status
    op.token_body = body
    res = login(rp_client, op)
    text = res.get_data(as_text=True)
    assert res.status_code == 400
    assert PROVIDER_FAILED in text and NO_NETWORK not in text
    record = last_record(rp_app)
    assert record["outcome"] == "error" and record["detail"].startswith("provider_error")

"""The access log never shows credentials: authorization codes, link tokens, ``id_token_hint`` are masked."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from fedlab.serve import gunicorn_command
from labkit.access_log import MaskingLogger
from labkit.access_log import mask_url


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("/login/esia/cb?code=abc123&state=xyz&iss=idp", "/login/esia/cb?code=…&state=…&iss=idp"),
        ("/recover/confirm?token=s3cr3t", "/recover/confirm?token=…"),
        ("/link/AbCdEf123", "/link/…"),
        ("/logout?id_token_hint=eyJ.eyJ.sig&ui_locales=ru", "/logout?id_token_hint=…&ui_locales=ru"),
        ("/diary?week=2024-09-02&barcode=5", "/diary?week=2024-09-02&barcode=5"),
        ("GET /cb?CODE=zz HTTP/1.1", "GET /cb?CODE=… HTTP/1.1"),
    ],
)
def test_mask_url(raw, masked):
    assert mask_url(raw) == masked


def test_gunicorn_atoms_are_masked():
    from gunicorn.config import Config

    logger = MaskingLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/login/esia/cb?code=secret-code&state=s",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": "/login/esia/cb",
        "QUERY_STRING": "code=secret-code&state=s",
        "HTTP_REFERER": "http://idp/link/tok-123",
    }
    resp = SimpleNamespace(status="302 FOUND", sent=0, headers=[])
    req = SimpleNamespace(headers=[("REFERER", "http://idp/link/tok-123")])
    atoms = logger.atoms(resp, req, environ, timedelta(milliseconds=3))
    text = " ".join(str(v) for v in atoms.values())
    assert "secret-code" not in text and "tok-123" not in text
    assert atoms["r"] == "GET /login/esia/cb?code=…&state=… HTTP/1.1"


def test_fedlab_serve_uses_the_masking_logger():
    command = gunicorn_command("idp:create_app()", 6210, 1)
    assert command[command.index("--logger-class") + 1] == "labkit.access_log.MaskingLogger"

"""`make run` as a newcomer sees it: both apps up under gunicorn, and Ctrl-C stops both."""

from __future__ import annotations

import pytest
import requests

from tests.e2e.conftest import start_lab
from tests.e2e.conftest import stop_lab

pytestmark = pytest.mark.e2e


def test_serve_starts_both_apps_with_demo_data_ctrl_c_stops_both_and_setup_again_seeds_nothing(tmp_path):
    lab = start_lab(tmp_path)
    try:
        assert requests.get(lab.idp_url + "/healthz", timeout=5).json() == {"status": "ok", "app": "idp"}
        assert requests.get(lab.rp_url + "/healthz", timeout=5).json() == {"status": "ok", "app": "rp"}
        assert "gunicorn" in requests.get(lab.idp_url + "/healthz", timeout=5).headers.get("Server", "").lower()
    finally:
        status = stop_lab(lab)
    assert status == 0
    log = lab.log_path.read_text()
    assert "Госуслуги (IdP):  " + lab.idp_url in log
    assert "both apps stopped" in log
    for url in (lab.idp_url, lab.rp_url):
        with pytest.raises(requests.ConnectionError):
            requests.get(url + "/healthz", timeout=2)
    # `make run` again (setup is idempotent): the demo data is already there and is not seeded twice.
    again = lab.fedlab("setup")
    assert again.returncode == 0, again.stderr
    assert "already there" in again.stdout

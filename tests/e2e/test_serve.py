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


def test_serve_gives_each_app_its_own_name_and_127_0_0_1_keeps_working(tmp_path):
    from urllib.parse import urlsplit

    from shared.localhost_names import install

    install()  # this process resolves *.localhost as the apps and fedlab do (browsers do it themselves)
    lab = start_lab(tmp_path, {"FEDLAB_HOST_NAMES": "1"})
    try:
        idp_port, rp_port = urlsplit(lab.idp_url).port, urlsplit(lab.rp_url).port
        idp_named, rp_named = f"http://idp.localhost:{idp_port}", f"http://rp.localhost:{rp_port}"
        assert "Госуслуги (IdP):  " + idp_named + "/" in lab.log_path.read_text()
        discovery = requests.get(idp_named + "/.well-known/openid-configuration", timeout=5).json()
        assert discovery["issuer"] == idp_named
        assert requests.get(rp_named + "/healthz", timeout=5).json() == {"status": "ok", "app": "rp"}
        # Started on 127.0.0.1 (FEDLAB_RP_URL), the diary's login moves to its name first, so the provider's
        # redirect back finds the session cookie; the diary's back-channel reaches idp.localhost.
        start = requests.get(lab.rp_url + "/login/esia/tomsk", allow_redirects=False, timeout=5)
        assert start.status_code == 302 and start.headers["Location"] == rp_named + "/login/esia/tomsk"
        for region in ("tomsk", "dvinaland"):
            check = lab.fedlab("scenario", "check", "yo-vs-ye", "--region", region)
            assert check.returncode == 0, check.stdout + check.stderr
    finally:
        stop_lab(lab)

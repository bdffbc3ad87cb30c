"""``make run`` gives the apps their own names (idp.localhost / rp.localhost): URLs, resolution, the demo client."""

from __future__ import annotations

import socket

import pytest

from fedlab.lab_names import apply_lab_names
from fedlab.lab_names import lab_urls
from fedlab.lab_names import loopback_twin

URL_SETTINGS = ("FEDLAB_IDP_ISSUER", "FEDLAB_IDP_LAB_RP_URL", "FEDLAB_RP_BASE_URL", "FEDLAB_RP_DEMO_IDP_ISSUER")


@pytest.fixture(autouse=True)
def ports(monkeypatch):
    monkeypatch.setenv("FEDLAB_IDP_PORT", "7101")
    monkeypatch.setenv("FEDLAB_RP_PORT", "7102")


def test_the_apps_get_their_names_unless_told_otherwise():
    env: dict[str, str] = {}
    assert apply_lab_names(env) == ("http://idp.localhost:7101", "http://rp.localhost:7102")
    assert env == {
        "FEDLAB_IDP_ISSUER": "http://idp.localhost:7101",
        "FEDLAB_IDP_LAB_RP_URL": "http://rp.localhost:7102",
        "FEDLAB_RP_BASE_URL": "http://rp.localhost:7102",
        "FEDLAB_RP_DEMO_IDP_ISSUER": "http://idp.localhost:7101",
    }
    assert lab_urls({"FEDLAB_HOST_NAMES": "0"}) == ("http://127.0.0.1:7101", "http://127.0.0.1:7102")
    chosen = {"FEDLAB_IDP_ISSUER": "https://idp.example"}
    apply_lab_names(chosen)
    assert chosen["FEDLAB_IDP_ISSUER"] == "https://idp.example"  # a setting given stays


def test_loopback_twin():
    assert loopback_twin("http://rp.localhost:7102") == "http://127.0.0.1:7102"
    assert loopback_twin("http://127.0.0.1:7102") is None
    assert loopback_twin("https://rp.example") is None


def test_localhost_names_resolve_to_loopback():
    from shared.localhost_names import install
    from shared.localhost_names import is_localhost_name

    install()
    addresses = {info[4][0] for info in socket.getaddrinfo("idp.localhost", 5001)}
    assert addresses <= {"127.0.0.1", "::1"} and addresses
    assert is_localhost_name("a.b.localhost.") and not is_localhost_name("localhost.example")
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("idp.localhost.invalid", 80)


def test_the_demo_client_is_registered_for_both_names(idp_app):
    from idp.db import db
    from idp.domain.clients import find_client
    from idp.seed import DiaryClient
    from idp.seed import _ensure_diary_client

    with idp_app.app_context():
        diary = DiaryClient("http://rp.localhost:7102", "s" * 24, also_base_urls=("http://127.0.0.1:7102",))
        _ensure_diary_client(db.session, diary)
        db.session.commit()
        client = find_client(db.session, "dnevnik")
        assert set(client.redirect_uris) == {
            "http://rp.localhost:7102/login/callback",
            "http://127.0.0.1:7102/login/callback",
        }


def test_the_diary_starts_a_login_on_its_own_name(rp_app):
    rp_app.config.update(BASE_URL="http://rp.localhost:7102", PUBLIC_BASE_URL="http://rp.localhost:7102")
    client = rp_app.test_client()
    moved = client.get("/login/esia/tomsk?x=1", headers={"Host": "127.0.0.1:7102"})
    assert moved.status_code == 302 and moved.headers["Location"] == "http://rp.localhost:7102/login/esia/tomsk?x=1"
    other_port = client.get("/login/esia/tomsk", headers={"Host": "127.0.0.1:7999"})
    assert other_port.headers.get("Location", "").startswith("http://rp.localhost") is False

"""Lab pages from another machine: the lab token is asked once, then the session remembers it."""

from __future__ import annotations

import pytest

from tests.helpers.forms import csrf_token

REMOTE = {"REMOTE_ADDR": "203.0.113.7"}


def token_form(html: str) -> dict:
    return {"csrf_token": csrf_token(html)}


@pytest.mark.parametrize(
    ("app_fixture", "page"), [("idp_app", "/lab"), ("idp_app", "/operator"), ("rp_app", "/lab/linking")]
)
def test_off_loopback_a_lab_page_asks_for_the_token_once(app_fixture, page, request):
    app = request.getfixturevalue(app_fixture)
    client = app.test_client()
    res = client.get(page, environ_overrides=REMOTE)
    assert res.status_code == 302
    assert res.headers["Location"].startswith("/lab-access?next=")

    form_page = client.get(res.headers["Location"], environ_overrides=REMOTE)
    assert "Доступ к лаборатории" in form_page.get_data(as_text=True)
    data = token_form(form_page.get_data(as_text=True))

    wrong = client.post("/lab-access", data={**data, "token": "guess", "next": page}, environ_overrides=REMOTE)
    assert wrong.status_code == 401
    assert "Токен не подходит" in wrong.get_data(as_text=True)
    assert client.get(page, environ_overrides=REMOTE).status_code == 302

    right = client.post(
        "/lab-access", data={**data, "token": app.config["LAB_TOKEN"], "next": page}, environ_overrides=REMOTE
    )
    assert right.status_code == 302
    assert right.headers["Location"] == page
    assert client.get(page, environ_overrides=REMOTE).status_code in (200, 302)
    if page == "/operator":  # the operator page still asks for the operator's own password
        assert client.get(page, environ_overrides=REMOTE).headers["Location"].endswith("/operator/login")
    else:
        assert client.get(page, environ_overrides=REMOTE).status_code == 200


def test_loopback_needs_no_token(idp_client):
    assert idp_client.get("/lab").status_code == 200


def test_unlock_page_is_absent_without_lab_mode(tmp_path):
    from idp import create_app

    app = create_app({"TESTING": True, "LAB_MODE": False, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    assert app.test_client().get("/lab-access", environ_overrides=REMOTE).status_code == 404


def test_unlock_never_redirects_off_site(idp_app):
    client = idp_app.test_client()
    data = token_form(client.get("/lab-access", environ_overrides=REMOTE).get_data(as_text=True))
    res = client.post(
        "/lab-access",
        data={**data, "token": idp_app.config["LAB_TOKEN"], "next": "//evil.example/"},
        environ_overrides=REMOTE,
    )
    assert res.headers["Location"] == "/"

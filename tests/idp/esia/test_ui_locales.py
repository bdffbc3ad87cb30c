"""ESIA's v2/ac honours the diary's ``ui_locales`` like the OIDC endpoint: the IdP's pages of that login follow it."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from tests.idp.esia.conftest import EsiaDriver


def test_v2_ac_with_ui_locales_en_shows_the_login_page_in_english(esia_app, gost_pair, person):
    driver = EsiaDriver(esia_app, esia_app.test_client(), "GOST-SYS", gost_pair)  # nobody logged in yet
    params = driver.v2_params(ui_locales="en")
    to_login = driver.client.get("/aas/oauth2/v2/ac?" + urlencode(params))
    assert to_login.status_code == 302 and "/login" in to_login.location
    page = driver.client.get(to_login.location).get_data(as_text=True)
    assert re.search(r'<html lang="en">', page) and "Forgot your password?" in page


def test_v2_ac_without_ui_locales_stays_russian(esia_app, gost_pair, person):
    driver = EsiaDriver(esia_app, esia_app.test_client(), "GOST-SYS", gost_pair)
    to_login = driver.client.get("/aas/oauth2/v2/ac?" + urlencode(driver.v2_params()))
    page = driver.client.get(to_login.location).get_data(as_text=True)
    assert '<html lang="ru">' in page and "Не помните пароль?" in page

"""README.md's "Reproduce a "profile not found"", followed step by step in a real browser.

The scenario name, the Gosuslugi and diary credentials and the page path are read from the README itself,
so the README and this test cannot drift apart.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.conftest import FEDLAB

pytestmark = pytest.mark.e2e

README = Path(__file__).resolve().parents[2] / "README.md"
SEED_TEXT = (
    "К сожалению, мы не смогли найти Ваш профиль Дневник.ру по данным, предоставленным порталом госуслуг. "
    "Пожалуйста, введите логин и пароль от Вашего аккаунта Дневник.ру для его привязки."
)


@dataclass
class Steps:
    """What the README's section tells a reader to type."""

    load_command: list[str]
    page_path: str
    idp_login: str
    idp_password: str
    quoted_text: str
    diary_login: str
    diary_password: str


def readme_steps() -> Steps:
    """Parse the numbered steps of the README's "Reproduce a "profile not found"" section."""
    text = README.read_text(encoding="utf-8")
    section = re.search(r'^## Reproduce a "profile not found"\n(.*?)^## ', text, re.S | re.M)
    assert section, 'README.md has no section "Reproduce a "profile not found""'
    body = section.group(1)
    steps = dict(re.findall(r"^(\d)\. (.*?)(?=^\d\. |^\s*$)", body, re.S | re.M))
    assert set(steps) == {"1", "2", "3", "4", "5"}, steps.keys()
    command = re.match(r"`([^`]+)`", steps["1"]).group(1)
    # The README shows the diary under its own name (rp.localhost); the browser tests serve it on 127.0.0.1.
    diary_url = r"http://(?:rp\.localhost|127\.0\.0\.1):5002"
    page = re.search(diary_url + r"(/\S*) and press \"Войти через ГосУслуги\"", steps["2"])
    idp = re.search(r"log in with `([^`]+)` / `([^`]+)` and press \"Предоставить\"", steps["3"])
    quoted = re.search(r"«([^»]+)»", steps["4"])
    diary = re.search(r"enter `([^`]+)` / `([^`]+)`, press \"Привязать\", confirm with\s+\"Привязать\"", steps["5"])
    assert page and idp and quoted and diary, "the README's steps changed shape: update this test with them"
    return Steps(
        shlex.split(command),
        page.group(1),
        idp.group(1),
        idp.group(2),
        " ".join(quoted.group(1).rstrip("…").split()),
        diary.group(1),
        diary.group(2),
    )


def main_text(page) -> str:
    """Return the page's main text with whitespace collapsed."""
    return " ".join(page.locator("main").inner_text().split())


def gosuslugi(page, lab, steps: Steps) -> None:
    """Press "Войти через ГосУслуги" on the diary's login page, log in at the IdP and grant the data."""
    page.goto(lab.rp_url + steps.page_path)
    page.get_by_role("button", name="Войти через ГосУслуги").click()
    assert page.url.startswith(lab.idp_url), page.url
    page.get_by_label("Телефон / Email / СНИЛС").fill(steps.idp_login)
    page.get_by_label("Пароль", exact=True).fill(steps.idp_password)
    page.get_by_role("button", name="Войти").click()
    if page.url.startswith(lab.idp_url):  # the consent is asked once, then remembered
        page.get_by_role("button", name="Предоставить").click()
    assert page.url.startswith(lab.rp_url), page.url


def test_readme_steps_reproduce_and_fix_profile_not_found(lab, page):
    steps = readme_steps()

    # 1. Load the scenario with the README's command (the served lab's URLs come from the environment).
    assert Path(steps.load_command[0]).name == "fedlab", steps.load_command
    env = {**lab.env, "FEDLAB_IDP_URL": lab.idp_url, "FEDLAB_RP_URL": lab.rp_url}
    loaded = subprocess.run([FEDLAB, *steps.load_command[1:]], env=env, capture_output=True, text=True, timeout=60)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert steps.idp_login.replace(" ", "") in loaded.stdout.replace(" ", "")

    # 2-3. /login, "Войти через ГосУслуги", the IdP login with the README's credentials, "Предоставить".
    gosuslugi(page, lab, steps)

    # 4. Dnevnik.ru's text, word for word, and the "why?" panel shows the patronymic differing.
    shown = main_text(page)
    assert SEED_TEXT in shown
    assert steps.quoted_text in shown
    page.get_by_text("Почему?").click()
    differing = page.locator("table.compare tr.ne")
    assert differing.count() == 1
    row = differing.first
    assert row.is_visible()
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    assert cells[0] == "Отчество"  # the why panel names the field (rp/labels.py), not the claim
    assert cells[1] in ("", "—") and cells[3] == "Викторович", cells

    # 5. The diary login and password on the same page, "Привязать", then confirm with "Привязать".
    page.get_by_label("Логин").fill(steps.diary_login)
    page.get_by_label("Пароль").fill(steps.diary_password)
    page.get_by_role("button", name="Привязать").click()
    assert "Кузьмин Андрей Викторович" in main_text(page)
    page.get_by_role("button", name="Привязать").click()
    assert "Теперь вы можете входить в Дневник.ру через кнопку «Вход через ГосУслуги»" in main_text(page)

    # From now on "Войти через ГосУслуги" signs this person in.
    page.context.clear_cookies()
    gosuslugi(page, lab, steps)
    assert "/consent" in page.url or "/diary" in page.url, page.url
    assert "Войти через ГосУслуги" not in main_text(page)

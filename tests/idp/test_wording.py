"""The IdP's lab page names the registry policy in the person's language (not "lenient" in Russian)."""

from __future__ import annotations


def test_the_lab_page_names_the_policy_in_the_persons_language(idp_client):
    russian = idp_client.get("/lab?lang=ru").get_data(as_text=True)
    assert "Текущая политика: <strong>мягкая</strong>" in russian and ">lenient<" not in russian
    english = idp_client.get("/lab?lang=en").get_data(as_text=True)
    assert "Current policy: <strong>lenient</strong>" in english

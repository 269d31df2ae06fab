"""A server whose environment holds a setting that is not valid says which on its first page, and serves no
page until it is fixed (``trustcore.settings``). Before, a bad ``TRUSTCORE_TRUSTED_PROXIES`` surfaced only at
the first join, mid-workshop, as an error type, and a bad rate limit failed every page's import the same way."""

from __future__ import annotations

import pytest
from test_pages import run, store, texts  # noqa: F401  (fixtures)

from trustcore import settings

BAD = {
    "TRUSTCORE_TRUSTED_PROXIES": ("10.0.0.0/8,nginx-box", "'nginx-box' is not an address or a network"),
    "TRUSTCORE_CREATE": ("ana@example", "is neither an e-mail address nor an @domain"),
    "TRUSTCORE_RETENTION_DAYS": ("a year", "must be a whole number of days"),
    "TRUSTCORE_JOINS_PER_MINUTE": ("0", "must be a whole number of 1 or more"),
    "TRUSTCORE_SURVEY_RESPONSES_PER_HOUR": ("lots", "must be a whole number of 1 or more"),
}


def test_a_valid_environment_has_no_problems(monkeypatch):
    for variable in BAD:
        monkeypatch.delenv(variable, raising=False)
    assert settings.problems() == []


@pytest.mark.parametrize("variable", sorted(BAD))
def test_each_bad_setting_is_named_in_words(monkeypatch, variable):
    value, words = BAD[variable]
    monkeypatch.setenv(variable, value)
    [problem] = settings.problems()
    assert words in problem


def test_the_first_page_names_the_bad_setting_and_serves_nothing_else(monkeypatch, store):  # noqa: F811
    monkeypatch.setenv("TRUSTCORE_TRUSTED_PROXIES", "nginx-box")
    at = run()
    assert not at.exception
    shown = texts(at)
    assert "This server is not set up correctly" in shown and "is not an address or a network" in shown
    assert not at.button and not at.text_input  # no page drawn
    monkeypatch.delenv("TRUSTCORE_TRUSTED_PROXIES")
    at.run()
    assert "This server is not set up correctly" not in texts(at)

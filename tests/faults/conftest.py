"""The fault tests that drive pages use the browser tests' Chromium and pages (``tests/browser/conftest.py``),
and save every page of a failed test as a screenshot, as those do."""

from browser.conftest import browser, new_page, pytest_runtest_makereport  # noqa: F401 - fixtures and a hook, by name

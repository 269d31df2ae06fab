"""A 20 MB upload is refused within a second, with the size in the message: the element list on the create
page's parser and the organisation-wide ranking on the Reflect page's (``tests/test_upload_limits.py`` checks
that neither decodes nor reads such a file; this one times the real thing, a real 20 MB of bytes)."""

from __future__ import annotations

import time

import pytest

from trustcore import catalogue, uploads
from trustcore.errors import CatalogueError, InvalidInput

TWENTY_MB = 20 * 1024 * 1024
ROWS = b"privacy,Privacy and security,Keeping data safe\n" * (TWENTY_MB // 48 + 1)


@pytest.mark.parametrize("name", ["elements.csv", "elements.json"])
def test_a_20_mb_element_list_is_refused_within_a_second(name):
    started = time.perf_counter()
    with pytest.raises(CatalogueError, match="the file is 2[01].[0-9] MB; at most 1.0 MB is read"):
        catalogue.parse(ROWS, name)
    assert time.perf_counter() - started < 1


def test_a_20_mb_organisation_wide_ranking_is_refused_within_a_second():
    started = time.perf_counter()
    with pytest.raises(InvalidInput, match="too long: the file is 2[01].[0-9] MB"):
        uploads.parse_baseline_csv(ROWS, catalogue.default())
    assert time.perf_counter() - started < 1

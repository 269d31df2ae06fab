"""What changed since the earlier session, worded in the reader's language: ``changes_since_previous(view, t)``
words both agreement headlines with ``t`` (the same numbers as in English). Both backends (``store``)."""

from __future__ import annotations

from test_earlier_session_link import _linked

from trustcore.followup.lineage import changes_since_previous
from trustcore.i18n import translator


def test_the_agreement_then_and_now_in_french_and_spanish(store):
    earlier, code, fac, _ = _linked(store)
    view = store.open(code, fac)
    english = changes_since_previous(view)
    assert english.agreement_then is not None and english.agreement_now is not None
    for lang in ("fr", "es"):
        t = translator(lang)
        worded = changes_since_previous(view, t)
        for mine, theirs in (
            (worded.agreement_then, english.agreement_then),
            (worded.agreement_now, english.agreement_now),
        ):
            assert mine.text != theirs.text  # worded again, in the reader's language
            numbers = {k: v for k, v in theirs.stats.items() if k != "label"}  # the label is words
            assert {k: v for k, v in mine.stats.items() if k != "label"} == numbers  # the same numbers
        assert worded.moved == english.moved and worded.previous_title == english.previous_title

"""Work shared by every tab that shows the same thing: computed once per change of the session.

The key includes the session's change marker, so a new submission or reveal computes afresh. The
values are shared, not copied (``ui/memo.py``): a hundred tabs opening the comparison at once read one
object, computed once, and its charts as ready JSON (``ui/figures.py``). Everything cached is immutable
(frozen dataclasses, strings, pyarrow tables); pages only read it. The results (milliseconds) and the
charts (a few hundred milliseconds of plotly) are cached apart, so a page can show the headline before the
charts exist. Callers check the viewer's rights *before* asking (these functions read every ranking of the
round).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pyarrow as pa

from trustcore import charts, wording
from trustcore.catalogue import Catalogue
from trustcore.followup import survey
from trustcore.results import RoundResults, round_results

from .figures import Chart, chart
from .memo import shared


@shared()
def results(store, code: str, number: int, marker: tuple, masked: bool = False) -> RoundResults:
    """A round's results (``marker``: ``store.change_marker(code)``); ``masked``: as participants may see
    them (people as "Participant N" where the session hides names, ``trustcore.anonymity``)."""
    return round_results(store.session(code), store.rankings(code, number, masked=masked), number)


@shared()
def comparison_charts(store, code: str, number: int, marker: tuple) -> dict[str, Chart]:
    """The comparison's four charts, as JSON ready to draw (empty when fewer than two parties ranked)."""
    res = results(store, code, number, marker)
    if not res.comparable:
        return {}
    colours = charts.colour_map([p.name for p in store.session(code).parties])
    two = len(res.party_orders) == 2
    words = wording.chart_summaries(res.divergence, res.agreement)
    return {
        "divergence": chart(
            charts.dumbbell(res.divergence, colours) if two else charts.bump(res.divergence, colours),
            words["divergence"],
        ),
        "heatmap": chart(charts.rank_heatmap(res.divergence, colours), words["heatmap"]),
        "agreement": chart(charts.agreement_heatmap(res.agreement), words["agreement"]),
        "spread": chart(charts.spread_bar(res.divergence), words["spread"]),
    }


def warm(store, code: str) -> None:
    """Compute the current round's results now (the facilitator's click on *Reveal*), so the hundred tabs
    that open the comparison a moment later find their headline ready. Not the charts: building them
    takes a few hundred milliseconds of the interpreter, which the room's headlines would wait behind;
    the first page to draw its details (after every headline, ``ui.live.heavy_slot``) builds them."""
    number = store.session(code).current_round
    results(store, code, number, store.change_marker(code))


@dataclass(frozen=True)
class Tables:
    """What the comparison page draws as tables and text, ready to send (pyarrow tables are immutable)."""

    side_by_side: pa.Table
    consensus: pa.Table
    agenda_top: str  # the AGENDA_TOP most divergent pairs, each with its reasons (RoundResults.agenda_text)
    agenda_rest: str  # the others
    within: pa.Table | None  # agreement within each party of several members (None: no such party)


AGENDA_TOP = 10


@shared()
def comparison_tables(store, code: str, number: int, marker: tuple, masked: bool = False) -> Tables:
    """The comparison's tables and agenda text (``masked``: as for ``results``; the agenda names people)."""
    res = results(store, code, number, marker, masked)
    names = store.session(code).catalogue.names
    frame = (
        res.divergence.to_frame()
        .drop(columns=["element_id"])
        .rename(columns={"element": "Element", "mean_rank": "Mean rank", "spread": "Spread", "sd": "SD"})
    )
    frame.columns = [c[len("rank (") : -1] if c.startswith("rank (") else c for c in frame.columns]
    consensus = {"Rank": list(range(1, len(res.borda) + 1)), "Borda": [names[e] for e in res.borda]}
    if res.kemeny:
        consensus["Kemeny"] = [names[e] for e in res.kemeny]
    return Tables(
        side_by_side=pa.Table.from_pandas(frame, preserve_index=False),
        consensus=pa.table(consensus),
        agenda_top=res.agenda_text(0, AGENDA_TOP),
        agenda_rest=res.agenda_text(AGENDA_TOP),
        within=_within(res),
    )


def _within(res: RoundResults) -> pa.Table | None:
    """Kendall's W within each party of several members, in words too (a pyarrow table: st.dataframe sends
    it as it is, where a pandas frame would be converted again on every rerun of every tab)."""
    multi = {name: (pc.members, pc.within_w.w) for name, pc in res.parties.items() if pc.within_w is not None}
    if not multi:
        return None
    return pa.table(
        {
            "Party": list(multi),
            "Members who ranked": [members for members, _ in multi.values()],
            "Kendall's W": [w for _, w in multi.values()],
            "In words": [wording.agreement_label(w, "w") for _, w in multi.values()],
        }
    )


@functools.lru_cache(maxsize=64)
def elements_table(catalogue: Catalogue) -> pa.Table:
    """The ranking page's "What the elements mean" table (a catalogue is immutable, and its object is the
    same for every session with the same elements: ``Catalogue.from_json`` caches it)."""
    return pa.table(
        {
            "Element": [e.name for e in catalogue.elements],
            "What it covers": [e.description for e in catalogue.elements],
        }
    )


@shared(ignore=("token",))
def feedback(store, code: str, marker: tuple, token: str) -> tuple[survey.FeedbackAnswer, ...]:
    """The stakeholders' answers (the same for everyone who may read them: the facilitator and every
    participant; ``survey.feedback`` checks the first caller's token, which is not part of the key)."""
    return tuple(survey.feedback(store, code, token))

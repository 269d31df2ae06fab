"""Work shared by every tab that shows the same thing: computed once per change of the session.

The key includes the session's change marker, so a new submission or reveal computes afresh. The
values are shared, not copied (``ui/memo.py``): a hundred tabs opening the comparison at once read one
object, computed once, and its charts as ready JSON (``ui/figures.py``). Everything cached is immutable
(frozen dataclasses, strings); pages only read it. The results (milliseconds) and the
charts (a few hundred milliseconds of plotly) are cached apart, so a page can show the headline before the
charts exist. Each public function takes the tab's ``View`` and checks its holder's right on every call;
the shared values are keyed by what that holder may see (``View.results_reader``), never by who asked
first.

Language (``docs/i18n.md``): the results are numbers, computed once per round and reader class whatever the
readers' languages (their English headline is never shown to another language: a page words it again with
``RoundResults.headline_in``). What is worded (the charts, their summaries, the tables and the agenda text)
has the reader's language in its key, ``lang``: it is built from those shared results, once per language
that asks for it, and nothing worded in one language is served to another.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from trustcore import anonymity, charts, tables, wording
from trustcore.catalogue import Catalogue
from trustcore.followup import survey
from trustcore.i18n import translator
from trustcore.model import Session
from trustcore.results import RoundResults
from trustcore.rights import Action
from trustcore.view import View

from .figures import Chart, chart
from .memo import shared


def results(view: View, number: int, marker: tuple) -> RoundResults:
    """A round's results as this view's holder may see them (``marker``: ``view.change_marker()``).
    Every caller is checked (``View.results_reader``); the shared value is keyed by what the holder may
    see ("names" or "masked"), so a hundred participants share one computation and nobody gets another
    class's copy."""
    return _results(view, view.session.code, number, marker, view.results_reader(number))


@shared(ignore=("view",))
def _results(view: View, code: str, number: int, marker: tuple, reader: str) -> RoundResults:
    # keyed by ``reader``, the class ``view.results`` computes for (the same for every view of that class)
    return view.results(number, reader)


def _room(session: Session) -> str:
    """The reader class of the room (participants, the presenter screen)."""
    return "names" if anonymity.shows_names(session, facilitator=False) else "masked"


def _names(view: View, lang: str) -> dict[str, str] | None:
    """The element names in ``lang`` (None in English: the names the results were computed with)."""
    return None if lang == "en" else view.session.catalogue.names_in(lang)


def comparison_charts(view: View, number: int, marker: tuple, lang: str = "en") -> dict[str, Chart]:
    """The comparison's four charts in ``lang``, as JSON ready to draw (empty when fewer than two parties
    ranked). They show parties, never people, and are built from the room's results, so every holder shares
    them (one build per language)."""
    view.results_reader(number)
    return _charts(view, view.session.code, number, marker, _room(view.session), lang)


@shared(ignore=("view",))
def _charts(view: View, code: str, number: int, marker: tuple, reader: str, lang: str) -> dict[str, Chart]:
    res = _results(view, code, number, marker, reader)
    if not res.comparable:
        return {}
    t = translator(lang)
    div = res.divergence_in(_names(view, lang))
    colours = charts.colour_map([p.name for p in view.session.parties])
    two = len(res.party_orders) == 2
    words = wording.chart_summaries(div, res.agreement, t)
    return {
        "divergence": chart(
            charts.dumbbell(div, colours, t) if two else charts.bump(div, colours, t),
            words["divergence"],
        ),
        "heatmap": chart(charts.rank_heatmap(div, colours, t), words["heatmap"]),
        "agreement": chart(charts.agreement_heatmap(res.agreement, t=t), words["agreement"]),
        "spread": chart(charts.spread_bar(div, t), words["spread"]),
    }


def warm(view: View) -> None:
    """Compute the current round's results now, as the room will read them (the facilitator's click on
    *Reveal*), so the hundred tabs that open the comparison a moment later find their headline ready.
    Not the charts: building them takes a few hundred milliseconds of the interpreter, which the room's
    headlines would wait behind; the first page to draw its details (after every headline,
    ``ui.live.heavy_slot``) builds them."""
    view.require(Action.RUN_ROUNDS)
    number = view.current_round().number
    _results(view, view.session.code, number, view.change_marker(), _room(view.session))


@dataclass(frozen=True)
class Tables:
    """What the comparison page draws as tables and text, ready to send (each table's HTML rendered once)."""

    side_by_side: tables.Table
    consensus: tables.Table
    agenda_top: str  # the AGENDA_TOP most divergent pairs, each with its reasons (RoundResults.agenda_text)
    agenda_rest: str  # the others
    within: tables.Table | None  # agreement within each party of several members (None: no such party)


AGENDA_TOP = 10


def comparison_tables(view: View, number: int, marker: tuple, lang: str = "en") -> Tables:
    """The comparison's tables and agenda text in ``lang``, as this view's holder may see them (the agenda
    names people; keyed like ``results``, and by language)."""
    return _tables(view, view.session.code, number, marker, view.results_reader(number), lang)


@shared(ignore=("view",))
def _tables(view: View, code: str, number: int, marker: tuple, reader: str, lang: str) -> Tables:
    res = _results(view, code, number, marker, reader)
    t = translator(lang)
    names = _names(view, lang)
    return Tables(
        side_by_side=tables.side_by_side(res, t, names),
        consensus=tables.consensus(res, names or view.session.catalogue.names, t),
        agenda_top=res.agenda_text(0, AGENDA_TOP, t, names),
        agenda_rest=res.agenda_text(AGENDA_TOP, None, t, names),
        within=tables.within(res, t),
    )


@functools.lru_cache(maxsize=64)
def elements_table(catalogue: Catalogue, lang: str = "en") -> tables.Table:
    """The ranking page's "What the elements mean" table in ``lang`` (a catalogue is immutable, and its
    object is the same for every session with the same elements: ``Catalogue.from_json`` caches it)."""
    return tables.elements(catalogue, translator(lang))


def feedback(view: View, marker: tuple) -> tuple[survey.FeedbackAnswer, ...]:
    """The stakeholders' answers. Every caller is checked (``READ_FEEDBACK``); everyone who may read them
    (the facilitator and every participant) reads the same answers, shared per change of the session."""
    view.require(Action.READ_FEEDBACK)
    return _feedback(view, view.session.code, marker)


@shared(ignore=("view",))
def _feedback(view: View, code: str, marker: tuple) -> tuple[survey.FeedbackAnswer, ...]:
    return tuple(survey.feedback(view))

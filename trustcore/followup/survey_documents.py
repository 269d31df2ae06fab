"""What the stakeholder survey shows (the guidebook's Activity 6): tidied-up, non-sensitive versions of the
organisation's documentation, beside the questions about them.

A survey shows a small list of documents (``Shown``); today its one kind is the relationship worksheet
(``WORKSHEET``), of which the stakeholder sees, under each element, the steps (Column B) and the evidence
(Column C) that ``audience.stakeholder()`` lets out (never an entry marked internal). By default a survey
shows both columns; the facilitator may leave one or both out (``choose``, stored on the session as JSON).
A session linked to an organisation workspace (``workspace.linked``) may also show the organisation's internal
worksheet (Activity 2, ``INTERNAL``; ``trustcore.internal_worksheet``), beside the relationship worksheet: the
facilitator chooses it and its columns (``choose(..., kind=INTERNAL)``); the stakeholder sees only the fields
marked shareable, each under the name of the session's party that is the organisation. The organisation's data
ecosystem map (``MAP``, Activity 4), which the facilitator may add for a session linked to an organisation
workspace (``choose_map``), shows its shareable version only (``ecosystem.EcosystemMap.shareable``), as a
diagram. Each kind has its own builder (``_document``).

The facilitator's preview is ``shared`` built with the facilitator's link for the same audience: what the
survey link's holder sees, exactly. Each answer records the versions of the entries its page showed
(``Element.version``), so a change of wording after the answer stays visible.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2
from babel import lists
from markupsafe import Markup

from .. import audience as audience_mod
from .. import db as dbmod
from .. import ecosystem, ecosystem_svg, events, internal_worksheet
from .. import workspace as workspace_mod
from ..clock import now
from ..errors import InvalidInput, NotAllowedNow, NotFound, Phrase
from ..i18n import ENGLISH, N_, Translator
from ..model import Session
from ..rights import Action
from ..store import UNKNOWN_CODE
from ..templating import in_html
from ..view import View
from .common import _element_label, _one
from .worksheet_entries import _entry

WORKSHEET = "worksheet"  # the relationship worksheet's Columns B and C
INTERNAL = "internal-worksheet"  # the organisation's internal worksheet's shareable Columns B and C (Activity 2)
MAP = "ecosystem_map"  # the linked workspace's data ecosystem map (Activity 4), its shareable version
KINDS = {  # the kinds of document a survey may show, with their titles (translated where shown)
    WORKSHEET: N_("Relationship worksheet"),
    INTERNAL: N_("Organisation-wide worksheet"),
    MAP: N_("Data ecosystem map"),
}
MAP_NOT_LINKED = N_(
    "This session is not linked to an organisation workspace, so it has no ecosystem map to show: link it on "
    "the console (Organisation workspace) first."
)
NOT_LINKED = N_(
    "Link this session to its organisation workspace first (Organisation workspace, on the console): the survey "
    "can show that workspace's internal worksheet only then."
)
# the worksheet's columns, as headed (translated where shown)
COLUMNS = {"B": N_("Steps we take"), "C": N_("How we show it (our evidence)")}
VERSION_MAX = 20_000  # the longest version record an answer may carry (characters)


@dataclass(frozen=True)
class Shown:
    """One document shown with the survey: its kind (KINDS) and the columns of it shown (in COLUMNS order)."""

    kind: str
    columns: tuple[str, ...]


DEFAULT = (Shown(WORKSHEET, tuple(COLUMNS)),)


@dataclass(frozen=True)
class Entry:
    """One shareable entry as the stakeholder sees it: a party's text in one column, and its version."""

    party: str
    column: str  # "B" or "C"
    text: str
    version: int


@dataclass(frozen=True)
class Element:
    """One element of a shared document: its name, its description and the entries shown under it."""

    element_id: str
    name: str
    description: str
    entries: tuple[Entry, ...]  # party order, then column

    def column(self, column: str) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.column == column)


@dataclass(frozen=True)
class Document:
    """A document as the stakeholder sees it (the relationship worksheet, with the columns chosen)."""

    kind: str
    title: str
    columns: tuple[str, ...]
    elements: tuple[Element, ...]  # the session's elements, in catalogue order (the survey's order)
    figure: Markup | None = None  # a diagram (MAP: the shareable map as SVG, from its own autoescaped template)
    summary: str = ""  # the figure in words (its alternative text)

    def element(self, element_id: str) -> Element | None:
        return next((e for e in self.elements if e.element_id == element_id), None)


# ------------------------------------------------------------------------------------------- the choice


def _parse_choice(text: str | None) -> tuple[Shown, ...]:
    if text is None:
        return DEFAULT
    return tuple(Shown(d["kind"], tuple(d["columns"])) for d in json.loads(text) if d.get("kind") in KINDS)


def chosen(view: View) -> tuple[Shown, ...]:
    """The documents this session's survey shows, and their columns (the default: ``DEFAULT``)."""
    store = view.store
    session = store.require(view.session.code, view.token, Action.SEE_SURVEY_DOCUMENTS).session
    with dbmod.connection(store.path) as db:
        return _choice(db, session)


def _choice(db, session: Session) -> tuple[Shown, ...]:
    row = _one(db, "SELECT survey_documents FROM sessions WHERE id = ?", [session.id])
    if row is None:
        raise NotFound(UNKNOWN_CODE)
    return _parse_choice(row["survey_documents"])


def choose(view: View, columns: Iterable[str], *, kind: str = WORKSHEET) -> tuple[Shown, ...]:
    """Show the ``columns`` ("B" steps, "C" evidence) of the document ``kind`` with the survey (facilitator
    only), keeping what is chosen of the other kinds. The relationship worksheet with no column shows only the
    element names; the internal worksheet (``INTERNAL``, only for a session linked to a workspace) with no
    column is not shown. Returns the new choice."""
    if kind not in KINDS:
        raise InvalidInput(N_("Choose one of the documents the survey can show."))
    wanted = {str(c).strip().upper() for c in columns}
    unknown = sorted(wanted - set(COLUMNS))
    if unknown:
        raise InvalidInput(N_("The survey can show the worksheet's Column B (steps) and Column C (evidence) only."))
    this = Shown(kind, tuple(c for c in COLUMNS if c in wanted))
    with view.write(Action.CHOOSE_SURVEY_DOCUMENTS) as (db, s):
        if kind == INTERNAL and this.columns and workspace_mod.linked(view.store.path, db, s) is None:
            raise NotAllowedNow(NOT_LINKED)
        kept = [d for d in _choice(db, s) if d.kind != kind]
        choice = tuple(sorted([*kept, this] if this.columns or kind == WORKSHEET else kept, key=_in_kind_order))
        stored = json.dumps([{"kind": d.kind, "columns": list(d.columns)} for d in choice])
        db.execute("UPDATE sessions SET survey_documents = ?, updated_at = ? WHERE id = ?", [stored, now(), s.id])
        events.log(db, s.id, view.actor.label, "survey_documents_chosen", {kind: "".join(this.columns)})
    return choice


def _in_kind_order(shown: Shown) -> int:
    return list(KINDS).index(shown.kind)


def choose_map(view: View, shown: bool) -> tuple[Shown, ...]:
    """Show (or stop showing) the linked workspace's shareable ecosystem map with the survey (facilitator only;
    the session must be linked to a workspace). Returns the new choice."""
    with view.write(Action.CHOOSE_SURVEY_DOCUMENTS) as (db, s):
        if shown and ecosystem.linked_map(view.store.path, db, s.code) is None:
            raise InvalidInput(MAP_NOT_LINKED)
        kept = [d for d in _choice(db, s) if d.kind != MAP]
        choice = tuple(sorted([*kept, Shown(MAP, ())] if shown else kept, key=_in_kind_order))
        stored = json.dumps([{"kind": d.kind, "columns": list(d.columns)} for d in choice])
        db.execute("UPDATE sessions SET survey_documents = ?, updated_at = ? WHERE id = ?", [stored, now(), s.id])
        events.log(db, s.id, view.actor.label, "survey_documents_chosen", {MAP: bool(shown)})
    return choice


# ------------------------------------------------------------------------------------------- what is shown


def _map(path, db, session: Session, t: Translator = ENGLISH) -> Document | None:
    """The linked workspace's shareable map (none when the session is no longer linked to a workspace)."""
    found = ecosystem.linked_map(path, db, session.code)
    if found is None:
        return None
    return Document(MAP, KINDS[MAP], (), (), ecosystem_svg.svg(found, t=t), ecosystem_svg.summary(found, t=t))


def _worksheet(db, session: Session, columns: tuple[str, ...]) -> Document:
    stakeholder = audience_mod.stakeholder()
    position = {p.id: p.position for p in session.parties}
    rows = db.query("SELECT * FROM worksheet WHERE session_id = ?", [session.id])
    entries = [_entry(r, session) for r in rows]
    shown = sorted(
        (e for e in entries if e.column in columns and e.text.strip() and stakeholder.shows_entry(e)),
        key=lambda e: (position[e.party_id], e.column),
    )
    return Document(
        WORKSHEET,
        KINDS[WORKSHEET],
        columns,
        tuple(
            Element(
                element.id,
                element.name,
                element.description,
                tuple(Entry(e.party, e.column, e.text, e.version) for e in shown if e.element_id == element.id),
            )
            for element in session.catalogue.elements
        ),
    )


def _internal_worksheet(path, db, session: Session, columns: tuple[str, ...]) -> Document | None:
    """The organisation's internal worksheet (Activity 2) of the workspace ``session`` is linked to, as
    ``audience.stakeholder()`` may see it: only its fields marked shareable, each under the name of the
    session's party that is the organisation. None when the session is linked to no workspace (any more)."""
    link = workspace_mod.linked(path, db, session)
    if link is None:
        return None
    organisation = session.party(link.party_id).name
    shown = [e for e in internal_worksheet.entries(db, link.workspace_id, shareable=True) if e.column in columns]
    return Document(
        INTERNAL,
        KINDS[INTERNAL],
        columns,
        tuple(
            Element(
                element.id,
                element.name,
                element.description,
                tuple(
                    Entry(organisation, e.column, e.text, e.version)
                    for e in sorted(shown, key=lambda e: e.column)
                    if e.element_id == element.id
                ),
            )
            for element in session.catalogue.elements
        ),
    )


def _document(path, db, session: Session, shown: Shown, t: Translator = ENGLISH) -> Document | None:
    """One chosen document, built by its kind's builder (a figure worded in ``t``'s language)."""
    if shown.kind == INTERNAL:
        return _internal_worksheet(path, db, session, shown.columns)
    if shown.kind == MAP:
        return _map(path, db, session, t)
    return _worksheet(db, session, shown.columns)


def shared(view: View, t: Translator = ENGLISH) -> tuple[Document, ...]:
    """What the survey link's holder sees with the survey: each document chosen, as ``audience.stakeholder()``
    may see it, its figures in ``t``'s language. The facilitator gets the same (their preview), never their own
    fuller copy."""
    store = view.store
    session = store.require(view.session.code, view.token, Action.SEE_SURVEY_DOCUMENTS).session
    with dbmod.connection(store.path) as db:
        built = [_document(store.path, db, session, d, t) for d in _choice(db, session)]
    return tuple(d for d in built if d is not None)


def version(documents: Iterable[Document], element_id: str | None) -> str:
    """The versions of what ``documents`` show for ``element_id`` (None: the overall question, which follows
    every element), as the JSON an answer records: [{"kind", "columns", "entries": [[element, party, column,
    version], ...]}]."""
    return json.dumps(
        [
            {
                "kind": d.kind,
                "columns": list(d.columns),
                "entries": [
                    [el.element_id, e.party, e.column, e.version]
                    for el in d.elements
                    if element_id is None or el.element_id == element_id
                    for e in el.entries
                ],
            }
            for d in documents
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def check_version(session: Session, text: object, *, field: str) -> str:
    """A version record a page passes with an answer (``version``), checked for shape; InvalidInput if not."""
    problem = InvalidInput(
        N_("{field}: the record of what the survey showed is not readable. Reload the page."), field=Phrase(field)
    )
    if not isinstance(text, str) or len(text) > VERSION_MAX:
        raise problem
    try:
        parsed = json.loads(text)
    except ValueError:
        raise problem from None
    parties = {p.name for p in session.parties}
    ok = isinstance(parsed, list) and all(
        isinstance(d, dict)
        and set(d) == {"kind", "columns", "entries"}
        and d["kind"] in KINDS
        and isinstance(d["columns"], list)
        and set(d["columns"]) <= set(COLUMNS)
        and isinstance(d["entries"], list)
        and all(
            isinstance(e, list)
            and len(e) == 4
            and e[0] in session.catalogue.ids
            and e[1] in parties
            and e[2] in d["columns"]
            and type(e[3]) is int
            and e[3] > 0
            for e in d["entries"]
        )
        for d in parsed
    )
    if not ok:
        raise problem
    return text


def recorded(
    view: View, session: Session, element_ids: Iterable[str | None], shown: Mapping | None
) -> dict[str | None, str]:
    """What each answer records as shown beside it: the page's ``shown`` (element id or None -> its
    ``version``), checked; without it (a caller that drew no page), what the survey shows now."""
    element_ids = list(element_ids)
    if not shown:
        docs = shared(view)
        return {eid: version(docs, eid) for eid in element_ids}
    if not isinstance(shown, Mapping):
        raise InvalidInput(N_("The record of what the survey showed must be given per element. Reload the page."))
    return {eid: check_version(session, shown.get(eid), field=_element_label(session, eid)) for eid in element_ids}


# ------------------------------------------------------------------------------------------- the download

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent.parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def html(view: View, t: Translator = ENGLISH) -> str:
    """The documents shown with the survey as one shareable, print-ready HTML page
    (``templates/survey_worksheet.html.j2``), in ``t``'s language: what the survey link's holder sees, and
    nothing else (no session code, no names of people, no entry marked internal)."""
    documents = shared(view, t)
    session = view.session
    relationship = lists.format_list([o for o in (session.our_org, session.partner_org) if o], locale=t.locale)
    titles = [dataclasses.replace(d, title=t.gettext(d.title)) for d in documents]  # KINDS' titles
    return _TEMPLATES.get_template("survey_worksheet.html.j2").render(
        **in_html(t),
        lang=t.locale,
        heading=t.gettext(KINDS[WORKSHEET]) if len(documents) < 2 else t.gettext("Worksheets shared with the survey"),
        title=session.title,
        relationship=relationship,
        date=t.date(dt.date.fromisoformat(now()[:10])),
        intro=intro(session, documents, t),
        documents=titles,
        column_titles={column: t.gettext(title) for column, title in COLUMNS.items()},
    )


def intro(session: Session, documents: Iterable[Document], t: Translator = ENGLISH) -> str:
    """One sentence saying what the shared documents show (the survey page, the preview and the download), in
    ``t``'s language: what is shared is a list of whole phrases, joined as the locale joins a list."""
    us = session.our_org or t.gettext("the organisation")
    documents = list(documents)
    steps, evidence = t.gettext("the steps they take"), t.gettext("how they show it (their evidence)")
    said = {"B": steps, "C": evidence}
    across = {
        "B": t.gettext("from its organisation-wide worksheet, the steps they take"),
        "C": t.gettext("from its organisation-wide worksheet, how they show it (their evidence)"),
    }
    items = [said[c] for d in documents if d.kind == WORKSHEET for c in d.columns]
    items += [across[c] for d in documents if d.kind == INTERNAL for c in d.columns]
    if any(d.kind == MAP for d in documents):
        items.append(t.gettext("a map of the data ecosystem it is part of"))
    if not items:
        return t.gettext("The elements of trustworthy data stewardship on which {us} asks for your view.", us=us)
    return t.gettext(
        "For each element of trustworthy data stewardship, what {us} chose to share with you: {shared}. "
        "Notes marked internal are left out.",
        us=us,
        shared=lists.format_list(items, locale=t.locale),
    )

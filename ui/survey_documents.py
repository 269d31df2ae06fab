"""What the stakeholder survey shows beside its questions (``trustcore.followup.survey_documents``), drawn
by ONE set of functions for the survey page and for the facilitator's preview on the console, so the
preview is what the stakeholder sees. Typed text is shown as text (``st.text``), never as markdown.
Each function takes the reader's translator ``t`` (by default this tab's reader's, ``ui.i18n.translator``):
element names and descriptions in the reader's language (the catalogue's own where not translated)."""

from __future__ import annotations

import streamlit as st

from trustcore import workspace
from trustcore.catalogue import Element
from trustcore.followup import survey_documents
from trustcore.followup.survey_documents import Document
from trustcore.i18n import N_, Translator
from trustcore.model import Session
from trustcore.text import markdown_escape as esc
from trustcore.view import View

from .i18n import translator


def intro(session: Session, documents: tuple[Document, ...], t: Translator | None = None) -> None:
    """The sentence saying what the shared documents hold, and the documents drawn as a figure (the ecosystem map)."""
    # the sentence and the documents' titles are worded by trustcore.followup.survey_documents (its own language)
    st.caption(esc(survey_documents.intro(session, documents)))
    for document in documents:
        if document.figure is not None:
            st.markdown(f"**{esc(document.title)}**")
            st.image(str(document.figure), width="stretch", alt=document.summary)


def element_heading(element: Element, t: Translator | None = None) -> None:
    """The element's name and description in the reader's language."""
    lang = (t or translator()).locale
    st.markdown(f"**{esc(element.name_in(lang))}**")
    description = element.description_in(lang)
    if description:
        st.caption(esc(description))


def element_documents(documents: tuple[Document, ...], element_id: str, t: Translator | None = None) -> None:
    """Under one element: each shown column of each document, each party's shareable text."""
    t = t or translator()
    for document in documents:
        shared = document.element(element_id)
        if shared is None:
            continue
        if len(documents) > 1:  # which document each column comes from (the relationship's or the organisation's)
            st.markdown(f"**{esc(document.title)}**")
        for column in document.columns:
            st.markdown(f"*{esc(t.gettext(survey_documents.COLUMNS[column]))}*")
            entries = shared.column(column)
            if not entries:
                st.caption(t.gettext("Nothing written yet."))
            for entry in entries:
                st.text(f"{entry.party}: {entry.text}")


def preview(session: Session, documents: tuple[Document, ...], t: Translator | None = None) -> None:
    """The survey's elements with what it shows under each, as the survey page draws them (no questions)."""
    t = t or translator()
    intro(session, documents, t)
    for element in session.catalogue.elements:
        with st.container(border=True):
            element_heading(element, t)
            element_documents(documents, element.id, t)


INTERNAL_COLUMNS = {
    "B": N_("Show the organisation's steps (internal worksheet, Column B)"),
    "C": N_("Show the organisation's evidence (internal worksheet, Column C)"),
}


def internal_chooser(view: View, t: Translator | None = None) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """For a session linked to an organisation workspace, the checkboxes that show its internal worksheet's
    shareable columns with the survey: (the columns chosen now, the columns ticked); None when the session is
    linked to no workspace, so there is nothing to choose. The caller stores a change with
    ``survey_documents.choose(..., kind=INTERNAL)``."""
    linked = workspace.linked_ranking(view)
    if linked is None:
        return None
    current = next((d.columns for d in survey_documents.chosen(view) if d.kind == survey_documents.INTERNAL), ())
    stored = "".join(current) or "none"
    t = t or translator()
    st.caption(
        esc(
            t.gettext(
                "This session is linked to the organisation workspace “{workspace}”: the survey can also show its "
                "internal worksheet (Activity 2), only the fields marked shareable there.",
                workspace=linked.workspace,
            )
        )
    )
    ticked = tuple(
        column
        for column, label in INTERNAL_COLUMNS.items()
        if st.checkbox(t.gettext(label), value=column in current, key=f"survey_show_internal:{column}:{stored}")
    )
    return current, ticked

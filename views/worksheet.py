"""The trustworthiness mapping worksheet: A the agreed order, B and C each party's steps and evidence
(editable by that party and the facilitator; each field can be marked internal), D stakeholder feedback,
E next steps. The shareable view leaves internal fields out."""

import streamlit as st

from trustcore import wording
from trustcore import worksheet as worksheet_mod
from trustcore.errors import EditConflict, TrustcoreError
from trustcore.followup import agreed_order, worksheet_entries
from trustcore.model import Role
from trustcore.text import markdown_escape as esc
from ui import editing, ranking
from ui.common import plain, problem, session_header
from ui.context import page_context
from ui.flash import flash
from ui.flash import show as show_flash
from ui.i18n import translator
from ui.live import changes_notice

ctx = page_context(Role.PARTICIPANT, Role.FACILITATOR)
session = ctx.session
t = translator(ctx)
names = session.catalogue.names_in(t.locale)
descriptions = session.catalogue.descriptions_in(t.locale)
mine = None if ctx.facilitator else ctx.participant.party_id


def column_label(col: str) -> str:
    """Column B or C, worded in the reader's language."""
    return t.gettext(worksheet_entries.COLUMNS[col])


session_header(session, subtitle=t.gettext("Worksheet"), t=t)
changes_notice(ctx, "worksheet", forget="ws")
left, right = st.columns(2)
left.markdown(t.gettext("**Our organisation:** {name}", name=esc(session.our_org or "—")))
right.markdown(t.gettext("**Partner:** {name}", name=esc(session.partner_org or "—")))

shareable = st.toggle(
    t.gettext("Shareable version"),
    key="ws_shareable",
    help=t.gettext(
        "The tidied-up, non-sensitive copy for stakeholders: fields marked internal and survey "
        "respondents' names are left out, Column A follows only revealed rounds, and nothing can be edited."
    ),
)
sheet = worksheet_mod.build(ctx.view, shareable=shareable, t=t)
st.caption(
    t.gettext(
        "Column A: the elements in the agreed order ({source}). "
        "Column D is this app's reading of the guidebook: the stakeholder survey's answers.",
        source=esc(sheet.order_source),
    )
)

if ctx.facilitator and not shareable:
    with st.expander(t.gettext("Fix the order of Column A"), icon=":material/low_priority:"):
        st.write(t.gettext("By default Column A follows the consensus of the latest round. You can fix another order."))
        fixed = ranking.ranking_input("agreed", session.catalogue, [r.element_id for r in sheet.rows], t=t)
        c1, c2 = st.columns(2)
        if c1.button(t.gettext("Use this order"), type="primary", icon=":material/push_pin:"):
            agreed_order.set_agreed_order(ctx.view, fixed)
            st.rerun()
        if c2.button(t.gettext("Follow the consensus again"), icon=":material/undo:"):
            agreed_order.set_agreed_order(ctx.view, None)
            ranking.reset("agreed", [])
            st.rerun()


def entry_form(row, party) -> None:
    """Columns B and C of one party for one element, as a form with conflict detection."""
    key = f"ws:{row.element_id}:{party.id}"
    conflict = st.session_state.get(f"{key}:conflict")
    if conflict:
        column, yours, theirs, refusal = conflict
        message = refusal.translated(t) if isinstance(refusal, TrustcoreError) else str(refusal)
        st.warning(plain(message), icon=":material/sync_problem:")
        st.markdown(t.gettext("**Your text (not saved)**"))
        st.text(yours)
        st.markdown(t.gettext("**Saved by someone else**"))
        st.text(theirs.text if theirs else "")
        if st.button(t.gettext("Keep theirs"), key=f"{key}:keep"):
            editing.forget(key)
            st.rerun()
        return
    entries = {col: row.entries.get((party.id, col)) for col in "BC"}
    bases = {col: editing.base_version(f"{key}:{col}", entries[col].version if entries[col] else None) for col in "BC"}
    drawn = {  # what each field held when this user started editing (forgotten with the form, like its base)
        col: st.session_state.setdefault(f"{key}:{col}:drawn", (e.text, e.internal) if e else ("", False))
        for col, e in entries.items()
    }
    with st.form(f"form:{key}", border=False):
        values = {}
        for col in worksheet_entries.COLUMNS:
            entry = entries[col]
            values[col] = (
                st.text_area(
                    column_label(col),
                    value=entry.text if entry else "",
                    key=f"{key}:{col}:text",
                    height=90,
                    max_chars=2000,
                ),
                st.checkbox(
                    t.gettext("Internal (left out of the shareable version)"),
                    key=f"{key}:{col}:internal",
                    value=entry.internal if entry else False,
                ),
            )
        saved = st.form_submit_button(t.gettext("Save"), icon=":material/save:")
    if saved:
        for col, (text, internal) in values.items():
            if (text.strip(), internal) == drawn[col]:
                continue  # left as it was: someone else's save of this field meanwhile is no conflict of ours
            try:
                worksheet_entries.set_worksheet_entry(
                    ctx.view,
                    row.element_id,
                    party.id,
                    col,
                    text,
                    internal=internal,
                    expected_version=bases[col],
                )
            except EditConflict as exc:
                st.session_state[f"{key}:conflict"] = (col, text, exc.current, exc)  # worded when shown
                st.rerun()
            except TrustcoreError as exc:
                problem(exc, t)
                return
        editing.forget(key)
        flash(t.gettext("Saved the entries of {party} for {element}.", party=party.name, element=names[row.element_id]))
        st.rerun()


def show_entries(row, party) -> None:
    for col in worksheet_entries.COLUMNS:
        entry = row.entries.get((party.id, col))
        label = column_label(col)
        st.markdown(t.gettext("*{column}* · internal", column=label) if entry and entry.internal else f"*{label}*")
        st.text(entry.text if entry and entry.text else "—")


for row in sheet.rows:
    element = names.get(row.element_id, row.element)
    with st.expander(esc(f"A{row.position}. {element}"), expanded=row.position <= 3):
        if row.description:
            st.caption(esc(descriptions.get(row.element_id, row.description)))
        cols = st.columns(len(session.parties))
        for party, col in zip(session.parties, cols, strict=True):
            with col:
                st.markdown(f"**{esc(party.name)}**")
                if not shareable and (ctx.facilitator or party.id == mine):
                    entry_form(row, party)
                else:
                    show_entries(row, party)
        d, e = st.columns(2)
        d.markdown(t.gettext("**D · Stakeholder feedback**"))
        d.text(row.feedback.text_in(t))
        for respondent, comment in row.feedback.comments:
            d.text(f"“{comment}” ({respondent})" if sheet.audience.other_names else f"“{comment}”")
        e.markdown(t.gettext("**E · Next steps**"))
        if row.steps:
            for s in row.steps:
                owner = " / ".join(x for x in (s.owner_party or "", s.owner_person) if x) or t.gettext("no owner yet")
                status = wording.status_words(s.status, t)
                e.text(
                    t.gettext(
                        "• {action} ({owner}; due {due}; {status})",
                        action=s.action,
                        owner=owner,
                        due=s.due or "—",
                        status=status,
                    )
                )
        else:
            e.text(t.gettext("None yet."))

if sheet.overall.answers:
    st.markdown(t.gettext("**Overall trust (stakeholder survey)**"))
    st.text(sheet.overall.text_in(t))

show_flash()

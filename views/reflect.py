"""Reflect: each party's organisation-wide ranking (Activity 1) against its ranking for this
relationship, and the guidebook's reflection questions."""

import datetime as dt

import streamlit as st

from trustcore import charts, uploads, wording
from trustcore import tables as table_of
from trustcore import workspace as ws
from trustcore.errors import NotAllowedNow, TrustcoreError
from trustcore.followup import baselines, reflections
from trustcore.model import Role
from trustcore.text import markdown_escape as esc
from ui import editing, figures, ranking
from ui.common import plain, problem, session_header
from ui.context import page_context
from ui.flash import show as show_flash
from ui.i18n import translator
from ui.live import changes_notice
from ui.tables import show as show_table

ctx = page_context(Role.PARTICIPANT, Role.FACILITATOR)
session = ctx.session
t = translator(ctx)
names = session.catalogue.names_in(t.locale)
my_parties = [p for p in session.parties if ctx.facilitator or p.id == ctx.participant.party_id]

session_header(session, subtitle=t.gettext("Reflect"), t=t)
changes_notice(ctx, "reflect", forget="refl")
show_flash()

st.subheader(t.gettext("Organisation-wide ranking"), anchor=False)
st.write(
    t.gettext(
        "Activity 1 of the guidebook ranks the elements for the organisation as a whole. Enter each party's "
        "organisation-wide ranking to see how its ranking for this relationship differs."
    )
)
stored = baselines.baseline_records(ctx.view)
saved = {name: b.order for name, b in stored.items()}
party = my_parties[0]
if len(my_parties) > 1:
    party = st.selectbox(t.gettext("Party"), my_parties, format_func=lambda p: p.name)
current = stored.get(party.name)
key = f"baseline:{party.id}"
edit = f"baseline-edit:{party.id}"  # the version this tab started from, and a refused save (ui.editing)
done = t.gettext("Saved the organisation-wide ranking of {party}.", party=party.name)


def day(stamp: str) -> str:
    """The day of a stored time (ISO 8601), as the reader's locale writes it."""
    try:
        return t.date(dt.date.fromisoformat(stamp[:10]))
    except ValueError:
        return stamp[:10]


def save_baseline(order, base, *, then_show: bool = False) -> None:
    """Save ``order`` as the party's organisation-wide ranking, from version ``base`` (the one this tab
    showed); ``then_show``: start the ranking input from it once saved (a pasted or uploaded list)."""

    def call():
        baselines.set_baseline(ctx.view, party.id, order, expected_version=base)
        if then_show:
            ranking.reset(key, list(order))

    editing.save(edit, call, typed=list(order), done=done, t=t)


# a session linked to an organisation workspace reads the organisation's ranking from there (the console links it)
link = ws.linked_ranking(ctx.view)
from_workspace = link.ranking if link and link.fits and link.party_id == party.id else None

conflict = editing.conflict(edit, t)
if link is not None and from_workspace is not None:
    st.info(
        plain(
            t.gettext(
                "The organisation-wide ranking of {party} comes from the organisation workspace “{workspace}” "
                "(version {version}, {date}): it is changed there, not here.",
                party=party.name,
                workspace=link.workspace,
                version=from_workspace.version,
                date=day(from_workspace.entered_at),
            )
        ),
        icon=":material/domain:",
    )
    st.text("\n".join(f"{i}. {names[e]}" for i, e in enumerate(from_workspace.order, 1)))
elif conflict:
    yours, theirs, message = conflict
    st.warning(plain(message), icon=":material/sync_problem:")
    mine_col, theirs_col = st.columns(2)
    with mine_col:
        st.markdown(t.gettext("**Your order** (not saved)"))
        st.text("\n".join(f"{i}. {names[e]}" for i, e in enumerate(yours, 1)))
    with theirs_col:
        st.markdown(t.gettext("**Saved by someone else**"))
        st.text("\n".join(f"{i}. {names[e]}" for i, e in enumerate(theirs.order if theirs else (), 1)))
    keep, mine = st.columns(2)
    if keep.button(t.gettext("Keep theirs"), key=f"{edit}:keep", icon=":material/check:"):
        editing.forget(edit)
        if theirs:
            ranking.reset(key, list(theirs.order))
        st.rerun()
    if mine.button(t.gettext("Save mine instead"), key=f"{edit}:mine", icon=":material/save:"):
        save_baseline(yours, theirs.version if theirs else None)
else:
    base = editing.base_version(edit, current.version if current else None)
    tab_rank, tab_paste = st.tabs([t.gettext("Rank here"), t.gettext("Paste or upload")])
    with tab_rank:
        order = ranking.ranking_input(
            key, session.catalogue, list(current.order if current else session.catalogue.ids), t=t
        )
        if st.button(
            t.gettext("Save organisation-wide ranking"), key=f"{key}:save", type="primary", icon=":material/save:"
        ):
            save_baseline(order, base)
    with tab_paste:
        st.caption(
            t.gettext(
                "A CSV with columns element (or element_id) and rank, or one element per line, most important first."
            )
        )
        pasted = st.text_area(
            t.gettext("Paste here"), key=f"paste:{party.id}", height=140, max_chars=uploads.BASELINE_MAX_CHARS
        )
        upload = st.file_uploader(t.gettext("or upload a CSV"), type=["csv", "txt"], key=f"upload:{party.id}")
        if st.button(t.gettext("Use this list"), key=f"usepaste:{party.id}", icon=":material/upload:"):
            try:
                data = upload.getvalue() if upload is not None else pasted
                parsed = uploads.parse_baseline_csv(data, session.catalogue)
            except TrustcoreError as exc:
                problem(exc, t)
            else:
                save_baseline(parsed, base, then_show=True)

visible = [r.number for r in session.rounds if session.results_visible(r.number, facilitator=ctx.facilitator)]
if visible and saved:
    try:
        compared = baselines.baseline_comparison(ctx.view, visible[-1])
    except NotAllowedNow:
        compared = {}
    if compared:
        caption = t.gettext("Organisation-wide against this relationship (round {round})", round=visible[-1])
        st.subheader(caption, anchor=False)
        show_table(table_of.baseline_comparison(visible[-1], compared, names, t))
        before, after = t.gettext("organisation"), t.gettext("relationship")
        colours = charts.colour_map([p.name for p in session.parties])
        org = {p: c["org_order"] for p, c in compared.items()}
        relationship = {p: c["relationship_order"] for p, c in compared.items()}
        figures.show(
            figures.chart(
                charts.movement_chart(org, relationship, names, colours, before=before, after=after, max_columns=2),
                wording.movement_summary(org, relationship, names, before_label=before, after_label=after, t=t),
            ),
            key="chart:movement",
        )

st.subheader(t.gettext("Reflection"), anchor=False)
answers = reflections.reflections(ctx.view)
for qkey, english in reflections.REFLECTION_QUESTIONS.items():
    question = t.gettext(english)
    current = answers.get(qkey)
    conflict = editing.conflict(f"refl:{qkey}", t)
    if conflict:
        yours, theirs, message = conflict
        st.warning(plain(message), icon=":material/sync_problem:")
        st.markdown(t.gettext("**{question}**: your text (not saved)", question=esc(question)))
        st.text(yours)
        st.markdown(t.gettext("Saved by someone else:"))
        st.text(theirs.answer if theirs else "")
        if st.button(t.gettext("Keep theirs"), key=f"refl:{qkey}:keep"):
            editing.forget(f"refl:{qkey}")
            st.rerun()
        continue
    base = editing.base_version(f"refl:{qkey}", current.version if current else None)
    with st.form(f"form:refl:{qkey}", border=False):
        text = st.text_area(
            esc(question), value=current.answer if current else "", key=f"refl:{qkey}:text", height=90, max_chars=2000
        )
        if st.form_submit_button(t.gettext("Save"), icon=":material/save:"):
            editing.save(
                f"refl:{qkey}",
                lambda qkey=qkey, text=text, base=base: reflections.set_reflection(
                    ctx.view, qkey, text, expected_version=base
                ),
                typed=text,
                t=t,
            )

"""Facilitator console: share the session, watch who has submitted, lock, reveal, run rounds, delete.

Drawn in the reader's language (``ui/i18n.py``): every string is marked (``t.gettext``), options are stable
codes with ``format_func`` and widgets keep stable keys, so switching language keeps what was typed."""

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from trustcore import anonymity, db, joining, links, owners, presenter, round_timer, wording
from trustcore import catalogue as catalogue_mod
from trustcore import people as people_mod
from trustcore import workspace as ws
from trustcore.errors import InvalidInput, NotFound, RoundChanged, TrustcoreError
from trustcore.followup import lineage, survey, survey_documents
from trustcore.i18n import N_
from trustcore.model import Role, RoundStatus
from trustcore.qr import alt_text, qr_png
from trustcore.text import markdown_escape as esc
from trustcore.tokens import display_code
from ui import cached, outage, signin
from ui.common import link_box, problem, session_header
from ui.context import base_url, page_context, set_params
from ui.downloads import download_section
from ui.flash import WARNING, flash
from ui.flash import show as show_flash
from ui.i18n import translator
from ui.live import POLL_SECONDS, changed, heal, nudge, shown
from ui.secret_links import SecretLink, secret_link_controls
from ui.survey_documents import internal_chooser as survey_internal_chooser
from ui.survey_documents import preview as survey_preview
from ui.timer import show_timer
from ui.workspace_link import console_section as workspace_section

ctx = page_context(Role.FACILITATOR)
store, session = ctx.store, ctx.session
token = ctx.params.get("admin")  # None: the signed-in owner's console (``&owner=me``), opened without the link
rnd = session.round
t = translator(ctx)

session_header(session, subtitle=t.gettext("Facilitator console"), t=t)
share = links.share_link(base_url(), session.code)

left, right = st.columns([3, 2], gap="large")
with left:
    link_box(
        t.gettext("Share link"),
        share,
        help=t.gettext("Parties open this link (or scan the QR code) to join and rank."),
    )
    st.caption(t.gettext("Or join at the start page with the code **{code}**", code=display_code(session.code)))
    st.caption(
        t.gettext(
            "{label}: {explained}",
            label=t.gettext(anonymity.LABELS[session.anonymity]),
            explained=t.gettext(anonymity.EXPLAINED[session.anonymity]),
        )
    )
qr_alt = alt_text(session.code, t)
with right:
    st.image(qr_png(share), caption=t.gettext("Scan to join"), width=220, alt=qr_alt)
with st.expander(t.gettext("Show the QR code large (for the projector)"), icon=":material/qr_code_2:"):
    st.image(qr_png(share, scale=20), width="stretch", alt=qr_alt)


@st.fragment(run_every=POLL_SECONDS)
def live_progress() -> None:
    heal()
    with outage.in_fragment() as poll:  # the database not answering: say so here, the next poll retries
        marker = changed(ctx, "console")
        if marker is not None or "console_progress" not in st.session_state:
            try:
                st.session_state["console_progress"] = ctx.view.progress()
            except NotFound:
                st.rerun(scope="app")
            if marker is not None:
                shown(ctx, "console", marker)  # only once the progress was read: a failed read is retried next poll
    if poll.failed:
        return
    progress = st.session_state["console_progress"]
    live_round = progress.round  # its status counts a timer that ran out and locks, by the clock of now
    state = live_round.shown
    if state != ctx.drawn_round and st.session_state.get("console_rerun_for") != state:
        # another tab opened a round or changed it, or the timer locked it: refresh the controls, once per
        # change (never a rerun loop)
        st.session_state["console_rerun_for"] = state
        st.rerun(scope="app")
    joined, done = len(progress.participants), progress.submitted
    st.subheader(
        t.ngettext(
            "Round {round}: {done} of {n} submitted",
            "Round {round}: {done} of {n} submitted",
            joined,
            round=progress.round.number,
            done=done,
        ),
        anchor=False,
    )
    show_timer(live_round, t)
    per_party = progress.parties_submitted(session)
    st.dataframe(
        pd.DataFrame(
            {
                t.gettext("Party"): list(per_party),
                t.gettext("Submitted"): [d for d, _ in per_party.values()],
                t.gettext("Joined"): [j for _, j in per_party.values()],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if progress.participants:
        st.dataframe(
            pd.DataFrame(
                {
                    t.gettext("Participant"): [p.participant.name for p in progress.participants],
                    t.gettext("Party"): [p.participant.party for p in progress.participants],
                    t.gettext("Status"): [
                        t.gettext("✓ submitted") if p.submitted_at else t.gettext("ranking…")
                        for p in progress.participants
                    ],
                    t.gettext("Submitted at (UTC)"): [p.submitted_at or "" for p in progress.participants],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption(t.gettext("Nobody has joined yet. Share the link or the QR code."))


with st.container(border=True):
    live_progress()


def act(action, success: str) -> None:
    try:
        action()
    except TrustcoreError as exc:
        problem(exc, t)
    else:
        nudge(session.code)  # every tab in the room shows it now, not at its next poll
        flash(success)
        st.rerun()


ROUND_PROBLEM = "console_round_problem"


def round_click(do: Callable[[int], object], number: int, success: str | Callable[[], str], warm: bool) -> None:
    """A round button's on_click: ``do(number)``, ``number`` being the round the page showed when it drew
    the button (bound then, as ``args``: a click's own rerun re-reads the session, which another window may
    have moved on). A click for a round that is no longer current is refused (RoundChanged): say so; the
    rerun that follows draws the current round."""
    try:
        do(number)
    except RoundChanged as exc:
        flash(exc.translated(t), icon=WARNING, kind="warning")
    except Exception as exc:
        if not db.unavailable(exc):
            raise
        # nothing was changed: the run that follows says the database is not answering, then shows the
        # round as it is stored, with its button to press again
    except TrustcoreError as exc:
        st.session_state[ROUND_PROBLEM] = exc.translated(t)
    else:
        nudge(session.code)  # every tab in the room shows it now, not at its next poll
        if warm:
            # The results, while the room's pages start (they wait for this one computation instead of
            # each starting its own). Warming before the nudge kept the whole room waiting.
            cached.warm(ctx.view)
        flash(success if isinstance(success, str) else success())


def round_button(where, label: str, do, success, *, warm: bool = False, **kwargs) -> None:
    """A button acting on the round this run draws (``rnd.number``, bound now), through ``round_click``."""
    where.button(label, width="stretch", on_click=round_click, args=(do, rnd.number, success, warm), **kwargs)


st.subheader(t.gettext("Round controls"), anchor=False)
st.write(
    {
        RoundStatus.OPEN: t.gettext("Round {round} is **open: rankings are being accepted**.", round=rnd.number),
        RoundStatus.LOCKED: t.gettext("Round {round} is **locked: no more changes**.", round=rnd.number),
        RoundStatus.REVEALED: t.gettext(
            "Round {round} is **revealed: everyone can see the comparison**.", round=rnd.number
        ),
    }[rnd.status]
)
c1, c2, c3 = st.columns(3)
if rnd.status is RoundStatus.OPEN:
    round_button(
        c1,
        t.gettext("Lock round"),
        lambda n: ctx.view.lock(round_number=n),
        t.gettext("Round locked: participants can no longer change their rankings."),
        icon=":material/lock:",
    )
elif rnd.status is RoundStatus.LOCKED:
    round_button(
        c1,
        t.gettext("Unlock round"),
        lambda n: ctx.view.unlock(round_number=n),
        t.gettext("Round unlocked: participants can change their rankings again."),
        icon=":material/lock_open:",
    )
if rnd.status is not RoundStatus.REVEALED:
    round_button(
        c2,
        t.gettext("Reveal results"),
        lambda n: ctx.view.reveal(round_number=n),
        t.gettext("Results revealed."),
        warm=True,
        type="primary",
        icon=":material/visibility:",
        help=t.gettext("Shows the comparison to everyone and locks the round."),
    )
else:
    c2.page_link("views/compare.py", label=t.gettext("Open the comparison"), icon=":material/compare_arrows:")
round_button(
    c3,
    t.gettext("Open next round"),
    lambda n: ctx.view.next_round(round_number=n),
    t.gettext("Round {round} is open.", round=rnd.number + 1),
    icon=":material/replay:",
    help=t.gettext("Locks this round; everyone re-ranks starting from their previous order."),
)

# the two ways of choosing whom to remove at once: stable codes, worded by format_func
BULK_HOW = {"ticked": N_("Those I tick"), "minutes": N_("Everyone who joined in the last minutes")}

with st.expander(t.gettext("People: remove a participant, or move one to another party"), icon=":material/group:"):
    people = st.session_state["console_progress"].participants  # read by live_progress above
    if not people:
        st.caption(t.gettext("Nobody has joined yet."))
    else:
        who = st.selectbox(
            t.gettext("Participant"),
            [p.participant.id for p in people],
            format_func={p.participant.id: f"{p.participant.name} ({p.participant.party})" for p in people}.get,
            key="people_who",
        )
        m1, m2 = st.columns(2, vertical_alignment="bottom")
        to = m1.selectbox(
            t.gettext("Move to"),
            [p.id for p in session.parties],
            format_func=lambda pid: session.party(pid).name,
            key="people_to",
        )
        if m2.button(t.gettext("Move"), icon=":material/swap_horiz:", width="stretch", key="people_move"):
            act(lambda: people_mod.move_participant(ctx.view, who, to), t.gettext("Moved, with their rankings."))
        sure = st.checkbox(
            t.gettext("Yes, remove them and their rankings from this session (their personal link stops working)"),
            key="people_sure",
        )
        if st.button(
            t.gettext("Remove participant"), icon=":material/person_remove:", disabled=not sure, key="people_remove"
        ):
            act(lambda: people_mod.remove_participant(ctx.view, who), t.gettext("Removed, with their rankings."))

        st.markdown(t.gettext("**Remove many at once** (a flood of joins, a link shared too widely)"))
        ids = [p.participant.id for p in people]
        label = {
            p.participant.id: t.gettext(
                "{name} ({party}), joined {time} UTC",
                name=p.participant.name,
                party=p.participant.party,
                time=p.participant.joined_at[11:16],
            )
            for p in people
        }
        by_minutes = (
            st.radio(
                t.gettext("Whom"),
                list(BULK_HOW),
                format_func=lambda how: t.gettext(BULK_HOW[how]),
                horizontal=True,
                key="people_bulk_how",
            )
            == "minutes"
        )
        if by_minutes:
            minutes = st.number_input(
                t.gettext("Joined in the last … minutes"),
                min_value=1,
                max_value=people_mod.MINUTES_MAX,
                value=10,
                step=1,
                key="people_bulk_minutes",
            )
            chosen = [p.id for p in people_mod.joined_within([p.participant for p in people], int(minutes))]
            st.caption(
                t.ngettext(
                    "Right now that is {chosen} of {n}: {names}. Anyone who joins before you press the button is "
                    "removed too.",
                    "Right now that is {chosen} of {n}: {names}. Anyone who joins before you press the button is "
                    "removed too.",
                    len(ids),
                    chosen=len(chosen),
                    names=t.pgettext("list separator", ", ").join(esc(label[pid]) for pid in chosen)
                    or t.gettext("nobody"),
                )
            )
            how: dict = {"joined_within_minutes": int(minutes)}
        else:
            chosen = st.multiselect(
                t.gettext("People to remove"),
                ids,
                format_func=label.get,
                placeholder=t.gettext("Choose the people to remove"),
                key="people_bulk_ticked",
            )
            how = {"participant_ids": chosen}
        bulk_sure = st.checkbox(
            t.gettext("Yes, remove them and their rankings from this session (their personal links stop working)"),
            key="people_bulk_sure",
        )
        if st.button(
            t.gettext("Remove these people"),
            icon=":material/group_remove:",
            disabled=not (bulk_sure and chosen),
            key="people_bulk",
        ):
            try:
                _, removed = people_mod.remove_participants(ctx.view, **how)
            except TrustcoreError as exc:
                problem(exc, t)
            else:
                nudge(session.code)
                flash(
                    t.ngettext(
                        "Removed {n} person, with their rankings.", "Removed {n} people, with their rankings.", removed
                    )
                    if removed
                    else t.gettext("Nobody matched any more: nobody was removed.")
                )
                st.rerun()

st.markdown(t.gettext("**Joining**"))
closed_note = joining.closed_note(ctx.view, t)
if closed_note:
    st.info(closed_note, icon=":material/person_off:")
j1, j2, j3 = st.columns([1, 2, 1], vertical_alignment="bottom")
# keyed by what is stored: a keyed widget keeps its state when its ``value`` changes, so a switch drawn before the
# reveal closed joining (or before another tab changed it) went on showing "open", and the next "Save joining"
# reopened it; a new stored value is a new widget, drawn as stored
stored = f"{session.joining_open}:{session.join_cap}"
cap = j1.number_input(
    t.gettext("Most participants"),
    min_value=1,
    max_value=joining.MAX_CAP,
    value=session.join_cap,
    step=1,
    key=f"join_cap:{stored}",
    help=t.gettext("Joins beyond this are refused, so a link shared too widely cannot flood the session."),
)
open_joining = j2.toggle(t.gettext("Joining is open"), value=session.joining_open, key=f"joining_open:{stored}")
if j3.button(t.gettext("Save joining"), icon=":material/how_to_reg:", width="stretch", key="joining_save"):
    act(
        lambda: joining.set_joining(ctx.view, open=open_joining, cap=cap),
        t.ngettext(
            "Joining is open, for at most {n} participant.", "Joining is open, for at most {n} participants.", cap
        )
        if open_joining
        else t.ngettext(
            "Joining is closed: nobody new can join, for at most {n} participant.",
            "Joining is closed: nobody new can join, for at most {n} participants.",
            cap,
        ),
    )

if rnd.status is RoundStatus.OPEN:
    st.markdown(t.gettext("**Round timer**"))
    if rnd.timer_ends_at and not rnd.time_is_up:
        t1, t2, t3 = st.columns(3)
        more = (
            (t1, 1, t.gettext("One more minute on the timer.")),
            (t2, 5, t.gettext("Five more minutes on the timer.")),
        )
        for column, minutes, said in more:
            round_button(
                column,
                t.ngettext("Add {n} minute", "Add {n} minutes", minutes),
                lambda n, seconds=minutes * 60: round_timer.extend_timer(ctx.view, seconds, round_number=n),
                said,
                icon=":material/more_time:",
            )
        round_button(
            t3,
            t.gettext("Stop the timer"),
            lambda n: round_timer.stop_timer(ctx.view, round_number=n),
            t.gettext("Timer stopped."),
            icon=":material/timer_off:",
        )
    else:
        t1, t2, t3 = st.columns([1, 2, 1], vertical_alignment="bottom")
        t1.number_input(t.gettext("Minutes"), min_value=1, max_value=180, value=5, step=1, key="timer_minutes")
        t2.checkbox(t.gettext("Lock the round when time is up"), key="timer_locks")

        def _start(number: int) -> None:  # the minutes and the checkbox as they are at the click
            minutes, locks = st.session_state["timer_minutes"], st.session_state["timer_locks"]
            round_timer.start_timer(ctx.view, minutes * 60, round_number=number, lock_at_zero=locks)

        def _started() -> str:
            minutes, locks = st.session_state["timer_minutes"], st.session_state["timer_locks"]
            if locks:
                return t.ngettext(
                    "Timer started: {n} minute, then the round locks.",
                    "Timer started: {n} minutes, then the round locks.",
                    minutes,
                )
            return t.ngettext("Timer started: {n} minute.", "Timer started: {n} minutes.", minutes)

        round_button(t3, t.gettext("Start the timer"), _start, _started, icon=":material/timer:")
if round_problem := st.session_state.pop(ROUND_PROBLEM, None):
    problem(round_problem)  # already in the reader's language (round_click)
show_flash()

if not ctx.view.visible_rankings():
    with st.expander(t.gettext("Change the elements to rank (until someone submits)"), icon=":material/list_alt:"):
        st.write(
            t.ngettext(
                "This session ranks {n} element ({source}). You can load another list (CSV with columns "
                "id,name,description, or JSON) until the first ranking arrives; everyone who joined starts again "
                "from a new random order.",
                "This session ranks {n} elements ({source}). You can load another list (CSV with columns "
                "id,name,description, or JSON) until the first ranking arrives; everyone who joined starts again "
                "from a new random order.",
                len(session.catalogue),
                source=esc(session.catalogue.source),
            )
        )
        upload = st.file_uploader(t.gettext("Element list"), type=["csv", "json"], key="new_catalogue")
        if upload is not None and st.button(t.gettext("Use this list"), icon=":material/upload:", key="catalogue_use"):
            try:
                ctx.view.replace_catalogue(catalogue_mod.parse(upload.getvalue(), upload.name))
            except TrustcoreError as exc:
                problem(exc, t)
            else:
                flash(t.gettext("The new list of elements is in place."))
                st.rerun()

st.subheader(t.gettext("Presenter screen"), anchor=False)
st.write(
    t.gettext(
        "A link for the projector laptop: it shows the join code, progress and the timer, then the headline, the "
        "divergence and the agenda item you choose below. It controls nothing, so a projected address bar leaks "
        "nothing that can change the session."
    )
)
secret_link_controls(
    session.code,
    SecretLink(
        name="presenter",
        label=t.gettext("Presenter link"),
        create_label=t.gettext("Create a presenter link"),
        replace_label=t.gettext("Replace the presenter link"),
        shown_once=t.gettext("The presenter link is shown only now: open it on the projector laptop."),
        icon=":material/co_present:",
        close_label=t.gettext("Revoke the presenter link"),
        link=lambda secret: links.presenter_link(base_url(), session.code, secret),
        is_open=lambda: presenter.has_presenter_link(ctx.view),
        create=lambda: presenter.new_presenter_link(ctx.view),
        close=lambda: presenter.revoke_presenter_link(ctx.view),
    ),
    t,
)
if rnd.status is RoundStatus.REVEALED:
    agenda = presenter.agenda(cached.results(ctx.view, rnd.number, ctx.view.change_marker()))
    if agenda:
        item = min(session.agenda_item, len(agenda) - 1)
        st.markdown(
            t.gettext("On the presenter screen: agenda item **{item} of {count}**", item=item + 1, count=len(agenda))
        )
        a1, a2, a3 = st.columns([1, 1, 3], vertical_alignment="bottom")
        if a1.button(
            t.gettext("Previous item"),
            icon=":material/navigate_before:",
            width="stretch",
            disabled=item == 0,
            key="agenda_previous",
        ):
            act(
                lambda: presenter.show_agenda_item(ctx.view, item - 1),
                t.gettext("Agenda item {item} is on screen.", item=item),
            )
        if a2.button(
            t.gettext("Next item"),
            icon=":material/navigate_next:",
            width="stretch",
            disabled=item == len(agenda) - 1,
            key="agenda_next",
        ):
            act(
                lambda: presenter.show_agenda_item(ctx.view, item + 1),
                t.gettext("Agenda item {item} is on screen.", item=item + 2),
            )
        st.session_state["agenda_jump"] = item  # the widget shows the item on screen now

        def _jump_chosen() -> None:
            st.session_state["agenda_jump_to"] = st.session_state["agenda_jump"]

        a3.selectbox(
            t.gettext("Jump to"),
            list(range(len(agenda))),
            format_func=lambda i: f"{i + 1}. {agenda[i]}",  # options are shown as text
            key="agenda_jump",
            on_change=_jump_chosen,
        )
        jump = st.session_state.pop("agenda_jump_to", None)
        if jump is not None and jump != item:
            act(
                lambda: presenter.show_agenda_item(ctx.view, jump),
                t.gettext("Agenda item {item} is on screen.", item=jump + 1),
            )

st.subheader(t.gettext("Stakeholder survey"), anchor=False)
st.write(
    t.gettext(
        "A separate link for stakeholders: it lets them answer the short survey (how far they can trust you in "
        "each element), nothing else. Their answers appear in the worksheet's Column D."
    )
)
secret_link_controls(
    session.code,
    SecretLink(
        name="survey",
        label=t.gettext("Survey link"),
        create_label=t.gettext("Create a survey link"),
        replace_label=t.gettext("Replace the survey link"),
        shown_once=t.gettext("The survey link is shown only now: copy it and send it to your stakeholders."),
        icon=":material/rate_review:",
        close_label=t.gettext("Close the survey"),
        link=lambda secret: links.survey_link(base_url(), session.code, secret),
        is_open=lambda: survey.survey_is_open(ctx.view),
        create=lambda: survey.new_survey_link(ctx.view),
        close=lambda: survey.close_survey(ctx.view),
    ),
    t,
)
SHOW_COLUMN = {"B": N_("Show the steps (Column B)"), "C": N_("Show the evidence (Column C)")}
shows = st.expander(
    t.gettext("What stakeholders see with the survey (preview)"),
    icon=":material/preview:",
    key="survey_preview",
    on_change="rerun",
)
if shows.open:  # drawn only while open: the whole worksheet is many elements
    with shows:
        st.write(
            t.gettext(
                "Under each element the survey shows the steps (Column B) and the evidence (Column C) of this "
                "relationship's worksheet, leaving out entries marked internal. Leave a column out here; the "
                "worksheet shared with the survey is also in the *Download* section."
            )
        )
        current = survey_documents.chosen(ctx.view)[0].columns  # the relationship worksheet, today the only one
        stored = "".join(current) or "none"
        show = {
            column: st.checkbox(
                t.gettext(SHOW_COLUMN[column]),
                value=column in current,
                key=f"survey_show:{column}:{stored}",  # redrawn from what is stored after every change
            )
            for column in survey_documents.COLUMNS
        }
        wanted = tuple(column for column, on in show.items() if on)
        if wanted != current:
            act(
                lambda: survey_documents.choose(ctx.view, wanted),
                t.gettext("The survey shows what the preview shows now."),
            )
        internal = survey_internal_chooser(ctx.view, t)  # a session linked to a workspace: its internal worksheet
        if internal is not None and internal[1] != internal[0]:
            act(
                lambda: survey_documents.choose(ctx.view, internal[1], kind=survey_documents.INTERNAL),
                t.gettext("The survey shows what the preview shows now."),
            )
        if ws.linked_ranking(ctx.view) is not None:  # linked to a workspace: its shareable ecosystem map may go too
            mapped = any(d.kind == survey_documents.MAP for d in survey_documents.chosen(ctx.view))
            if (
                st.checkbox(
                    t.gettext("Show the organisation's ecosystem map (its shareable version)"),
                    value=mapped,
                    key=f"survey_show:map:{mapped}",
                )
                != mapped
            ):
                act(
                    lambda: survey_documents.choose_map(ctx.view, not mapped),
                    t.gettext("The survey shows what the preview shows now."),
                )
        st.markdown(t.gettext("**The survey, as stakeholders see it**"))
        survey_preview(session, survey_documents.shared(ctx.view, t), t)

workspace_section(ctx, t)


def _day(stamp: str) -> str:
    """The day of an ISO timestamp, as the reader's locale writes dates (the stored text if it is no date)."""
    try:
        return t.date(dt.date.fromisoformat(stamp[:10]))
    except ValueError:
        return stamp[:10]


st.subheader(t.gettext("Earlier session of this relationship"), anchor=False)
changes = lineage.changes_since_previous(ctx.view)
if changes:
    st.write(
        t.gettext(
            "Linked to “{title}” of {date}.",
            title=esc(changes.previous_title),
            date=_day(changes.previous_created_at),
        )
    )
    if changes.agreement_then and changes.agreement_now:
        st.text(
            t.gettext(
                "Then: {then}\nNow: {now}", then=changes.agreement_then.summary, now=changes.agreement_now.summary
            )
        )
    if changes.moved:
        st.dataframe(
            pd.DataFrame(
                {
                    t.gettext("Party"): list(changes.moved),
                    t.gettext("τ between its order then and now"): list(changes.moved.values()),
                }
            ),
            hide_index=True,
            width="stretch",
        )
    if changes.previous_steps:
        st.markdown(t.gettext("**The earlier next steps, and where they stand now**"))
        element_names = session.catalogue.names_in(t.locale)
        st.dataframe(
            pd.DataFrame(
                {
                    t.gettext("Element"): [
                        element_names.get(s.element_id, s.element_id) for s in changes.previous_steps
                    ],
                    t.gettext("Action"): [s.action for s in changes.previous_steps],
                    t.gettext("Owner"): [
                        " / ".join(x for x in (s.owner_party or "", s.owner_person) if x)
                        for s in changes.previous_steps
                    ],
                    t.gettext("Due"): [s.due for s in changes.previous_steps],
                    t.gettext("Status"): [wording.status_words(s.status, t) for s in changes.previous_steps],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    if st.button(t.gettext("Unlink the earlier session"), icon=":material/link_off:", key="earlier_unlink"):
        lineage.unlink_previous(ctx.view)
        st.rerun()
else:
    with st.form("link_previous", border=False):
        pasted = st.text_input(
            t.gettext("The earlier session's facilitator link"),
            help=t.gettext("Linking needs the facilitator rights of both sessions."),
            key="earlier_pasted",
        )
        if st.form_submit_button(t.gettext("Link"), icon=":material/link:"):
            found = links.parse(pasted)
            try:
                if not found.get("session") or not found.get("admin"):
                    raise InvalidInput(
                        N_("Paste the earlier session's whole facilitator link (it contains admin=...).")
                    )
                lineage.link_previous(ctx.view, found["session"], found["admin"])
            except TrustcoreError as exc:
                problem(exc, t)
            else:
                st.rerun()

download_section(ctx)

if token:
    with st.expander(t.gettext("Your facilitator link"), icon=":material/key:"):
        link_box(
            t.gettext("Keep it private: it controls this session."),
            links.facilitator_link(base_url(), session.code, token),
        )

with st.expander(t.gettext("Hand this session to a co-facilitator"), icon=":material/person_add:"):
    st.write(
        t.gettext(
            "They sign in with this e-mail address and find the session under My sessions. It leaves the current "
            "owner's My sessions; the facilitator link keeps working."
        )
    )
    now_owner = owners.owner_of(ctx.view)
    st.caption(
        t.gettext("Owner now: {owner}", owner=esc(now_owner))
        if now_owner
        else t.gettext("Nobody signed in owns this session yet.")
    )
    with st.form("hand_over", border=False):
        to = st.text_input(
            t.gettext("Co-facilitator's e-mail address"),
            max_chars=254,
            placeholder=t.gettext("name@example.org"),
            key="hand_over_to",
        )
        if st.form_submit_button(t.gettext("Hand over"), icon=":material/person_add:"):
            try:
                handed = owners.hand_over(ctx.view, to)
            except TrustcoreError as exc:
                problem(exc, t)
            else:
                flash(
                    t.gettext("The session is now {owner}'s: it is under their My sessions.", owner=handed),
                    icon=":material/check:",
                )
                if not token:  # opened as its owner: this tab no longer controls the session
                    set_params()
                    st.switch_page("views/my_sessions.py")
                st.rerun()

with st.expander(t.gettext("Delete this session"), icon=":material/delete_forever:"):
    st.write(
        t.gettext(
            "This removes the session and everything about it (parties, rankings, notes, the event log) for "
            "everyone, at once. It cannot be undone: download what you need first."
        )
    )
    # Translators: the word a facilitator types to confirm deleting a session (capitals, one word)
    word = t.pgettext("the word typed to confirm a deletion", "DELETE")
    confirm = st.text_input(t.gettext("Type {word} to confirm", word=word), key="delete_confirm")
    if st.button(
        t.gettext("Delete session"),
        type="primary",
        icon=":material/delete_forever:",
        disabled=confirm not in (word, "DELETE"),  # the English word works in every language
        key="delete_session",
    ):
        try:
            ctx.view.delete()
        except TrustcoreError as exc:
            problem(exc, t)
        else:
            set_params()
            flash(t.gettext("The session and everything about it were deleted."), icon=":material/delete:")
            st.rerun()

if signin.email():  # a signed-in facilitator goes back to their list (nothing is deleted)
    if st.button(
        t.gettext("Back to My sessions"), icon=":material/folder_shared:", type="tertiary", key="back_to_mine"
    ):
        set_params()
        st.switch_page("views/my_sessions.py")

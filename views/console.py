"""Facilitator console: share the session, watch who has submitted, lock, reveal, run rounds, delete."""

from collections.abc import Callable

import pandas as pd
import streamlit as st

from trustcore import anonymity, db, joining, links, owners, presenter, round_timer
from trustcore import catalogue as catalogue_mod
from trustcore import people as people_mod
from trustcore import workspace as ws
from trustcore.errors import InvalidInput, NotFound, RoundChanged, TrustcoreError
from trustcore.followup import lineage, survey, survey_documents
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

session_header(session, subtitle="Facilitator console")
share = links.share_link(base_url(), session.code)

left, right = st.columns([3, 2], gap="large")
with left:
    link_box("Share link", share, help="Parties open this link (or scan the QR code) to join and rank.")
    st.caption(f"Or join at the start page with the code **{display_code(session.code)}**")
    st.caption(f"{anonymity.LABELS[session.anonymity]}: {anonymity.EXPLAINED[session.anonymity]}")
qr_alt = alt_text(session.code)
with right:
    st.image(qr_png(share), caption="Scan to join", width=220, alt=qr_alt)
with st.expander("Show the QR code large (for the projector)", icon=":material/qr_code_2:"):
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
    st.subheader(f"Round {progress.round.number}: {done} of {joined} submitted", anchor=False)
    show_timer(live_round)
    per_party = progress.parties_submitted(session)
    st.dataframe(
        pd.DataFrame(
            {
                "Party": list(per_party),
                "Submitted": [d for d, _ in per_party.values()],
                "Joined": [j for _, j in per_party.values()],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if progress.participants:
        st.dataframe(
            pd.DataFrame(
                {
                    "Participant": [p.participant.name for p in progress.participants],
                    "Party": [p.participant.party for p in progress.participants],
                    "Status": ["✓ submitted" if p.submitted_at else "ranking…" for p in progress.participants],
                    "Submitted at (UTC)": [p.submitted_at or "" for p in progress.participants],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption("Nobody has joined yet. Share the link or the QR code.")


with st.container(border=True):
    live_progress()


def act(action, success: str) -> None:
    try:
        action()
    except TrustcoreError as exc:
        problem(exc)
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
        flash(str(exc), icon=WARNING, kind="warning")
    except Exception as exc:
        if not db.unavailable(exc):
            raise
        # nothing was changed: the run that follows says the database is not answering, then shows the
        # round as it is stored, with its button to press again
    except TrustcoreError as exc:
        st.session_state[ROUND_PROBLEM] = str(exc)
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


st.subheader("Round controls", anchor=False)
status_text = {
    RoundStatus.OPEN: "open: rankings are being accepted",
    RoundStatus.LOCKED: "locked: no more changes",
    RoundStatus.REVEALED: "revealed: everyone can see the comparison",
}[rnd.status]
st.write(f"Round {rnd.number} is **{status_text}**.")
c1, c2, c3 = st.columns(3)
if rnd.status is RoundStatus.OPEN:
    round_button(
        c1,
        "Lock round",
        lambda n: ctx.view.lock(round_number=n),
        "Round locked: participants can no longer change their rankings.",
        icon=":material/lock:",
    )
elif rnd.status is RoundStatus.LOCKED:
    round_button(
        c1,
        "Unlock round",
        lambda n: ctx.view.unlock(round_number=n),
        "Round unlocked: participants can change their rankings again.",
        icon=":material/lock_open:",
    )
if rnd.status is not RoundStatus.REVEALED:
    round_button(
        c2,
        "Reveal results",
        lambda n: ctx.view.reveal(round_number=n),
        "Results revealed.",
        warm=True,
        type="primary",
        icon=":material/visibility:",
        help="Shows the comparison to everyone and locks the round.",
    )
else:
    c2.page_link("views/compare.py", label="Open the comparison", icon=":material/compare_arrows:")
round_button(
    c3,
    "Open next round",
    lambda n: ctx.view.next_round(round_number=n),
    f"Round {rnd.number + 1} is open.",
    icon=":material/replay:",
    help="Locks this round; everyone re-ranks starting from their previous order.",
)

with st.expander("People: remove a participant, or move one to another party", icon=":material/group:"):
    people = st.session_state["console_progress"].participants  # read by live_progress above
    if not people:
        st.caption("Nobody has joined yet.")
    else:
        who = st.selectbox(
            "Participant",
            [p.participant.id for p in people],
            format_func={p.participant.id: f"{p.participant.name} ({p.participant.party})" for p in people}.get,
            key="people_who",
        )
        m1, m2 = st.columns(2, vertical_alignment="bottom")
        to = m1.selectbox(
            "Move to", [p.id for p in session.parties], format_func=lambda pid: session.party(pid).name, key="people_to"
        )
        if m2.button("Move", icon=":material/swap_horiz:", width="stretch"):
            act(lambda: people_mod.move_participant(ctx.view, who, to), "Moved, with their rankings.")
        sure = st.checkbox(
            "Yes, remove them and their rankings from this session (their personal link stops working)",
            key="people_sure",
        )
        if st.button("Remove participant", icon=":material/person_remove:", disabled=not sure):
            act(lambda: people_mod.remove_participant(ctx.view, who), "Removed, with their rankings.")

        st.markdown("**Remove many at once** (a flood of joins, a link shared too widely)")
        ids = [p.participant.id for p in people]
        label = {
            p.participant.id: f"{p.participant.name} ({p.participant.party}), joined {p.participant.joined_at[11:16]} UTC"
            for p in people
        }
        by_minutes = (
            st.radio(
                "Whom",
                ["Those I tick", "Everyone who joined in the last minutes"],
                horizontal=True,
                key="people_bulk_how",
            )
            != "Those I tick"
        )
        if by_minutes:
            minutes = st.number_input(
                "Joined in the last … minutes",
                min_value=1,
                max_value=people_mod.MINUTES_MAX,
                value=10,
                step=1,
                key="people_bulk_minutes",
            )
            chosen = [p.id for p in people_mod.joined_within([p.participant for p in people], int(minutes))]
            st.caption(
                f"Right now that is {len(chosen)} of {len(ids)}: "
                + (", ".join(esc(label[pid]) for pid in chosen) or "nobody")
                + ". Anyone who joins before you press the button is removed too."
            )
            how: dict = {"joined_within_minutes": int(minutes)}
        else:
            chosen = st.multiselect("People to remove", ids, format_func=label.get, key="people_bulk_ticked")
            how = {"participant_ids": chosen}
        bulk_sure = st.checkbox(
            "Yes, remove them and their rankings from this session (their personal links stop working)",
            key="people_bulk_sure",
        )
        if st.button(
            "Remove these people",
            icon=":material/group_remove:",
            disabled=not (bulk_sure and chosen),
            key="people_bulk",
        ):
            try:
                _, removed = people_mod.remove_participants(ctx.view, **how)
            except TrustcoreError as exc:
                problem(exc)
            else:
                nudge(session.code)
                flash(
                    f"Removed {removed} {'person' if removed == 1 else 'people'}, with their rankings."
                    if removed
                    else "Nobody matched any more: nobody was removed."
                )
                st.rerun()

st.markdown("**Joining**")
closed_note = joining.closed_note(ctx.view)
if closed_note:
    st.info(closed_note, icon=":material/person_off:")
j1, j2, j3 = st.columns([1, 2, 1], vertical_alignment="bottom")
cap = j1.number_input(
    "Most participants",
    min_value=1,
    max_value=joining.MAX_CAP,
    value=session.join_cap,
    step=1,
    key="join_cap",
    help="Joins beyond this are refused, so a link shared too widely cannot flood the session.",
)
open_joining = j2.toggle("Joining is open", value=session.joining_open, key="joining_open")
if j3.button("Save joining", icon=":material/how_to_reg:", width="stretch"):
    act(
        lambda: joining.set_joining(ctx.view, open=open_joining, cap=cap),
        ("Joining is open" if open_joining else "Joining is closed: nobody new can join")
        + f", for at most {cap} participants.",
    )

if rnd.status is RoundStatus.OPEN:
    st.markdown("**Round timer**")
    if rnd.timer_ends_at and not rnd.time_is_up:
        t1, t2, t3 = st.columns(3)
        for column, minutes, said in ((t1, 1, "One more minute"), (t2, 5, "Five more minutes")):
            round_button(
                column,
                f"Add {minutes} minute{'s' if minutes != 1 else ''}",
                lambda n, seconds=minutes * 60: round_timer.extend_timer(ctx.view, seconds, round_number=n),
                f"{said} on the timer.",
                icon=":material/more_time:",
            )
        round_button(
            t3,
            "Stop the timer",
            lambda n: round_timer.stop_timer(ctx.view, round_number=n),
            "Timer stopped.",
            icon=":material/timer_off:",
        )
    else:
        t1, t2, t3 = st.columns([1, 2, 1], vertical_alignment="bottom")
        t1.number_input("Minutes", min_value=1, max_value=180, value=5, step=1, key="timer_minutes")
        t2.checkbox("Lock the round when time is up", key="timer_locks")

        def _start(number: int) -> None:  # the minutes and the checkbox as they are at the click
            minutes, locks = st.session_state["timer_minutes"], st.session_state["timer_locks"]
            round_timer.start_timer(ctx.view, minutes * 60, round_number=number, lock_at_zero=locks)

        def _started() -> str:
            minutes, locks = st.session_state["timer_minutes"], st.session_state["timer_locks"]
            return f"Timer started: {minutes} minute{'s' if minutes != 1 else ''}" + (
                ", then the round locks." if locks else "."
            )

        round_button(t3, "Start the timer", _start, _started, icon=":material/timer:")
if round_problem := st.session_state.pop(ROUND_PROBLEM, None):
    problem(round_problem)
show_flash()

if not ctx.view.visible_rankings():
    with st.expander("Change the elements to rank (until someone submits)", icon=":material/list_alt:"):
        st.write(
            f"This session ranks {len(session.catalogue)} elements ({esc(session.catalogue.source)}). You can "
            "load another list (CSV with columns id,name,description, or JSON) until the first ranking "
            "arrives; everyone who joined starts again from a new random order."
        )
        upload = st.file_uploader("Element list", type=["csv", "json"], key="new_catalogue")
        if upload is not None and st.button("Use this list", icon=":material/upload:"):
            try:
                ctx.view.replace_catalogue(catalogue_mod.parse(upload.getvalue(), upload.name))
            except TrustcoreError as exc:
                problem(exc)
            else:
                flash("The new list of elements is in place.")
                st.rerun()

st.subheader("Presenter screen", anchor=False)
st.write(
    "A link for the projector laptop: it shows the join code, progress and the timer, then the headline, the "
    "divergence and the agenda item you choose below. It controls nothing, so a projected address bar leaks "
    "nothing that can change the session."
)
secret_link_controls(
    session.code,
    SecretLink(
        name="presenter",
        label="Presenter link",
        shown_once="The presenter link is shown only now: open it on the projector laptop.",
        icon=":material/co_present:",
        close_label="Revoke the presenter link",
        link=lambda t: links.presenter_link(base_url(), session.code, t),
        is_open=lambda: presenter.has_presenter_link(ctx.view),
        create=lambda: presenter.new_presenter_link(ctx.view),
        close=lambda: presenter.revoke_presenter_link(ctx.view),
    ),
)
if rnd.status is RoundStatus.REVEALED:
    agenda = presenter.agenda(cached.results(ctx.view, rnd.number, ctx.view.change_marker()))
    if agenda:
        item = min(session.agenda_item, len(agenda) - 1)
        st.markdown(f"On the presenter screen: agenda item **{item + 1} of {len(agenda)}**")
        a1, a2, a3 = st.columns([1, 1, 3], vertical_alignment="bottom")
        if a1.button("Previous item", icon=":material/navigate_before:", width="stretch", disabled=item == 0):
            act(lambda: presenter.show_agenda_item(ctx.view, item - 1), f"Agenda item {item} is on screen.")
        if a2.button("Next item", icon=":material/navigate_next:", width="stretch", disabled=item == len(agenda) - 1):
            act(lambda: presenter.show_agenda_item(ctx.view, item + 1), f"Agenda item {item + 2} is on screen.")
        st.session_state["agenda_jump"] = item  # the widget shows the item on screen now

        def _jump_chosen() -> None:
            st.session_state["agenda_jump_to"] = st.session_state["agenda_jump"]

        a3.selectbox(
            "Jump to",
            list(range(len(agenda))),
            format_func=lambda i: f"{i + 1}. {agenda[i]}",  # options are shown as text
            key="agenda_jump",
            on_change=_jump_chosen,
        )
        jump = st.session_state.pop("agenda_jump_to", None)
        if jump is not None and jump != item:
            act(lambda: presenter.show_agenda_item(ctx.view, jump), f"Agenda item {jump + 1} is on screen.")

st.subheader("Stakeholder survey", anchor=False)
st.write(
    "A separate link for stakeholders: it lets them answer the short survey (how far they can trust you in "
    "each element), nothing else. Their answers appear in the worksheet's Column D."
)
secret_link_controls(
    session.code,
    SecretLink(
        name="survey",
        label="Survey link",
        shown_once="The survey link is shown only now: copy it and send it to your stakeholders.",
        icon=":material/rate_review:",
        close_label="Close the survey",
        link=lambda t: links.survey_link(base_url(), session.code, t),
        is_open=lambda: survey.survey_is_open(ctx.view),
        create=lambda: survey.new_survey_link(ctx.view),
        close=lambda: survey.close_survey(ctx.view),
    ),
)
shows = st.expander(
    "What stakeholders see with the survey (preview)",
    icon=":material/preview:",
    key="survey_preview",
    on_change="rerun",
)
if shows.open:  # drawn only while open: the whole worksheet is many elements
    with shows:
        st.write(
            "Under each element the survey shows the steps (Column B) and the evidence (Column C) of this "
            "relationship's worksheet, leaving out entries marked internal. Leave a column out here; the "
            "worksheet shared with the survey is also in the *Download* section."
        )
        current = survey_documents.chosen(ctx.view)[0].columns  # the relationship worksheet, today the only one
        stored = "".join(current) or "none"
        show = {
            column: st.checkbox(
                {"B": "Show the steps (Column B)", "C": "Show the evidence (Column C)"}[column],
                value=column in current,
                key=f"survey_show:{column}:{stored}",  # redrawn from what is stored after every change
            )
            for column in survey_documents.COLUMNS
        }
        wanted = tuple(column for column, on in show.items() if on)
        if wanted != current:
            act(lambda: survey_documents.choose(ctx.view, wanted), "The survey shows what the preview shows now.")
        internal = survey_internal_chooser(ctx.view)  # a session linked to a workspace: its internal worksheet
        if internal is not None and internal[1] != internal[0]:
            act(
                lambda: survey_documents.choose(ctx.view, internal[1], kind=survey_documents.INTERNAL),
                "The survey shows what the preview shows now.",
            )
        if ws.linked_ranking(ctx.view) is not None:  # linked to a workspace: its shareable ecosystem map may go too
            mapped = any(d.kind == survey_documents.MAP for d in survey_documents.chosen(ctx.view))
            if (
                st.checkbox(
                    "Show the organisation's ecosystem map (its shareable version)",
                    value=mapped,
                    key=f"survey_show:map:{mapped}",
                )
                != mapped
            ):
                act(
                    lambda: survey_documents.choose_map(ctx.view, not mapped),
                    "The survey shows what the preview shows now.",
                )
        st.markdown("**The survey, as stakeholders see it**")
        survey_preview(session, survey_documents.shared(ctx.view))

workspace_section(ctx)

st.subheader("Earlier session of this relationship", anchor=False)
changes = lineage.changes_since_previous(ctx.view)
if changes:
    st.write(f"Linked to “{esc(changes.previous_title)}” of {changes.previous_created_at[:10]}.")
    if changes.agreement_then and changes.agreement_now:
        st.text(f"Then: {changes.agreement_then.summary}\nNow: {changes.agreement_now.summary}")
    if changes.moved:
        st.dataframe(
            pd.DataFrame(
                {"Party": list(changes.moved), "τ between its order then and now": list(changes.moved.values())}
            ),
            hide_index=True,
            width="stretch",
        )
    if changes.previous_steps:
        st.markdown("**The earlier next steps, and where they stand now**")
        st.dataframe(
            pd.DataFrame(
                {
                    "Element": [
                        session.catalogue.names.get(s.element_id, s.element_id) for s in changes.previous_steps
                    ],
                    "Action": [s.action for s in changes.previous_steps],
                    "Owner": [
                        " / ".join(x for x in (s.owner_party or "", s.owner_person) if x)
                        for s in changes.previous_steps
                    ],
                    "Due": [s.due for s in changes.previous_steps],
                    "Status": [s.status for s in changes.previous_steps],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    if st.button("Unlink the earlier session", icon=":material/link_off:"):
        lineage.unlink_previous(ctx.view)
        st.rerun()
else:
    with st.form("link_previous", border=False):
        pasted = st.text_input(
            "The earlier session's facilitator link", help="Linking needs the facilitator rights of both sessions."
        )
        if st.form_submit_button("Link", icon=":material/link:"):
            found = links.parse(pasted)
            try:
                if not found.get("session") or not found.get("admin"):
                    raise InvalidInput("Paste the earlier session's whole facilitator link (it contains admin=...).")
                lineage.link_previous(ctx.view, found["session"], found["admin"])
            except TrustcoreError as exc:
                problem(exc)
            else:
                st.rerun()

download_section(ctx)

if token:
    with st.expander("Your facilitator link", icon=":material/key:"):
        link_box("Keep it private: it controls this session.", links.facilitator_link(base_url(), session.code, token))

with st.expander("Hand this session to a co-facilitator", icon=":material/person_add:"):
    st.write(
        "They sign in with this e-mail address and find the session under My sessions. It leaves the current "
        "owner's My sessions; the facilitator link keeps working."
    )
    now_owner = owners.owner_of(ctx.view)
    st.caption(f"Owner now: {esc(now_owner)}" if now_owner else "Nobody signed in owns this session yet.")
    with st.form("hand_over", border=False):
        to = st.text_input("Co-facilitator's e-mail address", max_chars=254, placeholder="name@example.org")
        if st.form_submit_button("Hand over", icon=":material/person_add:"):
            try:
                handed = owners.hand_over(ctx.view, to)
            except TrustcoreError as exc:
                problem(exc)
            else:
                flash(f"The session is now {handed}'s: it is under their My sessions.", icon=":material/check:")
                if not token:  # opened as its owner: this tab no longer controls the session
                    set_params()
                    st.switch_page("views/my_sessions.py")
                st.rerun()

with st.expander("Delete this session", icon=":material/delete_forever:"):
    st.write(
        "This removes the session and everything about it (parties, rankings, notes, the event log) for "
        "everyone, at once. It cannot be undone: download what you need first."
    )
    confirm = st.text_input("Type DELETE to confirm", key="delete_confirm")
    if st.button("Delete session", type="primary", icon=":material/delete_forever:", disabled=confirm != "DELETE"):
        try:
            ctx.view.delete()
        except TrustcoreError as exc:
            problem(exc)
        else:
            set_params()
            flash("The session and everything about it were deleted.", icon=":material/delete:")
            st.rerun()

if signin.email():  # a signed-in facilitator goes back to their list (nothing is deleted)
    if st.button("Back to My sessions", icon=":material/folder_shared:", type="tertiary"):
        set_params()
        st.switch_page("views/my_sessions.py")

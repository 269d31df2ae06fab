"""Next steps (Column E): per element, what will be done, by whom, by when, and who agreed.

Several people may edit at once: a save never overwrites someone else's newer save. The page says so
and shows both versions, and the person chooses."""

import streamlit as st

from trustcore.errors import TrustcoreError
from trustcore.followup import next_steps
from trustcore.model import STATUSES, Role
from trustcore.results import element_agenda_order
from trustcore.text import markdown_escape as esc
from ui import editing
from ui.common import plain, problem, session_header
from ui.context import page_context
from ui.flash import flash
from ui.flash import show as show_flash
from ui.live import changes_notice

ctx = page_context(Role.PARTICIPANT, Role.FACILITATOR)
session = ctx.session
names = session.catalogue.names
parties = {p.id: p.name for p in session.parties}
party_ids = {p.name: p.id for p in session.parties}

session_header(session, subtitle="Next steps")
changes_notice(ctx, "next_steps", forget="step")

steps = next_steps.next_steps(ctx.view)
order, basis = element_agenda_order(session, ctx.view.visible_rankings(), facilitator=ctx.facilitator)
missing = next_steps.elements_without_steps(ctx.view)
st.caption(
    f"Elements in order of {basis}. For each, record the agreed next steps: the action, who owns it, "
    "by when, its status and which parties agreed."
)
if missing:
    st.warning(
        "Not yet addressed: " + esc(", ".join(names[e] for e in order if e in missing)),
        icon=":material/pending_actions:",
    )
else:
    st.success("Every element has at least one next step.", icon=":material/task_alt:")


AGREEMENT_NOTE = (
    "Changing the action, owner, due date or element withdraws the other parties' agreement "
    "(every party's, when the facilitator changes it); changing only the status does not. "
    "Only the facilitator can delete a step another party agreed to."
)


def fields(prefix: str, step=None) -> dict:
    action = st.text_area("Action", value=step.action if step else "", key=f"{prefix}:action", max_chars=500, height=68)
    c1, c2 = st.columns(2)
    owner_party = c1.selectbox(
        "Owning party",
        [None, *parties],
        key=f"{prefix}:party",
        index=([None, *parties].index(step.owner_party_id) if step else 0),
        format_func=lambda pid: "—" if pid is None else parties[pid],
    )
    owner_person = c2.text_input(
        "Owner (person)", value=step.owner_person if step else "", key=f"{prefix}:person", max_chars=80
    )
    c3, c4 = st.columns(2)
    due = c3.text_input(
        "Due (a date or a timeframe)",
        value=step.due if step else "",
        key=f"{prefix}:due",
        max_chars=80,
        placeholder="e.g. 2027-03-31 or Q2 2027",
    )
    status = c4.selectbox("Status", STATUSES, index=STATUSES.index(step.status) if step else 0, key=f"{prefix}:status")
    agreed = st.multiselect(
        "Agreed by",
        list(parties),
        key=f"{prefix}:agreed",
        format_func=parties.get,
        default=[party_ids[n] for n in step.agreed_by] if step else [],
        help=None
        if ctx.facilitator
        else f"You can mark (or unmark) only your own party, {esc(ctx.participant.party)}: each party speaks for itself.",
    )
    return {
        "action": action,
        "owner_party_id": owner_party,
        "owner_person": owner_person,
        "due": due,
        "status": status,
        "agreed_by": agreed,
    }


def describe(step) -> str:
    owner = " / ".join(x for x in (step.owner_party or "", step.owner_person) if x) or "no owner yet"
    agreed = ", ".join(step.agreed_by) or "nobody yet"
    return f"{step.action}\nOwner: {owner} · Due: {step.due or '—'} · Status: {step.status} · Agreed by: {agreed}"


def conflict_box(step_id: int) -> None:
    mine, theirs, message = editing.conflict(f"step:{step_id}")
    st.warning(plain(message), icon=":material/sync_problem:")
    c1, c2 = st.columns(2)
    c1.markdown("**Your version (not saved)**")
    c1.text(describe_values(mine))
    if theirs is None:
        c2.markdown("**Deleted by someone else**")
    else:
        c2.markdown("**Saved by someone else**")
        c2.text(describe(theirs))
    b1, b2 = st.columns(2)
    if b1.button("Keep theirs", key=f"keep:{step_id}"):
        editing.forget(f"step:{step_id}")
        st.rerun()
    if theirs is not None and b2.button("Save mine over theirs", key=f"force:{step_id}", type="primary"):
        save(step_id, theirs.version, mine)


def describe_values(values: dict) -> str:
    owner = " / ".join(x for x in (parties.get(values["owner_party_id"], ""), values["owner_person"]) if x)
    agreed = ", ".join(parties[p] for p in values["agreed_by"]) or "nobody yet"
    return (
        f"{values['action']}\nOwner: {owner or 'no owner yet'} · Due: {values['due'] or '—'} · "
        f"Status: {values['status']} · Agreed by: {agreed}"
    )


def saved_message(step) -> str:
    """What the editor is told after a save: whose agreement it withdrew, if any."""
    if not step.withdrawn:
        return "Next step saved."
    who = ", ".join(step.withdrawn)
    return (
        f"Next step saved. You changed what it says, so the agreement of {who} was withdrawn: "
        "they need to agree to the new version."
    )


def save(step_id: int, version: int, values: dict) -> None:
    editing.save(
        f"step:{step_id}",
        lambda: next_steps.update_next_step(ctx.view, step_id, version, **values),
        typed=values,
        done=saved_message,
    )


by_element: dict[str, list] = {}
for step in steps:
    by_element.setdefault(step.element_id, []).append(step)

for eid in order:
    mine = by_element.get(eid, [])
    label = (
        f"{names[eid]} · {len(mine)} next step{'s' if len(mine) != 1 else ''}"
        if mine
        else f"{names[eid]} · not yet addressed"
    )
    with st.expander(esc(label), expanded=any(editing.conflict(f"step:{s.id}") for s in mine)):
        for step in mine:
            with st.container(border=True):
                if editing.conflict(f"step:{step.id}"):
                    conflict_box(step.id)
                    continue
                base = editing.base_version(f"step:{step.id}", step.version)
                with st.form(f"form:step:{step.id}"):
                    values = fields(f"step:{step.id}", step)
                    if step.agreed_by:
                        st.caption(AGREEMENT_NOTE)
                    s1, s2 = st.columns(2)
                    saved = s1.form_submit_button("Save", type="primary", icon=":material/save:")
                    delete = s2.form_submit_button("Delete", icon=":material/delete:")
                if saved:
                    save(step.id, base, values)
                if delete:
                    editing.save(
                        f"step:{step.id}",
                        lambda step=step, base=base: next_steps.delete_next_step(ctx.view, step.id, base),
                        typed=values,
                        done="Next step deleted.",
                    )
        with st.form(f"add:{eid}", clear_on_submit=True):
            st.markdown("**Add a next step**")
            values = fields(f"add:{eid}")
            added = st.form_submit_button("Add", icon=":material/add:")
        if added:
            try:
                next_steps.add_next_step(ctx.view, eid, values.pop("action"), **values)
            except TrustcoreError as exc:
                problem(exc)
            else:
                flash(f"Next step added to {names[eid]}.")
                st.rerun()

show_flash()

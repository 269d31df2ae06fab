"""Next steps (Column E): per element, what will be done, by whom, by when, and who agreed.

Several people may edit at once: a save never overwrites someone else's newer save. The page says so
and shows both versions, and the person chooses."""

import streamlit as st

from trustcore import wording
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
from ui.i18n import translator
from ui.live import changes_notice

ctx = page_context(Role.PARTICIPANT, Role.FACILITATOR)
session = ctx.session
t = translator(ctx)
names = session.catalogue.names_in(t.locale)
parties = {p.id: p.name for p in session.parties}
party_ids = {p.name: p.id for p in session.parties}

session_header(session, subtitle=t.gettext("Next steps"), t=t)
changes_notice(ctx, "next_steps", forget="step")


def listed(items) -> str:
    return t.pgettext("list separator", ", ").join(items)


steps = next_steps.next_steps(ctx.view)
order, basis = element_agenda_order(session, ctx.view.visible_rankings(), facilitator=ctx.facilitator, t=t)
missing = next_steps.elements_without_steps(ctx.view)
st.caption(
    t.gettext(
        "Elements in order of {basis}. For each, record the agreed next steps: the action, who owns it, "
        "by when, its status and which parties agreed.",
        basis=basis,
    )
)
if missing:
    st.warning(
        t.gettext("Not yet addressed: {elements}", elements=esc(listed(names[e] for e in order if e in missing))),
        icon=":material/pending_actions:",
    )
else:
    st.success(t.gettext("Every element has at least one next step."), icon=":material/task_alt:")


AGREEMENT_NOTE = t.gettext(
    "Changing the action, owner, due date or element withdraws the other parties' agreement "
    "(every party's, when the facilitator changes it); changing only the status does not. "
    "Only the facilitator can delete a step another party agreed to."
)


def fields(prefix: str, step=None) -> dict:
    action = st.text_area(
        t.gettext("Action"), value=step.action if step else "", key=f"{prefix}:action", max_chars=500, height=68
    )
    c1, c2 = st.columns(2)
    owner_party = c1.selectbox(
        t.gettext("Owning party"),
        [None, *parties],
        key=f"{prefix}:party",
        index=([None, *parties].index(step.owner_party_id) if step else 0),
        format_func=lambda pid: "—" if pid is None else parties[pid],
    )
    owner_person = c2.text_input(
        t.gettext("Owner (person)"), value=step.owner_person if step else "", key=f"{prefix}:person", max_chars=80
    )
    c3, c4 = st.columns(2)
    due = c3.text_input(
        t.gettext("Due (a date or a timeframe)"),
        value=step.due if step else "",
        key=f"{prefix}:due",
        max_chars=80,
        placeholder=t.gettext("e.g. 2027-03-31 or Q2 2027"),
    )
    status = c4.selectbox(
        t.gettext("Status"),
        STATUSES,
        index=STATUSES.index(step.status) if step else 0,
        key=f"{prefix}:status",
        format_func=lambda code: wording.status_words(code, t),
    )
    agreed = st.multiselect(
        t.gettext("Agreed by"),
        list(parties),
        key=f"{prefix}:agreed",
        format_func=parties.get,
        default=[party_ids[n] for n in step.agreed_by] if step else [],
        help=None
        if ctx.facilitator
        else t.gettext(
            "You can mark (or unmark) only your own party, {party}: each party speaks for itself.",
            party=esc(ctx.participant.party),
        ),
    )
    return {
        "action": action,
        "owner_party_id": owner_party,
        "owner_person": owner_person,
        "due": due,
        "status": status,
        "agreed_by": agreed,
    }


def described(action: str, owner: str, due: str, status: str, agreed: list[str]) -> str:
    return t.gettext(
        "{action}\nOwner: {owner} · Due: {due} · Status: {status} · Agreed by: {agreed}",
        action=action,
        owner=owner or t.gettext("no owner yet"),
        due=due or "—",
        status=wording.status_words(status, t),
        agreed=listed(agreed) or t.gettext("nobody yet"),
    )


def describe(step) -> str:
    owner = " / ".join(x for x in (step.owner_party or "", step.owner_person) if x)
    return described(step.action, owner, step.due, step.status, list(step.agreed_by))


def conflict_box(step_id: int) -> None:
    mine, theirs, message = editing.conflict(f"step:{step_id}", t)
    st.warning(plain(message), icon=":material/sync_problem:")
    c1, c2 = st.columns(2)
    c1.markdown(t.gettext("**Your version (not saved)**"))
    c1.text(describe_values(mine))
    if theirs is None:
        c2.markdown(t.gettext("**Deleted by someone else**"))
    else:
        c2.markdown(t.gettext("**Saved by someone else**"))
        c2.text(describe(theirs))
    b1, b2 = st.columns(2)
    if b1.button(t.gettext("Keep theirs"), key=f"keep:{step_id}"):
        editing.forget(f"step:{step_id}")
        st.rerun()
    if theirs is not None and b2.button(t.gettext("Save mine over theirs"), key=f"force:{step_id}", type="primary"):
        save(step_id, theirs.version, mine)


def describe_values(values: dict) -> str:
    owner = " / ".join(x for x in (parties.get(values["owner_party_id"], ""), values["owner_person"]) if x)
    agreed = [parties[p] for p in values["agreed_by"]]
    return described(values["action"], owner, values["due"], values["status"], agreed)


def saved_message(step) -> str:
    """What the editor is told after a save: whose agreement it withdrew, if any."""
    if not step.withdrawn:
        return t.gettext("Next step saved.")
    return t.ngettext(
        "Next step saved. You changed what it says, so the agreement of {who} was withdrawn: "
        "they need to agree to the new version.",
        "Next step saved. You changed what it says, so the agreement of {who} was withdrawn: "
        "they need to agree to the new version.",
        len(step.withdrawn),
        who=listed(step.withdrawn),
    )


def save(step_id: int, version: int, values: dict) -> None:
    editing.save(
        f"step:{step_id}",
        lambda: next_steps.update_next_step(ctx.view, step_id, version, **values),
        typed=values,
        done=saved_message,
        t=t,
    )


by_element: dict[str, list] = {}
for step in steps:
    by_element.setdefault(step.element_id, []).append(step)

for eid in order:
    mine = by_element.get(eid, [])
    label = (
        t.ngettext("{element} · {n} next step", "{element} · {n} next steps", len(mine), element=names[eid])
        if mine
        else t.gettext("{element} · not yet addressed", element=names[eid])
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
                    saved = s1.form_submit_button(t.gettext("Save"), type="primary", icon=":material/save:")
                    delete = s2.form_submit_button(t.gettext("Delete"), icon=":material/delete:")
                if saved:
                    save(step.id, base, values)
                if delete:
                    editing.save(
                        f"step:{step.id}",
                        lambda step=step, base=base: next_steps.delete_next_step(ctx.view, step.id, base),
                        typed=values,
                        done=t.gettext("Next step deleted."),
                        t=t,
                    )
        with st.form(f"add:{eid}", clear_on_submit=True):
            st.markdown(t.gettext("**Add a next step**"))
            values = fields(f"add:{eid}")
            added = st.form_submit_button(t.gettext("Add"), icon=":material/add:")
        if added:
            try:
                next_steps.add_next_step(ctx.view, eid, values.pop("action"), **values)
            except TrustcoreError as exc:
                problem(exc, t)
            else:
                flash(t.gettext("Next step added to {element}.", element=names[eid]))
                st.rerun()

show_flash()

"""The workspace's Activity 4 tab: the data ecosystem map (``trustcore.ecosystem``), drawn as the SVG of
``trustcore.ecosystem_svg`` (large type, for a projector), with its downloads (SVG, CSV), the forms that add
actors and flows, the form that edits or removes one (with the version check of every editable record), and
the relationships on the map, each of which starts a session filled in from it."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from trustcore import ecosystem, ecosystem_svg, relationships
from trustcore.ecosystem import FLOW_KINDS, KINDS, ROLES, EcosystemMap
from trustcore.errors import TrustcoreError
from trustcore.i18n import ENGLISH, Translator
from trustcore.text import markdown_escape as esc
from trustcore.workspace import WorkspaceView
from ui import editing
from ui import signin as signin_ui
from ui.common import new_session_links, plain, problem
from ui.context import set_params
from ui.flash import flash

STARTED = "map:started"  # (code, facilitator token) of the session just started: its link is shown once


MAP_WIDTH = 960  # px: the whole map on a 1080p projector (narrower screens scale it down); full screen is larger


def render(wview: WorkspaceView, t: Translator = ENGLISH, annotations: Mapping[str, str] | None = None) -> None:
    """``annotations``: a line per partner organisation (keyed by its name, lower-cased), e.g. the latest
    agreement and the open next steps of that relationship, written under it on the diagram and the list
    (in ``t``'s language)."""
    if _started(t):
        return
    if annotations is None:  # each relationship's latest agreement and open steps, in the reader's words
        annotations = relationships.map_annotations(wview, t=t)
    m = ecosystem.read(wview)
    _diagram(wview, m, annotations, t)
    _relationships(wview, m, annotations or {}, t)
    _add_actor(wview, m, t)
    _add_flow(wview, m, t)
    _edit(wview, m, t)


def _started(t: Translator) -> bool:
    """The session just started from a relationship: its links (the facilitator's shown only now)."""
    started = st.session_state.get(STARTED)
    if not started:
        return False
    code, token = started
    new_session_links(
        started, t, ready=t.gettext("The session is ready, filled in from the map and linked to this workspace.")
    )
    c1, c2 = st.columns(2)
    if c1.button(t.gettext("Open the facilitator console"), key="map:console", type="primary", icon=":material/tune:"):
        del st.session_state[STARTED]
        set_params(session=code, admin=token)
        st.rerun()
    if c2.button(t.gettext("Back to the map"), key="map:back", icon=":material/arrow_back:"):
        del st.session_state[STARTED]
        st.rerun()
    return True


def _diagram(wview: WorkspaceView, m: EcosystemMap, annotations: Mapping[str, str] | None, t: Translator) -> None:
    shareable = st.toggle(
        t.gettext("Show the shareable version"),
        key="map:shareable",
        help=t.gettext(
            "What may go with a stakeholder survey: internal actors and flows, and flows to an internal actor, "
            "left out."
        ),
    )
    shown = m.shareable() if shareable else m
    svg = str(ecosystem_svg.svg(shown, annotations, t=t))
    summary = ecosystem_svg.summary(shown, annotations, t)
    st.image(svg, width=MAP_WIDTH, alt=summary)
    st.caption(t.gettext("On a projector, show the map full screen: the button at its top right corner."))
    with st.expander(t.gettext("The map in words"), icon=":material/description:"):
        st.text(summary)
    # the file names stay English (stable names, like the other downloads); the SVG's words are the reader's
    stem = f"trustcore-workspace-{wview.workspace.id}-ecosystem-map" + ("-shareable" if shareable else "")
    c1, c2 = st.columns(2)
    c1.download_button(
        t.gettext("Download the map (SVG)"),
        svg,
        file_name=f"{stem}.svg",
        mime="image/svg+xml",
        icon=":material/download:",
    )
    c2.download_button(
        t.gettext("Download actors and flows (CSV)"),
        ecosystem.csv_text(shown),
        file_name=f"{stem}.csv",
        mime="text/csv",
        icon=":material/download:",
    )


def _relationships(wview: WorkspaceView, m: EcosystemMap, annotations: Mapping[str, str], t: Translator) -> None:
    st.subheader(t.gettext("Relationships on the map"), anchor=False)
    relationships = m.relationships()
    if m.organisation is None:
        st.caption(
            t.gettext(
                "Add the organisation itself (an actor named like this workspace, or one marked as the "
                "organisation), then the organisations it shares data with."
            )
        )
        return
    if not relationships:
        st.caption(t.gettext("Add another organisation to the map to see the relationship with it here."))
    notes = {k.lower(): v for k, v in annotations.items()}
    for r in relationships:
        with st.container(border=True):
            st.markdown(
                "**"
                + t.gettext(
                    "{organisation} and {partner}", organisation=esc(r.organisation.name), partner=esc(r.partner.name)
                )
                + "**"
            )
            if r.flows:
                st.text(
                    "\n".join(
                        t.gettext("{flow} (internal)", flow=m.describe(f, t)) if f.internal else m.describe(f, t)
                        for f in r.flows
                    )
                )
            else:
                st.caption(t.gettext("No flows between them on the map yet."))
            if r.key in notes:
                st.text(notes[r.key])
            if st.button(
                t.gettext("Start a session from this relationship"),
                key=f"map:start:{r.partner.id}",
                icon=":material/add_circle:",
                help=t.gettext(
                    "A new co-ranking session with the two organisations as its parties and these flows "
                    "(internal flows left out), linked to this workspace."
                ),
            ):
                try:
                    started = ecosystem.start_session(wview, r.partner.id, owner=signin_ui.email())
                except TrustcoreError as exc:
                    problem(exc, t)
                else:
                    st.session_state[STARTED] = (started.created.session.code, started.created.facilitator_token)
                    st.rerun()


def _actor_fields(key: str, t: Translator, actor: ecosystem.Actor | None = None) -> dict:
    name = st.text_input(t.gettext("Name"), value=actor.name if actor else "", max_chars=80, key=f"{key}:name")
    c1, c2 = st.columns(2)
    kinds, roles = list(KINDS), list(ROLES)
    kind = c1.selectbox(
        # Translators: the kind of an actor on the ecosystem map (organisation, group of people, technology)
        t.pgettext("actor", "Kind"),
        kinds,
        index=kinds.index(actor.kind) if actor else 0,
        format_func=lambda k: t.gettext(KINDS[k]),
        key=f"{key}:kind",
    )
    role = c2.selectbox(
        t.gettext("Role"),
        roles,
        index=roles.index(actor.role) if actor else 0,
        format_func=lambda r: t.gettext(ROLES[r]),
        key=f"{key}:role",
    )
    c3, c4 = st.columns(2)
    organisation = c3.checkbox(
        t.gettext("This is the organisation itself"), value=actor.marked if actor else False, key=f"{key}:self"
    )
    internal = c4.checkbox(
        t.gettext("Internal (left out of the shareable map)"),
        value=actor.internal if actor else False,
        key=f"{key}:internal",
    )
    return {"name": name, "kind": kind, "role": role, "organisation": organisation, "internal": internal}


def _add_actor(wview: WorkspaceView, m: EcosystemMap, t: Translator) -> None:
    with st.expander(t.gettext("Add an actor"), icon=":material/add:", expanded=not m.actors):
        with st.form("map:actor", clear_on_submit=True, border=False):
            fields = _actor_fields("map:actor:new", t)
            if st.form_submit_button(
                t.gettext("Add the actor"), type="primary", icon=":material/add:", key="map:actor:add"
            ):
                try:
                    ecosystem.add_actor(wview, **fields)
                except TrustcoreError as exc:
                    problem(exc, t)
                else:
                    flash(t.gettext("Added {name} to the map.", name=fields["name"].strip()))
                    st.rerun()


def _flow_fields(key: str, m: EcosystemMap, t: Translator, flow: ecosystem.Flow | None = None) -> dict:
    ids = [a.id for a in m.actors]
    names = {a.id: a.name for a in m.actors}
    c1, c2 = st.columns(2)
    source = c1.selectbox(
        # Translators: where a flow of the ecosystem map starts
        t.pgettext("flow", "From"),
        ids,
        index=ids.index(flow.source_id) if flow else 0,
        format_func=lambda i: names[i],
        key=f"{key}:from",
    )
    target = c2.selectbox(
        # Translators: where a flow of the ecosystem map ends
        t.pgettext("flow", "To"),
        ids,
        index=ids.index(flow.target_id) if flow else min(1, len(ids) - 1),
        format_func=lambda i: names[i],
        key=f"{key}:to",
    )
    kinds = list(FLOW_KINDS)
    c3, c4 = st.columns(2)
    kind = c3.selectbox(
        t.gettext("Kind of flow"),
        kinds,
        index=kinds.index(flow.kind) if flow else 0,
        format_func=lambda k: t.gettext(FLOW_KINDS[k]),
        key=f"{key}:kind",
    )
    label = c4.text_input(
        t.gettext("Short label (optional)"),
        value=flow.label if flow else "",
        max_chars=ecosystem.LABEL_MAX,
        key=f"{key}:label",
    )
    internal = st.checkbox(
        t.gettext("Internal (left out of the shareable map)"),
        value=flow.internal if flow else False,
        key=f"{key}:internal",
    )
    return {"source_id": source, "target_id": target, "kind": kind, "label": label, "internal": internal}


def _add_flow(wview: WorkspaceView, m: EcosystemMap, t: Translator) -> None:
    if len(m.actors) < 2:
        return
    with st.expander(
        t.gettext("Add a flow"), icon=":material/trending_flat:", expanded=len(m.actors) >= 2 and not m.flows
    ):
        with st.form("map:flow", border=False):
            fields = _flow_fields("map:flow:new", m, t)
            if st.form_submit_button(
                t.gettext("Add the flow"), type="primary", icon=":material/add:", key="map:flow:add"
            ):
                try:
                    ecosystem.add_flow(wview, fields.pop("source_id"), fields.pop("target_id"), **fields)
                except TrustcoreError as exc:
                    problem(exc, t)
                else:
                    flash(t.gettext("Added the flow to the map."))
                    st.rerun()


def _edit(wview: WorkspaceView, m: EcosystemMap, t: Translator) -> None:
    if not m.actors:
        return
    edit = "map:edit"
    conflict = editing.conflict(edit)
    if conflict:
        _typed, _theirs, message = conflict
        st.warning(plain(t.gettext(message)), icon=":material/sync_problem:")
        if st.button(t.gettext("Show the map as it is now"), key=f"{edit}:reload", icon=":material/refresh:"):
            editing.forget(edit)
            st.rerun()
        return
    with st.expander(t.gettext("Edit or remove an actor or a flow"), icon=":material/edit:"):
        choices = [("actor", a.id) for a in m.actors] + [("flow", f.id) for f in m.flows]

        def label(choice: tuple[str, int]) -> str:
            what, number = choice
            if what == "actor":
                actor = m.actor(number)
                return t.gettext("Actor: {name}", name=actor.name) if actor else "?"
            flow = next(f for f in m.flows if f.id == number)
            return t.gettext("Flow: {flow}", flow=m.describe(flow, t))

        what, number = st.selectbox(t.gettext("Which one"), choices, format_func=label, key=f"{edit}:which")
        key = f"{edit}:{what}:{number}"
        if what == "actor":
            actor = m.actor(number)
            assert actor is not None
            base = editing.base_version(key, actor.version) or actor.version
            fields = _actor_fields(key, t, actor)
            c1, c2 = st.columns(2)
            if c1.button(t.gettext("Save the actor"), key=f"{key}:save", type="primary", icon=":material/save:"):
                editing.save(
                    edit,
                    lambda: ecosystem.edit_actor(wview, number, expected_version=base, **fields),
                    typed=fields,
                    done=t.gettext("Saved the actor."),
                )
            if c2.button(t.gettext("Remove the actor and its flows"), key=f"{key}:remove", icon=":material/delete:"):
                editing.save(
                    edit,
                    lambda: ecosystem.remove_actor(wview, number, expected_version=base),
                    typed=None,
                    done=t.gettext("Removed {name} and its flows from the map.", name=actor.name),
                )
        else:
            flow = next(f for f in m.flows if f.id == number)
            base = editing.base_version(key, flow.version) or flow.version
            fields = _flow_fields(key, m, t, flow)
            c1, c2 = st.columns(2)
            if c1.button(t.gettext("Save the flow"), key=f"{key}:save", type="primary", icon=":material/save:"):
                editing.save(
                    edit,
                    lambda: ecosystem.edit_flow(wview, number, expected_version=base, **fields),
                    typed=fields,
                    done=t.gettext("Saved the flow."),
                )
            if c2.button(t.gettext("Remove the flow"), key=f"{key}:remove", icon=":material/delete:"):
                editing.save(
                    edit,
                    lambda: ecosystem.remove_flow(wview, number, expected_version=base),
                    typed=None,
                    done=t.gettext("Removed the flow from the map."),
                )

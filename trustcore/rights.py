"""Who may do what: one table of actions and the link holders allowed each, which ``ensure`` enforces.

Every action of the core that needs a right calls ``ensure(actor, Action.X, ...)`` before it reads or
writes anything. The README's rights table is made from this one (``markdown_table``; a test checks
the README holds it), and ``tests/test_rights.py`` tries every cell through the core.

A right may hold only under a condition (``When``): participants see results once the round is
revealed (or at once in a live session), rank only while the round is open, and edit only their own
party's entries. ``ensure`` checks the condition too, so a page cannot forget it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import AccessDenied, NotAllowedNow
from .i18n import N_
from .model import Actor, Role

DENIED = N_("This link is not valid (it may be mistyped, or the session was deleted).")
NOT_YOURS = N_("You can only change your own party's entries.")
NOT_YET = N_("The results of this round are hidden until the facilitator reveals them.")
LOCKED = N_("This round is locked: the facilitator is no longer accepting rankings.")


class Action(StrEnum):
    """What a link may allow, in the words of the README's table."""

    SEE_SESSION = "see the session's title, relationship and parties"
    JOIN = "join a party and get a personal link"
    RANK = "rank and re-rank (only your own ranking)"
    SEE_PROGRESS = "see who has joined and submitted"
    SEE_RESULTS = "see the rankings and the comparison"
    DOWNLOAD = "download CSVs, the workbook and the report"
    RUN_ROUNDS = "lock and unlock a round, reveal results, open a round, run the round timer"
    REPLACE_ELEMENTS = "replace the element list (until the first ranking)"
    MANAGE_JOINING = "close or reopen joining, and set the limit on participants"
    MANAGE_PEOPLE = "remove a participant, or move one to another party"
    SEE_EVENTS = "see the event log"
    MANAGE_SURVEY = "create, replace or close the survey link"
    ARCHIVE = "archive the session (JSON)"
    DELETE = "delete the session"
    LINK_SESSIONS = "link the session to an earlier one of the same relationship"
    FIX_AGREED_ORDER = "fix the agreed order of the elements (Column A)"
    READ_FOLLOWUP = "read the next steps, the worksheet, the reflections and organisation-wide rankings"
    EDIT_NEXT_STEPS = "add and edit next steps"
    AGREE_FOR_PARTY = "mark a party as agreeing to a next step (or take its agreement back)"
    DELETE_AGREED_STEP = "delete a next step another party agreed to"
    EDIT_WORKSHEET = "edit a party's worksheet entries (columns B and C)"
    ENTER_BASELINE = "enter a party's organisation-wide ranking"
    ANSWER_REFLECTIONS = "answer the reflection questions"
    READ_FEEDBACK = "read the stakeholder survey's answers"
    FILL_SURVEY = "fill in the stakeholder survey"
    SEE_SURVEY_DOCUMENTS = "see what the survey shows: the worksheet's shareable steps and evidence"
    CHOOSE_SURVEY_DOCUMENTS = "choose what the survey shows (leave out the steps or the evidence)"
    PRESENT = "show the presenter screen (what the room may see; it controls nothing)"
    MANAGE_PRESENTER = "create, replace or revoke the presenter link, and step through its agenda"
    HAND_OVER = "hand the session to a co-facilitator who signs in (by e-mail address)"
    LINK_WORKSPACE = "link the session to an organisation workspace (with the workspace link too)"
    ADOPT_CONSENSUS = "adopt the session's consensus as an organisation's ranking (with the workspace link too)"
    SEE_WORKSPACE = "see the organisation workspace: its ranking, its versions, its sessions"
    RANK_ORGANISATION = "enter the organisation-wide ranking (Activity 1) in the workspace"
    ARCHIVE_WORKSPACE = "archive the organisation workspace (JSON)"
    REPLACE_WORKSPACE_LINK = "replace the workspace link (the old one stops working at once)"
    DELETE_WORKSPACE = "delete the organisation workspace (its linked sessions are unlinked and keep working)"
    SEE_RELATIONSHIPS = (
        "see the relationships of the workspace's linked sessions: their revealed agreement and next steps, no names"
    )
    EDIT_INTERNAL_WORKSHEET = (
        "edit the internal worksheet (Activity 2) in the workspace, each field internal or shareable"
    )
    EDIT_MAP = "draw the organisation's data ecosystem map (Activity 4): its actors and flows"
    START_SESSION_FROM_MAP = "start a session from a relationship on the ecosystem map (linked to the workspace)"
    DOWNLOAD_WORKSPACE = (
        "download the organisation workspace as a workbook and a printable report, full or shareable "
        "(no field marked internal)"
    )


class When(StrEnum):
    """The condition a right holds under, with its README wording."""

    ALWAYS = "yes"
    REVEALED = "once revealed (or live, if chosen)"
    ROUND_OPEN = "yes, while the round is open"
    OWN_PARTY = "their own party"


@dataclass(frozen=True)
class Right:
    """The holders allowed an action, each under a condition; everyone else is refused."""

    allowed: dict[Role, When]

    def cell(self, role: Role) -> str:
        """The README's cell for ``role``."""
        when = self.allowed.get(role)
        return "no" if when is None else when.value


F, P, S, V, R = Role.FACILITATOR, Role.PARTICIPANT, Role.JOINER, Role.STAKEHOLDER, Role.PRESENTER
W = Role.WORKSPACE
ALWAYS = When.ALWAYS

RIGHTS: dict[Action, Right] = {
    Action.SEE_SESSION: Right({F: ALWAYS, P: ALWAYS, S: ALWAYS, V: ALWAYS, R: ALWAYS}),
    Action.JOIN: Right({S: ALWAYS}),
    Action.RANK: Right({P: When.ROUND_OPEN}),
    Action.SEE_PROGRESS: Right({F: ALWAYS}),
    Action.SEE_RESULTS: Right({F: ALWAYS, P: When.REVEALED}),
    Action.DOWNLOAD: Right({F: ALWAYS, P: When.REVEALED}),
    Action.RUN_ROUNDS: Right({F: ALWAYS}),
    Action.REPLACE_ELEMENTS: Right({F: ALWAYS}),
    Action.MANAGE_JOINING: Right({F: ALWAYS}),
    Action.MANAGE_PEOPLE: Right({F: ALWAYS}),
    Action.SEE_EVENTS: Right({F: ALWAYS}),
    Action.MANAGE_SURVEY: Right({F: ALWAYS}),
    Action.ARCHIVE: Right({F: ALWAYS}),
    Action.DELETE: Right({F: ALWAYS}),
    Action.LINK_SESSIONS: Right({F: ALWAYS}),
    Action.FIX_AGREED_ORDER: Right({F: ALWAYS}),
    Action.READ_FOLLOWUP: Right({F: ALWAYS, P: ALWAYS}),
    Action.EDIT_NEXT_STEPS: Right({F: ALWAYS, P: ALWAYS}),
    Action.AGREE_FOR_PARTY: Right({F: ALWAYS, P: When.OWN_PARTY}),
    Action.DELETE_AGREED_STEP: Right({F: ALWAYS}),
    Action.EDIT_WORKSHEET: Right({F: ALWAYS, P: When.OWN_PARTY}),
    Action.ENTER_BASELINE: Right({F: ALWAYS, P: When.OWN_PARTY}),
    Action.ANSWER_REFLECTIONS: Right({F: ALWAYS, P: ALWAYS}),
    Action.READ_FEEDBACK: Right({F: ALWAYS, P: ALWAYS}),
    Action.FILL_SURVEY: Right({V: ALWAYS}),
    Action.SEE_SURVEY_DOCUMENTS: Right({F: ALWAYS, V: ALWAYS}),
    Action.CHOOSE_SURVEY_DOCUMENTS: Right({F: ALWAYS}),
    Action.PRESENT: Right({R: ALWAYS}),
    Action.MANAGE_PRESENTER: Right({F: ALWAYS}),
    Action.HAND_OVER: Right({F: ALWAYS}),
    # an organisation workspace (trustcore.workspace): its link is no session's, so a session's links have
    # none of its rights; linking a session to it, or adopting a session's consensus, needs both links
    Action.LINK_WORKSPACE: Right({F: ALWAYS}),
    Action.ADOPT_CONSENSUS: Right({F: ALWAYS}),
    Action.SEE_WORKSPACE: Right({W: ALWAYS}),
    Action.RANK_ORGANISATION: Right({W: ALWAYS}),
    Action.ARCHIVE_WORKSPACE: Right({W: ALWAYS}),
    Action.REPLACE_WORKSPACE_LINK: Right({W: ALWAYS}),
    Action.DELETE_WORKSPACE: Right({W: ALWAYS}),
    Action.SEE_RELATIONSHIPS: Right({W: ALWAYS}),
    Action.EDIT_INTERNAL_WORKSHEET: Right({W: ALWAYS}),
    Action.EDIT_MAP: Right({W: ALWAYS}),
    Action.START_SESSION_FROM_MAP: Right({W: ALWAYS}),
    Action.DOWNLOAD_WORKSPACE: Right({W: ALWAYS}),
}

# the README's columns: the link each role holds (no link at all: "nobody", refused everything)
COLUMNS = {
    Role.FACILITATOR: "facilitator link",
    Role.PARTICIPANT: "personal (participant) link",
    Role.JOINER: "share link",
    Role.STAKEHOLDER: "survey link",
    Role.PRESENTER: "presenter link",
    Role.WORKSPACE: "workspace link",
}


def role_of(actor: Actor) -> Role:
    """The link an actor holds (``Store.authorise`` decided it, once)."""
    return actor.role


def may(role: Role | None, action: Action) -> bool:
    """Whether ``role`` has ``action`` at all (under some condition)."""
    return role is not None and role in RIGHTS[action].allowed


def ensure(
    actor: Actor | None, action: Action, *, party_id: int | None = None, round_number: int | None = None
) -> None:
    """Refuse ``action`` unless the table allows it to ``actor`` now (``party_id``: the party acted for;
    ``round_number``: the round whose results are asked for, None for any round). Only the fact the
    right's condition needs is looked at."""
    if actor is None:
        raise AccessDenied(DENIED)
    role = role_of(actor)
    when = RIGHTS[action].allowed.get(role)
    s = actor.session
    ensure_role(
        role,
        action,
        own_party=when is not When.OWN_PARTY or party_id is None or actor.may_act_for(party_id),
        visible=when is not When.REVEALED
        or (
            s.results_visible(round_number)
            if round_number is not None
            else any(s.results_visible(r.number) for r in s.rounds)
        ),
        open_round=when is not When.ROUND_OPEN or not s.round.locked_at,
    )


def ensure_role(
    role: Role, action: Action, *, own_party: bool = True, visible: bool = True, open_round: bool = True
) -> None:
    """``ensure`` for a caller that has already resolved the role and the facts its conditions need
    (``Store.submit`` reads them inside its one write transaction)."""
    when = RIGHTS[action].allowed.get(role)
    if when is None:
        raise AccessDenied(DENIED)
    if when is When.OWN_PARTY and not own_party:
        raise AccessDenied(NOT_YOURS)
    if when is When.REVEALED and not visible:
        raise NotAllowedNow(NOT_YET)
    if when is When.ROUND_OPEN and not open_round:
        raise NotAllowedNow(LOCKED)


def markdown_table() -> str:
    """The README's table, made from ``RIGHTS``."""
    head = ["action", *COLUMNS.values(), "nobody"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for action, right in RIGHTS.items():
        lines.append("| " + " | ".join([action.value, *(right.cell(r) for r in COLUMNS), "no"]) + " |")
    return "\n".join(lines)

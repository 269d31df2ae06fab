"""Who is using this tab, for which session, with which rights: resolved once per rerun from the URL.

The URL is the source of truth for a tab (it is what people share, bookmark and reload):
``?session=<code>`` (join), ``&me=<token>`` (a participant's personal link), ``&admin=<token>``
(the facilitator link), ``&owner=me`` (the console of a session the signed-in user owns: no token in the
URL; ``Store.identify`` checks the sign-in); ``?workspace=<id>&org=<token>`` an organisation workspace's link
(``&owner=me`` instead of the token for its signed-in owner). Streamlit clears query parameters on page switches, so the last ones seen are
kept in ``st.session_state`` and written back to the URL on every run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import streamlit as st

from trustcore.db import default_path
from trustcore.errors import AccessDenied, LinkRemoved, NotFound, TrustcoreError
from trustcore.i18n import N_
from trustcore.model import Participant, Role, Session
from trustcore.store import DENIED, Store
from trustcore.view import View
from trustcore.workspace import WorkspaceView

from . import healing, signin
from .memo import shared

PARAMS = ("session", "me", "admin", "survey", "presenter", "owner", "workspace", "org", "lang")  # lang: ui/i18n.py
OWNER = "me"  # ``&owner=me``: the signed-in owner's console, opened without the link (``ui/signin.py``)
_STATE = "tc_params"


def get_store() -> Store:
    """The Store for ``$TRUSTCORE_DB`` (initialised once per process and path; it holds only the path,
    connections are opened per call)."""
    return _store(str(default_path()))


@shared(maxsize=16)
def _store(path: str) -> Store:
    return Store(path).initialise()


@dataclass
class Context:
    store: Store
    params: dict[str, str]
    session: Session | None = None
    participant: Participant | None = None
    facilitator: bool = False
    stakeholder: bool = False  # holds the survey link: may fill in the survey, nothing else
    presenter: bool = False  # holds the presenter link: sees the presenter screen, controls nothing
    # what this tab's link was refused with: a marked message (``N_``) or the core's error, worded in the
    # reader's language where it is shown (``ui.common.show_error``)
    error: str | TrustcoreError | None = None
    view: View | None = None  # the view this tab's link gives (the share link too), opened once per rerun
    workspace: WorkspaceView | None = None  # an organisation workspace's link, in a tab without a session
    # the current round as this run drew it: (number, status, timer end). ``Round.status`` reads the clock
    # (a timer that locks), so polls compare against this, taken once, rather than against the live object.
    drawn_round: tuple | None = None

    @property
    def code(self) -> str | None:
        return self.session.code if self.session else None

    @property
    def token(self) -> str | None:
        """The token that gives this tab its rights (facilitator or personal)."""
        if self.facilitator:
            return self.params.get("admin")
        if self.participant:
            return self.params.get("me")
        return None

    @property
    def role(self) -> Role:
        if self.facilitator:
            return Role.FACILITATOR
        if self.participant:
            return Role.PARTICIPANT
        if self.stakeholder:
            return Role.STAKEHOLDER
        if self.presenter:
            return Role.PRESENTER
        if self.session:
            return Role.JOINER
        if self.workspace:
            return Role.WORKSPACE
        return Role.VISITOR

    def reload(self) -> None:
        """Re-read the session after a change (the page goes on with fresh state)."""
        if self.view:
            self.view = self.view.reopened()
            self.session = self.view.session


def _read_params() -> dict[str, str]:
    url = {k: st.query_params.get(k) for k in PARAMS if st.query_params.get(k)}
    if "session" in url or "workspace" in url:
        # A URL naming a session (or a workspace) is the whole truth: tokens it does not carry are dropped.
        params = url
    else:
        params = dict(st.session_state.get(_STATE, {}))
        if "lang" in url:  # a bare ``?lang=fr`` (the start page's link in French) sets the tab's language
            params["lang"] = url["lang"]
    return {k: str(v)[:200] for k, v in params.items()}


def set_params(**params: str | None) -> None:
    """Replace this tab's session parameters (e.g. after joining) and the URL with them."""
    if "lang" not in params:  # the tab's language outlives its links (joining, leaving a session)
        params["lang"] = st.session_state.get(_STATE, {}).get("lang")
    clean = {k: v for k, v in params.items() if k in PARAMS and v}
    st.session_state[_STATE] = clean
    # An unchanged URL needs no message to the browser on this run (one per run of every tab), unless a
    # dropped output may have held its last update (``healing.url_unsure``). Every value counts: a key given
    # twice is written back once.
    shown = {key: st.query_params.get_all(key) for key in st.query_params}
    if healing.url_unsure() or shown != {key: [value] for key, value in clean.items()}:
        st.query_params.from_dict(clean)
    healing.remember_query(urlencode(clean))


# the URL parameter each link puts its token in, the holder it must resolve to, and what a tab whose token
# is refused is told (the first parameter present wins; marked messages, worded where they are shown)
LINKS = (
    (
        "admin",
        Role.FACILITATOR,
        N_("This facilitator link is not valid (it may be mistyped, or the session was deleted)."),
    ),
    (
        "me",
        Role.PARTICIPANT,
        N_("This personal link is not valid: join again below, or ask the facilitator for help."),
    ),
    (
        "survey",
        Role.STAKEHOLDER,
        N_("This survey link is not valid, or the survey was closed. Ask the facilitator for a new link."),
    ),
    (
        "presenter",
        Role.PRESENTER,
        N_("This presenter link is not valid, or it was revoked. Ask the facilitator for a new one."),
    ),
    (
        "owner",
        Role.FACILITATOR,
        N_(
            "Only this session's owner can open its console without the facilitator link: sign in with the "
            "account that owns it (see My sessions), or use the facilitator link."
        ),
    ),
)


def resolve() -> Context:
    """Build the context for this rerun: the tab's link, resolved once by ``Store.open``."""
    store = get_store()
    params = _read_params()
    ctx = Context(store, params)
    code = params.get("session")
    if code:
        try:
            ctx.view = store.open(code, None)  # the share link: the code alone
        except NotFound as exc:
            ctx.error = exc
            params = {"lang": params["lang"]} if params.get("lang") else {}  # the language outlives a wrong code
    for key, role, refused in LINKS if ctx.view else ():
        if not params.get(key):
            continue
        try:
            # the owner's console carries no token: the signed-in address is the credential (None: refused)
            credential = signin.user() if key == "owner" else params[key]
            if credential is None:
                raise AccessDenied(DENIED)
            view = store.open(code, credential)
            if view.role is not role:  # e.g. a personal link's token pasted as the facilitator's
                raise AccessDenied(DENIED)
            ctx.view = view
        except LinkRemoved as exc:
            ctx.error = exc
        except AccessDenied:
            ctx.error = refused
        else:
            break
        params.pop(key)
    if ctx.view:
        view = ctx.view
        ctx.session, ctx.participant = view.session, view.participant
        ctx.facilitator = view.role is Role.FACILITATOR
        ctx.stakeholder = view.role is Role.STAKEHOLDER
        ctx.presenter = view.role is Role.PRESENTER
        params["session"] = view.session.code  # canonical form of a typed code
        ctx.drawn_round = view.session.round.shown
    if not ctx.view and params.get("workspace"):
        _open_workspace(ctx, params)
    ctx.error = ctx.error or st.session_state.pop(_CARRIED, None)
    ctx.params = params
    set_params(**params)
    return ctx


_CARRIED = "tc_carried_error"
WORKSPACE_REFUSED = N_(
    "This organisation workspace link is not valid (it may be mistyped). Ask whoever created the workspace for it."
)


def _open_workspace(ctx: Context, params: dict[str, str]) -> None:
    """A tab holding an organisation workspace's link (or its signed-in owner's ``&owner=me``)."""
    credential = params.get("org") or (signin.user() if params.get("owner") == OWNER else None)
    try:
        if credential is None:
            raise AccessDenied(DENIED)
        ctx.workspace = ctx.store.open_workspace(params["workspace"], credential)
    except AccessDenied:
        ctx.error = WORKSPACE_REFUSED
        for key in ("workspace", "org", "owner"):
            params.pop(key, None)


def carry_error(ctx: Context) -> None:
    """Keep this run's refusal for the next run (the page switched to says it)."""
    if ctx.error:
        st.session_state[_CARRIED] = ctx.error


def base_url() -> str:
    """The app's root URL for links: ``$TRUSTCORE_BASE_URL`` or what the browser used."""
    configured = os.environ.get("TRUSTCORE_BASE_URL")
    if configured:
        return configured.rstrip("/")
    url = st.context.url or "http://localhost:8501"
    parts = urlsplit(url)
    base_path = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{parts.scheme}://{parts.netloc}" + (f"/{base_path}" if base_path else "")


PAGES = {  # name: (file, title (marked: worded in the navigation by ui/navigation.py), icon, url path)
    "home": ("views/home.py", N_("Start"), ":material/home:", "start"),
    "create": ("views/create.py", N_("New session"), ":material/add_circle:", "new"),
    "mine": ("views/my_sessions.py", N_("My sessions"), ":material/folder_shared:", "my-sessions"),
    "join": ("views/join.py", N_("Join"), ":material/login:", "join"),
    "rank": ("views/rank.py", N_("My ranking"), ":material/reorder:", "rank"),
    "console": ("views/console.py", N_("Console"), ":material/tune:", "console"),
    "compare": ("views/compare.py", N_("Comparison"), ":material/compare_arrows:", "compare"),
    "steps": ("views/next_steps.py", N_("Next steps"), ":material/checklist:", "next-steps"),
    "worksheet": ("views/worksheet.py", N_("Worksheet"), ":material/table_view:", "worksheet"),
    "reflect": ("views/reflect.py", N_("Reflect"), ":material/psychology:", "reflect"),
    "survey": ("views/survey.py", N_("Survey"), ":material/rate_review:", "survey"),
    "privacy": ("views/privacy.py", N_("Privacy"), ":material/shield:", "privacy"),
    "presenter": ("views/presenter.py", N_("Presenter screen"), ":material/co_present:", "presenter"),
    "workspace": ("views/workspace.py", N_("Organisation"), ":material/domain:", "workspace"),
}

WIDE = (
    "console",
    "compare",
    "worksheet",
    "presenter",
    "workspace",
)  # pages drawn full width (tables, charts, a map, a projector)
WIDE_PATHS = frozenset(PAGES[name][3] for name in WIDE)

ROLE_PAGES = {  # the pages each role has, its main page first
    Role.VISITOR: ["home", "create", "mine", "workspace", "privacy"],
    Role.JOINER: ["join", "privacy"],
    Role.PARTICIPANT: ["rank", "compare", "steps", "worksheet", "reflect", "privacy"],
    Role.FACILITATOR: ["console", "compare", "steps", "worksheet", "reflect", "privacy"],
    Role.STAKEHOLDER: ["survey", "privacy"],
    Role.PRESENTER: ["presenter"],
    Role.WORKSPACE: ["workspace", "privacy"],
}

MAIN_PAGE = {role: PAGES[names[0]][0] for role, names in ROLE_PAGES.items()}


def page_context(*roles: Role) -> Context:
    """The context for a page that serves ``roles``; anyone else goes to their own main page (e.g. a
    bookmarked comparison of a session that was since deleted, or a tab whose link was just replaced)."""
    ctx = st.session_state["ctx"]
    if ctx.role not in roles:
        st.switch_page(MAIN_PAGE[ctx.role])
    return ctx

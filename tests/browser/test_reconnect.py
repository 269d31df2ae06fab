"""After a server restart, every URL the app shows or puts in the address bar is a working first request.

A laptop or phone that reconnects mid-workshop asks the restarted server for the page it was on, such as
``/compare?session=...&me=...``. For every role and every page that role has, the server is restarted and
each URL is opened in a fresh browser: the page must be the right one, with no error and no "page not
found", and the address bar must still name the page and carry the link's parameters.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import Server
from .helpers import open_app, shot

# url path -> a text only that page shows (first run, any role that has the page)
PAGE_TEXT = {
    "start": "Co-rank what makes data stewardship trustworthy",
    "new": "New co-ranking session",
    "my-sessions": "Facilitators who sign in find every session they created here",
    "privacy": "What is stored for a session",
    "join": "Which party are you ranking for?",
    "rank": "Round 1 is locked",
    "console": "Facilitator console",
    "compare": "Side by side, most contested first",
    "next-steps": "Next steps",
    "worksheet": "Worksheet",
    "reflect": "Organisation-wide ranking",
    "survey": "Stakeholder survey",
    "presenter": "Discussion agenda: item 1 of",
    "workspace": "organisation workspace",  # the visitor's "New organisation workspace", the holder's own
}


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    """A revealed two-party session with a survey link, on a database the restarted servers share."""
    from trustcore.followup.survey import new_survey_link
    from trustcore.joining import set_joining
    from trustcore.presenter import new_presenter_link
    from trustcore.store import Store
    from trustcore.workspace import create_workspace

    tmp = tmp_path_factory.mktemp("reconnect")
    db = tmp / "trustcore.db"
    store = Store(db).initialise()
    created = store.create_session("Reconnect", ["Alpha", "Beta"])
    code, admin = created.session.code, created.facilitator_token
    ids = list(created.session.catalogue.ids)
    me = None
    for party, order in zip(created.session.parties, [ids, ids[::-1]], strict=True):
        joined = store.join(code, party.id, f"{party.name} person")
        store.submit(code, joined.token, order, round_number=1)
        me = me or joined.token
    store.reveal(code, admin, round_number=1)
    set_joining(store.open(code, admin), open=True)  # the reveal closed joining; the join page is drawn with it open
    survey = new_survey_link(store.open(code, admin))
    org = create_workspace(store, "Reconnect organisation")
    roles = {
        "visitor": ({}, ["start", "new", "my-sessions", "workspace", "privacy"]),
        "joiner": ({"session": code}, ["join", "privacy"]),
        "participant": (
            {"session": code, "me": me},
            ["rank", "compare", "next-steps", "worksheet", "reflect", "privacy"],
        ),
        "facilitator": (
            {"session": code, "admin": admin},
            ["console", "compare", "next-steps", "worksheet", "reflect", "privacy"],
        ),
        "stakeholder": ({"session": code, "survey": survey}, ["survey", "privacy"]),
        "presenter": ({"session": code, "presenter": new_presenter_link(store.open(code, admin))}, ["presenter"]),
        "workspace": ({"workspace": str(org.workspace.id), "org": org.token}, ["workspace", "privacy"]),
    }
    return tmp, db, roles


@pytest.mark.parametrize(
    "role", ["visitor", "joiner", "participant", "facilitator", "stakeholder", "presenter", "workspace"]
)
def test_every_page_url_works_as_the_first_request_after_a_restart(workshop, role, new_page):
    tmp, db, roles = workshop
    params, paths = roles[role]
    query = "&".join(f"{k}={v}" for k, v in params.items())
    server = Server(db, tmp / f"streamlit-{role}.log")  # a fresh process: nothing routed yet
    try:
        for path in paths:
            url = f"{server.url}/{path}" + (f"?{query}" if query else "")
            page = new_page(390 if path == "rank" else 1280, 900)
            open_app(page, url)
            expect(page.get_by_text(PAGE_TEXT[path]).first).to_be_visible()
            assert page.locator("[data-testid='stException']").count() == 0, (role, path)
            assert page.get_by_text("Page not found").count() == 0, (role, path)
            address = urlsplit(page.url)
            assert address.path.rstrip("/") == f"/{path}", (role, path, page.url)
            assert {k: v[-1] for k, v in parse_qs(address.query).items()} == params, (role, path, page.url)
            if role == "participant" and path == "compare":
                shot(page, "reconnect-participant-compare")
            page.context.close()
    finally:
        server.stop()
    log = (tmp / f"streamlit-{role}.log").read_text()
    assert "Traceback" not in log and "KeyError" not in log, log

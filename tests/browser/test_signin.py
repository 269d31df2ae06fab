"""Facilitators sign in with Streamlit's st.login against a real OpenID Connect provider on loopback (the npm
package oidc-provider, started here by ``tests/oidc_provider.mjs``): sign in, create a session, find it under
My sessions from a fresh browser, hand it to a second signed-in user, sign out; and who may create.

Traps this setup avoids (issue 22): Streamlit asks for prompt=select_account, which the provider refuses
(``client_kwargs = { prompt = "login" }``); st.user is built from the ID token alone (the provider puts
``email`` in it); the browser uses exactly the origin of redirect_uri (``localhost``, not 127.0.0.1); the
callback is registered as a post-logout address too; every request to anything but loopback is blocked
(the provider's login page asks for web fonts).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import urllib.request
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from .conftest import ROOT, Server
from .helpers import open_app, shot, wait_idle
from .test_accessibility import FAILING, audit

try:
    from appserver import _free_port
except ImportError:
    from tests.appserver import _free_port

ANA, BEN, EVE = "ana@example.org", "ben@example.org", "eve@example.com"
LOOPBACK = {"localhost", "127.0.0.1", "::1", "[::1]"}


def _require_node() -> None:
    missing = shutil.which("node") is None or not (ROOT / "node_modules" / "oidc-provider").exists()
    if missing:
        message = "node or node_modules/oidc-provider missing: run scripts/test.sh (it runs `npm ci`)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def ports():
    return {"oidc": _free_port(), "signed-in": _free_port(), "allowlist": _free_port()}


@pytest.fixture(scope="module")
def oidc(ports, tmp_path_factory):
    """The provider, with one client whose redirect URIs are both servers' callbacks; its issuer URL."""
    _require_node()
    log = tmp_path_factory.mktemp("oidc") / "oidc.log"
    callbacks = [f"http://localhost:{ports[k]}/oauth2callback" for k in ("signed-in", "allowlist")]
    with open(log, "w") as out:
        proc = subprocess.Popen(
            ["node", str(ROOT / "tests" / "oidc_provider.mjs"), str(ports["oidc"]), *callbacks],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    issuer = f"http://localhost:{ports['oidc']}"
    deadline = time.time() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{ports['oidc']}/.well-known/openid-configuration", timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise RuntimeError("oidc-provider did not start:\n" + log.read_text()) from None
            time.sleep(0.2)
    yield issuer
    proc.terminate()
    proc.wait(10)


def _server(tmp_path_factory, ports, issuer: str, which: str, create: str) -> Server:
    tmp = tmp_path_factory.mktemp(which)
    secrets = tmp / "secrets.toml"
    secrets.write_text(
        f"""[auth]
redirect_uri = "http://localhost:{ports[which]}/oauth2callback"
cookie_secret = "trustcore-test-cookie-secret-{which}-0123456789abcdef"
client_id = "trustcore"
client_secret = "trustcore-test-secret"
server_metadata_url = "{issuer}/.well-known/openid-configuration"
client_kwargs = {{ prompt = "login" }}
"""
    )
    return Server(
        tmp / "trustcore.db",
        tmp / "streamlit.log",
        {"TRUSTCORE_CREATE": create},
        port=ports[which],
        flags=[f"--secrets.files={secrets}"],
    )


@pytest.fixture(scope="module")
def signed_in_server(tmp_path_factory, ports, oidc):
    srv = _server(tmp_path_factory, ports, oidc, "signed-in", "signed-in")
    yield srv
    srv.stop()
    log = srv.log_path.read_text()
    assert "Traceback" not in log, f"the server logged an error:\n{log}"


@pytest.fixture(scope="module")
def allowlist_server(tmp_path_factory, ports, oidc):
    srv = _server(tmp_path_factory, ports, oidc, "allowlist", "@example.org, ben@example.net")
    yield srv
    srv.stop()


def _app(srv: Server) -> str:
    """The app's address as the browser must use it: exactly the origin of redirect_uri."""
    return f"http://localhost:{srv.port}"


@pytest.fixture
def person(new_page):
    """Factory: a fresh browser (a person) that reaches loopback only."""

    def make() -> Page:
        page = new_page()
        blocked: list[str] = []

        def only_loopback(route):
            host = urlsplit(route.request.url).hostname or ""
            if host in LOOPBACK:
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        page.context.route("**/*", only_loopback)
        return page

    return make


def sign_in(page: Page, app: str, email: str) -> None:
    """Sign in from the start page through the provider's login page, and come back signed in."""
    open_app(page, app)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/interaction/"))
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    page.wait_for_url(re.compile(re.escape(app)))
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(state="attached")
    wait_idle(page)
    shown = email.replace("@", "@\u2060")  # the caption's word joiner keeps the address from becoming a link
    expect(page.get_by_text(f"Signed in as {shown}")).to_be_visible()


def serious(page: Page) -> list[str]:
    """axe-core's serious or critical violations on the page (as tests/browser/test_accessibility.py)."""
    return [
        f"{v['id']}: {v['help']} at {[(n.get('target'), n.get('failureSummary')) for n in v.get('nodes', [])][:3]}"
        for v in audit(page)
        if v.get("impact") in FAILING
    ]


def go_to(page: Page, name: str) -> None:
    page.get_by_role("link", name=name).first.click()
    wait_idle(page)


def test_sign_in_create_find_hand_over_and_sign_out(signed_in_server, person):
    app = _app(signed_in_server)
    ana = person()
    sign_in(ana, app, ANA)
    shot(ana, "signin-01-start-signed-in")
    go_to(ana, "New session")
    ana.get_by_role("textbox", name="Session title").fill("Signed-in workshop")
    ana.get_by_label("Party 1", exact=True).fill("CityBus")
    ana.get_by_label("Party 2", exact=True).fill("Council")
    ana.get_by_role("button", name="Create session").click()
    wait_idle(ana)
    expect(ana.get_by_text("The session is ready.")).to_be_visible()
    expect(ana.get_by_text("this session is also under My sessions")).to_be_visible()
    shot(ana, "signin-02-created")

    again = person()  # a fresh browser: no link, only the sign-in
    sign_in(again, app, ANA)
    go_to(again, "My sessions")
    expect(again.get_by_text("Signed-in workshop")).to_be_visible()
    expect(again.get_by_text("round 1 open · 0 of 0 submitted")).to_be_visible()
    shot(again, "signin-03-my-sessions")
    assert not serious(again)
    again.get_by_role("button", name="Open console").click()
    wait_idle(again)
    expect(again.get_by_text("Facilitator console")).to_be_visible()
    assert "owner=me" in again.url and "admin=" not in again.url
    shot(again, "signin-04-console-without-the-link")

    again.get_by_text("Hand this session to a co-facilitator").click()
    again.get_by_role("textbox", name="Co-facilitator's e-mail address").fill(BEN)
    again.get_by_role("button", name="Hand over").click()
    wait_idle(again)
    expect(again.get_by_text(f"The session is now {BEN}'s")).to_be_visible()
    expect(again.get_by_text("You have no sessions yet.")).to_be_visible()
    shot(again, "signin-05-handed-over")

    ben = person()
    sign_in(ben, app, BEN)
    go_to(ben, "My sessions")
    expect(ben.get_by_text("Signed-in workshop")).to_be_visible()
    ben.get_by_role("button", name="Open console").click()
    wait_idle(ben)
    expect(ben.get_by_text("Facilitator console")).to_be_visible()

    ben.get_by_role("button", name="Back to My sessions").click()
    wait_idle(ben)
    ben.get_by_role("button", name="Sign out").click()
    logout = ben.get_by_role("button", name="Yes, sign me out")  # the provider asks before it ends its session
    logout.wait_for()
    logout.click()
    ben.wait_for_url(re.compile(re.escape(app)))
    ben.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(state="attached")
    wait_idle(ben)
    expect(ben.get_by_role("button", name="Sign in")).to_be_visible()
    expect(ben.get_by_text("Signed in as")).to_have_count(0)
    shot(ben, "signin-06-signed-out")
    open_app(ben, app + "/my-sessions")
    expect(ben.get_by_text("Signed-in workshop")).to_have_count(0)


def test_signed_in_only_refuses_an_anonymous_visitor(signed_in_server, person):
    page = person()
    open_app(page, _app(signed_in_server))
    go_to(page, "New session")
    expect(page.get_by_text("Creating sessions on this server is for signed-in facilitators")).to_be_visible()
    expect(page.get_by_role("button", name="Create session")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    shot(page, "signin-07-anonymous-refused")
    assert not serious(page)


def test_an_allowlist_refuses_a_signed_in_user_outside_it(allowlist_server, person):
    page = person()
    sign_in(page, _app(allowlist_server), EVE)
    go_to(page, "New session")
    expect(page.get_by_text(f"{EVE} is not one of them")).to_be_visible()
    expect(page.get_by_role("button", name="Create session")).to_have_count(0)
    shot(page, "signin-08-outside-the-allowlist")

"""Two app replicas on one PostgreSQL database, behind nginx with the shipped configuration
(``deploy/nginx-trustcore.conf``): participants join through the proxy, sticky sessions keep each tab on
its replica, the facilitator's console shows everyone, and the reveal reaches every page. A second test
puts a participant on one replica and the facilitator on the other, with no proxy between them. The last
kills a replica under a console and restarts it: the console, moved to the other replica, still uploads and
downloads there.

nginx is Debian's package (``scripts/test.sh`` installs it when missing); under CI a missing nginx fails.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pg
import pytest
from appserver import ROOT, Server, _free_port, wait_healthy
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from trustcore import db as dbmod
from trustcore import links
from trustcore.results import round_results
from trustcore.store import Store

from .helpers import current_order, download, eventually, join, open_app, shot, submit, wait_idle

SHIPPED = ROOT / "deploy" / "nginx-trustcore.conf"
PARTIES = ["CityBus", "Council"]


class Nginx:
    """nginx in the foreground on a free port, with the shipped site configuration pointed at ``ports`` (in place of
    8501 and 8502, wherever the file writes them), over plain HTTP on loopback: its TLS lines (between "TLS begin" and "TLS end") and the redirect's ``listen ...:80`` lines
    become ``listen`` on free ports, and its access log goes to this folder. Nothing else is changed."""

    SHIPPED_LOG = "/var/log/nginx/trustcore.access.log"
    SHIPPED_PORTS = (8501, 8502)  # the replicas' ports in the shipped file, in the order of ``ports``

    def __init__(self, folder: Path, ports: list[int]):
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).exists():
            message = "nginx not found: scripts/test.sh installs Debian's nginx-light package"
            if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
                pytest.fail(message)
            pytest.skip(message)
        self.port, self.redirect_port = _free_port(), _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.access = folder / "access.log"  # the test's own log of routing (path, replica, sticky cookie)
        self.shipped_log = folder / "trustcore.access.log"  # the log in the shipped format
        site = SHIPPED.read_text()
        for shipped, port in zip(self.SHIPPED_PORTS, ports, strict=True):  # as written or in a regex: 127\.0\.0\.1
            site, n = re.subn(rf"(127(?:\\?\.0){{2}}\\?\.1:){shipped}\b", rf"\g<1>{port}", site)
            assert n, f"the shipped configuration names its replicas 127.0.0.1:{self.SHIPPED_PORTS}"
        site, n = re.subn(r"(?s)    # TLS begin\n.*?    # TLS end\n", f"    listen 127.0.0.1:{self.port};\n", site)
        assert n == 1, "the shipped configuration keeps its TLS lines between '# TLS begin' and '# TLS end'"
        site, n = re.subn(
            r"    listen 80;\n    listen \[::\]:80;\n", f"    listen 127.0.0.1:{self.redirect_port};\n", site
        )
        assert n == 1
        shipped_log = f"access_log {self.SHIPPED_LOG} trustcore_private;"
        assert site.count(shipped_log) == 2, "both servers log in the trustcore_private format"
        site = site.replace(
            shipped_log, f"access_log {self.shipped_log} trustcore_private; access_log {self.access} routed;"
        )
        (folder / "site.conf").write_text(site)
        (folder / "nginx.conf").write_text(
            f"""daemon off; worker_processes 1; pid {folder}/nginx.pid; error_log {folder}/error.log warn;
            {"user root;" if os.geteuid() == 0 else ""}
            events {{ worker_connections 1024; }}
            http {{
              log_format routed '$uri|$status|$upstream_addr|$cookie_trustcore_replica';
              client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;
              fastcgi_temp_path {folder}/fastcgi; uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;
              include {folder}/site.conf;
            }}"""
        )
        self.proc = subprocess.Popen(
            [binary, "-p", str(folder), "-c", str(folder / "nginx.conf")],
            stdout=subprocess.DEVNULL,
            stderr=open(folder / "stderr.log", "w"),
        )
        wait_healthy(self.url, self.proc, 20, lambda: "nginx did not start: " + (folder / "stderr.log").read_text())

    def replica_for(self, cookie: str) -> tuple[str, str]:
        """The replica (host:port) that nginx sends a browser with this sticky cookie to, and the sticky cookie
        its answer gives that browser."""
        request = urllib.request.Request(
            self.url + "/_stcore/health", headers={"Cookie": f"trustcore_replica={cookie}"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read()
            given = [c for c in response.headers.get_all("Set-Cookie") or [] if c.startswith("trustcore_replica=")]
        assert len(given) == 1, f"nginx answered with the sticky cookies {given}"
        deadline = time.time() + 5
        while time.time() < deadline:  # nginx writes the line just after the response
            for uri, _status, upstream, sent in reversed(self.routed()):
                if uri == "/_stcore/health" and sent == cookie:
                    return upstream, given[0].split(";")[0].removeprefix("trustcore_replica=")
            time.sleep(0.05)
        raise AssertionError(f"nginx logged no request with the cookie {cookie}")

    def routed(self) -> list[tuple[str, str, str, str]]:
        """Every request so far: (path, status, the replicas nginx tried (``A, B`` when A failed), the sticky
        cookie it came with)."""
        lines = self.access.read_text().splitlines()
        return [(uri, status, upstream, cookie) for uri, status, upstream, cookie in (x.split("|") for x in lines)]

    def websockets(self) -> dict[str, set[str]]:
        """For each sticky cookie: the replicas its websocket requests went to."""
        routed: dict[str, set[str]] = {}
        for uri, _status, upstream, cookie in self.routed():
            if uri.startswith("/_stcore/stream"):
                routed.setdefault(cookie, set()).add(upstream)
        return routed

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture(scope="module")
def replicas(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("replicas")
    with pg.cluster() as server:
        url = pg.create_database(server, "trustcore")
        Store(url).initialise()
        dbmod.close_shared()
        secret = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(24)}  # the same on every replica
        a = Server(url, tmp / "a.log", secret)  # type: ignore[arg-type]
        b = Server(url, tmp / "b.log", secret)  # type: ignore[arg-type]
        proxy = Nginx(tmp, [a.port, b.port])
        try:
            yield Store(url), a, b, proxy
        finally:
            proxy.stop()
            a.stop()
            b.stop()
            dbmod.close_shared()
        for replica in (a, b):
            log = replica.log_path.read_text()
            assert "Traceback" not in log, f"a replica logged an error:\n{log}"


def _sticky_cookies(proxy: Nginx, a: Server, b: Server) -> dict[str, str]:
    """For each replica, the sticky cookie nginx gives a browser it sent there, and which keeps sending that
    browser there (found by asking it)."""
    found: dict[str, str] = {}
    for i in range(200):
        replica, given = proxy.replica_for(f"probe-{i}")
        found.setdefault(replica, given)
        if len(found) == 2:
            break
    assert set(found) == {f"127.0.0.1:{a.port}", f"127.0.0.1:{b.port}"}, found
    for replica, cookie in found.items():
        assert proxy.replica_for(cookie) == (replica, cookie), f"the cookie {cookie} does not keep to {replica}"
    return {"a": found[f"127.0.0.1:{a.port}"], "b": found[f"127.0.0.1:{b.port}"]}


def test_participants_on_both_replicas_through_nginx_and_the_reveal_reaches_every_page(replicas, new_page):
    store, a, b, proxy = replicas
    made = store.create_session("Through the proxy", PARTIES)
    code, fac = made.session.code, made.facilitator_token
    cookies = _sticky_cookies(proxy, a, b)

    def person(replica: str, **kwargs):
        page = new_page(**kwargs)
        page.context.add_cookies([{"name": "trustcore_replica", "value": cookies[replica], "url": proxy.url}])
        return page

    console = person("b")
    open_app(console, links.facilitator_link(proxy.url, code, fac))
    people = []
    for i, replica in enumerate(["a", "b", "a", "b"]):
        page = person(replica, width=390, height=844, is_mobile=True, has_touch=True)
        join(page, links.share_link(proxy.url, code), PARTIES[i % 2], f"Person {i}")
        submit(page)
        people.append((page, current_order(page)))
    expect(console.get_by_text("Round 1: 4 of 4 submitted")).to_be_visible(timeout=15000)
    shot(console, "replicas-01-console")

    console.get_by_role("button", name="Reveal results").click()
    wait_idle(console)
    headline = round_results(store._session(code), store._rankings(code), 1).headline
    # Every page, on either replica, opens the comparison by itself: within a second or two on a quiet machine;
    # the bound is the fallback poll (10 s) and the healing after it, with room for a loaded CI machine (one
    # tab once missed 15 s there, cause unknown: the message below says which tab showed what).
    for i, (page, _) in enumerate(people):
        try:
            expect(page.get_by_text(headline.summary)).to_be_visible(timeout=30000)
        except AssertionError:  # say which tab, on which replica, showed what (a flake must be diagnosable)
            for j, (other, _) in enumerate(people):
                shot(other, f"replicas-failed-person-{j}")
            shown = page.locator("[data-testid='stMain']").inner_text()[:2000]
            raise AssertionError(
                f"person {i} (replica {'ab'[i % 2]}, {urlsplit(page.url).path}) shows no comparison:\n{shown}\n"
                f"--- replica a log:\n{a.log_path.read_text()[-3000:]}\n--- replica b log:\n"
                f"{b.log_path.read_text()[-3000:]}"
            ) from None
    shot(people[0][0], "replicas-02-participant-after-reveal")
    ann = people[0][0]
    personal = parse_qs(urlsplit(ann.url).query)["me"][0]
    ann.reload()  # the personal link as a browser's request: its token crosses nginx in the query string
    expect(ann.get_by_text(headline.summary)).to_be_visible(timeout=15000)

    # nginx logs a websocket when it closes: close the tabs, then read where each one's websocket went
    for page in [console, *(p for p, _ in people)]:
        page.context.close()
    sticky = {cookies["a"]: {f"127.0.0.1:{a.port}"}, cookies["b"]: {f"127.0.0.1:{b.port}"}}
    eventually(lambda: all(proxy.websockets().get(c) for c in sticky) or None)
    assert {c: proxy.websockets()[c] for c in sticky} == sticky  # each tab stayed on its replica, both used

    # The shipped log format keeps no token: the facilitator's and the participant's page loads are in it, by
    # path only, and no Referer (the pages' Referrer-Policy keeps the browser from sending one anyway).
    log = proxy.shipped_log.read_text()
    for secret in (fac, personal, "admin=", "me=", "?session="):
        assert secret not in log, f"{secret!r} is in nginx's access log"
    assert re.search(r'"GET / HTTP/1\.1" 200 ', log) and "/_stcore/stream" in log, log


def test_the_proxy_sends_the_security_headers_and_redirects_plain_http_without_logging_the_token(replicas):
    _, _, _, proxy = replicas
    secret = "not-a-real-token-" + secrets.token_hex(8)
    with urllib.request.urlopen(f"{proxy.url}/?session=abcdefghjkmnpq&admin={secret}", timeout=10) as response:
        headers = response.headers
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert headers["Strict-Transport-Security"].startswith("max-age=")

    plain = http.client.HTTPConnection("127.0.0.1", proxy.redirect_port, timeout=10)
    plain.request("GET", f"/compare?session=abcdefghjkmnpq&me={secret}")
    answer = plain.getresponse()
    assert answer.status == 301
    assert answer.getheader("Location") == f"https://trustcore.example.org/compare?session=abcdefghjkmnpq&me={secret}"
    plain.close()
    assert eventually(lambda: "/compare" in proxy.shipped_log.read_text() or None)
    assert secret not in proxy.shipped_log.read_text() and secret not in proxy.access.read_text()


def test_a_participant_on_one_replica_and_the_facilitator_on_the_other_see_each_other(replicas, new_page):
    store, a, b, _ = replicas
    made = store.create_session("Across replicas", PARTIES)
    code, fac = made.session.code, made.facilitator_token
    console = new_page()
    open_app(console, links.facilitator_link(b.url, code, fac))
    expect(console.get_by_text("Round 1: 0 of 0 submitted")).to_be_visible()
    me = new_page()
    join(me, links.share_link(a.url, code), PARTIES[0], "Ann")  # on replica A
    expect(console.get_by_text("Round 1: 0 of 1 submitted")).to_be_visible(timeout=10000)  # seen on B
    submit(me)
    expect(console.get_by_text("Round 1: 1 of 1 submitted")).to_be_visible(timeout=10000)
    console.get_by_role("button", name="Lock round").click()  # on B
    expect(me.get_by_text("Round 1 is locked")).to_be_visible(timeout=10000)  # reaches A within a poll


def test_joins_through_nginx_are_limited_per_client(replicas, new_page, tmp_path):
    """Behind the shipped nginx, the limit on joins counts each client the proxy names: two browsers that nginx
    forwards for different addresses (as two people on two networks would reach it), one replica allowing 2 joins
    a minute per client. The first client's third join is refused with the message and creates nobody; the
    second client still joins."""
    store, _, _, _ = replicas
    limited = Server(store.path, tmp_path / "limited.log", {"TRUSTCORE_JOINS_PER_MINUTE": "2"})  # type: ignore[arg-type]
    proxy = Nginx(tmp_path, [limited.port, limited.port])  # the shipped file names two replicas: both are this one
    try:
        made = store.create_session("Joins through the proxy", PARTIES)
        code = made.session.code
        share = links.share_link(proxy.url, code)

        def client(address: str):
            return new_page(extra_http_headers={"X-Forwarded-For": address})

        first = client("203.0.113.7")
        for i in range(2):
            join(first, share, PARTIES[0], f"Ann {i}")
        open_app(first, share)
        first.get_by_text(PARTIES[0], exact=True).click()
        first.get_by_role("button", name="Join and start ranking").click()
        wait_idle(first)
        expect(first.get_by_text("Too many people have joined from your network in the last minute")).to_be_visible()
        assert len(store._progress(code).participants) == 2
        join(client("198.51.100.9"), share, PARTIES[1], "Bob")  # another client, through the same proxy
        assert sorted(p.participant.name for p in store._progress(code).participants) == ["Ann 0", "Ann 1", "Bob"]
    finally:
        proxy.stop()
        limited.stop()
    assert "Traceback" not in (tmp_path / "limited.log").read_text()


ELEMENTS = "id,name,description\ne1,Openness,Say what you hold\ne2,Consent,Ask first\ne3,Security,Keep it safe\n"


def test_a_tab_whose_replica_died_and_came_back_downloads_and_uploads_on_the_replica_it_moved_to(
    replicas, new_page, tmp_path
):
    """Replica A dies under a facilitator's console: the console reconnects through nginx to B. A comes back
    on the same port, and nginx sends A's new browsers to it again. The console, whose Streamlit session is on
    B now, still uploads an element list and downloads the session: its plain HTTP requests (the upload, the
    file under /media/) go where its websocket is, never to A, which knows neither the session nor the file.
    (Run last in this file: it kills and replaces replica A.)"""
    store, a, b, proxy = replicas
    made = store.create_session("Failover", PARTIES)
    code, fac = made.session.code, made.facilitator_token
    cookies = _sticky_cookies(proxy, a, b)
    at_a, at_b = f"127.0.0.1:{a.port}", f"127.0.0.1:{b.port}"
    console = new_page()
    console.context.add_cookies([{"name": "trustcore_replica", "value": cookies["a"], "url": proxy.url}])
    console.goto(links.facilitator_link(proxy.url, code, fac))
    expect(console.get_by_text("Round 1: 0 of 0 submitted")).to_be_visible(timeout=60000)  # a replica's first page
    wait_idle(console)
    assert {r[2] for r in proxy.routed() if r[0] == "/_stcore/host-config" and r[3] == cookies["a"]} == {at_a}

    seen = len(proxy.routed())
    a.kill()
    # the console's reconnection pings find A gone and reach B; its websocket follows
    assert eventually(lambda: any(r[0] == "/_stcore/health" and r[2].endswith(at_b) for r in proxy.routed()[seen:]))
    connected = console.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']")
    expect(connected).to_be_attached(timeout=20000)
    wait_idle(console)
    expect(console.get_by_text("Round 1: 0 of 0 submitted")).to_be_visible(timeout=30000)

    again = Server(a.db_path, tmp_path / "a-again.log", a.env, port=a.port)  # type: ignore[arg-type]
    try:
        # nginx sends A's browsers to A again (once its passive health check lets A back in)
        assert eventually(lambda: proxy.replica_for(cookies["a"])[0] == at_a, timeout=30)
        seen = len(proxy.routed())
        problems = []

        console.get_by_text("Change the elements to rank (until someone submits)").click()
        console.locator("input[type='file']").set_input_files(
            files=[{"name": "elements.csv", "mimeType": "text/csv", "buffer": ELEMENTS.encode()}]
        )
        try:  # the button shows once the file is uploaded
            console.get_by_role("button", name="Use this list").click(timeout=30000)
        except PlaywrightError as exc:
            problems.append(f"the upload failed: {str(exc).splitlines()[0]}")
        else:
            elements = lambda: [e.name for e in store._session(code).catalogue.elements]  # noqa: E731
            assert eventually(lambda: elements() == ["Openness", "Consent", "Security"], 30), elements()
            wait_idle(console)

        try:
            archive = download(console, "Whole session (JSON archive)")
        except PlaywrightError as exc:
            problems.append(f"the download failed: {str(exc).splitlines()[0]}")
        else:
            assert json.loads(archive)["session"]["code"] == code

        plain = [r for r in proxy.routed()[seen:] if r[0].startswith(("/media/", "/_stcore/upload_file/"))]
        assert not problems, f"{problems}; nginx routed {plain} (the websocket is on {at_b})"
        assert {r[0].split("/")[1] for r in plain} == {"media", "_stcore"}
        assert all(r[2] == at_b and r[1] in ("200", "204") for r in plain), plain
        shot(console, "replicas-03-moved-console-after-upload-and-download")
    finally:
        again.stop()
    log = again.log_path.read_text()
    assert "Traceback" not in log, f"the restarted replica logged an error:\n{log}"

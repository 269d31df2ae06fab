"""Joins and survey answers are rate-limited per client (``trustcore.limits``): a sliding window per key, on a fake
clock here; the client is the connection's peer, or what a trusted proxy says it forwarded for, read from the
right (a forged ``X-Forwarded-For`` from anyone else is ignored). The core's join and survey paths apply the
limit before they do any work; the pages pass the client in."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
from conftest import every_row
from streamlit.testing.v1 import AppTest

from trustcore import limits
from trustcore.followup import survey
from trustcore.limits import RateLimited, SlidingWindow, client_address, trusted_proxies


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def window(limit: int = 3, seconds: float = 60) -> tuple[SlidingWindow, FakeClock]:
    clock = FakeClock()
    return SlidingWindow(limit, seconds, "{limit} in a row; wait {wait}.", clock=clock), clock


def test_a_client_gets_the_limit_and_no_more_within_the_window():
    w, clock = window()
    for _ in range(3):
        w.admit("198.51.100.7")
        clock.t += 1
    with pytest.raises(RateLimited) as refused:
        w.admit("198.51.100.7")
    assert str(refused.value) == "3 in a row; wait 57 seconds."  # the first one leaves the window at t+60
    w.admit("198.51.100.8")  # another client is not held up


def test_the_window_slides_and_a_refused_attempt_does_not_count():
    w, clock = window()
    for step in (0, 20, 20):
        clock.t += step
        w.admit("a")
    for _ in range(50):  # hammering while refused changes nothing
        with pytest.raises(RateLimited):
            w.admit("a")
    clock.t += 20  # the first event (at t=1000) is now exactly 60 s old: out of the window
    w.admit("a")
    with pytest.raises(RateLimited):
        w.admit("a")
    clock.t += 20  # the second leaves
    w.admit("a")


def test_idle_clients_are_forgotten_so_memory_stays_bounded():
    clock = FakeClock()
    w = SlidingWindow(1, 10, "{limit} {wait}", clock=clock, max_keys=100)
    for i in range(100):
        w.admit(f"10.0.0.{i}")
    clock.t += 11
    w.admit("10.0.1.1")  # the 101st key: the idle ones go
    assert len(w._events) == 1
    for i in range(200):  # all active at once: the oldest-seen go first, never more than max_keys
        w.admit(f"10.0.2.{i}")
    assert len(w._events) <= 100


LOOPBACK = trusted_proxies("127.0.0.0/8,::1")


def test_a_forged_forwarded_for_from_an_untrusted_peer_is_ignored():
    assert client_address("203.0.113.9", ["198.51.100.1"], LOOPBACK) == "203.0.113.9"
    assert client_address("203.0.113.9", ["127.0.0.1"], LOOPBACK) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_client_is_the_address_it_appended():
    # nginx appends the peer it saw to whatever the client sent: the rightmost untrusted address is the client
    assert client_address(None, ["203.0.113.9"], LOOPBACK) == "203.0.113.9"  # None: loopback, as Streamlit says
    assert client_address("127.0.0.1", ["198.51.100.1, 203.0.113.9"], LOOPBACK) == "203.0.113.9"
    assert client_address("127.0.0.1", ["198.51.100.1", "203.0.113.9"], LOOPBACK) == "203.0.113.9"  # two headers
    two_hops = trusted_proxies("127.0.0.1, 10.0.0.0/8")
    assert client_address("127.0.0.1", ["1.2.3.4, 203.0.113.9, 10.1.1.1"], two_hops) == "203.0.113.9"
    assert client_address("127.0.0.1", [], LOOPBACK) == "127.0.0.1"  # a local visitor, no proxy
    assert client_address("127.0.0.1", ["not-an-address"], LOOPBACK) == "127.0.0.1"
    assert client_address("127.0.0.1", ["203.0.113.9:5555"], LOOPBACK) == "203.0.113.9"


def test_trusting_nobody_reads_no_header():
    assert trusted_proxies("none") == ()
    assert client_address(None, ["203.0.113.9"], trusted_proxies("none")) == "127.0.0.1"


def test_an_ipv6_client_is_its_64_and_a_mapped_ipv4_client_its_ipv4_address():
    assert client_address("2001:db8:1:2:aaaa::1", [], LOOPBACK) == "2001:db8:1:2::/64"
    assert client_address("2001:db8:1:2:bbbb::2", [], LOOPBACK) == "2001:db8:1:2::/64"
    assert client_address("::ffff:203.0.113.9", [], LOOPBACK) == "203.0.113.9"
    assert client_address("::1", ["[2001:db8::5]:443"], LOOPBACK) == "2001:db8::/64"


def test_the_trusted_proxies_come_from_the_environment_and_default_to_loopback(monkeypatch):
    monkeypatch.delenv(limits.TRUSTED_PROXIES_VARIABLE, raising=False)
    assert trusted_proxies() == (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1"))
    monkeypatch.setenv(limits.TRUSTED_PROXIES_VARIABLE, "10.0.0.5, 192.168.0.0/16")
    assert client_address("10.0.0.5", ["203.0.113.9"]) == "203.0.113.9"
    assert client_address("127.0.0.1", ["203.0.113.9"]) == "127.0.0.1"  # loopback is no longer trusted
    monkeypatch.setenv(limits.TRUSTED_PROXIES_VARIABLE, "nginx.local")
    with pytest.raises(ValueError, match="TRUSTCORE_TRUSTED_PROXIES: 'nginx.local' is not an address"):
        trusted_proxies()


def test_the_rates_can_be_set_in_the_environment(monkeypatch):
    monkeypatch.setenv(limits.JOINS_VARIABLE, "500")
    assert limits.setting(limits.JOINS_VARIABLE, 120) == 500
    monkeypatch.setenv(limits.JOINS_VARIABLE, "0")
    with pytest.raises(ValueError, match="TRUSTCORE_JOINS_PER_MINUTE must be a whole number of 1 or more"):
        limits.setting(limits.JOINS_VARIABLE, 120)


@pytest.fixture
def tight(monkeypatch):
    """The process's limiters, at 2 per window, on a fake clock."""
    clock = FakeClock()
    for name in ("JOINS", "SURVEY_ANSWERS"):
        original = getattr(limits, name)
        monkeypatch.setattr(limits, name, SlidingWindow(2, original.window, original.message, clock=clock))
    return clock


def test_joins_from_one_client_are_refused_past_the_rate_before_anything_is_written(store, created, tight):
    code = created.session.code
    party = created.session.parties[0].id
    share = store.open(code, None)
    share.join(party, "One", client="203.0.113.9")
    share.join(party, "Two", client="203.0.113.9")
    before = every_row(store)
    with pytest.raises(RateLimited) as refused:
        share.join(party, "Three", client="203.0.113.9")
    assert str(refused.value) == (
        "Too many people have joined from your network in the last minute (2, the most one address may add). "
        "Please try again in 60 seconds."
    )
    assert every_row(store) == before
    share.join(party, "Elsewhere", client="198.51.100.1")
    tight.t += 60
    share.join(party, "Three, later", client="203.0.113.9")
    assert len(store._progress(code).participants) == 4


def test_survey_answers_from_one_client_are_refused_past_the_rate(store, created, tight):
    code, fac = created.session.code, created.facilitator_token
    link = store.open(code, survey.new_survey_link(store.open(code, fac)))
    for i in range(2):
        survey.submit_feedback(link, f"R{i}", {None: {"comment": "fine"}}, client="203.0.113.9")
    before = every_row(store)
    with pytest.raises(RateLimited, match=r"^Too many survey responses have come from your network in the last hour"):
        survey.submit_feedback(link, "R3", {None: {"comment": "fine"}}, client="203.0.113.9")
    assert every_row(store) == before
    survey.submit_feedback(link, "R3", {None: {"comment": "fine"}}, client="198.51.100.1")


APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _page(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_join_page_passes_its_client_and_shows_the_refusal(store, created, tight, monkeypatch):
    monkeypatch.setenv("TRUSTCORE_DB", str(store.path))
    code = created.session.code
    for _ in range(3):
        at = _page(session=code)  # a new tab each time, as a script opening the share link would
        at.radio[0].set_value(created.session.parties[0].id)
        at.button[0].click().run()
        assert not at.exception, at.exception
    assert len(store._progress(code).participants) == 2
    assert any("Too many people have joined from your network" in e.value for e in at.error)


def test_the_survey_page_passes_its_client_and_shows_the_refusal(store, created, tight, monkeypatch):
    monkeypatch.setenv("TRUSTCORE_DB", str(store.path))
    code = created.session.code
    token = survey.new_survey_link(store.open(code, created.facilitator_token))
    for i in range(3):
        at = _page(session=code, survey=token)
        at.text_area(key="overall:comment").input(f"Answer {i}")
        next(b for b in at.button if b.label == "Send my answers").click().run()
        assert not at.exception, at.exception
    assert len(survey.feedback(store.open(code, created.facilitator_token))) == 2
    assert any("Too many survey responses have come from your network" in e.value for e in at.error)

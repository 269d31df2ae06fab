"""ui/memo.py: a value shared by every tab of the process is computed once per key, also when many tabs
ask at the same moment (a reveal), and a key leaves out what must not count."""

from __future__ import annotations

import threading
import time

from ui.memo import shared


def test_many_threads_asking_at_once_compute_each_key_once_and_share_the_value():
    calls: list[str] = []

    @shared()
    def slow(code: str) -> object:
        calls.append(code)
        time.sleep(0.2)  # long enough for every thread to arrive while the first one computes
        return object()

    start = threading.Barrier(20)
    got: list[object] = []

    def tab(code: str) -> None:
        start.wait()
        got.append(slow(code))

    threads = [threading.Thread(target=tab, args=("a" if i % 2 else "b",)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not any(t.is_alive() for t in threads), "a caller never got its value"
    assert sorted(calls) == ["a", "b"]
    assert len({id(v) for v in got}) == 2  # one shared object per key, not a copy per caller


def test_a_failure_is_not_kept_and_the_next_caller_computes_again():
    attempts = []

    @shared()
    def flaky(code: str) -> str:
        attempts.append(code)
        if len(attempts) == 1:
            raise RuntimeError("database gone")
        return code.upper()

    try:
        flaky("x")
    except RuntimeError:
        pass
    assert flaky("x") == "X" and flaky("x") == "X"
    assert attempts == ["x", "x"]


def test_an_ignored_argument_is_left_out_of_the_key_and_the_cache_keeps_its_size():
    calls = []

    @shared(maxsize=2, ignore=("token",))
    def feedback(code: str, token: str) -> str:
        calls.append((code, token))
        return code

    assert feedback("a", "first token") == feedback("a", "another token") == "a"
    assert calls == [("a", "first token")]
    feedback("b", "t")
    feedback("c", "t")  # "a" is the least recently used of three: it is dropped
    feedback("a", "t")
    assert calls[-1] == ("a", "t") and len(calls) == 4


def test_an_argument_given_by_position_or_by_name_or_left_to_its_default_is_one_key():
    calls = []

    @shared()
    def results(store, code: str, masked: bool = False) -> str:
        calls.append((code, masked))
        return code

    results("s", "a")
    results("s", "a", False)
    results("s", code="a", masked=False)
    results(store="s", code="a")
    assert calls == [("a", False)]
    results("s", "a", masked=True)
    assert calls == [("a", False), ("a", True)]

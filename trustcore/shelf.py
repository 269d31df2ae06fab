"""Downloads built once for each change of the session and each class of reader, then shared (no Streamlit).

At the end of a workshop a hundred people download the workbook and the report within seconds. Built for
each click, that was a hundred builds (0.4-0.6 s of CPU each, in a 100-participant session) in one
process, and every live page waited behind them. Here a file is kept under

    (database, session code, the session's change marker, the document, the reader's class, the language)

so the first reader of a class builds it, the others of that class who ask meanwhile wait for that build
(one build per key, however many ask at once), and later ones read it. Any change of the session writes
an event, which moves the marker (``View.change_marker``): the next reader builds afresh.

- **Classes never cross.** The class (``audience.reader_class``) is the reader's ``Audience`` and, for a
  participant's own copy, their party if it marked entries internal (so in a session without internal
  entries every participant shares one copy); everything else a file carries is the session's state. A file is
  only ever handed to a reader of the class it was built for.
- **Languages never cross.** A worded file (the workbook, the report) is written in its reader's language, which
  joins the key: a French and an English reader of one class get two builds, two French readers one. A file
  with no words of ours (the CSVs, the archive) is asked for with ``lang=None``: one build for every language.
- **Every reader is checked, every time.** Before looking at the shelf, ``fetch`` resolves the reader's
  link afresh and checks every right the document needs (``documents.KINDS``), on one read snapshot with
  the marker and the class, so a reader refused by the rights table never gets a shared file.
- **Consistent.** The builder reads the marker and its class again inside the snapshot it builds on; the
  file goes on the shelf only if they are still those of the key it was asked for (a write in between:
  the builder keeps its newer file for itself, and whoever waited for it asks again).
- **Bounded.** Keeping a newer marker of a session drops its files of older markers (nobody asks for
  them again), and the shelf drops the least recently read files beyond ``MAX_BYTES`` in all (a workbook
  of a 100-participant session is a few hundred kB). Waiting for a build holds no database connection.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from . import audience, rights
from .followup import worksheet_entries
from .rights import Action
from .view import View

MAX_BYTES = 192 * 2**20  # every session's shared files together


@dataclass(frozen=True)
class Key:
    target: str  # the database (a SQLite path or a PostgreSQL address)
    code: str
    marker: tuple  # View.change_marker: grows with every change of the session
    document: str  # its kind, and what varies within it (the comparison's round)
    reader: Hashable  # audience.reader_class
    lang: str | None = None  # the language a worded file is written in (None: a file with no words of ours)


def _order(marker: tuple) -> tuple:
    """Markers in the order they happened: (current round, newest event id), each only growing."""
    return tuple(-1 if v is None else v for v in marker)


class Shelf:
    """Files under their ``Key``, one build per key, at most ``max_bytes`` in all (least recently read
    first out)."""

    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = max_bytes
        self.builds = 0  # how many builds ran (for tests and the benchmark)
        self._lock = threading.Lock()
        self._files: OrderedDict[Key, bytes] = OrderedDict()
        self._size = 0
        self._newest: dict[tuple[str, str], tuple] = {}  # (target, code) -> the newest marker kept
        self._building: dict[Key, threading.Event] = {}

    def get(self, key: Key, build: Callable[[], tuple[bytes, Key]]) -> bytes | None:
        """The file under ``key``: kept, or being built by another reader (wait for it), or built now
        with ``build`` (which returns the file and the key it was built for). None when the build this
        reader waited for turned out to be for another key: ask again with a fresh key."""
        with self._lock:
            data = self._files.get(key)
            if data is not None:
                self._files.move_to_end(key)
                return data
            pending = self._building.get(key)
            if pending is None:
                self._building[key] = threading.Event()
        if pending is not None:
            pending.wait()
            with self._lock:
                return self._files.get(key)
        try:
            data, built = build()
            with self._lock:
                self.builds += 1
                if built == key:
                    self._keep(key, data)
            return data
        finally:
            with self._lock:
                done = self._building.pop(key)
            done.set()

    def _keep(self, key: Key, data: bytes) -> None:
        session = (key.target, key.code)
        newest = self._newest.get(session)
        if newest is not None and _order(key.marker) < _order(newest):
            return  # built on a snapshot older than a file already kept: nobody will ask for it again
        if newest != key.marker:
            for old in [k for k in self._files if (k.target, k.code) == session and k.marker != key.marker]:
                self._drop(old)
            self._newest[session] = key.marker
        if len(data) > self.max_bytes:
            return
        self._files[key] = data
        self._size += len(data)
        while self._size > self.max_bytes:
            self._drop(next(iter(self._files)))

    def _drop(self, key: Key) -> None:
        self._size -= len(self._files.pop(key))
        if not any((k.target, k.code) == (key.target, key.code) for k in self._files):
            self._newest.pop((key.target, key.code), None)

    def clear(self) -> None:
        with self._lock:
            self._files.clear()
            self._newest.clear()
            self._size = 0

    @property
    def size(self) -> int:
        """Bytes kept."""
        return self._size

    def __len__(self) -> int:
        return len(self._files)


SHELF = Shelf()


def key(
    view: View,
    document: str,
    needs: Sequence[Action],
    *,
    round_number: int | None = None,
    shareable: bool = False,
    names: bool = False,
    lang: str | None = None,
) -> Key:
    """The key of ``document`` for the view's holder now: their link resolved afresh and every right in
    ``needs`` checked (AccessDenied or NotAllowedNow, as the rights table says), with the session's
    marker and the reader's class read on one snapshot; ``lang``: the language the file is written in."""
    store, code = view.store, view.session.code
    with view.snapshot():
        actor = store.require(code, view.token, needs[0], round_number=round_number)
        for action in needs[1:]:
            rights.ensure(actor, action, round_number=round_number)
        party = actor.participant.party_id if actor.participant else None
        internal = worksheet_entries.parties_with_internal_entries(view) if party is not None else ()
        reader = audience.reader_class(
            actor.session,
            facilitator=actor.is_facilitator,
            party_id=party,
            internal_parties=internal,
            shareable=shareable,
            names=names,
        )
        return Key(str(store.path), actor.session.code, store._change_marker(code), document, reader, lang)


def fetch(
    view: View,
    document: str,
    needs: Sequence[Action],
    make: Callable[[], bytes],
    *,
    round_number: int | None = None,
    shareable: bool = False,
    names: bool = False,
    lang: str | None = None,
    shelf: Shelf | None = None,
) -> bytes:
    """``document`` for the view's holder: the shared file of their class (and ``lang``) at the session's state now,
    built with ``make`` (on one read snapshot) if nobody has built it yet. See the module docstring."""
    shelf = shelf or SHELF

    def current() -> Key:
        return key(view, document, needs, round_number=round_number, shareable=shareable, names=names, lang=lang)

    def build() -> tuple[bytes, Key]:
        with view.snapshot():
            built_for = current()  # the same snapshot as the file: the key it really is
            return make(), built_for

    while True:
        data = shelf.get(current(), build)
        if data is not None:
            return data

"""What several follow-up features share: the token check, the session re-read in a write, element and
party checks, the version check of records that several people edit, and the latest orders a reader may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..clock import now
from ..errors import EditConflict, InvalidInput, Phrase
from ..i18n import N_
from ..model import Ranking, Session
from ..results import party_orders as _party_consensus
from ..store import query_rankings

CHOOSE_ELEMENT = N_("Choose one of this session's elements.")


def _one(db, sql: str, args) -> dict | None:
    return next(iter(db.query(sql, args)), None)


def _check_element(session: Session, element_id) -> str:
    element_id = str(element_id or "")
    if element_id not in session.catalogue.ids:
        raise InvalidInput(CHOOSE_ELEMENT)
    return element_id


def _party_id(session: Session, party_id, *, field: str) -> int:
    try:
        pid = int(party_id)
        if isinstance(party_id, bool) or str(pid) != str(party_id).strip():
            raise ValueError
        session.party(pid)
    except (KeyError, TypeError, ValueError):
        raise InvalidInput(N_("{field} must be one of this session's parties."), field=Phrase(field)) from None
    return pid


class _Versioned(Protocol):
    @property
    def version(self) -> int: ...


@dataclass(frozen=True)
class _ExpectedVersion:
    """The version an editor started from (a save's ``expected_version``), checked against the stored
    record: the one version check of next steps, worksheet entries, organisation-wide rankings and reflections.

    ``_ExpectedVersion.of`` checks the given value before anything is read (InvalidInput when it is not a
    version); ``check``, inside the write transaction, raises ``EditConflict`` (holding the stored record)
    when the stored record's version is another one, that is when someone else saved in between."""

    number: int | None  # None: the record must not exist yet

    @classmethod
    def of(cls, expected, *, new_allowed: bool) -> _ExpectedVersion:
        """``new_allowed=True`` (worksheet entries, reflections): None or 0 mean "not saved yet".
        ``new_allowed=False`` (next steps, which exist once added): a whole number from 1."""
        if not new_allowed:
            if isinstance(expected, bool) or not isinstance(expected, int) or expected < 1:
                raise InvalidInput(N_("The version to edit must be a whole number from 1."))
            return cls(expected)
        if expected is None:
            return cls(None)
        if isinstance(expected, bool) or not isinstance(expected, int) or expected < 0:
            raise InvalidInput(N_("The version to edit must be a whole number."))
        return cls(expected or None)  # 0 means "not saved yet", like None

    def check(self, current: _Versioned | None, message: str, **params: object) -> None:
        """EditConflict(message, current=current) unless ``current`` (None: nothing stored) is at this version
        (``message``: an ``N_()`` msgid, its named ``params`` filled in)."""
        if (current.version if current is not None else None) != self.number:
            raise EditConflict(message, current=current, **params)


def _write_text_entry(db, table: str, key: dict[str, object], text: str, internal: bool, *, new: bool) -> None:
    """Store a worksheet text (Column B or C) at ``key`` (its columns and values) in ``table``: a ``new`` entry
    at version 1, or the existing one's text and mark with its version one higher. The caller has read the
    entry and checked the version its editor started from (``_ExpectedVersion``) in the same write transaction
    (the relationship worksheet, ``worksheet_entries``; the organisation's, ``internal_worksheet``)."""
    names, values, stamp = list(key), list(key.values()), now()
    if new:
        db.execute(
            f"INSERT INTO {table} ({', '.join(names)}, text, internal, version, updated_at) "
            f"VALUES ({', '.join('?' for _ in names)}, ?, ?, 1, ?)",
            [*values, text, int(internal), stamp],
        )
    else:
        where = " AND ".join(f"{n} = ?" for n in names)
        db.execute(
            f"UPDATE {table} SET text = ?, internal = ?, version = version + 1, updated_at = ? WHERE {where}",
            [text, int(internal), stamp, *values],
        )


def _element_label(session: Session, element_id: str | None) -> str:
    if element_id is None:
        return Phrase(N_("the overall question"))
    return session.catalogue[element_id].phrase if element_id in session.catalogue.ids else element_id


def _latest_orders(db, session: Session, *, facilitator: bool) -> tuple[int | None, dict[str, tuple[str, ...]], bool]:
    """(round, party -> order) of the latest round with a ranking whose results the reader may see, and
    whether a later round with rankings was hidden from them."""
    by_round: dict[int, list[Ranking]] = {}
    for r in query_rankings(db, session.id):
        by_round.setdefault(r.round, []).append(r)
    hidden = False
    for number in sorted(by_round, reverse=True):
        if session.results_visible(number, facilitator=facilitator):
            return number, {n: pc.order for n, pc in _party_consensus(session, by_round[number]).items()}, hidden
        hidden = True
    return None, {}, hidden

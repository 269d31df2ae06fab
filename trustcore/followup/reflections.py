"""Reflections (Activity 6): the session's answers to the guidebook's reflection questions, versioned like
the worksheet."""

from __future__ import annotations

from dataclasses import dataclass

from .. import db as dbmod
from .. import events
from ..clock import now
from ..errors import InvalidInput, Listing, Phrase
from ..i18n import N_
from ..rights import Action
from ..text import TEXT_MAX, clean_text
from ..view import View
from .common import _ExpectedVersion, _one

# The guidebook's Activity 6 reflection questions, paraphrased (CC BY-SA 4.0, ODI Trustworthy Data
# Stewardship Guidebook).
# English here; a page shows each in the reader's language (``t.gettext(question)``).
REFLECTION_QUESTIONS: dict[str, str] = {
    "areas": N_("Did this engagement show areas where we should raise our trustworthiness?"),
    "actions": N_("What will we do about them?"),
    "timeframe": N_("Over what timeframe will we do it?"),
    "org_wide": N_("How does this relationship's ranking compare with our organisation-wide ranking?"),
    "hierarchy": N_("Do our data practices fit the hierarchy of trustworthy data stewardship?"),
}

REFLECTION_CHANGED = N_("Someone else changed this answer while you were editing it; your text was not saved.")


@dataclass(frozen=True)
class Reflection:
    key: str
    question: str
    answer: str
    version: int
    updated_at: str


def _reflection(row) -> Reflection:
    return Reflection(row["key"], REFLECTION_QUESTIONS[row["key"]], row["answer"], row["version"], row["updated_at"])


def set_reflection(view: View, key: str, answer: str, *, expected_version: int | None = None) -> Reflection:
    """Answer one of REFLECTION_QUESTIONS (facilitator or any participant); versioned like the worksheet."""
    store, code, token = view.store, view.session.code, view.token
    actor = store.require(code, token, Action.ANSWER_REFLECTIONS)
    if key not in REFLECTION_QUESTIONS:
        raise InvalidInput(
            N_("Unknown reflection question {key}: use one of {keys}."),
            key=repr(key),
            keys=Listing(REFLECTION_QUESTIONS),
        )
    answer = clean_text(
        answer,
        field=Phrase(N_("The answer to “{question}”"), question=Phrase(REFLECTION_QUESTIONS[key])),
        max_len=TEXT_MAX,
    )
    expected = _ExpectedVersion.of(expected_version, new_allowed=True)
    with view.write(Action.ANSWER_REFLECTIONS) as (db, session):
        row = _one(db, "SELECT * FROM reflections WHERE session_id = ? AND key = ?", [session.id, key])
        current = _reflection(row) if row else None
        if current is not None and current.answer == answer:
            return current
        expected.check(current, REFLECTION_CHANGED)
        stamp = now()
        if current is None:
            db.execute(
                "INSERT INTO reflections (session_id, key, answer, version, updated_at) VALUES (?, ?, ?, 1, ?)",
                [session.id, key, answer, stamp],
            )
        else:
            db.execute(
                """UPDATE reflections SET answer = ?, version = version + 1, updated_at = ?
                          WHERE session_id = ? AND key = ?""",
                [answer, stamp, session.id, key],
            )
        events.log(db, session.id, actor.label, "reflection_set", {"key": key})
        return _reflection(_one(db, "SELECT * FROM reflections WHERE session_id = ? AND key = ?", [session.id, key]))


def reflections(view: View) -> dict[str, Reflection]:
    """The answered reflection questions, in REFLECTION_QUESTIONS order (unanswered ones left out)."""
    store, code, token = view.store, view.session.code, view.token
    actor = store.require(code, token, Action.READ_FOLLOWUP)
    with dbmod.connection(store.path) as db:
        stored = {
            r["key"]: _reflection(r)
            for r in db.query("SELECT * FROM reflections WHERE session_id = ?", [actor.session.id])
            if r["key"] in REFLECTION_QUESTIONS
        }
    return {k: stored[k] for k in REFLECTION_QUESTIONS if k in stored}

"""The stakeholder survey (Column D): the survey link (its own token, which grants only
``submit_feedback``) and the stakeholders' answers: degree of trust, expectations met, effect of the evidence."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .. import db as dbmod
from .. import events, limits, tokens
from ..clock import now
from ..errors import InvalidInput, Listing, NotFound, Phrase
from ..i18n import N_
from ..model import Session
from ..rights import Action
from ..store import UNKNOWN_CODE
from ..text import NAME_MAX, TEXT_MAX, clean_line, clean_text, unique_name
from ..view import View
from . import survey_documents
from .common import _element_label, _one

TRUST_SCALE = {1: "Not at all", 2: "A little", 3: "Somewhat", 4: "Mostly", 5: "Completely"}
EXPECTATIONS = ("yes", "partly", "no")
EVIDENCE = ("yes", "no", "unsure")
COMMENT_MAX = TEXT_MAX
ANSWER_KEYS = ("trust", "expectations", "evidence", "comment")


@dataclass(frozen=True)
class FeedbackAnswer:
    respondent: str
    element_id: str | None  # None: the overall question
    trust: int | None  # 1-5, see TRUST_SCALE
    expectations: str | None  # EXPECTATIONS
    evidence: str | None  # EVIDENCE
    comment: str
    submitted_at: str
    shown: str = ""  # the versions of the entries the survey showed with it (``survey_documents.version``)


def _survey_hash(db, session_id: int) -> str | None:
    row = _one(db, "SELECT survey_hash FROM sessions WHERE id = ?", [session_id])
    if row is None:
        raise NotFound(UNKNOWN_CODE)
    return row["survey_hash"]


def new_survey_link(view: View) -> str:
    """Create (or replace: the old one stops working) the session's survey token; returns it. Only its
    hash is stored. Build the link with ``links.survey_link``. Facilitator only."""
    survey_token = tokens.new_token()
    with view.write(Action.MANAGE_SURVEY) as (db, s):
        replaced = _survey_hash(db, s.id) is not None
        db.execute(
            "UPDATE sessions SET survey_hash = ?, updated_at = ? WHERE id = ?",
            [tokens.hash_token(survey_token), now(), s.id],
        )
        events.log(db, s.id, "facilitator", "survey_link_replaced" if replaced else "survey_link_created", {})
    return survey_token


def close_survey(view: View) -> None:
    """Stop accepting feedback: the survey link stops working (facilitator only)."""
    with view.write(Action.MANAGE_SURVEY) as (db, s):
        db.execute("UPDATE sessions SET survey_hash = NULL, updated_at = ? WHERE id = ?", [now(), s.id])
        events.log(db, s.id, "facilitator", "survey_closed", {})


def survey_is_open(view: View) -> bool:
    """Whether the session has a survey link that works (facilitator only)."""
    store, code, token = view.store, view.session.code, view.token
    session = store.require(code, token, Action.MANAGE_SURVEY).session
    with dbmod.connection(store.path) as db:
        return _survey_hash(db, session.id) is not None


def survey_session(view: View) -> Session:
    """The session, if ``survey_token`` is its current survey token; AccessDenied otherwise."""
    return view.store.require(view.session.code, view.token, Action.FILL_SURVEY).session  # its token, checked again


def _answer(session: Session, element_id, answer) -> dict | None:
    """One validated answer row (None when every field is empty)."""
    label = _element_label(session, element_id)
    if not isinstance(answer, Mapping):
        raise InvalidInput(
            N_("The answer on {element} must be a set of fields ({fields})."),
            element=label,
            fields=Listing(ANSWER_KEYS),
        )
    unknown = sorted(str(k) for k in set(answer) - set(ANSWER_KEYS))
    if unknown:
        raise InvalidInput(
            N_("The answer on {element} has unknown field(s): {fields}."), element=label, fields=Listing(unknown)
        )
    trust = answer.get("trust")
    if trust in (None, ""):
        trust = None
    else:
        try:
            if isinstance(trust, bool) or str(int(trust)) != str(trust).strip():
                raise ValueError
            trust = int(trust)
            if trust not in TRUST_SCALE:
                raise ValueError
        except (TypeError, ValueError):
            raise InvalidInput(
                N_("The degree of trust in {element} must be a whole number from 1 to 5."), element=label
            ) from None
    choices: dict[str, str | None] = {}
    for key, allowed, what in (
        ("expectations", EXPECTATIONS, N_("Whether our steps meet your expectations")),
        ("evidence", EVIDENCE, N_("Whether our evidence helps you trust us")),
    ):
        value = answer.get(key)
        if value in (None, ""):
            choices[key] = None
        elif isinstance(value, str) and value.strip().lower() in allowed:
            choices[key] = value.strip().lower()
        else:
            raise InvalidInput(
                N_("{what} ({element}) must be one of: {choices}."),
                what=Phrase(what),
                element=label,
                choices=Listing(allowed),
            )
    comment = clean_text(
        answer.get("comment"), field=Phrase(N_("Your comment on {element}"), element=label), max_len=COMMENT_MAX
    )
    if trust is None and not comment and not any(choices.values()):
        return None
    return {"element_id": element_id, "trust": trust, **choices, "comment": comment}


def submit_feedback(
    view: View, respondent: str, answers: Mapping, *, shown: Mapping | None = None, client: str | None = None
) -> int:
    """Store a stakeholder's survey answers: ``answers`` maps element ids (and None, the overall
    question) to dicts with any of trust (1-5), expectations (EXPECTATIONS), evidence (EVIDENCE) and
    comment. Everything is checked first; then all rows are stored in one transaction. Answers with every
    field empty are skipped; returns the number of rows stored.

    An empty respondent name becomes "Stakeholder N"; a name already used in the session gets " (2)"...
    so each submission stays one respondent.

    ``shown`` maps each question (element id, None) to what the page showed beside it
    (``survey_documents.version``), stored with its answer; without it, what the survey shows now.

    ``client`` (the page's ``limits.client_address``) is held to ``limits.SURVEY_ANSWERS`` before anything is
    read; the session holds at most ``limits.SURVEY_RESPONSES`` respondents (RateLimited / NotAllowedNow, and
    nothing stored)."""
    if client is not None:
        limits.SURVEY_ANSWERS.admit(client)
    session = survey_session(view)
    respondent = clean_line(respondent, field=N_("Your name"), max_len=NAME_MAX, required=False)
    if not isinstance(answers, Mapping):
        raise InvalidInput(N_("The survey answers must be given per element."))
    rows = []
    for element_id in [None, *session.catalogue.ids]:
        if element_id in answers:
            row = _answer(session, element_id, answers[element_id])
            if row:
                rows.append(row)
    unknown = [k for k in answers if k is not None and k not in session.catalogue.ids]
    if unknown:
        raise InvalidInput(
            N_("Choose one of this session's elements. Unknown: {unknown}."), unknown=Listing(map(str, unknown))
        )
    if not rows:
        raise InvalidInput(N_("The survey is empty: answer at least one question."))
    seen = survey_documents.recorded(view, session, [r["element_id"] for r in rows], shown)
    with view.write(Action.FILL_SURVEY) as (db, fresh):  # a link replaced or closed a moment ago stops here
        sid = fresh.id
        taken = {
            r["respondent"].casefold()
            for r in db.query("SELECT DISTINCT respondent FROM feedback WHERE session_id = ?", [sid])
        }
        limits.SURVEY_RESPONSES.check(len(taken))
        respondent = unique_name(respondent, taken, anonymous="Stakeholder")
        stamp = now()
        for r in rows:
            db.execute(
                """INSERT INTO feedback (session_id, respondent, element_id, trust, expectations, evidence, comment,
                                         submitted_at, shown) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [sid, respondent, r["element_id"], r["trust"], r["expectations"], r["evidence"], r["comment"], stamp]
                + [seen[r["element_id"]]],
            )
        events.log(db, sid, "survey", "feedback_submitted", {"answers": len(rows)})
    return len(rows)


def feedback(view: View) -> list[FeedbackAnswer]:
    """Every stakeholder answer, in the order submitted (facilitator or participant)."""
    store, code, token = view.store, view.session.code, view.token
    actor = store.require(code, token, Action.READ_FEEDBACK)
    with dbmod.connection(store.path) as db:
        return [
            FeedbackAnswer(
                r["respondent"],
                r["element_id"],
                r["trust"],
                r["expectations"],
                r["evidence"],
                r["comment"],
                r["submitted_at"],
                r["shown"],
            )
            for r in db.query("SELECT * FROM feedback WHERE session_id = ? ORDER BY id", [actor.session.id])
        ]

"""The trustworthiness mapping worksheet for one relationship, assembled for display and export.

Column A: the elements in the agreed order; B: the steps each party takes to be trustworthy in that
element; C: how it demonstrates that to the partner; D: the stakeholder feedback (our reading of the
guidebook: degree of trust, expectations met, effect of evidence); E: the next steps.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from statistics import mean

from . import audience as audience_mod
from .audience import Audience
from .followup import agreed_order, next_steps, survey, worksheet_entries
from .followup.next_steps import NextStep
from .followup.survey import FeedbackAnswer
from .followup.worksheet_entries import WorksheetEntry
from .i18n import ENGLISH, Translator
from .model import Session
from .rights import Action
from .view import View


def _answer(code: str, t: Translator) -> str:
    """A survey answer's code (``survey.EXPECTATIONS``, ``survey.EVIDENCE``) in ``t``'s language."""
    words = {
        "yes": t.pgettext("survey answer", "yes"),
        "partly": t.pgettext("survey answer", "partly"),
        "no": t.pgettext("survey answer", "no"),
        "unsure": t.pgettext("survey answer", "unsure"),
    }
    return words.get(code, code)


@dataclass(frozen=True)
class FeedbackSummary:
    """Column D for one element (or the overall question)."""

    answers: int = 0
    mean_trust: float | None = None
    trust_counts: dict[int, int] = field(default_factory=dict)
    expectations: dict[str, int] = field(default_factory=dict)  # yes / partly / no
    evidence: dict[str, int] = field(default_factory=dict)  # yes / no / unsure
    comments: tuple[tuple[str, str], ...] = ()  # (respondent, comment)

    @property
    def text(self) -> str:
        """One plain line for a cell: 'trust 3.5/5 (4 answers) · expectations met: yes 2, partly 1 · ...'."""
        return self.text_in(ENGLISH)

    def text_in(self, t: Translator = ENGLISH) -> str:
        """``text`` in ``t``'s language (the answers' codes worded too)."""
        if not self.answers:
            return t.gettext("no feedback yet")
        listed = t.pgettext("list separator", ", ").join
        parts = []
        if self.mean_trust is not None:
            trusted = sum(self.trust_counts.values())
            parts.append(
                t.ngettext(
                    "trust {mean}/5 ({n} answer)",
                    "trust {mean}/5 ({n} answers)",
                    trusted,
                    mean=t.decimal(self.mean_trust, 1),
                )
            )
        if self.expectations:
            counts = listed(f"{_answer(k, t)} {t.number(v)}" for k, v in self.expectations.items())
            parts.append(t.gettext("expectations met: {counts}", counts=counts))
        if self.evidence:
            counts = listed(f"{_answer(k, t)} {t.number(v)}" for k, v in self.evidence.items())
            parts.append(t.gettext("evidence helped: {counts}", counts=counts))
        if self.comments:
            parts.append(t.ngettext("{n} comment", "{n} comments", len(self.comments)))
        return " · ".join(parts) or t.ngettext("{n} answer", "{n} answers", self.answers)


def summarise_feedback(answers: list[FeedbackAnswer]) -> FeedbackSummary:
    trust = [a.trust for a in answers if a.trust is not None]
    return FeedbackSummary(
        answers=len(answers),
        mean_trust=mean(trust) if trust else None,
        trust_counts=dict(sorted(Counter(trust).items())),
        expectations={k: v for k in survey.EXPECTATIONS if (v := sum(a.expectations == k for a in answers))},
        evidence={k: v for k in survey.EVIDENCE if (v := sum(a.evidence == k for a in answers))},
        comments=tuple((a.respondent, a.comment) for a in answers if a.comment),
    )


@dataclass(frozen=True)
class WorksheetRow:
    position: int  # Column A: 1 = first in the agreed order
    element_id: str
    element: str
    description: str
    entries: dict[tuple[int, str], WorksheetEntry]  # (party id, "B"/"C") -> entry
    feedback: FeedbackSummary  # Column D
    steps: tuple[NextStep, ...]  # Column E


@dataclass(frozen=True)
class Worksheet:
    session: Session
    order_source: str  # how Column A's order was decided
    rows: tuple[WorksheetRow, ...]
    overall: FeedbackSummary  # the survey's overall question
    audience: Audience

    @property
    def shareable(self) -> bool:
        return self.audience.shareable


def build(
    view: View, *, shareable: bool = False, audience: Audience | None = None, t: Translator = ENGLISH
) -> Worksheet:
    """The worksheet as the token's holder may see it, for ``audience`` (default: the holder's own copy,
    or the shareable one with ``shareable``; ``trustcore.audience``): a shareable worksheet leaves out
    internal B/C entries and respondents' names, and orders Column A by rounds participants may see.
    ``t``: the language of where Column A's order comes from (``order_source``)."""
    store, code, token = view.store, view.session.code, view.token
    actor = store.require(code, token, Action.READ_FOLLOWUP)
    session = actor.session
    audience = audience or audience_mod.of(session, facilitator=actor.is_facilitator, shareable=shareable)
    order, source = agreed_order.agreed_order(view, all_rounds=audience.all_rounds, t=t)
    entries = worksheet_entries.worksheet(view, shareable=audience.shareable)
    answers = audience.respondents(survey.feedback(view))
    steps = audience.next_steps(next_steps.next_steps(view))
    rows = []
    for position, eid in enumerate(order, start=1):
        element = session.catalogue[eid]
        rows.append(
            WorksheetRow(
                position=position,
                element_id=eid,
                element=element.name,
                description=element.description,
                entries={(e.party_id, e.column): e for e in entries if e.element_id == eid},
                feedback=summarise_feedback([a for a in answers if a.element_id == eid]),
                steps=tuple(s for s in steps if s.element_id == eid),
            )
        )
    return Worksheet(
        session, source, tuple(rows), summarise_feedback([a for a in answers if a.element_id is None]), audience
    )


def trust_frame(answers: list[FeedbackAnswer]):
    """The survey's per-element trust answers as a long table (element_id, respondent, trust), for the
    feedback heatmap beside the rankings."""
    import pandas as pd

    rows = [(a.element_id, a.respondent, a.trust) for a in answers if a.element_id is not None]
    return pd.DataFrame(rows, columns=["element_id", "respondent", "trust"])

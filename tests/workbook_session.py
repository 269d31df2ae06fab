"""A realistic workshop for the workbook's print tests: three parties, 20 participants, two revealed rounds
with reasons, worksheet entries for every element, next steps and survey answers (some text formula-looking)."""

from __future__ import annotations

import random

from trustcore.followup.next_steps import add_next_step
from trustcore.followup.survey import new_survey_link, submit_feedback
from trustcore.followup.worksheet_entries import set_worksheet_entry
from trustcore.store import Store

FORMULA_PARTY = "=SUM(1+1) Partners"
FORMULA_REASON = "=HYPERLINK(1) is how they asked for it"
PARTIES = ("NHS Trust", "County Council", FORMULA_PARTY)
LONG = (
    "We publish a summary of every data protection impact assessment within a month of sign-off, name the "
    "officer responsible, and review access logs each quarter with the partner's information governance lead"
)
REASONS = (
    "Without it nothing else holds",
    "Residents asked about this first at the open meeting",
    LONG[:270],
    "The board reviews it every quarter and it drives our funding decisions for the next three years",
)


def realistic_session(store: Store) -> tuple[str, str, str]:
    """(code, facilitator token, a participant's token) of the workshop described above."""
    created = store.create_session(
        "Sharing admissions data between the Trust and the Council",
        list(PARTIES),
        our_org="County Council",
        partner_org="NHS Trust",
        flows="Admissions data to the Council\nForecasts back to the Trust\nMonthly aggregates to the public",
    )
    s, fac = created.session, created.facilitator_token
    ids = list(s.catalogue.ids)
    tokens = []
    for i in range(20):
        party = s.parties[i % 3]
        name = f"Participant name {i + 1}" if i != 5 else "@risk lead"
        tokens.append(store.join(s.code, party.id, name, rng=random.Random(i)).token)
    for round_number in (1, 2):
        if round_number == 2:
            store.next_round(s.code, fac, round_number=1)
        for i, token in enumerate(tokens):
            order = list(ids)
            random.Random(100 * round_number + i).shuffle(order)
            reasons = {order[k]: REASONS[(i + k) % len(REASONS)] for k in range(1 + i % 3)}
            if i == 2:
                reasons[order[0]] = FORMULA_REASON
            store.submit(s.code, token, order, reasons, round_number=round_number)
        store.reveal(s.code, fac, round_number=round_number)
    view = store.open(s.code, fac)
    for e, element in enumerate(ids):
        for p, party in enumerate(s.parties):
            set_worksheet_entry(view, element, party.id, "B", LONG if (e + p) % 3 == 0 else "Quarterly review")
            set_worksheet_entry(view, element, party.id, "C", "Published audit report\nMinutes of the board")
    for e, element in enumerate(ids[:6]):
        add_next_step(
            view,
            element,
            "Draft and publish the data sharing agreement summary on both websites" if e % 2 else "-Agree the log",
            owner_party_id=s.parties[e % 3].id,
            owner_person="Ann",
            due="Q2 2027",
            status="agreed",
            agreed_by=[p.id for p in s.parties],
        )
    survey = new_survey_link(view)
    for r in range(5):
        answers: dict = {None: {"trust": 3 + r % 3}}
        for element in ids[: 4 + r]:
            comment = LONG if element == ids[r] else "Tell us who checks this" if r % 2 else ""
            answers[element] = {"trust": 1 + (r % 5), "expectations": "partly", "evidence": "yes", "comment": comment}
        submit_feedback(store.open(s.code, survey), f"Respondent {r + 1}", answers)
    return s.code, fac, tokens[0]

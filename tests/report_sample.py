"""A realistic session to print: 100 participants in two parties, two revealed rounds, reasons on the
contested elements, worksheet entries, next steps with due dates and one survey respondent (so a table
says "1 answer"). Shared by the report's size test, its browser test and ``python tests/report_sample.py``
(which writes /tmp/report-sample.html to look at)."""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from pathlib import Path

from trustcore.followup.next_steps import add_next_step
from trustcore.followup.reflections import set_reflection
from trustcore.followup.survey import new_survey_link, submit_feedback
from trustcore.followup.worksheet_entries import set_worksheet_entry
from trustcore.store import Store

PARTICIPANTS = 100
REASON_EVERY = 7  # one participant in seven explains two of their places


@dataclass
class Sample:
    store: Store
    code: str
    fac: str


def _order(ids: list[str], bias: list[str], rng: random.Random) -> list[str]:
    """A party's typical order, shuffled a little (a person mostly agrees with their party)."""
    order = list(bias)
    for _ in range(3):
        i = rng.randrange(len(order) - 1)
        order[i], order[i + 1] = order[i + 1], order[i]
    return order


def build(store: Store, *, participants: int = PARTICIPANTS, rounds: int = 2) -> Sample:
    created = store.create_session(
        "Sharing transport data with the city council",
        ["Metro Transit Authority", "City Council Data Office"],
        our_org="Metro Transit Authority",
        partner_org="City Council Data Office",
        flows="Passenger counts and delays → the council\nRoad works and events calendar → us",
    )
    s, fac = created.session, created.facilitator_token
    ids = list(s.catalogue.ids)
    rng = random.Random(7)
    biases = [list(ids), ids[6:] + ids[2:6] + ids[:2]]  # the two parties agree on a few elements
    tokens = []
    for i in range(participants):
        party = i % 2
        joined = store.join(s.code, s.parties[party].id, f"Person {i:03d}", rng=random.Random(i))
        tokens.append((joined.token, party))
    for number in range(1, rounds + 1):
        if number > 1:
            store.next_round(s.code, fac, round_number=number - 1)
        for i, (token, party) in enumerate(tokens):
            order = _order(ids, biases[party], rng)
            reasons = None
            if i % REASON_EVERY == 0:
                top, bottom = order[0], order[-1]
                reasons = {
                    top: f"Round {number}: we put this first because our riders ask about it every week (#{i}).",
                    bottom: f"Round {number}: important, but the other elements come first for us (#{i}).",
                }
            store.submit(s.code, token, order, reasons, round_number=number)
        store.reveal(s.code, fac, round_number=number)
    view = store.open(s.code, fac)
    first, second = s.parties
    for element in ids[:6]:
        set_worksheet_entry(view, element, first.id, "B", f"Quarterly review of {element} with the data team.")
        set_worksheet_entry(view, element, second.id, "C", f"Published summary of {element} on the open data portal.")
    set_worksheet_entry(view, ids[0], first.id, "C", "Internal audit notes, not for the partner.", internal=True)
    for n, element in enumerate(ids[:8]):
        add_next_step(
            store.open(s.code, fac),
            element,
            f"Draft a shared statement on {element} and circulate it to both boards",
            owner_party_id=(first if n % 2 else second).id,
            owner_person="Data protection officer",
            due=f"2027-0{1 + n % 9}-15",
            status="agreed" if n % 3 else "proposed",
            agreed_by=[first.id, second.id] if n % 3 else [],
        )
    survey = new_survey_link(store.open(s.code, fac))
    submit_feedback(
        store.open(s.code, survey),
        "Riders' forum",
        {
            None: {"trust": 4, "comment": "Mostly trusted; publish the delay data sooner."},
            ids[0]: {"trust": 3, "expectations": "partly", "evidence": "yes", "comment": "Say who sees what."},
        },
    )
    set_reflection(store.open(s.code, fac), "areas", "Accountability and transparency need a joint plan.")
    return Sample(store, s.code, fac)


if __name__ == "__main__":  # python tests/report_sample.py [out.html]: a sample report to look at
    import tempfile

    from trustcore import report

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/report-sample.html")
    with tempfile.TemporaryDirectory() as tmp:
        sample = build(Store(Path(tmp) / "t.db").initialise())
        page = report.session_report(sample.store.open(sample.code, sample.fac), shareable=False)
    out.write_text(page, encoding="utf-8")
    print(f"{out}: {len(page.encode()):,} bytes")

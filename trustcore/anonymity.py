"""Who sees people's names: a session setting chosen at creation (``model.Anonymity``).

- *Names shown*: everyone sees who ranked what.
- *Names hidden from other participants*: the facilitator sees names; participants, the presenter screen
  and what participants download see every person as "Participant N" (N: their place in the session's
  join order), beside their party.
- *Anonymous*: the join page asks for no name and none is stored; everyone, the facilitator too, sees
  "Participant N" and the party.

What a whole document may carry (names, rounds, internal entries, the session code) is decided by
``trustcore.audience``. Names are masked where rankings are read for someone (``Store._rankings(..., masked=True)``,
``Store.visible_rankings``), so the comparison, the reasons, the exports, the report and the presenter
screen all show what that reader may see without each deciding it again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from .errors import InvalidInput, Listing
from .i18n import ENGLISH, N_, Translator
from .model import Anonymity, Ranking, Session

# marked for translation (i18n.N_): a page shows t.gettext(LABELS[...])
LABELS = {
    Anonymity.NAMED: N_("Names shown"),
    Anonymity.HIDDEN: N_("Names hidden from other participants"),
    Anonymity.ANONYMOUS: N_("Anonymous"),
}
EXPLAINED = {
    Anonymity.NAMED: N_("Everyone in this session sees who ranked what and who gave which reason."),
    Anonymity.HIDDEN: N_(
        "Other participants see you as “Participant N” of your party, never your name; the facilitator sees names."
    ),
    Anonymity.ANONYMOUS: N_(
        "Nobody's name is asked or stored: everyone, the facilitator too, sees parties, not people."
    ),
}
PSEUDONYM = N_("Participant {n}")  # worded per reader by ``pseudonyms``
SOMEONE = N_("A participant")


def parse(value: object) -> Anonymity:
    """The setting from its stored or chosen value; InvalidInput for anything else."""
    try:
        return Anonymity(str(getattr(value, "value", value)))
    except ValueError:
        choices = Listing(a.value for a in Anonymity)
        raise InvalidInput(N_("Choose who sees names: one of {choices}."), choices=choices) from None


def shows_names(session: Session, *, facilitator: bool) -> bool:
    """Whether this reader sees people's stored names. In an anonymous session the stored names are the
    "Participant N" the join gave, so there is nothing to hide."""
    return facilitator or session.anonymity is not Anonymity.HIDDEN


def pseudonyms(participant_ids: Iterable[int], t: Translator = ENGLISH) -> dict[int, str]:
    """participant id -> "Participant N" in ``t``'s language, N by join order (ids ascending) in the session."""
    return {pid: t.gettext(PSEUDONYM, n=str(n)) for n, pid in enumerate(sorted(set(participant_ids)), start=1)}


def mask(rankings: Iterable[Ranking], names: Mapping[int, str], t: Translator = ENGLISH) -> list[Ranking]:
    """The rankings with each participant's name replaced by ``names[participant_id]`` ("A participant" in
    ``t``'s language for anyone ``names`` lacks)."""
    someone = t.gettext(SOMEONE)
    return [dataclasses.replace(r, participant=names.get(r.participant_id, someone)) for r in rankings]

"""The presenter link: its own token, view only; created, replaced and revoked by the facilitator; refused
as any other link with the message of any wrong token; the screen shows counts only before the reveal and
the agenda item the facilitator chose after it. Runs on both backends (the ``store`` fixture)."""

from __future__ import annotations

import pytest
from conftest import presenter_view

from trustcore.errors import AccessDenied, InvalidInput
from trustcore.model import Role
from trustcore.presenter import (
    has_presenter_link,
    new_presenter_link,
    presenter_session,
    revoke_presenter_link,
    screen,
    show_agenda_item,
)
from trustcore.rights import Action
from trustcore.store import DENIED


@pytest.fixture
def room(store, created):
    code, fac = created.session.code, created.facilitator_token
    ids = list(created.session.catalogue.ids)
    ann = store.join(code, created.session.parties[0].id, "Ann")
    bob = store.join(code, created.session.parties[1].id, "Bob")
    store.submit(code, ann.token, ids, round_number=1)
    return store, code, fac, ann, bob, ids


def test_the_link_opens_the_screen_until_replaced_or_revoked(room):
    store, code, fac, *_ = room
    assert not has_presenter_link(store.open(code, fac))
    first = new_presenter_link(store.open(code, fac))
    assert presenter_session(store.open(code, first)).code == code
    second = new_presenter_link(store.open(code, fac))
    with pytest.raises(AccessDenied):
        presenter_session(store.open(code, first))  # replaced
    revoke_presenter_link(store.open(code, fac))
    with pytest.raises(AccessDenied):
        presenter_session(store.open(code, second))
    assert not has_presenter_link(store.open(code, fac))


def test_the_presenter_token_grants_nothing_else(room):
    store, code, fac, ann, *_ = room
    shown = new_presenter_link(store.open(code, fac))
    for call in (store.facilitator, store.participant):
        with pytest.raises(AccessDenied) as info:
            call(code, shown)
        assert str(info.value) == DENIED  # the message of any wrong token
    view = store.open(code, shown)  # the presenter's own view: it may present, nothing more
    assert view.role is Role.PRESENTER
    view.require(Action.PRESENT)
    for action in Action:
        if action not in (Action.PRESENT, Action.SEE_SESSION):
            with pytest.raises(AccessDenied):
                view.require(action)
    with pytest.raises(AccessDenied):
        store.lock(code, shown, round_number=1)
    with pytest.raises(AccessDenied):
        new_presenter_link(store.open(code, ann.token))  # nor does a participant make one
    with pytest.raises(AccessDenied):
        presenter_session(store.open(code, fac))  # the facilitator's token is not a presenter link


def test_before_the_reveal_the_screen_shows_counts_only(room):
    store, code, fac, *_ = room
    view = screen(presenter_view(store, code, fac))
    assert not view.revealed and view.agenda == () and view.headline == ""
    assert view.submitted == {"Alpha": (1, 1), "Beta": (0, 1)}
    assert "Ann" not in repr(view.submitted) and "Bob" not in repr(view.submitted)


def test_after_the_reveal_the_facilitator_steps_through_the_agenda(room):
    store, code, fac, ann, bob, ids = room
    store.submit(code, bob.token, ids[::-1], round_number=1)
    store.reveal(code, fac, round_number=1)
    present = presenter_view(store, code, fac)
    view = screen(present)
    assert view.revealed and view.headline and len(view.agenda) > 3 and view.item == 0
    show_agenda_item(store.open(code, fac), 2)
    assert screen(present.reopened()).item == 2
    with pytest.raises(AccessDenied):
        screen(store.open(code, fac))  # the screen is the presenter link's: the console shows its own
    with pytest.raises(InvalidInput, match="agenda has"):
        show_agenda_item(store.open(code, fac), len(view.agenda))
    with pytest.raises(InvalidInput):
        show_agenda_item(store.open(code, fac), "next")
    with pytest.raises(AccessDenied):
        show_agenda_item(store.open(code, ann.token), 1)
    assert store._session(code).agenda_item == 2
    assert [e.action for e in store.events(code, fac)][-1] == "agenda_item_shown"

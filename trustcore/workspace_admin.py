"""The organisation workspace's link and its end, by whoever holds its link (or its signed-in owner).

``replace_link`` gives the workspace a new link, shown once: the old one stops working at once, also in a tab
that still has it open (every write identifies the link again inside its transaction,
``WorkspaceView.write``, and every page rerun opens the link again). ``delete_workspace``, once its name is
typed, removes the workspace and every row about it in ``workspace.TABLES``; the sessions linked to it are
unlinked: they are sessions, so they keep working, and their *Reflect* asks for the organisation-wide ranking
again (each one's event log says so, which is also what its open pages poll).
"""

from __future__ import annotations

from . import events, tokens
from .errors import InvalidInput
from .i18n import N_
from .rights import Action
from .workspace import WorkspaceView
from .workspace_archive import HOME, LINKS, OWNER, owned_tables

NAME_TO_DELETE = N_("Type the workspace's name exactly as it is shown to delete it; nothing was deleted.")


def replace_link(wview: WorkspaceView) -> str:
    """A new link for the workspace: its token (shown once; only its hash is stored). The old link is refused
    from now on, whoever holds it."""
    token = tokens.new_token()
    with wview.write(Action.REPLACE_WORKSPACE_LINK) as db:
        db.execute("UPDATE workspaces SET token_hash = ? WHERE id = ?", [tokens.hash_token(token), wview.workspace.id])
    return token


def delete_workspace(wview: WorkspaceView, typed_name: str) -> list[str]:
    """Delete the workspace, once ``typed_name`` is its name (spaces around it ignored): every row about it,
    its link with it. Returns the titles of the sessions that were linked to it (now unlinked, still working)."""
    wview.require(Action.DELETE_WORKSPACE)
    if not isinstance(typed_name, str) or typed_name.strip() != wview.workspace.name:
        raise InvalidInput(NAME_TO_DELETE)
    store, wid = wview.store, wview.workspace.id
    with wview.write(Action.DELETE_WORKSPACE) as db:
        linked = list(
            db.query(
                f"""SELECT s.id, s.title FROM {LINKS} l JOIN sessions s ON s.code = l.session_code
                    WHERE l.workspace_id = ? ORDER BY l.linked_at, l.session_code""",
                [wid],
            )
        )
        for row in linked:
            events.log(db, row["id"], "workspace", "workspace_unlinked", {"reason": "the workspace was deleted"})
        for table in owned_tables(store, db):  # children first, the workspace's own row last
            key = "id" if table == HOME else OWNER
            db.execute(f'DELETE FROM "{table}" WHERE "{key}" = ?', [wid])
    return [row["title"] for row in linked]

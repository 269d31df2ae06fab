"""What trustcore stores, where, and for how long (in the reader's language, ``ui/i18n.py``)."""

import streamlit as st

from ui.context import get_store
from ui.i18n import translator

t = translator(st.session_state["ctx"])  # every role reaches this page
days = get_store().retention_days

st.title(t.gettext("Privacy"), anchor=False)
st.markdown(
    t.gettext(
        "trustcore stores everything in one database: a SQLite file on the server that runs it, or the "
        "PostgreSQL database (with its replicas) that whoever runs the server set up for it. Nothing is sent "
        "anywhere else (usage statistics are off, and the app loads no third-party scripts or fonts)."
    )
)
st.markdown(
    t.gettext(
        "**What is stored for a session:** its title, the relationship and flows you describe, the parties and "
        "any member names the facilitator lists, each participant's display name (a name is optional: leave it "
        "empty to appear as “Participant N”), every ranking with the random start order and the time it was "
        "submitted (earlier versions are kept as history), next steps, worksheet notes, stakeholder feedback, "
        "and an event log of who did what and when. Links carry secret tokens; only a fingerprint (SHA-256) of "
        "each token is stored. A facilitator who signs in to create a session (where the server offers sign-in) "
        "is stored with it by their e-mail address, so that they find it again; participants never sign in."
    )
)
st.markdown(
    t.gettext(
        "**Who sees what:** participants see only their own ranking until the facilitator reveals the results "
        "(unless the facilitator chose live results). The facilitator sees who has joined and submitted."
    )
)
st.markdown(
    t.ngettext(
        "**How long:** until the facilitator deletes the session (on the console: *Delete session*), which "
        "removes everything about it at once, including its event log, and at most {n} day after the session "
        "was created: older sessions are no longer available. Whoever runs the server keeps its backups; ask "
        "them how long those are kept.",
        "**How long:** until the facilitator deletes the session (on the console: *Delete session*), which "
        "removes everything about it at once, including its event log, and at most {n} days after the session "
        "was created: older sessions are no longer available. Whoever runs the server keeps its backups; ask "
        "them how long those are kept.",
        days,
    )
    if days
    else t.gettext(
        "**How long:** until the facilitator deletes the session (on the console: *Delete session*), which "
        "removes everything about it at once, including its event log. This server keeps sessions until they "
        "are deleted. Whoever runs the server keeps its backups; ask them how long those are kept."
    )
)

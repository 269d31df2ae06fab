"""trustcore: live co-ranking workshops for the elements of trustworthy data stewardship.

Run with ``streamlit run app.py``. This entrypoint runs on every rerun: it resolves who this tab is
(from the URL, checked against the database) and offers the pages that role may use.
"""

import streamlit as st

from ui.context import resolve

st.set_page_config(page_title="trustcore co-ranking", page_icon=":material/handshake:", layout="centered")

ctx = resolve()
st.session_state["ctx"] = ctx

PAGES = {  # name: (file, title, icon, url path)
    "home": ("pages/home.py", "Start", ":material/home:", "start"),
    "create": ("pages/create.py", "New session", ":material/add_circle:", "new"),
    "join": ("pages/join.py", "Join", ":material/login:", "join"),
    "rank": ("pages/rank.py", "My ranking", ":material/reorder:", "rank"),
    "console": ("pages/console.py", "Console", ":material/tune:", "console"),
    "compare": ("pages/compare.py", "Comparison", ":material/compare_arrows:", "compare"),
    "steps": ("pages/next_steps.py", "Next steps", ":material/checklist:", "next-steps"),
    "worksheet": ("pages/worksheet.py", "Worksheet", ":material/table_view:", "worksheet"),
    "reflect": ("pages/reflect.py", "Reflect", ":material/psychology:", "reflect"),
    "survey": ("pages/survey.py", "Survey", ":material/rate_review:", "survey"),
    "privacy": ("pages/privacy.py", "Privacy", ":material/shield:", "privacy"),
}

ROLE_PAGES = {
    "visitor": ["home", "create", "privacy"],
    "joiner": ["join", "privacy"],
    "participant": ["rank", "compare", "steps", "worksheet", "reflect", "privacy"],
    "facilitator": ["console", "compare", "steps", "worksheet", "reflect", "privacy"],
    "stakeholder": ["survey", "privacy"],
}

# The role's main page is the default, so the bare URL (a shared or personal link) lands on it.
pages = [
    st.Page(PAGES[name][0], title=PAGES[name][1], icon=PAGES[name][2], url_path=PAGES[name][3], default=i == 0)
    for i, name in enumerate(ROLE_PAGES[ctx.role])
]
st.navigation(pages, position="top").run()

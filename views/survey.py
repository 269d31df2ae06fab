"""Stakeholder survey (Activity 6): for each element, how far the stakeholder can trust us, whether our
steps meet their expectations, whether our evidence helps; plus one overall question. The survey link
grants nothing else."""

import streamlit as st

from trustcore import documents as documents_mod
from trustcore.errors import TrustcoreError
from trustcore.followup import survey, survey_documents
from trustcore.model import Role
from trustcore.text import markdown_escape as esc
from ui.client import address as client_address
from ui.common import problem, session_header
from ui.context import page_context
from ui.downloads import download_button
from ui.survey_documents import element_documents, element_heading, intro

ctx = page_context(Role.STAKEHOLDER)
session = ctx.session

session_header(session, subtitle="Stakeholder survey")
us = esc(session.our_org) if session.our_org else "us"

done = st.session_state.get("survey_done")
if done:
    st.success(f"Thank you: your answers are stored ({done} answered).", icon=":material/check_circle:")
    if st.button("Answer again, as someone else", icon=":material/replay:"):
        del st.session_state["survey_done"]
        st.rerun()
    st.stop()

st.write(
    f"Please tell {us} how far you can trust them in each element of trustworthy data stewardship. "
    "Every question is optional; answer what you can. Your answers go to the facilitator of this session."
)
shared = survey_documents.shared(ctx.view)  # what this survey shows, as the survey link's holder may see it
# a form's widgets do not rerun the page: what its reader saw when they pressed Send is what the run before drew
on_screen = st.session_state.get("survey_shown", {})
st.session_state["survey_shown"] = {
    eid: survey_documents.version(shared, eid) for eid in [*session.catalogue.ids, None]
}
intro(session, shared)
for doc in documents_mod.offered(ctx.view):  # the worksheet shared with the survey, to print or keep
    download_button(doc)

TRUST = survey.TRUST_SCALE
EXPECT = {"yes": "Yes", "partly": "Partly", "no": "No"}
EVIDENCE = {"yes": "Yes", "no": "No", "unsure": "Not sure"}


QUESTIONS = {  # answer key -> (question, choice -> its label)
    "trust": (f"To what degree can you trust {us} here?", {v: f"{v} · {w}" for v, w in TRUST.items()}),
    "expectations": ("Do our steps meet your expectations?", EXPECT),
    "evidence": ("Having seen our evidence, do you feel better able to trust us?", EVIDENCE),
}


def questions(prefix: str) -> dict:
    answers = {
        key: st.radio(
            question,
            list(choices),
            index=None,
            horizontal=True,
            format_func=lambda v, choices=choices: choices[v],
            key=f"{prefix}:{key}",
        )
        for key, (question, choices) in QUESTIONS.items()
    }
    answers["comment"] = st.text_area("Comment (optional)", key=f"{prefix}:comment", height=68, max_chars=2000)
    return answers


with st.form("survey"):
    respondent = st.text_input("Your name or organisation (optional)", max_chars=80)
    answers = {}
    for element in session.catalogue.elements:
        with st.container(border=True):
            element_heading(element)
            element_documents(shared, element.id)
            answers[element.id] = questions(element.id)
    with st.container(border=True):
        st.markdown(f"**Overall**: all things considered, how far can you trust {us} with data?")
        answers[None] = questions("overall")
    sent = st.form_submit_button("Send my answers", type="primary", icon=":material/send:")

if sent:
    try:
        shown = on_screen or st.session_state["survey_shown"]
        stored = survey.submit_feedback(ctx.view, respondent, answers, shown=shown, client=client_address())
    except TrustcoreError as exc:
        problem(exc)
    else:
        st.session_state["survey_done"] = stored
        st.rerun()

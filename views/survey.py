"""Stakeholder survey (Activity 6): for each element, how far the stakeholder can trust us, whether our
steps meet their expectations, whether our evidence helps; plus one overall question. The survey link
grants nothing else. In the reader's language (``ui/i18n.py``): answers are stable codes worded per run, and every
widget is keyed, so a change of language keeps what was chosen and typed."""

import streamlit as st

from trustcore import documents as documents_mod
from trustcore.errors import TrustcoreError
from trustcore.followup import survey, survey_documents
from trustcore.i18n import N_
from trustcore.model import Role
from trustcore.text import markdown_escape as esc
from ui.client import address as client_address
from ui.common import problem, session_header
from ui.context import page_context
from ui.downloads import download_button
from ui.i18n import translator
from ui.survey_documents import element_documents, element_heading, intro

ctx = page_context(Role.STAKEHOLDER)
session = ctx.session
t = translator(ctx)

session_header(session, subtitle=t.gettext("Stakeholder survey"), t=t)
us = esc(session.our_org) if session.our_org else None  # who asks: the session's organisation, else "us"

done = st.session_state.get("survey_done")
if done:
    st.success(
        t.ngettext(
            "Thank you: your answers are stored ({n} answered).",
            "Thank you: your answers are stored ({n} answered).",
            done,
        ),
        icon=":material/check_circle:",
    )
    if st.button(t.gettext("Answer again, as someone else"), icon=":material/replay:", key="survey_again"):
        del st.session_state["survey_done"]
        st.rerun()
    st.stop()

st.write(
    t.gettext(
        "Please tell {org} how far you can trust them in each element of trustworthy data stewardship. "
        "Every question is optional; answer what you can. Your answers go to the facilitator of this session.",
        org=us,
    )
    if us
    else t.gettext(
        "Please tell us how far you can trust us in each element of trustworthy data stewardship. "
        "Every question is optional; answer what you can. Your answers go to the facilitator of this session."
    )
)
shared = survey_documents.shared(ctx.view, t)  # what this survey shows, as the survey link's holder may see it
# a form's widgets do not rerun the page: what its reader saw when they pressed Send is what the run before drew
on_screen = st.session_state.get("survey_shown", {})
st.session_state["survey_shown"] = {
    eid: survey_documents.version(shared, eid) for eid in [*session.catalogue.ids, None]
}
intro(session, shared)
for doc in documents_mod.offered(ctx.view, lang=t.locale):  # the worksheet shared with the survey, to print or keep
    download_button(doc)

# survey.TRUST_SCALE's words, marked here for translation (tests/test_shell_in_french.py checks they match)
TRUST_WORDS = (N_("Not at all"), N_("A little"), N_("Somewhat"), N_("Mostly"), N_("Completely"))
TRUST = {v: t.gettext("{value} · {word}", value=v, word=t.gettext(w)) for v, w in survey.TRUST_SCALE.items()}
EXPECT = {
    "yes": t.pgettext("an answer", "Yes"),
    "partly": t.pgettext("an answer", "Partly"),
    "no": t.pgettext("an answer", "No"),
}
EVIDENCE = {
    "yes": t.pgettext("an answer", "Yes"),
    "no": t.pgettext("an answer", "No"),
    "unsure": t.pgettext("an answer", "Not sure"),
}


QUESTIONS = {  # answer key -> (question, choice -> its label); the choices are stable codes
    "trust": (
        t.gettext("To what degree can you trust {org} here?", org=us)
        if us
        else t.gettext("To what degree can you trust us here?"),
        TRUST,
    ),
    "expectations": (t.gettext("Do our steps meet your expectations?"), EXPECT),
    "evidence": (t.gettext("Having seen our evidence, do you feel better able to trust us?"), EVIDENCE),
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
    answers["comment"] = st.text_area(
        t.gettext("Comment (optional)"), key=f"{prefix}:comment", height=68, max_chars=2000
    )
    return answers


with st.form("survey"):
    respondent = st.text_input(t.gettext("Your name or organisation (optional)"), max_chars=80, key="respondent")
    answers = {}
    for element in session.catalogue.elements:
        with st.container(border=True):
            element_heading(element)
            element_documents(shared, element.id)
            answers[element.id] = questions(element.id)
    with st.container(border=True):
        st.markdown(
            t.gettext("**Overall**: all things considered, how far can you trust {org} with data?", org=us)
            if us
            else t.gettext("**Overall**: all things considered, how far can you trust us with data?")
        )
        answers[None] = questions("overall")
    sent = st.form_submit_button(t.gettext("Send my answers"), type="primary", icon=":material/send:")

if sent:
    try:
        shown = on_screen or st.session_state["survey_shown"]
        stored = survey.submit_feedback(ctx.view, respondent, answers, shown=shown, client=client_address())
    except TrustcoreError as exc:
        problem(exc, t)
    else:
        st.session_state["survey_done"] = stored
        st.rerun()

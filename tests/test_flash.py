"""ui.flash: a message left before a rerun is shown once, on the next run, as text."""

from streamlit.testing.v1 import AppTest

from ui.common import plain


def _page():
    import streamlit as st

    from ui.flash import flash, show

    shown = show()
    st.caption(f"shown: {shown}")
    if st.button("Save"):
        flash("Saved **Acme** <b>x</b>'s entries.")
        st.rerun()


def test_a_flash_is_shown_once_on_the_next_run_as_text():
    at = AppTest.from_function(_page, default_timeout=30)
    at.run()
    assert not at.success and at.caption[0].value == "shown: False"
    at.button[0].click().run()  # the click's run leaves the message and reruns
    assert [s.value for s in at.success] == [plain("Saved **Acme** <b>x</b>'s entries.")]
    assert "**Acme**" not in at.success[0].value and "<b>" not in at.success[0].value  # inert, not markup
    assert at.caption[0].value == "shown: True"
    at.run()
    assert not at.success and at.caption[0].value == "shown: False"

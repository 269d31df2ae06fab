"""Streamlit helpers shared by the pages: request context, widgets and layout pieces (no SQL, no statistics)."""

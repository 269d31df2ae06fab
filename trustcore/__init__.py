"""trustcore: the functional core of the co-ranking workshop app (no Streamlit here)."""

__version__ = "0.1.0"

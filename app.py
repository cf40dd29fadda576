"""Streamlit entry point: wires the pages; all logic lives in footprint.ui and the library.

Run with ``streamlit run app.py``.
"""

import streamlit as st

from footprint.advice import DISCLAIMER
from footprint.ui.pages import navigation_pages

st.set_page_config(
    page_title="Footprint analyser",
    page_icon="👣",  # an emoji favicon is drawn locally; a :material: one is fetched from Google
    layout="wide",
    initial_sidebar_state="auto",
)
page = st.navigation(navigation_pages())
with st.sidebar:
    st.caption(DISCLAIMER)
page.run()

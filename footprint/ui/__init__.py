"""Streamlit user interface: pages and small widgets.

Pages (:mod:`~footprint.ui.analyse`, :mod:`~footprint.ui.guide`,
:mod:`~footprint.ui.about`) call the library and hold no image maths;
:mod:`~footprint.ui.services` caches analyses by the photo's SHA-256 and the
options; :mod:`~footprint.ui.widgets` hides ``st.session_state`` and builds the
charts. ``app.py`` only wires the pages (:func:`footprint.ui.pages.navigation_pages`).
Nothing outside this package imports Streamlit.
"""

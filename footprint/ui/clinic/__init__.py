"""Clinic pages: patients, timeline, add visit, compare, left vs right.

Every page first passes :func:`footprint.ui.clinic.gate.require_access`, so on a
network-served app only logged-in users see patient records. Text typed by
users is shown as plain text (``st.text``, tables), never as HTML.
"""

from __future__ import annotations

from typing import Any


def pages() -> list[Any]:
    """The clinic pages for ``st.navigation``."""
    import streamlit as st

    from footprint.ui.clinic import add_visit, compare_page, left_right, patients, timeline

    return [
        st.Page(
            patients.page, title="Patients", icon=":material/group:", url_path="clinic-patients"
        ),
        st.Page(
            timeline.page, title="Timeline", icon=":material/timeline:", url_path="clinic-timeline"
        ),
        st.Page(
            add_visit.page,
            title="Add visit",
            icon=":material/add_a_photo:",
            url_path="clinic-add-visit",
        ),
        st.Page(
            compare_page.page,
            title="Compare prints",
            icon=":material/compare:",
            url_path="clinic-compare",
        ),
        st.Page(
            left_right.page,
            title="Left vs right",
            icon=":material/swap_horiz:",
            url_path="clinic-left-right",
        ),
    ]

"""Add visit page: a photo from an upload or the camera, analysed and stored."""

from __future__ import annotations

from datetime import date

import streamlit as st

from footprint.params import CUTOFF_PRESETS
from footprint.ui.clinic import common, records
from footprint.ui.clinic.gate import require_access
from footprint.ui.services import UPLOAD_TYPES

SIDE_CHOICES = {"As detected": None, "Left": "left", "Right": "right"}


def page() -> None:
    """The Add visit page."""
    require_access()
    st.title("Add a visit")
    store = common.get_store()
    code = common.patient_picker(store, key="add_visit_pick")
    if code is None:
        return
    c1, c2, c3 = st.columns(3)
    visit_date = c1.date_input("Date", value=date.today(), max_value=date.today())
    side_label = c2.selectbox(
        "Foot", list(SIDE_CHOICES), help="Set the side when a photo shows one foot"
    )
    cutoffs = c3.selectbox(
        "Cut-offs", list(CUTOFF_PRESETS), format_func=lambda k: CUTOFF_PRESETS[k].label
    )
    note = st.text_area("Note", max_chars=5000, key="visit_note")
    source = st.radio("Photo from", ["Upload", "Camera"], horizontal=True)
    if source == "Upload":
        photo = st.file_uploader("Photo of the print", type=list(UPLOAD_TYPES), key="visit_upload")
    else:
        photo = st.camera_input("Photo of the print", key="visit_camera")
    if photo is None:
        st.caption("The photo is stored without its metadata (no EXIF, no GPS location).")
        return
    if st.button("Analyse and save visit", type="primary"):
        try:
            with st.spinner("Measuring the print..."):
                visit, pr, result = records.record_visit(
                    store,
                    code,
                    photo.getvalue(),
                    visit_date=visit_date,
                    note=note,
                    side=SIDE_CHOICES[side_label],
                    cutoffs=cutoffs,
                    source=source.lower(),
                )
        except Exception as exc:  # noqa: BLE001 - typed message or a generic one
            common.show_error(exc)
            return
        st.success(
            f"Saved the visit of {visit.visit_date.isoformat()} with "
            f"{len(result.feet)} foot result(s)."
        )
        st.dataframe(records.results_table(pr), hide_index=True, width="stretch")
        for w in result.warnings:
            st.warning(w)

"""Patients page: search, create, edit, export, delete."""

from __future__ import annotations

import streamlit as st

from footprint.errors import FootprintError
from footprint.ui.clinic import common, records
from footprint.ui.clinic.gate import require_access
from footprint.ui.widgets import plain_text

_FLASH = "clinic_patients_flash"


def _create(store) -> None:  # noqa: ANN001 - footprint.store.Store
    with st.form("new_patient", clear_on_submit=True):
        st.markdown("**New patient**")
        code = st.text_input(
            "Code (pseudonymous)",
            max_chars=64,
            help="e.g. P-0001; the code, not the name, identifies records",
        )
        name = st.text_input("Name (optional)", max_chars=200)
        year = st.number_input(
            "Birth year (optional)", min_value=0, max_value=2100, value=0, help="0 = not given"
        )
        notes = st.text_area("Notes", max_chars=5000)
        if st.form_submit_button("Create patient", type="primary"):
            try:
                p = store.create_patient(
                    code, name=name or None, birth_year=int(year) or None, notes=notes
                )
            except FootprintError as exc:
                st.error(plain_text(exc.message))
            else:
                common.pick_patient(p.code)
                st.session_state[_FLASH] = f"Created patient {plain_text(p.code)}."
                st.rerun()


def _edit(store, code: str) -> None:  # noqa: ANN001
    p = store.get_patient(code)
    with st.form(f"edit_patient_{p.id}"):
        st.markdown("**Edit patient**")
        new_code = st.text_input("Code", value=p.code, max_chars=64)
        name = st.text_input("Name (optional)", value=p.name or "", max_chars=200)
        year = st.number_input(
            "Birth year (optional)", min_value=0, max_value=2100, value=p.birth_year or 0
        )
        notes = st.text_area("Notes", value=p.notes, max_chars=5000)
        if st.form_submit_button("Save changes"):
            try:
                q = store.update_patient(
                    code,
                    new_code=new_code,
                    name=name or None,
                    birth_year=int(year) or None,
                    notes=notes,
                )
            except FootprintError as exc:
                st.error(plain_text(exc.message))
            else:
                common.pick_patient(q.code)
                st.session_state[_FLASH] = "Saved."
                st.rerun()


def _data_rights(store, code: str) -> None:  # noqa: ANN001
    st.markdown("**Data rights**")
    st.download_button(
        "Export full record (zip: CSV, JSON, images)",
        data=lambda: store.export_patient(code),
        file_name=f"patient-{records.safe_file_stem(code)}.zip",
        mime="application/zip",
        on_click="ignore",
        icon=":material/download:",
    )
    with st.expander("Delete this patient"):
        st.text("This removes every visit, print, result and image of this patient.")
        typed = st.text_input("Type the patient code to confirm", key="delete_confirm")
        if st.button(
            "Delete patient and all records", type="primary", disabled=typed.strip() != code
        ):
            report = store.delete_patient(code)
            st.session_state.pop(common.PATIENT_KEY, None)
            st.session_state[_FLASH] = (
                f"Deleted {report.visits} visits, {report.prints} prints, {report.results} "
                f"results and {report.files} image files."
            )
            st.rerun()


def page() -> None:
    """The Patients page."""
    require_access()
    st.title("Patients")
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        st.success(flash)
    try:
        store = common.get_store()
    except Exception as exc:  # noqa: BLE001 - say what went wrong, no traceback
        common.show_error(exc)
        return
    query = st.text_input("Search code, name or notes", key="patient_search")
    found = store.search_patients(query)
    if found:
        st.dataframe(
            [
                {
                    "Code": p.code,
                    "Name": p.name or "",
                    "Birth year": p.birth_year,
                    "Visits": p.n_visits,
                }
                for p in found
            ],
            hide_index=True,
            width="stretch",
            placeholder="",  # no birth year: blank, not "None"
        )
    elif query:
        st.text("No patient matches the search.")
    left, right = st.columns(2, gap="large")
    with left:
        _create(store)
    with right:
        code = common.patient_picker(store, key="patients_pick")
        if code is not None:
            _edit(store, code)
            _data_rights(store, code)

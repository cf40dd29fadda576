"""Shared pieces of the clinic pages: the store, the patient picker, cached analyses."""

from __future__ import annotations

import json
import logging
import os

import streamlit as st

from footprint.pipeline import Analysis
from footprint.store import ENV_DATA_DIR, ENV_DB_URL, PrintInfo, ResultInfo, Store
from footprint.ui.clinic import records
from footprint.ui.widgets import plain_text

log = logging.getLogger(__name__)

PATIENT_KEY = "clinic_patient"


@st.cache_resource(show_spinner=False)
def _open_store(url: str | None, data_dir: str | None) -> Store:
    return Store(url, data_dir)


def get_store() -> Store:
    """The records store of ``$FOOTPRINT_DB_URL`` / ``$FOOTPRINT_DATA_DIR`` (opened once)."""
    return _open_store(os.environ.get(ENV_DB_URL) or None, os.environ.get(ENV_DATA_DIR) or None)


def patient_picker(store: Store, *, key: str) -> str | None:
    """Choose the current patient (shared by all clinic pages); None when there are none."""
    codes = [p.code for p in store.search_patients(limit=10_000)]
    if not codes:
        st.info("No patients yet. Add one on the Patients page.")
        return None
    current = st.session_state.get(PATIENT_KEY)
    index = codes.index(current) if current in codes else 0
    code = st.selectbox("Patient", codes, index=index, key=key)
    st.session_state[PATIENT_KEY] = code
    return code


def pick_patient(code: str) -> None:
    """Make ``code`` the current patient."""
    st.session_state[PATIENT_KEY] = code


@st.cache_data(max_entries=32, show_spinner=False)
def thumbnail(file_name: str, _store: Store) -> bytes:
    """A small JPEG of a stored image, cached by its content-hash file name."""
    return records.thumbnail_jpeg(_store.read_image(file_name))


@st.cache_data(max_entries=16, show_spinner=False)
def stored_analysis(
    file_name: str, params_key: str, _store: Store, _print: PrintInfo, _result: ResultInfo
) -> Analysis:
    """Re-analysis of a stored image, cached by file hash and parameters."""
    del file_name, params_key
    return records.reanalyse(_store, _print, _result)


def params_key(pr: PrintInfo, r: ResultInfo) -> str:
    """Cache key of the parameters a result was made with."""
    return json.dumps([r.params, pr.capture.get("side_override")], sort_keys=True, default=str)


def show_error(exc: Exception) -> None:
    """A typed error's message, or a generic one (never a traceback)."""
    from footprint.errors import FootprintError

    if isinstance(exc, FootprintError):
        st.error(plain_text(exc.message), icon=":material/error:")
    else:
        log.exception("clinic page failed")
        st.error(
            "Sorry, something went wrong. Try again, or report the problem.",
            icon=":material/error:",
        )

"""The app's pages, for ``st.navigation``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import streamlit as st

from footprint.ui import about, analyse, guide

log = logging.getLogger(__name__)


def main_pages() -> list[Any]:
    """Analyse (default), Guide and About."""
    return [
        st.Page(
            analyse.page,
            title="Analyse",
            icon=":material/footprint:",
            url_path="analyse",
            default=True,
        ),
        st.Page(guide.page, title="Guide", icon=":material/photo_camera:", url_path="guide"),
        st.Page(about.page, title="About", icon=":material/info:", url_path="about"),
    ]


def clinic_pages() -> Sequence[Any]:
    """Pages of :mod:`footprint.ui.clinic` when that package is installed."""
    try:
        from footprint.ui import clinic

        make = getattr(clinic, "pages", None)
        return [] if make is None else list(make())
    except ImportError as exc:  # a partial install must not take the main pages down
        log.warning("clinic pages unavailable: %s", exc)
        return []


def navigation_pages() -> dict[str, list[Any]] | list[Any]:
    """All pages, grouped in sections when the clinic pages exist."""
    main = main_pages()
    clinic = clinic_pages()
    if not clinic:
        return main
    return {"Footprint": main, "Clinic": list(clinic)}

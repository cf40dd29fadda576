"""Timeline page: a patient's visits with thumbnails, and index trends over the bands."""

from __future__ import annotations

import streamlit as st

from footprint.ui.clinic import common, records
from footprint.ui.clinic.gate import require_access

CHART_CONFIG = {"displayModeBar": False}


def page() -> None:
    """The Timeline page."""
    require_access()
    st.title("Timeline")
    store = common.get_store()
    code = common.patient_picker(store, key="timeline_pick")
    if code is None:
        return
    visits = store.visits(code)
    if not visits:
        st.info("No visits yet. Add one on the Add visit page.")
        return
    points = store.trend(code)
    by_id = {r.id: r for v in visits for pr in v.prints for r in pr.results}
    preset = records.preset_of(points, by_id)
    if points:
        st.caption(f"Bands: {preset.label} cut-offs (blue high arch, green normal, orange flat).")
        cols = st.columns(len(records.TREND_INDICES))
        for col, (key, label, lo_attr, hi_attr) in zip(cols, records.TREND_INDICES, strict=True):
            fig = records.trend_figure(
                points, key, label, getattr(preset, lo_attr), getattr(preset, hi_attr)
            )
            col.plotly_chart(fig, config=CHART_CONFIG, key=f"trend-{key}", width="stretch")
    st.markdown("#### Visits")
    for v in reversed(visits):
        with st.expander(
            f"{v.visit_date.isoformat()} - {len(v.prints)} print(s)", expanded=v is visits[-1]
        ):
            if v.note:
                st.text(v.note)
            for pr in v.prints:
                c1, c2 = st.columns([1, 3])
                try:
                    c1.image(common.thumbnail(pr.file_name, store), width=180)
                except Exception as exc:  # noqa: BLE001
                    with c1:
                        common.show_error(exc)
                c2.dataframe(records.results_table(pr), hide_index=True, width="stretch")

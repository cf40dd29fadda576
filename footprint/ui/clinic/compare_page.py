"""Compare page: two prints of the same foot aligned, differences and changes."""

from __future__ import annotations

import streamlit as st

from footprint import compare
from footprint.store import PrintInfo, ResultInfo, VisitInfo
from footprint.ui.clinic import common, records
from footprint.ui.clinic.gate import require_access

Choice = tuple[VisitInfo, PrintInfo, ResultInfo]


def choices(visits: list[VisitInfo], side: str) -> list[Choice]:
    """Every stored result of one foot side, oldest first."""
    return [(v, pr, r) for v in visits for pr in v.prints for r in pr.results if r.side == side]


def label(c: Choice) -> str:
    v, pr, r = c
    ai = "n/a" if r.arch_index is None else f"{r.arch_index:.3f}"
    return f"{v.visit_date.isoformat()} - print {pr.id} - AI {ai}"


def page() -> None:
    """The Compare page."""
    require_access()
    st.title("Compare two prints")
    store = common.get_store()
    code = common.patient_picker(store, key="compare_pick")
    if code is None:
        return
    side = st.radio("Foot", ["left", "right"], horizontal=True, key="compare_side")
    options = choices(store.visits(code), side)
    if len(options) < 2:
        st.info(f"Comparing needs two prints of the {side} foot; this patient has {len(options)}.")
        return
    idx = list(range(len(options)))
    c1, c2 = st.columns(2)
    i = c1.selectbox("Before", idx, index=0, format_func=lambda k: label(options[k]))
    j = c2.selectbox("After", idx, index=len(idx) - 1, format_func=lambda k: label(options[k]))
    if i == j:
        st.info("Choose two different prints.")
        return
    views = []
    try:
        with st.spinner("Aligning the prints..."):
            for _v, pr, r in (options[i], options[j]):
                analysis = common.stored_analysis(
                    pr.file_name, common.params_key(pr, r), store, pr, r
                )
                views.append(records.foot_view(analysis, r))
            result = compare.compare_views(
                views[0],
                views[1],
                before_values=records.result_values(options[i][2]),
                after_values=records.result_values(options[j][2]),
            )
    except Exception as exc:  # noqa: BLE001
        common.show_error(exc)
        return
    for w in result.warnings:
        st.warning(w)
    al = result.alignment
    m1, m2, m3 = st.columns(3)
    m1.metric("Contact overlap (Dice)", f"{result.overlap_dice:.3f}")
    if al.toe_offset_mm is not None:
        m2.metric(
            "Toe tips apart",
            f"{al.toe_offset_mm:.1f} mm",
            help="after aligning the heel centres and the foot axes",
        )
    if result.contact_gained_mm2 is not None:
        m3.metric(
            "Contact gained / lost",
            f"{result.contact_gained_mm2 / 100:.1f} / {result.contact_lost_mm2 / 100:.1f} cm²",
        )
    p1, p2, p3 = st.columns(3)
    # the same width for all three (with the default, a caption wider than its image
    # enlarges that image only, so the panels would not line up)
    p1.image(
        result.overlay_rgb,
        caption="Overlay: before magenta, after green, both grey",
        width="stretch",
    )
    p2.image(result.contact_diff_rgb, caption="Contact: red gained, blue lost", width="stretch")
    p3.image(
        result.intensity_diff_rgb,
        caption="Relative intensity: red more, blue less",
        width="stretch",
    )
    st.markdown("#### Changes")
    # every measure visible at once (no scrolling inside the table)
    st.dataframe(
        compare.changes_as_rows(result.changes), hide_index=True, width="stretch", height="content"
    )
    measured_on = result.meta.get("repeatability_measured_on", "repeated photos")
    st.caption(
        "A change is beyond noise when it exceeds the method's repeatability, "
        f"measured on {measured_on} (docs/accuracy.md)."
    )
    st.download_button(
        "Comparison report (PDF)",
        data=lambda: compare.comparison_pdf(
            result, before_label=label(options[i]), after_label=label(options[j]), patient_code=code
        ),
        file_name=f"comparison-{records.safe_file_stem(code)}-{side}.pdf",
        mime="application/pdf",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
    )

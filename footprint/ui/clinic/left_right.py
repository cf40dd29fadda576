"""Left vs right page: one visit's two feet, mirrored overlay and symmetry indices."""

from __future__ import annotations

import streamlit as st

from footprint import compare
from footprint.ui.clinic import common, records
from footprint.ui.clinic.gate import require_access


def symmetry_rows(rows: list[compare.SymmetryRow]) -> list[dict[str, str]]:
    """Display rows of a symmetry table."""
    return [
        {
            "Measure": r.label,
            "Left": compare.format_value(r.key, r.left),
            "Right": compare.format_value(r.key, r.right),
            "Left - right": compare.format_value(r.key, r.difference, signed=True),
            "Symmetry index": "-"
            if r.symmetry_index_pct is None
            else f"{r.symmetry_index_pct:.1f} %",
        }
        for r in rows
    ]


def page() -> None:
    """The Left vs right page."""
    require_access()
    st.title("Left vs right")
    store = common.get_store()
    code = common.patient_picker(store, key="lr_pick")
    if code is None:
        return
    visits = [
        v
        for v in store.visits(code)
        if {r.side for pr in v.prints for r in pr.results} >= {"left", "right"}
    ]
    if not visits:
        st.info("No visit of this patient has both a left and a right foot result.")
        return
    k = st.selectbox(
        "Visit",
        list(range(len(visits))),
        index=len(visits) - 1,
        format_func=lambda n: visits[n].visit_date.isoformat(),
    )
    v = visits[k]
    found = {}
    for pr in v.prints:
        for r in pr.results:
            found.setdefault(r.side, (pr, r))
    (lp, lr), (rp, rr) = found["left"], found["right"]
    rows = compare.symmetry_table(records.result_values(lr), records.result_values(rr))
    st.dataframe(symmetry_rows(rows), hide_index=True, width="stretch")
    st.caption(
        "Symmetry index SI = |L - R| / (0.5 (L + R)) x 100 % (Robinson et al. 1987); "
        "0 % is perfectly symmetric."
    )
    try:
        with st.spinner("Overlaying the feet..."):
            left = records.foot_view(
                common.stored_analysis(lp.file_name, common.params_key(lp, lr), store, lp, lr), lr
            )
            right = records.foot_view(
                common.stored_analysis(rp.file_name, common.params_key(rp, rr), store, rp, rr), rr
            )
            al, _ = compare.left_right(left, right)
    except Exception as exc:  # noqa: BLE001
        common.show_error(exc)
        return
    for w in al.warnings:
        st.warning(w)
    st.image(
        compare.overlay_image(al),
        caption="Left foot mirrored (magenta) on the right foot (green); both grey",
        width=420,
    )

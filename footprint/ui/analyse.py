"""The main page: from a photo of a footprint to measurements and advice."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import streamlit as st

from footprint import advice, render, report
from footprint.errors import FootprintError, NoFootprintError
from footprint.params import CUTOFF_PRESETS, AnatomyParams
from footprint.ui import services, widgets
from footprint.ui.services import Options, Photo

#: Below this quality a foot is refused unless the user asks to measure it anyway.
_MIN_QUALITY = AnatomyParams().min_quality

log = logging.getLogger(__name__)

_SCALE_WORDS = {
    "a4": "A4 sheet",
    "letter": "US Letter sheet",
    "card": "bank card (ID-1)",
    "manual_a4": "A4 sheet (corners marked by hand)",
    "manual_letter": "US Letter sheet (corners marked by hand)",
    "manual_card": "bank card (corners marked by hand)",
    "none": "no scale reference",
}
_CORNERS = ("top-left", "top-right", "bottom-right", "bottom-left")
_SIDE_CHOICES = ("as detected", "left", "right")
_KINDS = {"a4": "A4 sheet", "letter": "US Letter sheet", "card": "Bank card (ID-1)"}


# -- input ---------------------------------------------------------------------
def _preset_picker() -> str:
    names = list(CUTOFF_PRESETS)
    with st.sidebar:
        st.markdown("### Settings")
        name = st.selectbox(
            "Cut-off preset",
            names,
            format_func=lambda n: CUTOFF_PRESETS[n].label,
            key="cutoffs",
            help="Where the high / normal / flat bands lie. Child presets by age.",
        )
        preset = CUTOFF_PRESETS[name]
        st.markdown(
            "<small>Arch index bands of this preset (green: normal)</small>",
            unsafe_allow_html=True,
        )
        st.markdown(widgets.band_html(widgets.bands(None, preset)[0]), unsafe_allow_html=True)
        st.caption(f"Source: {preset.source}")
    return str(name)


def _photo_input() -> Photo | None:
    st.markdown("#### 1. Your photo")
    up_col, cam_col = st.columns([3, 2])
    with up_col:
        up = st.file_uploader(
            "Upload a photo of the print (JPEG, PNG, WebP, HEIC, TIFF, BMP)",
            type=list(services.UPLOAD_TYPES),
            key="upload",
            help="The photo is analysed on this computer and is not stored.",
        )
    with cam_col:
        use_cam = st.toggle("Use the camera instead", key="use_camera")
        cam = st.camera_input("Take a photo of the print", key="camera") if use_cam else None
    if up is not None:
        return Photo.from_bytes(up.getvalue(), up.name)
    if cam is not None:
        return Photo.from_bytes(cam.getvalue(), "camera.jpg")
    samples = services.sample_files()
    if samples:
        choice = st.selectbox(
            "No photo at hand? Try a sample",
            [None, *samples],
            format_func=lambda p: "choose a sample..." if p is None else Path(p).name,
            key="sample",
        )
        if choice is not None:
            path = Path(choice)
            return Photo.from_bytes(path.read_bytes(), path.name)
    return None


# -- corrections ---------------------------------------------------------------
def _reset_corrections(sha: str) -> None:
    """Corrections belong to one photo: clear them when another photo arrives."""
    if st.session_state.get("corr_for") == sha:
        return
    for k in list(st.session_state.keys()):
        if str(k).startswith("corr_") or str(k) == "applied":
            del st.session_state[k]
    st.session_state["corr_for"] = sha


def _applied() -> dict[str, Any]:
    return st.session_state.get("applied", {})


def _options(cutoffs: str) -> Options:
    a = _applied()
    return Options(
        cutoffs=cutoffs,
        sensitivity=float(a.get("sensitivity", 0.0)),
        side_overrides=tuple(sorted(a.get("sides", {}).items())),
        corners_xy=a.get("corners"),
        reference_kind=a.get("kind"),
        min_quality=0.0 if a.get("measure_faint") else None,
        second_look=bool(a.get("second_look", False)),
        paper_perspective=bool(a.get("paper_perspective", True)),
        floor_lines_perspective=bool(a.get("floor_lines_perspective", True)),
    )


def _corrections(result: Any, image_size: tuple[int, int]) -> None:
    """Form to correct the detection; results update when it is applied."""
    feet = [] if result is None else list(result.feet)
    w, h = image_size
    ss = st.session_state
    ss.setdefault("corr_sens", float(_applied().get("sensitivity", 0.0)))
    ss.setdefault("corr_manual", _applied().get("corners") is not None)
    ss.setdefault("corr_faint", bool(_applied().get("measure_faint", False)))
    ss.setdefault("corr_second", bool(_applied().get("second_look", False)))
    ss.setdefault("corr_paper", bool(_applied().get("paper_perspective", True)))
    ss.setdefault("corr_lines", bool(_applied().get("floor_lines_perspective", True)))
    ss.setdefault("corr_kind", _applied().get("kind") or "a4")
    corners = None
    if result is not None and result.reference_corners is not None:
        corners = result.reference_corners
    if corners is None or len(corners) != 4:
        mx, my = 0.1 * w, 0.1 * h
        corners = ((mx, my), (w - mx, my), (w - mx, h - my), (mx, h - my))
    for k, (x, y) in enumerate(corners):
        ss.setdefault(f"corr_c{k}x", float(round(x, 1)))
        ss.setdefault(f"corr_c{k}y", float(round(y, 1)))
    for foot in feet:
        ss.setdefault(f"corr_side{foot.index}", "as detected")

    with st.form("corrections", border=False):
        st.slider(
            "Segmentation sensitivity",
            -1.0,
            1.0,
            step=0.05,
            key="corr_sens",
            help="Raise it when faint parts of the print are missed; lower it when the "
            "background is taken for print.",
        )
        st.checkbox(
            "Measure the print even if it is too faint or unclear (the numbers may be wrong)",
            key="corr_faint",
            help="By default a print whose quality is below "
            f"{_MIN_QUALITY:.1f} is not measured, because on test photos "
            "such numbers were nearly always wrong. A better photo is the real fix.",
        )
        st.checkbox(
            "Look again for a wet print partly lighter than the floor (its sheen)",
            key="corr_second",
            help="On glossy tile, wood or concrete the light's sheen can make part of a wet "
            "print lighter than the floor, and the print is then refused. This looks once "
            "more for such a print and measures it when its toes and side are clear. Such "
            "prints were measured less precisely on test photos: check the outline.",
        )
        st.checkbox(
            "Without an A4/Letter sheet: take the perspective from the paper's corners",
            key="corr_paper",
            help="A print on paper of another size gives no millimetres, but its four corners "
            "still show how the photo was tilted. The indices are then measured as seen from "
            "straight above; lengths stay in pixels, or, with a bank card beside the paper, "
            "the card gives the millimetres (a card alone is too small to show the tilt "
            "well). The paper's outline is drawn in grey. "
            "Untick it if the grey outline is not the paper under the print.",
        )
        st.checkbox(
            "Without a sheet: take the perspective from the floor's lines",
            key="corr_lines",
            help="Tile joints are two sets of straight lines at right angles; how they "
            "converge in the photo shows how it was tilted. The indices are then measured as "
            "seen from straight above; lengths stay in pixels, or, with a bank card on the "
            "floor, the card gives the millimetres. The lines used are drawn in "
            "violet. Untick it if they are not lines on the floor.",
        )
        if feet:
            cols = st.columns(len(feet))
            for col, foot in zip(cols, feet, strict=True):
                col.selectbox(
                    f"Foot {foot.index + 1} is the... (detected: {foot.side})",
                    _SIDE_CHOICES,
                    key=f"corr_side{foot.index}",
                )
        st.checkbox(
            "Mark the four corners of the sheet or card by hand",
            key="corr_manual",
            help="Pixel positions in the full-size photo (x to the right, y down). Open the "
            "photo in any viewer that shows the cursor position to read them off.",
        )
        st.selectbox("The corners outline a", list(_KINDS), format_func=_KINDS.get, key="corr_kind")
        cols = st.columns(4)
        for k, name in enumerate(_CORNERS):
            with cols[k]:
                st.number_input(f"{name} x", 0.0, float(w), step=1.0, key=f"corr_c{k}x")
                st.number_input(f"{name} y", 0.0, float(h), step=1.0, key=f"corr_c{k}y")
        submitted = st.form_submit_button("Apply corrections", type="primary")
    if submitted:
        sides = {
            f.index: ss[f"corr_side{f.index}"]
            for f in feet
            if ss.get(f"corr_side{f.index}", "as detected") != "as detected"
        }
        applied: dict[str, Any] = {"sensitivity": float(ss["corr_sens"]), "sides": sides}
        if ss["corr_faint"]:
            applied["measure_faint"] = True
        if ss["corr_second"]:
            applied["second_look"] = True
        if not ss["corr_paper"]:
            applied["paper_perspective"] = False
        if not ss["corr_lines"]:
            applied["floor_lines_perspective"] = False
        if ss["corr_manual"]:
            applied["corners"] = tuple(
                (float(ss[f"corr_c{k}x"]), float(ss[f"corr_c{k}y"])) for k in range(4)
            )
            applied["kind"] = ss["corr_kind"]
        ss["applied"] = applied
        st.rerun()
    if _applied():
        if st.button("Undo all corrections", key="undo_corrections"):
            for k in list(ss.keys()):
                if str(k).startswith("corr_") and k != "corr_for" or k == "applied":
                    del ss[k]
            st.rerun()


# -- results -------------------------------------------------------------------
def _feet_filter(n: int) -> list[int] | None:
    """Which feet to report (the radio itself sits with the corrections)."""
    pick = st.session_state.get("corr_feet", "all")
    if n < 2 or pick == "all" or not isinstance(pick, int) or pick >= n:
        return None
    return [pick]


def _feet_picker(result: Any) -> None:
    n = len(result.feet)
    if n < 2:
        return
    st.radio(
        "Which foot to report",
        ["all", *range(n)],
        horizontal=True,
        key="corr_feet",
        format_func=lambda v: (
            "all feet found"
            if v == "all"
            else f"foot {int(v) + 1} ({result.feet[int(v)].side}) only"
        ),
    )


def _summary(result: Any) -> None:
    scale = _SCALE_WORDS.get(result.scale_source, result.scale_source)
    if result.mm_per_px is not None:
        scale += f", {result.mm_per_px:.2f} mm per pixel"
        if result.paper_corners is not None:  # a card's plane tilted by the paper
            scale += ", perspective from the paper's corners"
        elif result.floor_lines is not None:
            scale += ", perspective from the floor's lines"
    elif result.paper_corners is not None:
        scale += " (perspective from a rectangle's corners)"
    elif result.floor_lines is not None:
        scale += " (perspective from the floor's lines)"
    n = len(result.feet)
    sides = " and ".join(f"{f.side}" for f in result.feet)
    st.success(
        f"Found {n} foot{'' if n == 1 else ' prints'} ({sides}) · scale: {scale} · "
        f"print type: {result.scene} · measured in {result.provenance.duration_ms / 1000:.1f} s",
        icon=":material/check_circle:",
    )


def _pictures(result: Any, pics: dict[str, Any]) -> None:
    img_col, heat_col = st.columns([3, 2], gap="large")
    with img_col:
        t1, t2 = st.tabs(["Measured print (top-down)", "Your photo with the outline"])
        with t1:
            st.image(pics["plane_png"], width="stretch")
            traced = any(f.geometry.traced_outline_plane for f in result.feet)
            st.caption(
                "Blue: sole outline · pink: toes · yellow: axis from heel centre to second-toe "
                "tip · white: tangent lines and thirds A (forefoot), B (midfoot), C (rearfoot) · "
                "green: Clarke's angle construction"
                + (
                    " · orange tint: a faint midfoot traced from the darkness between heel "
                    "and ball (check that it follows the print)."
                    if traced
                    else "."
                )
            )
        with t2:
            st.image(pics["photo_jpeg"], width="stretch")
    with heat_col:
        st.markdown("**Contact-intensity map**")
        heats = pics["heat_png"]
        labels = [f"Foot {f.index + 1} ({f.side})" for f in result.feet]
        tabs = st.tabs(labels) if len(labels) > 1 else [st.container()]
        for tab, hm in zip(tabs, heats, strict=True):
            with tab:
                if hm is None:
                    st.caption("No intensity map for this foot.")
                else:
                    st.image(hm, width="stretch")
        st.caption(
            f"Colour = {render.INTENSITY_CAPTION}: a darker, denser print means more "
            "contact. + marks the centre of pressure."
        )


def _quality(result: Any) -> None:
    q = result.quality
    good = q >= 0.6
    if q < _MIN_QUALITY:
        st.warning(
            f"Measured on request although the print is too faint or unclear (quality "
            f"{q:.2f}, below {_MIN_QUALITY:.1f}): these numbers are probably "
            "wrong. Retake the photo rather than rely on them.",
            icon=":material/warning:",
        )
    st.markdown(
        f"**Photo quality:** {q:.2f} of 1 — "
        f"{'good enough for screening' if good else 'low: treat the numbers with care'}"
    )
    st.progress(min(max(q, 0.0), 1.0))
    for w in result.warnings:
        st.warning(w, icon=":material/warning:")
    if not good:
        widgets.show_tips("How to get a better photo")


def _downloads(view: Any, photo: Photo, cutoffs: str, pics: dict[str, Any]) -> None:
    stem = Path(photo.name).stem or "footprint"
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        "PDF report",
        data=lambda: services.pdf_bytes(view, cutoffs, pics),
        file_name=f"{stem}-footprint-report.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        key="dl_pdf",
        width="stretch",
    )
    c2.download_button(
        "Measurements (JSON)",
        data=report.json_report(view.result),
        file_name=f"{stem}-footprint.json",
        mime="application/json",
        icon=":material/data_object:",
        on_click="ignore",
        key="dl_json",
        width="stretch",
    )
    c3.download_button(
        "Overlay picture (PNG)",
        data=lambda: render.png_bytes(render.overlay(view)),
        file_name=f"{stem}-overlay.png",
        mime="image/png",
        icon=":material/image:",
        on_click="ignore",
        key="dl_png",
        width="stretch",
    )
    st.caption("Downloads carry no photo metadata (no EXIF, no GPS location).")


def page() -> None:
    """The Analyse page."""
    st.title("Analyse a footprint")
    st.markdown(
        "Measure your arch from a photo of a wet or ink footprint: the **arch index**, "
        "Chippaux-Smirak and Staheli indices, Clarke's angle, foot length and width, and a "
        "map of where the sole touched."
    )
    cutoffs = _preset_picker()
    photo = _photo_input()
    if photo is None:
        st.caption("New here? The **Guide** page shows how to make a print and photograph it.")
        widgets.disclaimer()
        return
    _reset_corrections(photo.sha256)
    options = _options(cutoffs)
    analysis = None
    try:
        with st.spinner("Measuring the print..."):
            analysis = services.analyse(
                photo.sha256, photo.name, options.key(), photo.data, options
            )
    except FootprintError as exc:
        st.error(widgets.plain_text(exc.message), icon=":material/error:")
        if isinstance(exc, NoFootprintError) or options != Options(cutoffs=cutoffs):
            widgets.show_tips()
    except Exception:  # noqa: BLE001 - the user must never see a traceback
        log.exception("analysis of %s failed", photo.name)
        st.error(
            "Sorry, this photo could not be analysed because of an internal error. Try another "
            "photo, or report the problem with the photo attached.",
            icon=":material/error:",
        )
    if analysis is None:
        with st.expander("Correct the detection and try again", expanded=True):
            _corrections(None, _image_size(photo))
        widgets.disclaimer()
        return

    result = analysis.result
    st.markdown("#### 2. Results")
    keep = _feet_filter(len(result.feet))
    view = services.select_feet(analysis, keep)
    pics = services.pictures(photo.sha256, options.key(), str(keep), view)
    _summary(view.result)
    _pictures(view.result, pics)

    st.markdown("#### Measurements")
    preset = CUTOFF_PRESETS[cutoffs]
    feet = list(view.result.feet)
    tabs = (
        st.tabs([f"Foot {f.index + 1} — {f.side}" for f in feet])
        if len(feet) > 1
        else [st.container()]
    )
    for tab, foot in zip(tabs, feet, strict=True):
        with tab:
            widgets.show_foot(foot, preset, key=f"foot{foot.index}")
    _quality(view.result)

    with st.expander("Detection looks wrong? Correct it", icon=":material/tune:"):
        _feet_picker(result)
        _corrections(result, (result.image_width, result.image_height))

    st.markdown("#### 3. Suggestions")
    widgets.disclaimer()
    widgets.show_suggestions(advice.suggest(view.result, cutoffs))

    st.markdown("#### 4. Save")
    _downloads(view, photo, cutoffs, pics)


def _image_size(photo: Photo) -> tuple[int, int]:
    """Full-resolution size of a photo that could not be analysed (for corner inputs)."""
    from footprint.errors import FootprintError as _Err
    from footprint.io import load_image

    try:
        return load_image(photo.data).full_size
    except _Err:
        return (4032, 3024)

"""Reports of one analysis: a PDF for people, JSON for programs.

The PDF (fpdf2, core fonts only, nothing fetched from the network) holds a
thumbnail of the photo, the overlay, the contact-intensity maps when present,
the numbers of every foot with their classes, the suggestions with what
triggered them, the disclaimer and the provenance (package version, input
SHA-256, cut-off preset and parameters).

Images are re-encoded from pixel arrays, so no EXIF (GPS, camera, time) block
from the photo reaches the report.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import numpy as np
from fpdf import FPDF
from fpdf.fonts import FontFace
from PIL import Image

from footprint import advice, render
from footprint.params import CUTOFF_PRESETS, CutoffPreset
from footprint.result import REGIONS, FootprintResult, FootResult

if TYPE_CHECKING:  # pragma: no cover - typing only
    from footprint.pipeline import Analysis

log = logging.getLogger(__name__)

_REPLACE = {
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2013": "-",
    "\u2014": " - ",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
    "\u00d7": "x",
}


def _latin1(text: str) -> str:
    """Core PDF fonts cover Latin-1 only; replace the few other characters we use."""
    for k, v in _REPLACE.items():
        text = text.replace(k, v)
    return text.encode("latin-1", "replace").decode("latin-1")


def _pil(rgb: np.ndarray, max_side: int) -> Image.Image:
    """A metadata-free Pillow image, downscaled to ``max_side`` pixels."""
    img = Image.fromarray(np.ascontiguousarray(rgb))
    img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return img


def _preset(result: FootprintResult, preset: CutoffPreset | str | None) -> CutoffPreset:
    if isinstance(preset, CutoffPreset):
        return preset
    name = preset or result.provenance.params.get("cutoffs") or "adult"
    return CUTOFF_PRESETS.get(str(name), CUTOFF_PRESETS["adult"])


def _num(value: float | None, spec: str, unit: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{unit}"


def numbers_rows(foot: FootResult, preset: CutoffPreset) -> list[tuple[str, str, str, str]]:
    """(measure, value, class, cut-offs) rows for one foot."""
    from footprint import indices

    def cls(value: float | None, fn: object) -> str:
        return "-" if value is None else fn(value, preset)  # type: ignore[operator]

    rows = [
        (
            "Arch index (Cavanagh & Rodgers)",
            _num(foot.arch_index, ".3f"),
            cls(foot.arch_index, indices.classify_arch_index),
            f"high <= {preset.ai_high_max:g} < normal < {preset.ai_flat_min:g} <= flat",
        ),
        (
            "Chippaux-Smirak index",
            _num(foot.chippaux_smirak, ".1f", " %"),
            cls(foot.chippaux_smirak, indices.classify_csi),
            f"high < {preset.csi_high_max:g} <= normal <= {preset.csi_flat_min:g} < flat",
        ),
        (
            "Staheli index",
            _num(foot.staheli, ".2f"),
            cls(foot.staheli, indices.classify_staheli),
            f"high < {preset.si_high_max:g} <= normal <= {preset.si_flat_min:g} < flat",
        ),
        (
            "Clarke's angle",
            _num(foot.clarke_angle_deg, ".1f", " deg"),
            cls(foot.clarke_angle_deg, indices.classify_clarke),
            f"flat < {preset.clarke_flat_max_deg:g} <= normal <= "
            f"{preset.clarke_high_min_deg:g} < high",
        ),
    ]
    if foot.foot_length_mm is not None:
        rows.append(("Foot length", _num(foot.foot_length_mm, ".0f", " mm"), "", ""))
        rows.append(("Foot width", _num(foot.foot_width_mm, ".0f", " mm"), "", ""))
    else:
        for label, px in (("Foot length", foot.foot_length_px), ("Foot width", foot.foot_width_px)):
            rows.append((label, _num(px, ".0f", " px"), "", "no scale reference"))
    if foot.pressure is not None:
        p = foot.pressure
        for r in REGIONS:
            stats = p.regions.get(r)
            if stats is not None and stats.share_pct is not None:
                rows.append(
                    (f"Share: {render.REGION_LABELS[r]}", f"{stats.share_pct:.0f} %", "", "")
                )
        if p.balance_medial_lateral is not None:
            rows.append(
                (
                    "Medial share (medial / lateral)",
                    f"{100 * p.balance_medial_lateral:.0f} %",
                    "",
                    "50 % = even",
                )
            )
        if p.balance_fore_rear is not None:
            rows.append(
                ("Forefoot share (fore / rear)", f"{100 * p.balance_fore_rear:.0f} %", "", "")
            )
    rows.append(("Quality", f"{foot.quality:.2f}", "", "0..1"))
    return rows


class _Report(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "I", 7)
        self.set_text_color(120, 120, 120)
        self.cell(0, 5, _latin1(advice.DISCLAIMER), align="L")
        self.set_y(-8)
        self.cell(0, 5, f"page {self.page_no()}/{{nb}}", align="R")
        self.set_text_color(0, 0, 0)


def pdf_report(
    analysis: Analysis,
    *,
    preset: CutoffPreset | str | None = None,
    suggestions: Sequence[advice.Suggestion] | None = None,
    overlay_rgb: np.ndarray | None = None,
    heatmaps: Sequence[np.ndarray] | None = None,
    title: str = "Footprint report",
) -> bytes:
    """A PDF report of one analysis.

    Parameters
    ----------
    analysis : Analysis
        From :func:`footprint.pipeline.analyse_detailed`.
    preset : CutoffPreset or str, optional
        Cut-offs for the classes; defaults to the one the result was measured with.
    suggestions : sequence of Suggestion, optional
        Defaults to :func:`footprint.advice.suggest` for the result.
    overlay_rgb : ndarray, optional
        A ready overlay (else :func:`footprint.render.overlay` is drawn).
    heatmaps : sequence of ndarray, optional
        Ready heat maps, one per foot (else drawn when the intensity exists).
    title : str
        First heading.

    Returns
    -------
    bytes
        The PDF file.
    """
    result = analysis.result
    cut = _preset(result, preset)
    if suggestions is None:
        suggestions = advice.suggest(result, cut)
    if overlay_rgb is None:
        overlay_rgb = render.overlay(analysis, panel=False)
    if heatmaps is None:
        heatmaps = []
        for i in range(len(result.feet)):
            try:
                heatmaps.append(render.heatmap(analysis, i, target_height_px=520))
            except ValueError as exc:
                log.info("no heat map for foot %d: %s", i, exc)

    pdf = _Report(orientation="P", unit="mm", format="A4")
    pdf.set_title(title)
    pdf.set_author("footprint")
    pdf.set_creator(f"footprint {result.provenance.package_version}")
    pdf.set_auto_page_break(True, margin=16)
    pdf.alias_nb_pages()
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    # -- heading -------------------------------------------------------------
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.set_text_color(90, 90, 90)
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    sides = ", ".join(f"{f.side}" for f in result.feet)
    pdf.multi_cell(
        0,
        4.5,
        _latin1(
            f"Photo: {result.source}  |  feet: {len(result.feet)} ({sides})  |  scale: "
            f"{result.scale_source}  |  cut-offs: {cut.label}  |  created {now}"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    _disclaimer_box(pdf)

    # -- pictures ------------------------------------------------------------
    y = pdf.get_y() + 2
    thumb = _pil(analysis.image.rgb, 900)
    ov = _pil(overlay_rgb, 1400)
    thumb_w = width * 0.30
    thumb_h = thumb_w * thumb.height / thumb.width
    ov_w = width - thumb_w - 4
    ov_h = ov_w * ov.height / ov.width
    max_h = 110.0
    if ov_h > max_h:
        ov_w, ov_h = ov_w * max_h / ov_h, max_h
    if thumb_h > max_h:
        thumb_w, thumb_h = thumb_w * max_h / thumb_h, max_h
    pdf.image(thumb, x=pdf.l_margin, y=y, w=thumb_w, h=thumb_h)
    pdf.image(ov, x=pdf.l_margin + width - ov_w, y=y, w=ov_w, h=ov_h)
    pdf.set_y(y + max(thumb_h, ov_h) + 1)
    pdf.set_font("Helvetica", "I", 8)
    pdf.cell(
        0,
        4,
        "Left: the photo (metadata removed). Right: outline, toes, axis, thirds A/B/C and "
        "Clarke's construction on the rectified print.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)

    # -- numbers: one column per foot ---------------------------------------
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 7, "Measurements", new_x="LMARGIN", new_y="NEXT")
    per_foot = [numbers_rows(f, cut) for f in result.feet]
    measures: list[str] = []
    notes: dict[str, str] = {}
    for rows in per_foot:
        for name, _, _, note in rows:
            if name not in measures:
                measures.append(name)
            notes[name] = notes.get(name) or note
    cells = [
        {name: (val + (f"  {cls}" if cls and cls != "-" else "")) for name, val, cls, _ in rows}
        for rows in per_foot
    ]
    n = max(1, len(result.feet))
    foot_w = 34 if n <= 2 else 24
    pdf.set_font("Helvetica", "", 8.5)
    with pdf.table(
        col_widths=(50, *([foot_w] * n), max(30, 180 - 50 - foot_w * n)),
        text_align=("LEFT", *(["RIGHT"] * n), "LEFT"),
        line_height=4.6,
        first_row_as_headings=True,
        headings_style=FontFace(emphasis="BOLD", fill_color=(235, 240, 248)),
    ) as table:
        table.row(
            ["Measure", *(f"Foot {f.index + 1}: {f.side}" for f in result.feet), "Cut-offs / note"]
        )
        for name in measures:
            table.row(
                [
                    _latin1(name),
                    *(_latin1(c.get(name, "-")) for c in cells),
                    _latin1(notes.get(name, "")),
                ]
            )
    pdf.ln(1)
    for foot in result.feet:
        if foot.warnings:
            pdf.set_font("Helvetica", "I", 8)
            for w in foot.warnings:
                pdf.multi_cell(
                    0,
                    4,
                    _latin1(f"Note (foot {foot.index + 1}): {w}"),
                    new_x="LMARGIN",
                    new_y="NEXT",
                )
    if result.warnings:
        pdf.set_font("Helvetica", "I", 8)
        for w in result.warnings:
            pdf.multi_cell(0, 4, _latin1(f"Note: {w}"), new_x="LMARGIN", new_y="NEXT")

    # -- heat maps -----------------------------------------------------------
    if heatmaps:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 14)
        pdf.cell(0, 8, "Contact-intensity maps", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        pdf.multi_cell(
            0,
            4.5,
            _latin1(
                f"Colour shows {render.INTENSITY_CAPTION}: darker / denser print = more "
                "contact. Feet are shown upright, toes up, as seen from above."
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        y = pdf.get_y() + 2
        n = len(heatmaps)
        slot = (width - 6 * (n - 1)) / n
        bottom = y
        for k, hm in enumerate(heatmaps):
            im = _pil(hm, 1000)
            w = slot
            h = w * im.height / im.width
            if h > 150:
                w, h = w * 150 / h, 150.0
            pdf.image(im, x=pdf.l_margin + k * (slot + 6), y=y, w=w, h=h)
            bottom = max(bottom, y + h)
        pdf.set_y(bottom + 4)

    # -- suggestions ---------------------------------------------------------
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, "Suggestions", new_x="LMARGIN", new_y="NEXT")
    _disclaimer_box(pdf)
    for s in suggestions:
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(0, 5, _latin1(s.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        pdf.multi_cell(0, 4.5, _latin1(s.text), new_x="LMARGIN", new_y="NEXT")
        for k, step in enumerate(s.steps, 1):
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(0, 4.5, _latin1(f"{k}. {step}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "I", 8)
        pdf.set_text_color(90, 90, 90)
        pdf.multi_cell(
            0,
            4,
            _latin1("Why: " + "; ".join(s.triggered_by)),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_text_color(0, 0, 0)
        pdf.ln(1.5)

    # -- provenance ----------------------------------------------------------
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, "Provenance", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Courier", "", 7.5)
    prov = result.provenance
    lines = [
        f"footprint version : {prov.package_version}",
        f"input SHA-256     : {prov.input_sha256}",
        f"analysed at       : {prov.analysed_at} ({prov.duration_ms:.0f} ms)",
        f"cut-off preset    : {cut.name} - {cut.label}",
        f"preset source     : {cut.source}",
        f"OpenCV / NumPy    : {prov.opencv_version} / {prov.numpy_version}",
        f"scene / scale     : {result.scene} / {result.scale_source}"
        + ("" if result.mm_per_px is None else f" ({result.mm_per_px:.3f} mm/px)"),
        "parameters        : " + json.dumps(prov.params, sort_keys=True, separators=(",", ":")),
    ]
    for line in lines:
        pdf.multi_cell(0, 3.6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _disclaimer_box(pdf: FPDF) -> None:
    pdf.set_fill_color(255, 244, 214)
    pdf.set_draw_color(230, 190, 90)
    pdf.set_font("Helvetica", "B", 9)
    pdf.multi_cell(
        0,
        5,
        _latin1(advice.DISCLAIMER),
        border=1,
        fill=True,
        padding=2,
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_draw_color(0, 0, 0)
    pdf.ln(2)


def json_report(result: FootprintResult, *, indent: int | None = 2) -> bytes:
    """The result as UTF-8 JSON (:meth:`FootprintResult.to_json`)."""
    return result.to_json(indent=indent).encode("utf-8")

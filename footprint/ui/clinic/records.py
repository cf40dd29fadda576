"""Library calls behind the clinic pages (no Streamlit here, so tests call them directly)."""

from __future__ import annotations

import io
import logging
from datetime import date, timedelta
from typing import Any

import plotly.graph_objects as go
from PIL import Image

from footprint.compare import FootView
from footprint.io import strip_metadata
from footprint.params import CUTOFF_PRESETS, CutoffPreset, Params
from footprint.pipeline import Analysis, analyse_detailed
from footprint.result import FootprintResult
from footprint.store import INDEX_COLUMNS, PrintInfo, ResultInfo, Store, TrendPoint, VisitInfo

log = logging.getLogger(__name__)

#: Indices drawn on the timeline: (key, label, preset attribute of the low and high cut).
TREND_INDICES: tuple[tuple[str, str, str, str], ...] = (
    ("arch_index", "Arch index", "ai_high_max", "ai_flat_min"),
    ("chippaux_smirak", "Chippaux-Smirak index (%)", "csi_high_max", "csi_flat_min"),
    ("staheli", "Staheli index", "si_high_max", "si_flat_min"),
)
#: Band colours: high arch, normal, flat (as on the Analyse page).
BAND_COLOURS = {"high": "#9ecae1", "normal": "#a1d99b", "flat": "#fdae6b"}
SIDE_COLOURS = {"left": "#1f77b4", "right": "#d62728", "unknown": "#555555"}
SIDE_NAMES = {"left": "Left foot", "right": "Right foot", "unknown": "Side unknown"}


def analyse_photo(
    data: bytes, *, cutoffs: str = "adult", side: str | None = None
) -> tuple[bytes, Analysis]:
    """Strip the photo's metadata and analyse the clean bytes.

    The clean bytes are what the store keeps, so a later re-analysis of the
    stored image (for comparisons) reproduces the stored numbers.
    """
    clean, _suffix = strip_metadata(data)
    analysis = analyse_detailed(clean, name="photo", cutoffs=cutoffs)
    feet = analysis.result.feet
    if side in ("left", "right") and len(feet) == 1 and feet[0].side != side:
        analysis = analyse_detailed(clean, name="photo", cutoffs=cutoffs, side_overrides={0: side})
    return clean, analysis


def record_visit(
    store: Store,
    code: str,
    data: bytes,
    *,
    visit_date: date | None = None,
    note: str = "",
    side: str | None = None,
    cutoffs: str = "adult",
    source: str = "upload",
) -> tuple[VisitInfo, PrintInfo, FootprintResult]:
    """Analyse a photo and store it as a new visit of ``code``.

    Nothing is stored when the analysis fails (the typed error propagates).
    """
    store.get_patient(code)
    clean, analysis = analyse_photo(data, cutoffs=cutoffs, side=side)
    result = analysis.result
    sides = sorted({f.side for f in result.feet})
    foot_side = sides[0] if len(sides) == 1 else "both"
    visit = store.add_visit(code, visit_date, note)
    capture = {
        "source": source,
        "scene": result.scene,
        "scale_source": result.scale_source,
        "mm_per_px": result.mm_per_px,
        "cutoffs": cutoffs,
        "side_override": side if side in ("left", "right") and len(result.feet) == 1 else None,
    }
    pr = store.add_print(visit.id, clean, foot_side=foot_side, capture=capture, strip=False)
    store.add_results(pr.id, result)
    return visit, store.get_print(pr.id), result


def reanalyse(store: Store, pr: PrintInfo, result: ResultInfo) -> Analysis:
    """Analyse a stored image again with the parameters its result was made with."""
    data = store.read_image(pr)
    params_dict = result.params or {}
    try:
        params = Params.from_dict(params_dict) if "load" in params_dict else None
    except Exception:  # noqa: BLE001 - an older parameter set: fall back to the cut-offs
        params = None
    kwargs: dict[str, Any] = {}
    if params is None:
        kwargs["cutoffs"] = params_dict.get("cutoffs") or pr.capture.get("cutoffs") or "adult"
    override = pr.capture.get("side_override")
    if override in ("left", "right"):
        kwargs["side_overrides"] = {0: override}
    return analyse_detailed(data, params, name=f"print {pr.id}", **kwargs)


def foot_view(analysis: Analysis, result: ResultInfo) -> FootView:
    """The stored result's foot in a fresh analysis (by position, checked by side)."""
    feet = analysis.result.feet
    idx = result.foot_index
    if not (0 <= idx < len(feet)) or feet[idx].side != result.side:
        same = [i for i, f in enumerate(feet) if f.side == result.side]
        if not same:
            from footprint.compare import CompareError

            raise CompareError(
                f"The {result.side} foot was not found again in the stored photo; re-record it."
            )
        idx = same[0]
    return FootView.from_analysis(analysis, idx)


def result_values(r: ResultInfo) -> dict[str, Any]:
    """Stored values of a result as a flat mapping for :mod:`footprint.compare`."""
    out: dict[str, Any] = {k: getattr(r, k) for k in INDEX_COLUMNS}
    out["region_shares"] = r.region_shares
    return out


def thumbnail_jpeg(data: bytes, *, max_side: int = 240) -> bytes:
    """A small metadata-free JPEG of a stored image."""
    img = Image.open(io.BytesIO(data))
    img.draft("RGB", (max_side * 2, max_side * 2))
    img = img.convert("RGB")
    img.thumbnail((max_side, max_side))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=80)
    return out.getvalue()


def preset_of(points: list[TrendPoint], results: dict[int, ResultInfo]) -> CutoffPreset:
    """The cut-off preset of the newest result (adult when unknown)."""
    for tp in reversed(points):
        r = results.get(tp.result_id)
        name = None if r is None else (r.params or {}).get("cutoffs")
        if name in CUTOFF_PRESETS:
            return CUTOFF_PRESETS[name]
    return CUTOFF_PRESETS["adult"]


def trend_figure(
    points: list[TrendPoint], key: str, label: str, low_cut: float, high_cut: float
) -> go.Figure:
    """One index over time, a line per foot, over the high / normal / flat bands."""
    fig = go.Figure()
    ys = [tp.values.get(key) for tp in points if tp.values.get(key) is not None]
    lo = min([*ys, low_cut]) if ys else low_cut
    hi = max([*ys, high_cut]) if ys else high_cut
    pad = 0.15 * (hi - lo or 1.0)
    y0, y1 = lo - pad, hi + pad
    for (a, b), cls in (
        ((y0, low_cut), "high"),
        ((low_cut, high_cut), "normal"),
        ((high_cut, y1), "flat"),
    ):
        fig.add_hrect(
            y0=a, y1=b, fillcolor=BAND_COLOURS[cls], opacity=0.35, line_width=0, layer="below"
        )
    for side in ("left", "right", "unknown"):
        pts = [tp for tp in points if tp.side == side and tp.values.get(key) is not None]
        if not pts:
            continue
        fig.add_trace(
            go.Scatter(
                x=[tp.visit_date.isoformat() for tp in pts],
                y=[tp.values[key] for tp in pts],
                mode="lines+markers",
                name=SIDE_NAMES[side],
                showlegend=True,
                line={"color": SIDE_COLOURS[side]},
            )
        )
    days = sorted({tp.visit_date for tp in points})
    xaxis: dict[str, Any] = {"type": "date", "fixedrange": True, "tickformat": "%Y-%m-%d"}
    if days:
        # room either side so the first and last visits' markers and labels are not cut
        pad = timedelta(days=max(7, (days[-1] - days[0]).days // 8))
        xaxis["range"] = [(days[0] - pad).isoformat(), (days[-1] + pad).isoformat()]
    if 0 < len(days) <= 6:  # ticks at the visits, not at round dates between them
        xaxis["tickvals"] = [d.isoformat() for d in days]
    fig.update_layout(
        title={"text": label, "font": {"size": 14}},
        height=260,
        margin={"l": 40, "r": 10, "t": 36, "b": 30},
        yaxis={"range": [y0, y1], "fixedrange": True},
        xaxis=xaxis,
        legend={"orientation": "h", "y": -0.2},
        plot_bgcolor="rgba(0,0,0,0)",
    )
    return fig


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def results_table(pr: PrintInfo) -> list[dict[str, Any]]:
    """Display rows of a print's results, rounded to the precision the method supports.

    The stored values keep full precision; only the display is rounded (arch
    index 3 decimals, Staheli 2, CSI, Clarke's angle and sizes 1).
    """
    rows = []
    for r in pr.results:
        rows.append(
            {
                "Foot": r.side,
                "Arch index": _rounded(r.arch_index, 3),
                "Class": r.arch_type,
                "CSI (%)": _rounded(r.chippaux_smirak, 1),
                "Staheli": _rounded(r.staheli, 2),
                "Clarke (deg)": _rounded(r.clarke_angle_deg, 1),
                "Length (mm)": _rounded(r.foot_length_mm, 1),
                "Width (mm)": _rounded(r.foot_width_mm, 1),
            }
        )
    return rows


def safe_file_stem(code: str) -> str:
    """A download file name part from a patient code (letters, digits, - and _ only)."""
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in code)[:40]
    return stem.strip("_") or "patient"

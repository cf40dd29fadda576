"""Small Streamlit widgets and the charts they show.

Chart builders (``*_figure``) are plain Plotly and can be tested without a
running app; the ``show_*`` functions draw into the current Streamlit container.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

import plotly.graph_objects as go
import streamlit as st

from footprint import advice
from footprint.params import CutoffPreset
from footprint.render import INTENSITY_CAPTION, REGION_LABELS
from footprint.result import REGIONS, FootResult

#: Band colours: high arch, normal, flat (colour-blind safe, light enough for text).
BAND_COLOURS = {"high": "#9ecae1", "normal": "#a1d99b", "flat": "#fdae6b"}
CLASS_WORDS = {"high": "high arch", "normal": "normal", "flat": "flat (low arch)"}
CHART_CONFIG = {"displayModeBar": False, "staticPlot": True}
#: [1] Narrowest band (share of the axis) that :func:`band_html` writes its name
#: in; a narrower one (the adult normal arch index band, 11 %) shows its colour only.
BAND_LABEL_MIN_SHARE = 0.15

#: Characters Streamlit's markdown acts on (links, images, emphasis, code, HTML,
#: formulas, tables, headings); :func:`plain_text` escapes them.
_MARKDOWN_ACTIVE = re.compile(r"([\\`*_\[\]()<>!$~|#{}])")


def plain_text(text: object) -> str:
    """``text`` escaped for ``st.markdown``, ``st.error`` and the like: shown literally.

    For messages that carry something a user typed or named (a patient code, an
    upload's file name): it can never become a link, an image fetched from
    elsewhere, HTML or a formula.
    """
    return _MARKDOWN_ACTIVE.sub(r"\\\1", str(text))


#: Concrete tips shown when a photo's quality is low.
PHOTO_TIPS: tuple[str, ...] = (
    "Hold the phone flat, directly above the print (parallel to the floor), not at an angle.",
    "Get the whole print in the frame with a small margin; let it fill most of the picture.",
    "Put the print on a sheet of A4 or Letter paper, or lay a bank card beside it, for "
    "millimetres and to correct perspective.",
    "Use even light: switch the flash off, and keep your own and the phone's shadow off the print.",
    "Make the print contrast: a wet foot on brown paper or dark tiles, photographed within "
    "about 30 seconds before it dries; press the whole foot down while standing.",
    "Tap to focus so the edges of the print are sharp.",
)


@dataclass(frozen=True)
class Band:
    """An index, its axis range and cut-offs for one preset."""

    key: str
    label: str
    value: float | None
    lo: float
    hi: float
    low_cut: float
    high_cut: float
    low_class: str
    high_class: str
    fmt: str
    unit: str = ""


def bands(foot: FootResult | None, preset: CutoffPreset) -> list[Band]:
    """The four index bands of one foot (values None without a foot) under ``preset``."""

    def v(name: str) -> float | None:
        return None if foot is None else getattr(foot, name)

    return [
        Band(
            "arch_index",
            "Arch index",
            v("arch_index"),
            0.0,
            0.45,
            preset.ai_high_max,
            preset.ai_flat_min,
            "high",
            "flat",
            ".3f",
        ),
        Band(
            "chippaux_smirak",
            "Chippaux-Smirak",
            v("chippaux_smirak"),
            0.0,
            100.0,
            preset.csi_high_max,
            preset.csi_flat_min,
            "high",
            "flat",
            ".1f",
            " %",
        ),
        Band(
            "staheli",
            "Staheli",
            v("staheli"),
            0.0,
            1.6,
            preset.si_high_max,
            preset.si_flat_min,
            "high",
            "flat",
            ".2f",
        ),
        Band(
            "clarke_angle_deg",
            "Clarke's angle",
            v("clarke_angle_deg"),
            0.0,
            65.0,
            preset.clarke_flat_max_deg,
            preset.clarke_high_min_deg,
            "flat",
            "high",
            ".1f",
            "°",
        ),
    ]


def band_class(b: Band) -> str | None:
    """Which band the value falls in (boundaries as the indices module classifies)."""
    if b.value is None:
        return None
    if b.key == "arch_index":  # AI <= high max is high, AI >= flat min is flat
        if b.value <= b.low_cut:
            return b.low_class
        if b.value >= b.high_cut:
            return b.high_class
        return "normal"
    if b.value < b.low_cut:
        return b.low_class
    if b.value > b.high_cut:
        return b.high_class
    return "normal"


def _band_segments(b: Band) -> tuple[tuple[float, float, str], ...]:
    """(start, end, class) of the three bands along the index's axis."""
    return (
        (b.lo, b.low_cut, b.low_class),
        (b.low_cut, b.high_cut, "normal"),
        (b.high_cut, b.hi, b.high_class),
    )


def _short_word(cls: str) -> str:
    """The class name written inside its band ("flat", not "flat (low arch)")."""
    return CLASS_WORDS[cls].split(" (")[0]


def _band_traces(b: Band) -> list[go.BaseTraceType]:
    traces: list[go.BaseTraceType] = [
        go.Bar(
            x=[x1 - x0],
            y=[""],
            base=[x0],
            orientation="h",
            marker={"color": BAND_COLOURS[cls], "line": {"width": 0}},
            text=[_short_word(cls)],
            textposition="inside",
            insidetextanchor="middle",
            textfont={"size": 11, "color": "#333"},
            hoverinfo="skip",
            showlegend=False,
        )
        for x0, x1, cls in _band_segments(b)
    ]
    if b.value is not None:
        traces.append(
            go.Scatter(
                x=[min(max(b.value, b.lo), b.hi)],
                y=[""],
                mode="markers",
                marker={
                    "symbol": "diamond",
                    "size": 15,
                    "color": "#111",
                    "line": {"color": "white", "width": 2},
                },
                hoverinfo="skip",
                showlegend=False,
            )
        )
    return traces


def _band_axis(b: Band) -> dict:
    return {
        "range": [b.lo, b.hi],
        "tickvals": [b.low_cut, b.high_cut],
        "ticktext": [f"{b.low_cut:g}", f"{b.high_cut:g}"],
        "tickfont": {"size": 10},
        "showgrid": False,
        "zeroline": False,
        "fixedrange": True,
    }


def band_html(b: Band) -> str:
    """The high / normal / flat bands of one index as a bar in plain HTML.

    For the sidebar's preset picker: the bands alone, no value. Drawn by the
    browser itself, so the page shows at once; a Plotly chart there made the
    Analyse page wait about 1.7 s for the charting library on a first visit
    (Debian Chromium, this machine). Each segment's width is its share of
    ``hi - lo``; the two cut-offs are labelled under their boundaries.
    """
    span = b.hi - b.lo
    segs = _band_segments(b)
    shares = [(x1 - x0) / span for x0, x1, _ in segs]
    cells = "".join(
        f'<div title="{CLASS_WORDS[c]}" style="flex:{share:.4f} 1 0;'
        f"background:{BAND_COLOURS[c]};text-align:center;overflow:hidden;"
        f'white-space:nowrap">{_short_word(c) if share >= BAND_LABEL_MIN_SHARE else ""}</div>'
        for (_, _, c), share in zip(segs, shares, strict=True)
    )
    ticks = "".join(
        f'<span style="position:absolute;left:{100 * (x - b.lo) / span:.2f}%;'
        f'transform:translateX(-50%)">{x:g}</span>'
        for x in (b.low_cut, b.high_cut)
    )
    words = escape(", ".join(f"{CLASS_WORDS[c]} {x0:g} to {x1:g}" for x0, x1, c in segs))
    return (
        f'<div role="img" aria-label="{escape(b.label)} bands: {words}">'
        '<div style="display:flex;height:22px;line-height:22px;font-size:11px;color:#333;'
        f'border-radius:3px;overflow:hidden">{cells}</div>'
        '<div style="position:relative;height:16px;font-size:10px;color:#777">'
        f"{ticks}</div></div>"
    )


def bands_figure(bs: list[Band]) -> go.Figure:
    """One small band chart per index, stacked in one figure (one browser chart, fast).

    Axes are laid out by hand (``make_subplots`` costs ~0.1 s per figure).
    """
    n = len(bs)
    row_h, title_h, axis_h = 92.0, 26.0, 22.0
    height = row_h * n
    layout: dict = {
        "barmode": "overlay",
        "height": int(height),
        "bargap": 0.2,
        "margin": {"l": 4, "r": 4, "t": 4, "b": 4},
        "showlegend": False,
        "plot_bgcolor": "rgba(0,0,0,0)",
        "paper_bgcolor": "rgba(0,0,0,0)",
        "annotations": [],
    }
    data: list[go.BaseTraceType] = []
    for k, b in enumerate(bs):
        top = 1.0 - k / n
        y1 = top - title_h / height
        y0 = top - (row_h - axis_h) / height
        sx = "" if k == 0 else str(k + 1)
        layout[f"xaxis{sx}"] = {**_band_axis(b), "anchor": f"y{sx}", "domain": [0, 1]}
        layout[f"yaxis{sx}"] = {
            "visible": False,
            "fixedrange": True,
            "anchor": f"x{sx}",
            "domain": [max(0.0, y0), y1],
        }
        for t in _band_traces(b):
            t.update(xaxis=f"x{sx}", yaxis=f"y{sx}")
            data.append(t)
        cls = band_class(b)
        value = "n/a" if b.value is None else f"{b.value:{b.fmt}}{b.unit}"
        word = "could not be measured" if cls is None else CLASS_WORDS[cls]
        layout["annotations"].append(
            {
                "text": f"<b>{b.label}</b>  {value}  <span style='color:#666'>{word}</span>",
                "x": 0.0,
                "xref": "paper",
                "xanchor": "left",
                "y": top,
                "yref": "paper",
                "yanchor": "top",
                "showarrow": False,
                "font": {"size": 14, "color": "#222"},
            }
        )
    return go.Figure(data=data, layout=layout)


def shares_figure(foot: FootResult) -> go.Figure | None:
    """Bar chart of the region shares of contact intensity (None without pressure)."""
    p = foot.pressure
    if p is None:
        return None
    names, values = [], []
    for r in REGIONS:
        stats = p.regions.get(r)
        if stats is not None and stats.share_pct is not None:
            names.append(REGION_LABELS[r])
            values.append(stats.share_pct)
    if not names:
        return None
    fig = go.Figure(
        go.Bar(
            x=values,
            y=names,
            orientation="h",
            marker={"color": "#e45a31"},
            text=[f"{v:.0f} %" for v in values],
            textposition="outside",
            hoverinfo="skip",
        )
    )
    fig.update_layout(
        height=40 + 26 * len(names),
        margin={"l": 4, "r": 30, "t": 4, "b": 4},
        xaxis={"visible": False, "range": [0, max(values) * 1.25], "fixedrange": True},
        yaxis={"autorange": "reversed", "fixedrange": True},
        plot_bgcolor="rgba(0,0,0,0)",
        paper_bgcolor="rgba(0,0,0,0)",
    )
    return fig


# -- Streamlit pieces -------------------------------------------------------------
def disclaimer() -> None:
    """The screening disclaimer (shown on every page)."""
    st.info(advice.DISCLAIMER, icon=":material/health_and_safety:")


def show_foot(foot: FootResult, preset: CutoffPreset, key: str) -> None:
    """Indices with their bands, length and width, region shares and warnings."""
    if foot.foot_length_mm is not None:
        length = f"{foot.foot_length_mm:.0f} mm"
        width = "n/a" if foot.foot_width_mm is None else f"{foot.foot_width_mm:.0f} mm"
    else:
        length, width = (
            "n/a" if v is None else f"{v:.0f} px" for v in (foot.foot_length_px, foot.foot_width_px)
        )
    c = st.columns(4)
    c[0].metric(
        "Side", foot.side, help=f"from {foot.side_source}; confidence {foot.side_confidence:.2f}"
    )
    c[1].metric(
        "Arch index",
        "n/a" if foot.arch_index is None else f"{foot.arch_index:.3f}",
        help="Cavanagh & Rodgers: midfoot area / sole area (toes excluded)",
    )
    c[2].metric("Length", length, help="heel to tip of the longest toe")
    c[3].metric("Width", width, help="widest sole width across the foot axis")
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.plotly_chart(
            bands_figure(bands(foot, preset)),
            config=CHART_CONFIG,
            key=f"{key}-bands",
            width="stretch",
        )
        if foot.foot_length_mm is None:
            st.caption("Lengths are in pixels: no sheet of paper or bank card was found for scale.")
    with right:
        fig = shares_figure(foot)
        if fig is None:
            st.caption("Region shares need a contact-intensity map; none for this foot.")
        else:
            st.markdown("**Share of contact by region**")
            st.plotly_chart(fig, config=CHART_CONFIG, key=f"{key}-shares", width="stretch")
            p = foot.pressure
            if p is not None and p.balance_medial_lateral is not None:
                extra = ""
                if p.balance_fore_rear is not None:
                    extra = (
                        f", forefoot {100 * p.balance_fore_rear:.0f} % vs rearfoot "
                        f"{100 * (1 - p.balance_fore_rear):.0f} %"
                    )
                st.caption(
                    f"Medial {100 * p.balance_medial_lateral:.0f} % vs lateral "
                    f"{100 * (1 - p.balance_medial_lateral):.0f} %{extra}. "
                    f"All shares are {INTENSITY_CAPTION}."
                )
    for w in foot.warnings:
        st.warning(w, icon=":material/warning:")


def show_suggestion(s: advice.Suggestion) -> None:
    with st.container(border=True):
        st.markdown(f"**{s.title}**")
        st.write(s.text)
        if s.steps:
            st.markdown("\n".join(f"{k}. {step}" for k, step in enumerate(s.steps, 1)))
        why = "; ".join(s.triggered_by)
        st.caption(f"Why: {why}")


def show_suggestions(suggestions: list[advice.Suggestion]) -> None:
    """Triggered suggestions first, then the general advice for cramps."""
    specific = advice.triggered(suggestions)
    general = [s for s in suggestions if s.is_general]
    if specific:
        st.markdown("##### Based on your print")
        for s in specific:
            show_suggestion(s)
    else:
        st.markdown(
            "Nothing in your print calls for special support: the arch and the "
            "load look within the usual range."
        )
    with st.expander(f"General advice for foot cramps ({len(general)})", expanded=not specific):
        for s in general:
            show_suggestion(s)


def show_tips(title: str = "Tips for a better photo") -> None:
    st.markdown(f"**{title}**")
    st.markdown("\n".join(f"- {t}" for t in PHOTO_TIPS))

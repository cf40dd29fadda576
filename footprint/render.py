"""Pictures of a result: overlays and contact-intensity heat maps.

Numpy in, numpy out: every function takes an :class:`~footprint.pipeline.Analysis`
and returns an RGB uint8 image; nothing here reads or writes files or imports
Streamlit. :func:`png_bytes` encodes an image without any metadata.

Conventions: images are RGB uint8 ``(H, W, 3)``; points are ``(x, y)`` pixels
(OpenCV drawing), named ``*_xy``.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from footprint.result import REGIONS, FootprintResult, FootResult

if TYPE_CHECKING:  # pragma: no cover - typing only
    from footprint.pipeline import Analysis

log = logging.getLogger(__name__)

RGB = tuple[int, int, int]

#: Drawing colours (RGB), chosen to read on white paper and on dark floors alike.
SOLE: RGB = (0, 200, 255)
TOES: RGB = (255, 80, 200)
AXIS: RGB = (255, 214, 0)
TANGENT: RGB = (255, 255, 255)
THIRD: RGB = (255, 255, 255)
CLARKE: RGB = (60, 230, 90)
#: tint over a faint midfoot traced from the arch gap's darkness (footprint.midfoot)
TRACED: RGB = (255, 150, 0)
#: [1] Opacity of that tint.
TINT_ALPHA = 0.45
HALO: RGB = (20, 20, 20)
#: Floor lines (tile joints) that gave the perspective.
FLOOR_LINE: RGB = (170, 110, 255)
PANEL_BG: RGB = (250, 250, 250)
PANEL_INK: RGB = (30, 30, 30)
MUTED_INK: RGB = (110, 110, 110)

#: Caption shown with every heat map: the map is not a pressure measurement.
INTENSITY_CAPTION = "relative contact intensity, not pressure in kPa"

#: Plain names of the pressure regions.
REGION_LABELS: dict[str, str] = {
    "heel": "heel",
    "midfoot": "midfoot",
    "forefoot_medial": "forefoot med.",
    "forefoot_lateral": "forefoot lat.",
    "hallux": "hallux",
    "toes": "toes",
}

_TYPE_WORD = {"high": "high arch", "normal": "normal", "flat": "flat"}


# -- small helpers -------------------------------------------------------------
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled font (no system font, no network)."""
    return ImageFont.load_default(size=max(8, int(size)))


def _pts(points_xy: Sequence[Sequence[float]], s: float) -> np.ndarray:
    """(x, y) points scaled by ``s`` as int32 for OpenCV polylines (1/16 px precision)."""
    arr = np.asarray(points_xy, dtype=np.float64).reshape(-1, 2) * s
    return np.round(arr * 16.0).astype(np.int32).reshape(-1, 1, 2)


def _tint(img: np.ndarray, polys_xy: Sequence[Any], s: float, colour: RGB) -> None:
    """Fill the polygons (scaled by ``s``) with ``colour`` at ``TINT_ALPHA``, in place."""
    polys = [_pts(p, s) for p in polys_xy if len(p) >= 3]
    if not polys:
        return
    layer = img.copy()
    cv2.fillPoly(layer, polys, colour, cv2.LINE_AA, shift=4)
    cv2.addWeighted(layer, TINT_ALPHA, img, 1.0 - TINT_ALPHA, 0.0, dst=img)


def _poly(img: np.ndarray, pts_xy: Any, s: float, colour: RGB, width: int, closed: bool) -> None:
    p = _pts(pts_xy, s)
    if len(p) < 2:
        return
    cv2.polylines(img, [p], closed, HALO, width + 2, cv2.LINE_AA, shift=4)
    cv2.polylines(img, [p], closed, colour, width, cv2.LINE_AA, shift=4)


def _line(
    img: np.ndarray,
    a_xy: Any,
    b_xy: Any,
    s: float,
    colour: RGB,
    width: int,
    dashed: bool = False,
    halo: bool = True,
) -> None:
    a = np.asarray(a_xy, dtype=np.float64) * s
    b = np.asarray(b_xy, dtype=np.float64) * s
    if not dashed:
        p = np.round(np.array([a, b]) * 16).astype(np.int32)
        if halo:
            cv2.line(img, tuple(p[0]), tuple(p[1]), HALO, width + 2, cv2.LINE_AA, shift=4)
        cv2.line(img, tuple(p[0]), tuple(p[1]), colour, width, cv2.LINE_AA, shift=4)
        return
    length = float(np.hypot(*(b - a)))
    dash = max(6.0, 4.0 * width)
    n = max(1, int(length // (2 * dash)))
    for k in range(n + 1):
        t0 = min(1.0, (2 * k * dash) / max(length, 1e-9))
        t1 = min(1.0, ((2 * k + 1) * dash) / max(length, 1e-9))
        if t1 <= t0:
            break
        p0, p1 = a + (b - a) * t0, a + (b - a) * t1
        _line(img, p0 / s, p1 / s, s, colour, width)


def _dot(img: np.ndarray, p_xy: Any, s: float, colour: RGB, r: int) -> None:
    c = tuple(int(round(v * s)) for v in p_xy)
    cv2.circle(img, c, r + 2, HALO, -1, cv2.LINE_AA)
    cv2.circle(img, c, r, colour, -1, cv2.LINE_AA)


def _text(
    img: np.ndarray,
    items: Sequence[tuple[tuple[float, float], str, RGB]],
    size: int,
    *,
    boxed: bool = True,
) -> np.ndarray:
    """Draw labels centred on (x, y) pixel positions, on a dark rounded box."""
    if not items:
        return img
    pil = Image.fromarray(img)
    draw = ImageDraw.Draw(pil, "RGBA")
    font = _font(size)
    for (x, y), label, colour in items:
        left, top, right, bottom = draw.textbbox((0, 0), label, font=font)
        w, h = right - left, bottom - top
        x0 = int(np.clip(x - w / 2, 2, img.shape[1] - w - 2))
        y0 = int(np.clip(y - h / 2, 2, img.shape[0] - h - 2))
        if boxed:
            pad = max(2, size // 5)
            draw.rounded_rectangle(
                (x0 - pad, y0 - pad, x0 + w + pad, y0 + h + pad),
                radius=pad + 1,
                fill=(20, 20, 20, 190),
            )
        draw.text((x0 - left, y0 - top), label, font=font, fill=colour)
    return np.asarray(pil).copy()


def _fmt(value: float | None, spec: str, unit: str = "") -> str:
    return "n/a" if value is None else f"{value:{spec}}{unit}"


def _side_letter(foot: FootResult) -> str:
    return {"left": "L", "right": "R"}.get(foot.side, "?")


def foot_lines(foot: FootResult, result: FootprintResult) -> list[str]:
    """The numbers of one foot as short text lines (overlay panel, report)."""
    unit_mm = foot.foot_length_mm is not None
    if unit_mm:
        size = f"{foot.foot_length_mm:.0f} x {_fmt(foot.foot_width_mm, '.0f')} mm"
    else:
        length, width = _fmt(foot.foot_length_px, ".0f"), _fmt(foot.foot_width_px, ".0f")
        size = f"{length} x {width} px (no scale)"
    ai_type = _TYPE_WORD.get(foot.arch_type or "", "n/a")
    return [
        f"Foot {foot.index + 1}: {foot.side} ({foot.side_source})",
        f"Arch index  {_fmt(foot.arch_index, '.3f')}  {ai_type}",
        f"Chippaux-Smirak  {_fmt(foot.chippaux_smirak, '.1f', ' %')}",
        f"Staheli  {_fmt(foot.staheli, '.2f')}",
        f"Clarke's angle  {_fmt(foot.clarke_angle_deg, '.1f', ' deg')}",
        f"Length x width  {size}",
    ]


def _panel(result: FootprintResult, height: int, width: int, size: int) -> np.ndarray:
    """A light side panel listing the numbers of every foot."""
    pil = Image.new("RGB", (width, height), PANEL_BG)
    draw = ImageDraw.Draw(pil)
    big, small = _font(int(size * 1.15)), _font(size)
    x, y = int(size * 0.9), int(size * 0.9)
    gap = int(size * 1.45)
    for k, foot in enumerate(result.feet):
        lines = foot_lines(foot, result)
        draw.text((x, y), lines[0], font=big, fill=PANEL_INK)
        y += int(gap * 1.15)
        for line in lines[1:]:
            draw.text((x, y), line, font=small, fill=PANEL_INK)
            y += gap
        if k < len(result.feet) - 1:
            y += gap // 2
            draw.line((x, y, width - x, y), fill=(210, 210, 210), width=1)
            y += gap // 2
    y += gap // 2
    preset = result.provenance.params.get("cutoffs", "adult")
    for line in (
        f"scale: {result.scale_source}"
        + ("" if result.mm_per_px is None else f" ({result.mm_per_px:.2f} mm/px)"),
        f"cut-offs: {preset}   quality {result.quality:.2f}",
        "Screening information, not a diagnosis.",
    ):
        if y + gap > height:
            break
        draw.text((x, y), line, font=small, fill=MUTED_INK)
        y += gap
    return np.asarray(pil)


def _fit_scale(shape: tuple[int, ...], target_long_px: int) -> float:
    return float(target_long_px) / float(max(shape[0], shape[1]))


def _resize(img: np.ndarray, s: float) -> np.ndarray:
    if abs(s - 1.0) < 1e-6:
        return img.copy()
    h, w = img.shape[:2]
    size = (max(1, round(w * s)), max(1, round(h * s)))
    interp = cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC
    return cv2.resize(img, size, interpolation=interp)


# -- overlay on the rectified plane --------------------------------------------
def draw_foot(img: np.ndarray, foot: FootResult, s: float, *, labels: bool = True) -> np.ndarray:
    """Draw one foot's geometry (plane coordinates scaled by ``s``) onto ``img``.

    Returns the image (a new array when labels are drawn).
    """
    g = foot.geometry
    lw = max(2, int(round(img.shape[0] / 450)))
    fsize = max(12, int(round(img.shape[0] / 36)))
    label_items: list[tuple[tuple[float, float], str, RGB]] = []
    # tangents (solid) and third dividers (dashed)
    lines = list(g.third_lines_plane)
    for k, (a, b) in enumerate(lines):
        tangent = k in (0, len(lines) - 1)
        _line(img, a, b, s, TANGENT if tangent else THIRD, max(1, lw - 1), dashed=not tangent)
    if len(lines) == 4 and labels:
        for name, (l0, l1) in zip("ABC", zip(lines[:-1], lines[1:], strict=True), strict=True):
            # label at the lateral end of the band, so it does not hide the print
            a = (np.asarray(l0[0]) + np.asarray(l1[0])) / 2
            b = (np.asarray(l0[1]) + np.asarray(l1[1])) / 2
            p = a + (b - a) * 0.06
            label_items.append(((p[0] * s, p[1] * s), name, (255, 255, 255)))
    _tint(img, g.traced_outline_plane, s, TRACED)
    for piece in (g.outline_plane, *g.sole_pieces_plane):
        _poly(img, piece, s, SOLE, lw, closed=True)
    for toe in g.toes_outline_plane:
        _poly(img, toe, s, TOES, max(1, lw - 1), closed=True)
    _line(img, g.heel_centre_plane, g.toe_tip_plane, s, AXIS, lw)
    _dot(img, g.heel_centre_plane, s, AXIS, lw + 2)
    _dot(img, g.toe_tip_plane, s, AXIS, lw + 2)
    if g.clarke_points_plane is not None and len(g.clarke_points_plane) == 3:
        fore, conc, heel = g.clarke_points_plane
        _line(img, fore, heel, s, CLARKE, max(1, lw - 1))
        _line(img, fore, conc, s, CLARKE, max(1, lw - 1))
        for p in (fore, conc, heel):
            _dot(img, p, s, CLARKE, lw + 1)
        if labels and foot.clarke_angle_deg is not None:
            label_items.append(
                ((conc[0] * s, conc[1] * s + fsize * 1.3), f"{foot.clarke_angle_deg:.0f}°", CLARKE)
            )
    if labels:
        hx, hy = g.heel_back_plane
        label_items.append(
            ((hx * s, hy * s + fsize * 1.2), f"{foot.index + 1} {_side_letter(foot)}", AXIS)
        )
    return _text(img, label_items, fsize)


def overlay(analysis: Analysis, *, target_long_px: int = 1100, panel: bool = True) -> np.ndarray:
    """The rectified plane image with every measurement drawn on it.

    Parameters
    ----------
    analysis : Analysis
        From :func:`footprint.pipeline.analyse_detailed`.
    target_long_px : int
        Long side of the picture part, in pixels (the plane is resampled).
    panel : bool
        Append a side panel with side, AI and class, CSI, SI, Clarke's angle,
        length and width of every foot.

    Returns
    -------
    (H, W, 3) ndarray of uint8
        Sole outline (blue), toes (pink), a faint midfoot traced from the
        arch gap's darkness (orange tint, inside the sole outline), axis heel
        centre to second-toe tip (yellow), the tangent lines (solid) and third
        dividers (dashed) with thirds A/B/C labelled, and Clarke's
        construction (green).
    """
    base = np.ascontiguousarray(analysis.plane.image)
    s = _fit_scale(base.shape, target_long_px)
    img = _resize(base, s)
    for foot in analysis.result.feet:
        img = draw_foot(img, foot, s)
    if not panel:
        return img
    size = max(13, int(round(img.shape[0] / 48)))
    width = max(int(size * 19), img.shape[1] // 2)
    side = _panel(analysis.result, img.shape[0], width, size)
    return np.ascontiguousarray(np.hstack([img, side]))


def overlay_on_photo(analysis: Analysis, *, target_long_px: int | None = None) -> np.ndarray:
    """The input photo (work resolution) with outlines, axis and thirds mapped back.

    Plane points are carried to the photo with ``analysis.plane.plane_to_image``,
    so a tilted photo shows the outline in perspective.
    """
    base = np.ascontiguousarray(analysis.image.rgb)
    s = 1.0 if target_long_px is None else _fit_scale(base.shape, target_long_px)
    img = _resize(base, s)
    h_mat = np.asarray(analysis.plane.plane_to_image, dtype=np.float64)

    def to_img(pts_xy: Any) -> np.ndarray:
        pts = np.asarray(pts_xy, dtype=np.float64).reshape(-1, 1, 2)
        if pts.size == 0:
            return pts.reshape(-1, 2)
        return cv2.perspectiveTransform(pts, h_mat).reshape(-1, 2)

    lw = max(2, int(round(img.shape[0] / 400)))
    fsize = max(12, int(round(img.shape[0] / 40)))
    labels: list[tuple[tuple[float, float], str, RGB]] = []
    # the scale reference (white), or a sheet of unknown size that gave only
    # the perspective (grey)
    sc = float(analysis.result.extra.get("work_scale", analysis.image.scale) or 1.0)

    def to_work(full_xy: Any) -> np.ndarray:
        """Full-resolution (x, y) points (rows of pairs) -> work resolution."""
        return (np.asarray(full_xy, dtype=np.float64).reshape(-1, 2) + 0.5) / sc - 0.5

    for corners, colour in (
        (analysis.result.reference_corners, (255, 255, 255)),
        (analysis.result.paper_corners, (160, 160, 160)),
    ):
        if corners is not None:
            _poly(img, to_work(corners), s, colour, max(1, lw - 1), closed=True)
    # floor lines that gave the perspective (violet, no halo: they lie on the joints)
    for seg in analysis.result.floor_lines or ():
        a, b = to_work(seg)
        _line(img, a, b, s, FLOOR_LINE, max(1, lw - 1), halo=False)
    for foot in analysis.result.feet:
        g = foot.geometry
        for k, (a, b) in enumerate(g.third_lines_plane):
            tangent = k in (0, len(g.third_lines_plane) - 1)
            pa, pb = to_img([a, b])
            _line(img, pa, pb, s, TANGENT, max(1, lw - 1), dashed=not tangent)
        _tint(img, [to_img(part) for part in g.traced_outline_plane], s, TRACED)
        for piece in (g.outline_plane, *g.sole_pieces_plane):
            _poly(img, to_img(piece), s, SOLE, lw, closed=True)
        for toe in g.toes_outline_plane:
            _poly(img, to_img(toe), s, TOES, max(1, lw - 1), closed=True)
        heel, tip, back = to_img([g.heel_centre_plane, g.toe_tip_plane, g.heel_back_plane])
        _line(img, heel, tip, s, AXIS, lw)
        _dot(img, heel, s, AXIS, lw + 1)
        _dot(img, tip, s, AXIS, lw + 1)
        ai = "" if foot.arch_index is None else f"  AI {foot.arch_index:.3f}"
        labels.append(
            (
                (back[0] * s, back[1] * s + fsize * 1.2),
                f"{foot.index + 1} {_side_letter(foot)}{ai}",
                AXIS,
            )
        )
    return _text(img, labels, fsize)


# -- heat map -------------------------------------------------------------------
def _colour_map(values01: np.ndarray, name: str) -> np.ndarray:
    cmap = {"inferno": cv2.COLORMAP_INFERNO, "viridis": cv2.COLORMAP_VIRIDIS}[name]
    u8 = np.clip(values01 * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return cv2.cvtColor(cv2.applyColorMap(u8, cmap), cv2.COLOR_BGR2RGB)


def _region_masks_frame(arr: Any) -> dict[str, np.ndarray] | None:
    """Region masks in the foot frame, from :mod:`footprint.pressure` when it exists."""
    try:
        from footprint import pressure  # a lower layer; optional
    except ImportError:
        return None
    toes_f = np.clip(arr.frame.warp(arr.toes.astype(np.float32)), 0.0, 1.0)
    try:
        regions = pressure.region_masks(arr.sole_frame, toes_f, arr.frame.axis_col)
    except (ValueError, AttributeError) as exc:
        log.info("region masks unavailable: %s", exc)
        return None
    return {k: np.asarray(v, dtype=bool) for k, v in regions.masks.items()}


def heatmap(
    analysis: Analysis,
    foot: int = 0,
    *,
    target_height_px: int = 640,
    colormap: str = "inferno",
    legend: bool = True,
) -> np.ndarray:
    """Relative contact-intensity map of one foot, upright (toes up).

    Parameters
    ----------
    analysis : Analysis
        From :func:`footprint.pipeline.analyse_detailed`.
    foot : int
        Index of the foot.
    target_height_px : int
        Height of the map part in pixels.
    colormap : {'inferno', 'viridis'}
        A perceptually uniform colour map.
    legend : bool
        Add a colour bar, the caption :data:`INTENSITY_CAPTION`, and region
        shares.

    Returns
    -------
    (H, W, 3) ndarray of uint8
        The print resampled into the foot frame (axis vertical, toes up, seen
        from above as the foot stands), coloured by contact intensity on a
        light background. When ``result.feet[foot].pressure`` exists, region
        outlines with their share of the total intensity and the centre of
        pressure (white cross) are drawn; otherwise only the map.
    """
    arr = analysis.feet[foot]
    res = analysis.result.feet[foot]
    frame = arr.frame
    mask = frame.warp(arr.mask.astype(np.float32)) > 0.5
    if arr.intensity_frame is not None and arr.intensity_frame.shape == mask.shape:
        inten = np.asarray(arr.intensity_frame, dtype=np.float32)  # smoothed, normalised
        # the map covers sole and toes only: show exactly that
        toes_f = frame.warp(arr.toes.astype(np.float32))
        mask = (np.asarray(arr.sole_frame) >= 0.5) | (toes_f >= 0.5)
    else:
        inten = frame.warp(np.asarray(arr.intensity, dtype=np.float32))
    flip = frame.side == "left"  # the frame mirrors left feet; undo for display

    def fix(a: np.ndarray) -> np.ndarray:
        return a[:, ::-1] if flip else a

    inten, mask = fix(inten), fix(mask)
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        raise ValueError("the foot mask is empty")
    pad = 6
    r0, r1 = max(0, rows[0] - pad), min(mask.shape[0], rows[-1] + pad + 1)
    c0, c1 = max(0, cols[0] - pad), min(mask.shape[1], cols[-1] + pad + 1)
    inten, mask = inten[r0:r1, c0:c1], mask[r0:r1, c0:c1]
    s = target_height_px / inten.shape[0]
    inten_s = cv2.resize(inten, None, fx=s, fy=s, interpolation=cv2.INTER_LINEAR)
    mask_s = cv2.resize(mask.astype(np.float32), None, fx=s, fy=s, interpolation=cv2.INTER_LINEAR)
    coloured = _colour_map(inten_s, colormap).astype(np.float32)
    bg = np.full_like(coloured, 242.0)
    a = np.clip(mask_s, 0.0, 1.0)[..., None]
    img = np.ascontiguousarray((coloured * a + bg * (1 - a)).astype(np.uint8))

    def plane_to_view(pts_xy: np.ndarray) -> np.ndarray:
        cr = frame.to_frame(pts_xy)
        if flip:
            cr[:, 0] = (frame.shape[1] - 1) - cr[:, 0]
        cr[:, 0] -= c0
        cr[:, 1] -= r0
        return cr * s

    labels: list[tuple[tuple[float, float], str, RGB]] = []
    fsize = max(11, target_height_px // 42)
    p = res.pressure
    if p is not None:
        masks = _region_masks_frame(arr)
        if masks:
            for name in REGIONS:
                m = masks.get(name)
                if m is None or not m.any():
                    continue
                m_v = fix(m)[r0:r1, c0:c1]
                m_v = cv2.resize(
                    m_v.astype(np.uint8),
                    (img.shape[1], img.shape[0]),
                    interpolation=cv2.INTER_NEAREST,
                )
                cs, _ = cv2.findContours(m_v, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
                cv2.drawContours(img, cs, -1, HALO, 3, cv2.LINE_AA)
                cv2.drawContours(img, cs, -1, (255, 255, 255), 1, cv2.LINE_AA)
                stats = p.regions.get(name)
                if stats is not None and stats.share_pct is not None:
                    mo = cv2.moments(m_v, binaryImage=True)
                    if mo["m00"] > 0:
                        labels.append(
                            (
                                (mo["m10"] / mo["m00"], mo["m01"] / mo["m00"]),
                                f"{stats.share_pct:.0f}%",
                                (255, 255, 255),
                            )
                        )
        if p.cop_plane is not None:
            cx, cy = plane_to_view(np.array([p.cop_plane], dtype=np.float64))[0]
            c = (int(round(cx)), int(round(cy)))
            arm = max(8, target_height_px // 45)
            for colour, w in ((HALO, 5), ((255, 255, 255), 2)):
                cv2.line(img, (c[0] - arm, c[1]), (c[0] + arm, c[1]), colour, w, cv2.LINE_AA)
                cv2.line(img, (c[0], c[1] - arm), (c[0], c[1] + arm), colour, w, cv2.LINE_AA)
            cv2.circle(img, c, arm // 2, (255, 255, 255), 2, cv2.LINE_AA)
    img = _text(img, labels, fsize)
    if not legend:
        return img
    return _with_legend(img, res, colormap, fsize)


def _with_legend(img: np.ndarray, res: FootResult, colormap: str, fsize: int) -> np.ndarray:
    """Append a colour bar and, below, the caption and region shares."""
    h = img.shape[0]
    bar_w = max(14, fsize)
    margin = fsize
    label_font = _font(fsize)
    bar = _colour_map(np.linspace(1.0, 0.0, int(h * 0.7))[:, None].repeat(bar_w, 1), colormap)
    right_w = bar_w + margin * 2 + int(fsize * 3.2)
    right = np.full((h, right_w, 3), 255, np.uint8)
    y0 = int(h * 0.15)
    right[y0 : y0 + bar.shape[0], margin : margin + bar_w] = bar
    pil = Image.fromarray(right)
    d = ImageDraw.Draw(pil)
    d.text((margin + bar_w + 4, y0 - fsize // 2), "high", font=label_font, fill=PANEL_INK)
    d.text(
        (margin + bar_w + 4, y0 + bar.shape[0] - fsize // 2), "low", font=label_font, fill=PANEL_INK
    )
    top = np.hstack([img, np.asarray(pil)])
    # caption and shares underneath
    lines = [INTENSITY_CAPTION]
    p = res.pressure
    if p is not None:
        shares = [
            f"{REGION_LABELS[r]} {p.regions[r].share_pct:.0f}%"
            for r in REGIONS
            if r in p.regions and p.regions[r].share_pct is not None
        ]
        for k in range(0, len(shares), 3):
            lines.append("   ".join(shares[k : k + 3]))
        if p.cop_plane is not None:
            lines.append("+ centre of pressure")
    else:
        lines.append("region shares not available for this print")
    small = _font(int(fsize * 0.9))
    line_h = int(fsize * 1.35)
    footer = Image.new("RGB", (top.shape[1], line_h * len(lines) + fsize), (255, 255, 255))
    d = ImageDraw.Draw(footer)
    for k, line in enumerate(lines):
        d.text(
            (fsize // 2, fsize // 2 + k * line_h),
            line,
            font=small,
            fill=PANEL_INK if k == 0 else MUTED_INK,
        )
    return np.ascontiguousarray(np.vstack([top, np.asarray(footer)]))


# -- encoding ------------------------------------------------------------------
def png_bytes(rgb: np.ndarray) -> bytes:
    """Encode an RGB uint8 image as PNG with no metadata chunks (no EXIF)."""
    out = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb)).save(out, format="PNG", optimize=False)
    return out.getvalue()


def jpeg_bytes(rgb: np.ndarray, *, quality: int = 88) -> bytes:
    """Encode an RGB uint8 image as JPEG with no EXIF."""
    out = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb)).save(out, format="JPEG", quality=quality)
    return out.getvalue()

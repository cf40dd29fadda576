"""Pictures of every method step for ``docs/method.md``, and the sample photos.

Figures (``--figures``, the default): one seeded synthetic photo
(:func:`footprint.synth.render_photo`) is analysed with
:func:`footprint.pipeline.analyse_detailed`, and the internals the pipeline
used are drawn step by step into ``docs/images/method-*.png``:

1. the input photo with the detected reference outlined;
2. the rectified, top-down plane with a millimetre scale;
3. lightness and the illumination-corrected darkness map;
4. the print mask with sole and toes coloured;
5. the foot frame with the thirds A/B/C shaded and the arch-index values;
6. the Chippaux-Smirak and Staheli widths;
7. Clarke's construction;
8. the contact-intensity heat map;
9. the final overlay; and a gallery of three scene types.

Samples (``--samples``): small JPEG photos across scene types in
``sample_images/`` with ``sample_images/PROVENANCE.md`` (seed, scene,
reference, ground-truth arch index per foot), plus a print made from the real
emed plate recording in ``tests/data/pressure-plates/`` when
:mod:`footprint.plates` is available.

Everything is seeded: the same code gives the same pictures.

Usage::

    python scripts/make_figures.py               # figures into docs/images/
    python scripts/make_figures.py --samples     # sample photos only
    python scripts/make_figures.py --all --out /tmp/figs --samples-dir /tmp/samples
"""

from __future__ import annotations

import argparse
import io
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from footprint import background, indices, outline, render, segment_grid, synth
from footprint.params import Params
from footprint.pipeline import MIN_EDGE_SUPPORT, Analysis, analyse_detailed
from footprint.rectify import rectangle_aspect_ratio

log = logging.getLogger("make_figures")

ROOT = Path(__file__).resolve().parents[1]
FIG_DIR = ROOT / "docs" / "images"
SAMPLE_DIR = ROOT / "sample_images"
PLATE_FILE = ROOT / "tests" / "data" / "pressure-plates" / "emed_test.lst"

#: [px] Width of every figure.
FIG_WIDTH = 800
#: [bytes] Largest figure file.
FIG_MAX_BYTES = 300_000
#: [bytes] Largest sample photo.
SAMPLE_MAX_BYTES = 250_000
#: JPEG qualities tried in turn until a sample fits :data:`SAMPLE_MAX_BYTES`.
SAMPLE_QUALITIES = (90, 85, 80, 75, 70, 65, 60)

RGB = tuple[int, int, int]
WHITE: RGB = (255, 255, 255)
INK: RGB = (30, 30, 30)
BG: RGB = (246, 246, 246)
SOLE_C: RGB = (0, 170, 230)
TOES_C: RGB = (235, 60, 170)
OTHER_C: RGB = (150, 150, 150)
REF_C: RGB = (255, 140, 0)
#: Fill colours of the thirds A (forefoot), B (midfoot), C (rearfoot).
THIRD_C: dict[str, RGB] = {"A": (86, 150, 220), "B": (240, 170, 40), "C": (110, 190, 110)}
WIDTH_C: dict[str, RGB] = {"a": (40, 100, 200), "b": (220, 110, 0), "c": (40, 150, 60)}
CLARKE_C: RGB = (0, 150, 60)


@dataclass(frozen=True)
class Case:
    """One seeded synthetic photo."""

    name: str
    seed: int
    scene: str
    reference: str
    n_feet: int
    max_tilt_deg: float
    note: str

    def photo(self, size: tuple[int, int] = (1600, 1200), quality: int = 90) -> synth.SynthPhoto:
        return synth.render_photo(
            self.seed,
            scene=self.scene,
            reference=self.reference,
            n_feet=self.n_feet,
            size=size,
            max_tilt_deg=self.max_tilt_deg,
            jpeg_quality=quality,
        )


#: The photo every step figure is drawn from.
MAIN = Case("main", 0, "ink_black", "a4", 1, 30.0, "ink print on an A4 sheet, camera tilted")
#: A tiled floor without a reference: the joints give the perspective (the
#: first seed, from 1, on which floor lines are found and the print measured).
FLOOR_LINES = Case(
    "floor-lines", 1, "wet_tile_light", "none", 1, 30.0, "wet print on light tile, no reference"
)
#: A print whose outline ran into the floor's grain: refused by the edge test
#: (development seed 9531; measured with min_quality=0 for the figure).
EDGE_REFUSED = Case(
    "edge-refused", 9531, "wet_wood", "a4", 1, 30.0, "wet print on wood, outline in the grain"
)
#: Gallery of scene types (input photo and result side by side).
GALLERY: tuple[Case, ...] = (
    Case("wet-kraft", 17, "wet_kraft", "a4", 1, 30.0, "wet print on kraft paper, A4 sheet"),
    Case("ink", 0, "ink_black", "a4", 1, 30.0, "ink print on A4"),
    Case("podograph", 0, "podograph", "letter", 2, 30.0, "podograph form, two feet"),
)
#: Sample photos shipped in ``sample_images/``.
SAMPLES: tuple[Case, ...] = (
    Case("wet-kraft-a4", 17, "wet_kraft", "a4", 1, 30.0, "wet print on kraft paper, A4 sheet"),
    Case("ink-black-a4", 0, "ink_black", "a4", 1, 30.0, "black ink print on A4, tilted"),
    Case("ink-blue-letter", 3, "ink_blue", "letter", 1, 30.0, "blue ink print on US Letter"),
    # the first seed (from 1) whose floor print the analyser measures whole: at
    # this size most wet prints on tile and wood are refused (docs/accuracy.md)
    Case("wet-concrete-a4", 5, "wet_concrete", "a4", 1, 30.0, "wet print on concrete, A4 aside"),
    Case("podograph-letter", 0, "podograph", "letter", 2, 30.0, "podograph form, two feet"),
)


# ----------------------------------------------------------------------------- drawing
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled font (no system font needed)."""
    return ImageFont.load_default(size=max(8, int(size)))


def text_block(
    img: np.ndarray,
    lines: Sequence[str],
    xy: tuple[int, int],
    *,
    size: int = 18,
    colour: RGB = INK,
    box: RGB | None = (255, 255, 255),
) -> np.ndarray:
    """Draw ``lines`` at pixel ``xy`` (top left), on an optional translucent box."""
    pil = Image.fromarray(np.ascontiguousarray(img))
    draw = ImageDraw.Draw(pil, "RGBA")
    f = font(size)
    x, y = xy
    step = int(size * 1.3)
    if box is not None:
        w = max(draw.textbbox((0, 0), s, font=f)[2] for s in lines) if lines else 0
        draw.rounded_rectangle(
            (x - 6, y - 5, x + w + 6, y + step * len(lines) + 3), radius=6, fill=(*box, 215)
        )
    for k, s in enumerate(lines):
        draw.text((x, y + k * step), s, font=f, fill=colour)
    return np.asarray(pil).copy()


def label(
    img: np.ndarray, xy: tuple[float, float], s: str, colour: RGB, size: int = 18
) -> np.ndarray:
    """A short label centred on ``xy``: text on a box of ``colour`` (dark or white text)."""
    pil = Image.fromarray(np.ascontiguousarray(img))
    draw = ImageDraw.Draw(pil, "RGBA")
    f = font(size)
    left, top, right, bottom = draw.textbbox((0, 0), s, font=f)
    w, h = right - left, bottom - top
    x0 = int(np.clip(xy[0] - w / 2, 5, img.shape[1] - w - 5))
    y0 = int(np.clip(xy[1] - h / 2, 5, img.shape[0] - h - 5))
    luma = 0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2]
    ink = INK if luma > 150 else WHITE
    draw.rounded_rectangle((x0 - 5, y0 - 4, x0 + w + 5, y0 + h + 4), radius=5, fill=(*colour, 235))
    draw.text((x0 - left, y0 - top), s, font=f, fill=ink)
    return np.asarray(pil).copy()


def line(img: np.ndarray, a: Any, b: Any, colour: RGB, width: int = 2, halo: bool = True) -> None:
    pa = tuple(int(round(v * 16)) for v in a)
    pb = tuple(int(round(v * 16)) for v in b)
    if halo:
        cv2.line(img, pa, pb, (20, 20, 20), width + 2, cv2.LINE_AA, shift=4)
    cv2.line(img, pa, pb, colour, width, cv2.LINE_AA, shift=4)


def dot(img: np.ndarray, p: Any, colour: RGB, r: int = 5) -> None:
    c = (int(round(p[0])), int(round(p[1])))
    cv2.circle(img, c, r + 2, (20, 20, 20), -1, cv2.LINE_AA)
    cv2.circle(img, c, r, colour, -1, cv2.LINE_AA)


def resize_to(img: np.ndarray, width: int) -> tuple[np.ndarray, float]:
    """Resize to ``width`` px wide (area interpolation when shrinking); returns the factor."""
    s = width / img.shape[1]
    interp = cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC
    h = max(1, int(round(img.shape[0] * s)))
    return cv2.resize(np.ascontiguousarray(img), (width, h), interpolation=interp), s


def hstack(panels: Sequence[np.ndarray], gap: int = 8, colour: RGB = BG) -> np.ndarray:
    """Panels side by side, scaled to a common height."""
    h = max(p.shape[0] for p in panels)
    out = []
    for k, p in enumerate(panels):
        s = h / p.shape[0]
        q = cv2.resize(p, (max(1, int(round(p.shape[1] * s))), h), interpolation=cv2.INTER_AREA)
        out.append(q)
        if k < len(panels) - 1:
            out.append(np.full((h, gap, 3), colour, np.uint8))
    return np.hstack(out)


def titled(img: np.ndarray, title: str, size: int = 20) -> np.ndarray:
    """Add a title strip above ``img``."""
    strip = np.full((int(size * 1.9), img.shape[1], 3), BG, np.uint8)
    strip = text_block(strip, [title], (10, int(size * 0.4)), size=size, box=None)
    return np.vstack([strip, img])


def save_png(img: np.ndarray, path: Path, *, max_bytes: int = FIG_MAX_BYTES) -> int:
    """Save ``img`` as an optimised PNG, ``FIG_WIDTH`` wide, below ``max_bytes``.

    Truecolour when it fits, else an adaptive 256-colour palette (dithered).
    Returns the file size.
    """
    img = np.ascontiguousarray(img)
    if img.shape[1] > FIG_WIDTH:
        img, _ = resize_to(img, FIG_WIDTH)
    pil = Image.fromarray(img)
    attempts: list[tuple[str, Any]] = [("truecolour", pil)]
    for colours, dither in (
        (256, Image.Dither.FLOYDSTEINBERG),
        (256, Image.Dither.NONE),
        (128, Image.Dither.NONE),
        (64, Image.Dither.NONE),
    ):
        attempts.append(
            (
                f"{colours} colours",
                lambda c=colours, d=dither: pil.quantize(
                    colors=c, method=Image.Quantize.MEDIANCUT, dither=d
                ),
            )
        )
    for kind, make in attempts:
        buf = io.BytesIO()
        (make if isinstance(make, Image.Image) else make()).save(buf, "PNG", optimize=True)
        if buf.tell() <= max_bytes:
            log.debug("%s saved as %s", path.name, kind)
            break
    data = buf.getvalue()
    if len(data) > max_bytes:
        raise RuntimeError(f"{path.name} is {len(data)} bytes, above {max_bytes}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    log.info("wrote %s (%d kB, %dx%d)", path, len(data) // 1000, img.shape[1], img.shape[0])
    return len(data)


# ------------------------------------------------------------------------------ figures
def fig_input(an: Analysis, tilt_deg: float) -> np.ndarray:
    """Step 1: the photo with the detected reference outlined and its corners marked."""
    img = np.ascontiguousarray(an.image.rgb).copy()
    res = an.result
    lines = [
        f"input {res.image_width}x{res.image_height}, analysed at {img.shape[1]}x{img.shape[0]}"
    ]
    if res.reference_corners is not None:
        sc = float(res.extra.get("work_scale", an.image.scale))
        quad = (np.asarray(res.reference_corners) + 0.5) / sc - 0.5
        for k in range(4):
            line(img, quad[k], quad[(k + 1) % 4], REF_C, 3)
        for k, p in enumerate(quad):
            dot(img, p, REF_C, 6)
            img = label(img, (p[0], p[1] - 22), "TL TR BR BL".split()[k], REF_C, 16)
        ratio, f_px = rectangle_aspect_ratio(quad, img.shape, Params().rectify)
        ratio = max(ratio, 1.0 / ratio)
        lines += [
            f"reference: {res.scale_source.upper()} sheet (sub-pixel sides, 4 corners)",
            f"recovered aspect ratio {ratio:.3f} (A4 1.414, Letter 1.294)",
            f"focal length estimated from the quad: {f_px:.0f} px",
        ]
    else:
        lines.append("no reference found: lengths in pixels only")
    lines.append(f"(synthetic photo, camera tilted {tilt_deg:.0f} deg from straight down)")
    return text_block(img, lines, (14, 12), size=17)


def fig_rectified(an: Analysis) -> np.ndarray:
    """Step 2: the top-down plane with a 50 mm grid and the sheet outline."""
    img = np.ascontiguousarray(an.plane.image).copy()
    mm = an.plane.mm_per_px
    lines = []
    if mm:
        step = 50.0 / mm
        h, w = img.shape[:2]
        grid = img.copy()
        for x in np.arange(0, w, step):
            cv2.line(
                grid, (int(round(x)), 0), (int(round(x)), h - 1), (255, 140, 0), 1, cv2.LINE_AA
            )
        for y in np.arange(0, h, step):
            cv2.line(
                grid, (0, int(round(y))), (w - 1, int(round(y))), (255, 140, 0), 1, cv2.LINE_AA
            )
        img = cv2.addWeighted(grid, 0.45, img, 0.55, 0)
        if an.plane.sheet is not None:
            cs, _ = cv2.findContours(
                an.plane.sheet.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
            )
            cv2.drawContours(img, cs, -1, REF_C, 2, cv2.LINE_AA)
        # 100 mm scale bar
        y0 = h - 26
        x0 = 16
        cv2.rectangle(img, (x0 - 4, y0 - 22), (x0 + int(100 / mm) + 4, y0 + 8), (255, 255, 255), -1)
        cv2.line(img, (x0, y0), (x0 + int(round(100 / mm)), y0), INK, 3)
        img = text_block(img, ["100 mm"], (x0 + 4, y0 - 20), size=14, box=None)
        lines = [
            f"{mm:.2f} mm per pixel, 50 mm grid",
            f"plane {w}x{h} px = {w * mm:.0f} x {h * mm:.0f} mm",
        ]
    else:
        lines = ["no reference: the plane is the photo itself"]
    return text_block(img, lines, (12, 10), size=15)


def _roi(an: Analysis) -> np.ndarray:
    valid = an.plane.valid
    if an.plane.sheet is not None and an.plane.sheet.any():
        return valid & an.plane.sheet
    return valid


def fig_darkness(an: Analysis) -> np.ndarray:
    """Step 3: lightness L* and the darkness D = 1 - L/B, side by side."""
    rgb = an.plane.image
    mm = an.plane.mm_per_px
    px_per_mm = segment_grid.nominal_px_per_mm(rgb.shape, mm)
    params = Params().segment
    dark, bgw = background.darkness_map(rgb, px_per_mm, params, _roi(an))
    light = background.lightness(rgb)
    roi = _roi(an)
    lo, hi = np.percentile(light[roi], [0.5, 99.5])
    l_img = np.clip((light - lo) / max(hi - lo, 1e-6), 0, 1)
    l_rgb = np.repeat((l_img * 255).astype(np.uint8)[..., None], 3, axis=2)
    d_top = max(float(np.percentile(dark[roi], 99.5)), 1e-3)
    d_u8 = np.clip(dark / d_top * 255.0, 0, 255).astype(np.uint8)
    d_rgb = cv2.cvtColor(cv2.applyColorMap(255 - d_u8, cv2.COLORMAP_BONE), cv2.COLOR_BGR2RGB)
    d_rgb[~roi] = (200, 200, 200)
    left = text_block(l_rgb, ["lightness L* (stretched)"], (10, 10), size=22)
    right = text_block(
        d_rgb, ["darkness D = 1 - L*/B", f"black = D >= {d_top:.2f}"], (10, 10), size=22
    )
    return hstack([left, right])


def fig_mask(an: Analysis) -> np.ndarray:
    """Step 4: the print mask: sole (blue), toes (pink), other print pieces (grey)."""
    img = np.ascontiguousarray(an.plane.image).astype(np.float32)
    img = 255 - (255 - img) * 0.45  # faded photo behind
    for arr in an.feet:
        other = arr.mask & ~arr.sole & ~arr.toes
        for m, c in ((arr.sole, SOLE_C), (arr.toes, TOES_C), (other, OTHER_C)):
            img[m] = 0.25 * img[m] + 0.75 * np.array(c, np.float32)
    out = img.astype(np.uint8)
    for arr in an.feet:
        for m, c in ((arr.sole, SOLE_C), (arr.toes, TOES_C)):
            cs, _ = cv2.findContours(m.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
            cv2.drawContours(out, cs, -1, tuple(int(v * 0.6) for v in c), 1, cv2.LINE_AA)
    n_toes = [int(cv2.connectedComponents(a.toes.astype(np.uint8))[0] - 1) for a in an.feet]
    lines = [
        f"scene: {an.result.scene}",
        "sole (blue) = the print without toes",
        f"toes (pink): {', '.join(str(n) for n in n_toes)} blob(s)",
        "grey: print the anatomy step left out",
    ]
    return text_block(out, lines, (12, 10), size=16)


def _crop_frame(arr: Any, pad: int = 12) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Sole and toes in the foot frame, cropped to the print with a margin.

    Returns the two crops and the frame (row, col) of the crop's top-left
    pixel; the crops are padded with zeros where the margin leaves the frame.
    """
    sole_f = np.clip(arr.sole_frame, 0, 1)
    toes_f = np.clip(arr.frame.warp(arr.toes.astype(np.float32)), 0, 1)
    sole_f = np.pad(sole_f, pad)
    toes_f = np.pad(toes_f, pad)
    both = (sole_f > 0.05) | (toes_f > 0.05)
    rows, cols = np.flatnonzero(both.any(axis=1)), np.flatnonzero(both.any(axis=0))
    r0, c0 = max(0, rows[0] - pad), max(0, cols[0] - pad)
    r1, c1 = rows[-1] + pad + 1, cols[-1] + pad + 1
    return sole_f[r0:r1, c0:c1], toes_f[r0:r1, c0:c1], r0 - pad, c0 - pad


#: [px, figure] White margins left and right of a frame drawing (room for labels).
FRAME_MARGIN = (70, 190)


def _frame_canvas(sole: np.ndarray, toes: np.ndarray, scale: float) -> np.ndarray:
    """White canvas with the sole in grey and the toes in pink, upscaled, with margins."""
    h, w = sole.shape
    img = np.full((h, w, 3), 255.0, np.float32)
    img = img * (1 - sole[..., None]) + np.array([175, 175, 175], np.float32) * sole[..., None]
    pink = 0.5 * np.array(TOES_C, np.float32) + 127.5
    img = img * (1 - toes[..., None]) + pink * toes[..., None]
    size = (int(round(w * scale)), int(round(h * scale)))
    big = cv2.resize(np.clip(img, 0, 255).astype(np.uint8), size, interpolation=cv2.INTER_LINEAR)
    left, right = FRAME_MARGIN
    return cv2.copyMakeBorder(big, 0, 0, left, right, cv2.BORDER_CONSTANT, value=WHITE)


def _to_view(cr: tuple[float, float], r0: int, c0: int, s: float) -> tuple[float, float]:
    """Frame (col, row) -> figure (x, y) of a canvas from :func:`_frame_canvas`."""
    return ((cr[0] - c0) * s + FRAME_MARGIN[0], (cr[1] - r0) * s)


def _side_panel(img: np.ndarray, lines: Sequence[str], width: int = 330) -> np.ndarray:
    """Append a white text panel on the right."""
    out = np.hstack([img, np.full((img.shape[0], width, 3), 255, np.uint8)])
    return text_block(out, lines, (img.shape[1] + 10, 16), size=20, box=None)


def _third_bounds(t: indices.Thirds) -> dict[str, tuple[float, float]]:
    return {"A": (t.top, t.a1), "B": (t.a1, t.a2), "C": (t.a2, t.bottom)}


def fig_frame(an: Analysis, foot: int = 0) -> np.ndarray:
    """Step 5: the foot frame, thirds A/B/C shaded, areas and the arch index."""
    arr = an.feet[foot]
    res = an.result.feet[foot]
    sole, toes, r0, c0 = _crop_frame(arr)
    t = indices.thirds(arr.sole_frame)
    areas = dict(zip("ABC", indices.third_areas(arr.sole_frame), strict=True))
    ai = indices.arch_index(arr.sole_frame)
    s = 900.0 / sole.shape[0]
    img = _frame_canvas(sole, toes, s).astype(np.float32)
    left, right = FRAME_MARGIN
    big_sole = cv2.resize(sole, (img.shape[1] - left - right, img.shape[0]))
    big_sole = cv2.copyMakeBorder(big_sole, 0, 0, left, right, cv2.BORDER_CONSTANT, value=0)
    yy = (np.arange(img.shape[0]) + 0.5) / s + r0
    for name, (y0, y1) in _third_bounds(t).items():
        band = ((yy >= y0) & (yy < y1))[:, None] & (big_sole > 0.5)
        img[band] = 0.2 * img[band] + 0.8 * np.array(THIRD_C[name], np.float32)
    out = img.astype(np.uint8)
    w = out.shape[1]
    for y in (t.top, t.a1, t.a2, t.bottom):
        yv = (y - r0) * s
        tangent = y in (t.top, t.bottom)
        line(out, (0, yv), (w - 1, yv), INK, 2 if tangent else 1, halo=False)
    heel = _to_view((arr.frame.axis_col + 0.5, arr.frame.heel_row + 0.5), r0, c0, s)
    tip_cr = arr.frame.to_frame(np.array([res.geometry.toe_tip_plane]))[0] + 0.5
    tip = _to_view((tip_cr[0], tip_cr[1]), r0, c0, s)
    line(out, heel, tip, render.AXIS, 3)
    dot(out, heel, render.AXIS, 6)
    dot(out, tip, render.AXIS, 6)
    tip_name = "second-toe tip" if res.axis_source == "second_toe" else "axis end (no toes)"
    out = label(out, (tip[0], tip[1] - 18), tip_name, render.AXIS, 15)
    out = label(out, (heel[0], heel[1] + 20), "heel centre", render.AXIS, 15)
    mm2 = (an.plane.mm_per_px or 0.0) ** 2
    k, unit = (mm2, "mm^2") if mm2 else (1.0, "px")
    for name, (y0, y1) in _third_bounds(t).items():
        yc = ((y0 + y1) / 2 - r0) * s
        out = label(
            out, (w - right / 2, yc), f"{name}  {areas[name] * k:,.0f} {unit}", THIRD_C[name], 17
        )
    out = label(out, (w - right / 2, (t.top - r0) * s - 14), "sole tangent", (90, 90, 90), 14)
    out = label(out, (w - right / 2, (t.bottom - r0) * s - 14), "heel tangent", (90, 90, 90), 14)
    return _side_panel(
        out,
        [
            "foot frame: axis vertical,",
            "toes up, medial side left",
            f"({res.side} foot{', mirrored' if res.side == 'left' else ''})",
            "",
            "L = heel tangent to sole",
            "tangent (toes excluded),",
            "cut into equal thirds",
            "A forefoot, B midfoot,",
            "C rearfoot (areas)",
            "",
            f"A = {areas['A'] * k:,.0f} {unit}",
            f"B = {areas['B'] * k:,.0f} {unit}",
            f"C = {areas['C'] * k:,.0f} {unit}",
            "",
            "AI = B / (A + B + C)",
            f"   = {ai:.3f}  ({res.arch_type})",
            "",
            f"axis source: {res.axis_source.replace('_', ' ')}",
        ],
    )


def _row_extent(sole: np.ndarray, row: int) -> tuple[float, float]:
    """Outer pixel edges of contact in a frame row (coverage >= 0.5)."""
    cols = np.flatnonzero(sole[row] >= 0.5)
    if cols.size == 0:
        return (0.0, 0.0)
    return float(cols[0]), float(cols[-1] + 1)


def fig_widths(an: Analysis, foot: int = 0) -> np.ndarray:
    """Step 6: widest forefoot a, narrowest midfoot b, widest heel c."""
    arr = an.feet[foot]
    sole_full = arr.sole_frame
    sole, toes, r0, c0 = _crop_frame(arr)
    t = indices.thirds(sole_full)
    w_rows = indices.row_widths(sole_full)

    def rows(lo: float, hi: float) -> np.ndarray:  # rows whose centres lie in [lo, hi)
        return np.arange(max(int(np.ceil(lo - 0.5)), 0), min(int(np.ceil(hi - 0.5)), w_rows.size))

    ra, rb, rc = rows(t.top, t.a1), rows(t.a1, t.a2), rows(t.a2, t.bottom)
    picks = {
        "a": int(ra[np.argmax(w_rows[ra])]),
        "b": int(rb[np.argmin(w_rows[rb])]),
        "c": int(rc[np.argmax(w_rows[rc])]),
    }
    s = 900.0 / sole.shape[0]
    out = _frame_canvas(sole, toes, s)
    w = out.shape[1]
    for y in (t.top, t.a1, t.a2, t.bottom):
        line(out, (0, (y - r0) * s), (w - 1, (y - r0) * s), INK, 1, halo=False)
    mm = an.plane.mm_per_px
    for name, row in picks.items():
        val = w_rows[row]
        x0, x1 = _row_extent(sole_full, row)
        p0 = _to_view((x0, row + 0.5), r0, c0, s)
        p1 = _to_view((x1, row + 0.5), r0, c0, s)
        line(out, p0, p1, WIDTH_C[name], 4)
        for p in (p0, p1):
            line(out, (p[0], p[1] - 10), (p[0], p[1] + 10), WIDTH_C[name], 3)
        txt = f"{name} = {val * mm:.1f} mm" if mm else f"{name} = {val:.0f} px"
        out = label(out, (p1[0] + 75, p1[1]), txt, WIDTH_C[name], 17)
    csi = indices.chippaux_smirak(sole_full)
    si = indices.staheli(sole_full)
    res = an.result.feet[foot]
    return _side_panel(
        out,
        [
            "widths perpendicular to the",
            "axis: contact per frame row",
            "(thin lines: the thirds)",
            "",
            "a widest forefoot (third A)",
            "b narrowest midfoot (third B)",
            "c widest heel (third C)",
            "",
            "Chippaux-Smirak",
            f"CSI = b / a x 100 = {csi:.1f}",
            f"   ({res.csi_type})",
            "",
            "Staheli",
            f"SI = b / c = {si:.2f}",
            f"   ({res.staheli_type})",
        ],
    )


def fig_clarke(an: Analysis, foot: int = 0) -> np.ndarray:
    """Step 7: Clarke's construction on the medial border."""
    arr = an.feet[foot]
    sole_full = arr.sole_frame
    sole, toes, r0, c0 = _crop_frame(arr)
    g = indices.clarke_geometry(sole_full)
    s = 900.0 / sole.shape[0]
    out = _frame_canvas(sole, toes, s)
    # the medial border the construction used: (column index, row edge + 0.5) per row
    rows_b, cols_b = indices._medial_border(sole_full)  # noqa: SLF001 - draw what it measured

    def v(p: tuple[float, float]) -> tuple[float, float]:
        return _to_view((p[0] + 0.5, p[1]), r0, c0, s)

    pts = np.array([v((c, r)) for c, r in zip(cols_b, rows_b, strict=True)])
    cv2.polylines(
        out,
        [np.round(pts * 16).astype(np.int32).reshape(-1, 1, 2)],
        False,
        (60, 60, 60),
        2,
        cv2.LINE_AA,
        shift=4,
    )
    fore, heel, deep = v(g.forefoot_tangent), v(g.heel_tangent), v(g.concavity)
    d = np.subtract(heel, fore)
    line(out, np.subtract(fore, d * 0.12), np.add(fore, d * 1.12), CLARKE_C, 3)
    line(out, fore, deep, (220, 60, 40), 3)
    for p in (fore, heel, deep):
        dot(out, p, CLARKE_C, 6)
    out = label(out, (fore[0] + 110, fore[1] - 22), "forefoot tangent point", CLARKE_C, 15)
    out = label(out, (heel[0] + 90, heel[1] + 22), "heel tangent point", CLARKE_C, 15)
    out = label(out, (deep[0] + 95, deep[1]), "deepest concavity", (220, 60, 40), 15)
    res = an.result.feet[foot]
    return _side_panel(
        out,
        [
            "medial border (dark grey)",
            "",
            "green: the line tangent to",
            "the medial forefoot and heel",
            "red: forefoot tangent point",
            "to the deepest point of the",
            "medial concavity",
            "",
            "Clarke's angle = the angle",
            "between them",
            f"   = {g.angle_deg:.1f} deg",
            f"   ({res.clarke_type})",
        ],
    )


def _edge_panel(an: Analysis, foot: int = 0, pad_mm: float = 25.0) -> np.ndarray:
    """The sole's outline samples of the edge test: green supported, red not."""
    arr = an.feet[foot]
    ppm = segment_grid.nominal_px_per_mm(arr.sole.shape, an.plane.mm_per_px)
    pts, ok = outline.edge_samples(arr.sole, arr.darkness, ppm)
    ys, xs = np.nonzero(arr.sole)
    pad = int(pad_mm * ppm)
    y0, y1 = max(0, ys.min() - pad), min(arr.sole.shape[0], ys.max() + pad)
    x0, x1 = max(0, xs.min() - pad), min(arr.sole.shape[1], xs.max() + pad)
    img = np.ascontiguousarray(an.plane.image[y0:y1, x0:x1]).astype(np.float32)
    img = (255 - (255 - img) * 0.7).astype(np.uint8)
    img, s = resize_to(img, max(1, int(round(img.shape[1] * 380 / img.shape[0]))))
    for (x, y), good in zip(pts, ok, strict=True):
        colour = (30, 160, 60) if good else (230, 30, 30)
        centre = (int(round((x - x0) * s)), int(round((y - y0) * s)))
        cv2.circle(img, centre, 3, colour, -1, cv2.LINE_AA)
    share = float(np.mean(ok)) if ok.size else 1.0
    verdict = "measured" if share >= MIN_EDGE_SUPPORT else "refused"
    lines = [f"edge support {100 * share:.0f} %: {verdict}", "green: clear step, red: none"]
    return text_block(img, lines, (10, 10), size=16)


def fig_edges(an: Analysis, refused: Analysis) -> np.ndarray:
    """Section 8: the edge test on a print traced well and on one that ran into the floor."""
    return hstack([_edge_panel(an), _edge_panel(refused)])


def fig_heatmap(an: Analysis, foot: int = 0) -> np.ndarray:
    """Step 8: the pipeline's own heat map."""
    return render.heatmap(an, foot, target_height_px=620)


def fig_overlay(an: Analysis) -> np.ndarray:
    """Step 9: the pipeline's overlay with its results panel."""
    return render.overlay(an, target_long_px=700)


def fig_floor_lines(case: Case) -> np.ndarray:
    """Step 2, without a reference: the tile joints used (violet) and the view
    from straight above they give, with the arch index as photographed."""
    photo = case.photo()
    an = analyse_detailed(photo.jpeg, name=f"{case.name}.jpg")
    seen = analyse_detailed(photo.jpeg, name=f"{case.name}.jpg", floor_lines_perspective=False)
    lines = an.plane.floor_lines
    if lines is None:  # a failure is shown in the picture, not hidden
        raise RuntimeError(f"{case.name}: no floor lines found")
    left = render.overlay_on_photo(an)
    right = render.overlay(an, target_long_px=left.shape[1], panel=False)
    valid = cv2.resize(an.plane.valid.astype(np.uint8), right.shape[1::-1]) > 0
    right[~valid] = BG  # the plane beyond the photo's edge
    right = resize_to(right, int(round(right.shape[1] * left.shape[0] / right.shape[0])))[0]
    truth = photo.feet[0].arch_index
    ai = ", ".join(f"{f.arch_index:.3f}" for f in an.result.feet)
    ai_seen = ", ".join(f"{f.arch_index:.3f}" for f in seen.result.feet)
    caption = [
        f"{case.note}, camera tilted {photo.params['camera']['tilt_deg']:.0f} deg "
        f"(found from the joints, violet: {lines.tilt_deg:.0f} deg)",
        f"arch index: truth {truth:.3f} | seen from above (right) {ai} | as photographed {ai_seen}",
    ]
    img = resize_to(hstack([left, right]), FIG_WIDTH)[0]
    strip = np.full((44, img.shape[1], 3), BG, np.uint8)
    return np.vstack([text_block(strip, caption, (10, 4), size=14, box=None), img])


def fig_gallery(cases: Sequence[Case]) -> np.ndarray:
    """Input photo and overlay for each scene type, one row per case."""
    rows = []
    for case in cases:
        photo = case.photo()
        try:
            an = analyse_detailed(photo.jpeg, name=f"{case.name}.jpg")
            right = render.overlay_on_photo(an)
            truth = ", ".join(f"{f.side} {f.arch_index:.3f}" for f in photo.feet)
            got = ", ".join(
                f"{f.side} {f.arch_index:.3f}" if f.arch_index is not None else f"{f.side} -"
                for f in an.result.feet
            )
            caption = f"{case.note}: AI truth {truth} | measured {got}"
        except Exception as exc:  # a failure is shown in the picture, not hidden
            log.warning("%s: %s", case.name, exc)
            right = np.full_like(photo.rgb, 220)
            right = text_block(right, [type(exc).__name__, str(exc)[:60]], (20, 20), size=28)
            caption = f"{case.note}: not analysed ({type(exc).__name__})"
        row = hstack([photo.rgb, right])
        rows.append(titled(resize_to(row, FIG_WIDTH)[0], caption, size=15))
    return np.vstack(rows)


def make_figures(out: Path) -> dict[str, int]:
    """Render every step figure of :data:`MAIN` and the gallery into ``out``."""
    photo = MAIN.photo()
    an = analyse_detailed(photo.jpeg, name="main.jpg")
    truth = photo.feet[0]
    log.info(
        "main: tilt %.1f deg, truth AI %.3f, measured %s",
        photo.params["camera"]["tilt_deg"],
        truth.arch_index,
        [f.arch_index for f in an.result.feet],
    )
    figures = {
        "method-1-input.png": fig_input(an, photo.params["camera"]["tilt_deg"]),
        "method-2-rectified.png": fig_rectified(an),
        "method-2-floor-lines.png": fig_floor_lines(FLOOR_LINES),
        "method-3-darkness.png": fig_darkness(an),
        "method-4-mask.png": fig_mask(an),
        "method-5-frame-thirds.png": fig_frame(an),
        "method-6-widths.png": fig_widths(an),
        "method-7-clarke.png": fig_clarke(an),
        "method-8-heatmap.png": fig_heatmap(an),
        "method-9-overlay.png": fig_overlay(an),
        "method-10-edge-support.png": fig_edges(
            an, analyse_detailed(EDGE_REFUSED.photo().jpeg, min_quality=0.0)
        ),
        "method-scenes.png": fig_gallery(GALLERY),
    }
    return {name: save_png(img, out / name) for name, img in figures.items()}


# ------------------------------------------------------------------------------ samples
def _fit_jpeg(render_fn: Any) -> tuple[bytes, int]:
    """Render at decreasing JPEG quality until the file fits :data:`SAMPLE_MAX_BYTES`."""
    for q in SAMPLE_QUALITIES:
        data = render_fn(q)
        if len(data) <= SAMPLE_MAX_BYTES:
            return data, q
    raise RuntimeError(f"no JPEG quality in {SAMPLE_QUALITIES} fits {SAMPLE_MAX_BYTES} bytes")


PROVENANCE_HEAD = """\
# Sample images: provenance

Generated by `python scripts/make_figures.py --samples` (do not edit by hand;
the table below is rewritten with the photos). Every photo is **synthetic**,
rendered by `footprint.synth.render_photo(seed, scene=..., reference=...,
n_feet=..., size=(1600, 1200), max_tilt_deg=30, jpeg_quality=q)` with the
seed and arguments in the table, so it can be regenerated byte for byte with
the same code. The synthetic photos are released under the project's MIT
licence and may also be used under CC0 1.0: no person, camera or third-party
image is involved.

The wet print on a floor (seed 5) was chosen as the first seed from 1 that
the analyser measured whole at this size when the samples were first made;
many wet prints on tile or wood photographed this small are still refused as
too faint (`unclear_print`) or measured poorly, see `docs/accuracy.md`. The
wet photos were rendered again after the generator's wet-edge fix
(2026-11-26). The samples show what the tool does, not its accuracy.

"AI truth" is the generator's exact arch index (Cavanagh & Rodgers,
B / (A + B + C)) of each foot, measured in the generator's own foot frame;
"tilt" is the camera's tilt from straight down. Feet are listed in the
generator's order, which need not be the analyser's.

| file | seed | scene | reference | feet | tilt (deg) | JPEG quality | AI truth | description |
|---|---|---|---|---|---|---|---|---|
"""


def make_samples(out: Path) -> list[dict[str, Any]]:
    """Write the sample photos and ``PROVENANCE.md`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    for case in SAMPLES:
        photos: dict[int, synth.SynthPhoto] = {}

        def render_q(q: int, case: Case = case, photos: dict = photos) -> bytes:
            photos[q] = case.photo(quality=q)
            return photos[q].jpeg or b""

        data, q = _fit_jpeg(render_q)
        photo = photos[q]
        name = f"{case.name}.jpg"
        (out / name).write_bytes(data)
        rows.append(
            {
                "file": name,
                "seed": case.seed,
                "scene": case.scene,
                "reference": case.reference,
                "feet": len(photo.feet),
                "tilt": f"{photo.params['camera']['tilt_deg']:.1f}",
                "quality": q,
                "ai": "; ".join(f"{f.side} {f.arch_index:.3f}" for f in photo.feet),
                "note": case.note,
            }
        )
        log.info("wrote %s (%d kB, q %d)", name, len(data) // 1000, q)
    plate_note = _plate_sample(out, rows)
    text = PROVENANCE_HEAD + "".join(
        f"| {r['file']} | {r['seed']} | {r['scene']} | {r['reference']} | {r['feet']} | "
        f"{r['tilt']} | {r['quality']} | {r['ai']} | {r['note']} |\n"
        for r in rows
    )
    (out / "PROVENANCE.md").write_text(text + "\n" + plate_note)
    return rows


def _plate_sample(out: Path, rows: list[dict[str, Any]]) -> str:
    """The real emed plate recording printed as a photo, or a note that it is pending."""
    try:
        from footprint import plates
    except ImportError:
        plates = None  # type: ignore[assignment]
    if plates is None or not PLATE_FILE.exists():
        return (
            "## Real plate recording\n\nPending: a print made from the real novel emed plate "
            "recording will be added when `footprint.plates` and "
            "`tests/data/pressure-plates/` are available.\n"
        )
    rec = plates.read_emed_lst(PLATE_FILE)
    seed = 0

    def render_q(q: int) -> bytes:
        return plates.render_plate_photo(rec, seed=seed, size=(1200, 1600), jpeg_quality=q).jpeg

    data, q = _fit_jpeg(render_q)
    name = "plate-emed-a4.jpg"
    (out / name).write_bytes(data)
    rows.append(
        {
            "file": name,
            "seed": seed,
            "scene": "plate print",
            "reference": "a4",
            "feet": 1,
            "tilt": "keystone only",
            "quality": q,
            "ai": "n/a",
            "note": "real emed plate recording printed as an ink print (see below)",
        }
    )
    log.info("wrote %s (%d kB, q %d)", name, len(data) // 1000, q)
    return f"""\
## Real plate recording: `{name}`

Made by `footprint.plates.render_plate_photo(read_emed_lst(PLATE), seed={seed},
size=(1200, 1600), jpeg_quality={q})`: the per-sensor peak-pressure map of a
**real** novel emed pressure-plate recording (`tests/data/pressure-plates/emed_test.lst`,
5 mm sensors), upsampled and printed as a dark-on-white print on an A4 sheet
whose darkness is proportional to the recorded pressure, then photographed by
a simulated phone camera. The photo is synthetic; the pressure pattern is real.
Its ground truth is the plate's pressure (`docs/pressure.md`), not an arch index.

Attribution: the recording comes from the R package **pressuRe** by Scott
Telfer and Ellen Li (github.com/Telfer/pressuRe, `inst/extdata`), MIT licence,
Copyright (c) 2023 pressuRe authors; the device is made by novel GmbH. Licence
text and details: `tests/data/pressure-plates/ATTRIBUTION.md` and `LICENSE.md`.
This sample image is distributed under the same MIT licence.
"""


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--samples", action="store_true", help="write the sample photos only")
    ap.add_argument("--all", action="store_true", help="figures and samples")
    ap.add_argument("--out", type=Path, default=FIG_DIR, help="figure folder")
    ap.add_argument("--samples-dir", type=Path, default=SAMPLE_DIR, help="sample folder")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not args.samples or args.all:
        make_figures(args.out)
    if args.samples or args.all:
        make_samples(args.samples_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Scene rendering for :mod:`footprint.synth`: textures, prints, light and camera noise.

Everything is rendered directly at the output size. Each output pixel is
mapped back to the world plane (mm) through the inverse homography, and the
procedural textures (tiles, wood, concrete, paper fibre, ink mottling, the
podograph grid) are evaluated at those world coordinates, so perspective
foreshortening of every texture is exact. Periodic noise tiles made by
spectral filtering are sampled with ``cv2.remap``; low-frequency fields
(light, vignetting, shadows) are computed at 1/8 size and resized.

Values are float32 display intensities 0..1 until the final quantisation.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

logger = logging.getLogger(__name__)

#: Size of the periodic noise tiles [texels].
_TILE = 256


@dataclass
class Sheet:
    """A rectangle of paper (or the card) on the world plane.

    ``corners_xy`` are world mm, TL, TR, BR, BL of the sheet in its own upright
    orientation; ``kind`` is 'white', 'kraft' or 'form'.
    """

    corners_xy: np.ndarray
    kind: str


@dataclass
class PlacedFoot:
    """A foot's frame arrays and the affine map (3x3) frame (col, row) -> world mm."""

    coverage: np.ndarray
    pressure: np.ndarray
    frame_to_world: np.ndarray
    mm_per_px: float


@dataclass
class Layout:
    """Everything lying on the world plane of one photo."""

    scene: str
    floor: str
    paper: Sheet | None
    ref_sheet: Sheet | None
    card: Sheet | None
    feet: list[PlacedFoot]
    form: dict[str, Any] | None = None
    with_print: bool = True
    info: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- #
# small helpers
# --------------------------------------------------------------------------- #
def noise_tile(rng: np.random.Generator, beta: float = 2.0, n: int = _TILE) -> np.ndarray:
    """Periodic zero-mean, unit-variance noise with a 1/f**beta power spectrum."""
    white = rng.standard_normal((n, n))
    fy = np.fft.fftfreq(n)[:, None]
    fx = np.fft.fftfreq(n)[None, :]
    f = np.sqrt(fx * fx + fy * fy)
    f[0, 0] = 1.0
    spec = np.fft.fft2(white) / f ** (beta / 2.0)
    spec[0, 0] = 0.0
    out = np.real(np.fft.ifft2(spec))
    out /= max(float(out.std()), 1e-9)
    return out.astype(np.float32)


def floor_mod(x: np.ndarray, n: float) -> np.ndarray:
    """``np.mod(x, n)`` for a power-of-two ``n``: bit for bit the same, about 4x faster.

    For a power of two, ``x / n``, its floor ``k`` and ``k * n`` are exact, so
    ``x - k * n`` is one rounding of the exact remainder, the same value that
    ``np.mod`` rounds (``fmod`` is exact, then ``n`` is added to a negative one).
    """
    if not float(n) > 0 or math.frexp(float(n))[0] != 0.5:
        raise ValueError(f"floor_mod needs a positive power of two, got {n!r}")
    k = np.floor(x / n)
    k *= n
    return np.subtract(x, k, out=k)


def sample(
    tile: np.ndarray,
    X: np.ndarray,
    Y: np.ndarray,
    texel_mm: float | tuple[float, float],
    angle: float = 0.0,
    offset: tuple[float, float] = (0.0, 0.0),
) -> np.ndarray:
    """Sample a periodic tile at world coordinates (mm), with anisotropic texels."""
    tx, ty = (texel_mm, texel_mm) if np.isscalar(texel_mm) else texel_mm  # type: ignore[misc]
    c, s = np.float32(np.cos(angle)), np.float32(np.sin(angle))
    # (c X + s Y) / tx + offset, in place (the same float32 operations, no temporaries)
    u = c * X
    u += s * Y
    u /= np.float32(tx)
    u += np.float32(offset[0])
    v = -s * X
    v += c * Y
    v /= np.float32(ty)
    v += np.float32(offset[1])
    n = np.float32(tile.shape[0])
    u = floor_mod(u, n)
    v = floor_mod(v, n)
    return cv2.remap(tile, u, v, cv2.INTER_LINEAR, borderMode=cv2.BORDER_WRAP)


def smooth_field(
    rng: np.random.Generator, size: tuple[int, int], fn: Any, down: int = 8
) -> np.ndarray:
    """Evaluate ``fn(xn, yn)`` on a 1/down grid of normalised coords, resize to size."""
    w, h = size
    sw, sh = max(w // down, 4), max(h // down, 4)
    xn = ((np.arange(sw) + 0.5) / sw).astype(np.float32)[None, :]
    yn = ((np.arange(sh) + 0.5) / sh).astype(np.float32)[:, None]
    small = np.broadcast_to(fn(xn, yn), (sh, sw)).astype(np.float32)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)


def project(H: np.ndarray, pts_xy: np.ndarray) -> np.ndarray:
    """Apply a homography to (K, 2) points."""
    p = np.asarray(pts_xy, dtype=np.float64).reshape(-1, 2)
    q = p @ H[:, :2].T + H[:, 2]
    return q[:, :2] / q[:, 2:3]


#: Supersampling factor of polygon coverage (exact to ~1/16 px at the edges).
_POLY_SUPERSAMPLE = 8


def poly_alpha(size: tuple[int, int], poly_xy: np.ndarray) -> np.ndarray:
    """Anti-aliased coverage (float32 0..1) of an image-space polygon."""
    w, h = size
    out = np.zeros((h, w), np.float32)
    poly = np.asarray(poly_xy, np.float64).reshape(-1, 2)
    x0 = int(max(0, np.floor(poly[:, 0].min()) - 1))
    y0 = int(max(0, np.floor(poly[:, 1].min()) - 1))
    x1 = int(min(w, np.ceil(poly[:, 0].max()) + 2))
    y1 = int(min(h, np.ceil(poly[:, 1].max()) + 2))
    if x1 <= x0 or y1 <= y0:
        return out
    # exact area coverage by supersampling: pixel (i, j) covers [j-0.5, j+0.5) x ...
    # (one canvas: cv2.fillPoly clips a polygon to the canvas by moving its
    # edges, so strips of it would not fill exactly the same samples)
    ss = _POLY_SUPERSAMPLE
    big = np.zeros(((y1 - y0) * ss, (x1 - x0) * ss), np.uint8)
    sub = (poly - [x0 - 0.5, y0 - 0.5]) * ss - 0.5
    pts = np.round(sub * 16.0).astype(np.int32).reshape(-1, 1, 2)
    cv2.fillPoly(big, [pts], 1, lineType=cv2.LINE_8, shift=4)
    out[y0:y1, x0:x1] = _block_share(big, ss)
    return out


def _block_share(big: np.ndarray, ss: int) -> np.ndarray:
    """Share of 1s in each ``ss`` x ``ss`` block of a 0/1 uint8 image (float32).

    The same numbers as ``big.reshape(h, ss, w, ss).mean(axis=(1, 3),
    dtype=np.float32)`` (counts up to 64 and their division by a power of two
    are exact in float32), several times faster for ``ss = 8``: the eight
    bytes of each block row are summed at once as one 64-bit word
    (multiplying by 0x0101...01 gathers their sum in the top byte), then the
    block's rows.
    """
    hb, wb = big.shape[0] // ss, big.shape[1] // ss
    if ss != 8:
        return big.reshape(hb, ss, wb, ss).mean(axis=(1, 3), dtype=np.float32)
    words = np.ascontiguousarray(big).reshape(hb * ss, wb, ss).view(np.uint64)[..., 0]
    out = np.empty((hb, wb), np.float32)
    # a few block rows at a time: the temporaries stay cache-sized
    step = max(1, (1 << 18) // max(wb, 1))
    for r in range(0, hb, step):
        rows = words[r * ss : (r + step) * ss] * np.uint64(0x0101010101010101)
        rows >>= np.uint64(56)
        n = rows.shape[0] // ss
        counts = rows.astype(np.uint8).reshape(n, ss, wb).sum(axis=1, dtype=np.uint8)
        np.multiply(counts, np.float32(1.0 / (ss * ss)), out=out[r : r + n], dtype=np.float32)
    return out


def rounded_rect(w: float, h: float, r: float, n_arc: int = 12) -> np.ndarray:
    """Outline (K, 2) of a w x h rectangle with corner radius r, origin top-left."""
    pts = []
    for cx, cy, a0 in ((w - r, r, -90), (w - r, h - r, 0), (r, h - r, 90), (r, r, 180)):
        for a in np.radians(np.linspace(a0, a0 + 90, n_arc)):
            pts.append((cx + r * np.cos(a), cy + r * np.sin(a)))
    return np.asarray(pts)


def colour_times(rgb: np.ndarray, field: np.ndarray) -> np.ndarray:
    """``rgb[None, None, :] * field[..., None]``, computed channel by channel.

    The same numbers in the same dtype; numpy broadcasts a last axis of 3 in
    an inner loop of three elements, which is several times slower.
    """
    rgb = np.asarray(rgb)
    out = np.empty(field.shape + (rgb.shape[0],), np.result_type(rgb, field))
    for k in range(rgb.shape[0]):
        np.multiply(field, rgb[k], out=out[..., k])
    return out


def scale_channels(img: np.ndarray, field: np.ndarray) -> None:
    """``img *= field[..., None]`` in place, channel by channel (see :func:`colour_times`)."""
    for k in range(img.shape[2]):
        img[..., k] *= field


def add_channels(img: np.ndarray, field: np.ndarray) -> None:
    """``img += field[..., None]`` in place, channel by channel (see :func:`colour_times`)."""
    for k in range(img.shape[2]):
        img[..., k] += field


def tint(
    rng: np.random.Generator,
    rgb: tuple[float, float, float],
    bright: tuple[float, float],
    jitter: float = 0.03,
) -> np.ndarray:
    """A colour near ``rgb`` (hue kept), scaled by a brightness drawn from ``bright``."""
    base = np.asarray(rgb, np.float64) * rng.uniform(*bright)
    return np.clip(base * (1.0 + jitter * rng.standard_normal(3)), 0.0, 1.0).astype(np.float32)


def _bbox(pts_xy: np.ndarray, size: tuple[int, int], pad: int) -> tuple[int, int, int, int]:
    w, h = size
    x0 = int(max(np.floor(pts_xy[:, 0].min()) - pad, 0))
    y0 = int(max(np.floor(pts_xy[:, 1].min()) - pad, 0))
    x1 = int(min(np.ceil(pts_xy[:, 0].max()) + pad + 1, w))
    y1 = int(min(np.ceil(pts_xy[:, 1].max()) + pad + 1, h))
    return x0, y0, max(x1, x0), max(y1, y0)


def _translate(dx: float, dy: float) -> np.ndarray:
    return np.array([[1.0, 0.0, dx], [0.0, 1.0, dy], [0.0, 0.0, 1.0]])


# --------------------------------------------------------------------------- #
# floors
# --------------------------------------------------------------------------- #
def _floor(
    rng: np.random.Generator, kind: str, X: np.ndarray, Y: np.ndarray, pix_mm: np.ndarray, p: dict
) -> np.ndarray:
    """Albedo (H, W, 3) of the floor at world coordinates X, Y."""
    angle = float(rng.uniform(0, np.pi))
    p["floor_angle"] = angle
    c, s = np.float32(np.cos(angle)), np.float32(np.sin(angle))
    U = c * X + s * Y
    V = -s * X + c * Y
    n1 = noise_tile(rng, 2.2)
    n2 = noise_tile(rng, 1.2)
    table = rng.uniform(-1.0, 1.0, 64).astype(np.float32)
    if kind in ("tile_light", "tile_dark"):
        period = float(rng.uniform(150.0, 330.0))
        grout_w = float(rng.uniform(2.0, 5.0))
        off = rng.uniform(0, period, 2).astype(np.float32)
        if kind == "tile_light":
            base = tint(rng, (1.0, 0.98, 0.94), (0.8, 0.93), 0.02)
            grout = base * np.float32(rng.uniform(0.6, 0.8))
        else:
            base = tint(rng, (1.0, 0.97, 0.95), (0.15, 0.3), 0.04)
            grout = tint(rng, (1.0, 0.98, 0.94), (0.3, 0.45), 0.02)
        p.update({"tile_period_mm": period, "grout_mm": grout_w})
        u, v = U + off[0], V + off[1]
        iu, iv = np.floor(u / period), np.floor(v / period)
        fu, fv = u - iu * period, v - iv * period
        d = np.minimum(np.minimum(fu, period - fu), np.minimum(fv, period - fv))
        g = np.clip((0.5 * grout_w - d) / np.maximum(pix_mm, 1e-3) + 0.5, 0.0, 1.0)
        idx = (floor_mod(iu, 8) * 8 + floor_mod(iv, 8)).astype(np.int32)
        shade = (
            1.0 + 0.03 * table[idx] + 0.012 * sample(n1, X, Y, 3.0) + 0.01 * sample(n2, X, Y, 0.5)
        )
        alb = colour_times(base, shade)
        # alb (1 - g) + grout g, in place
        scale_channels(alb, 1.0 - g)
        alb += colour_times(grout, g)
        return alb
    if kind == "wood":
        plank = float(rng.uniform(90.0, 200.0))
        grain = float(rng.uniform(1.5, 4.0))
        base = tint(rng, (1.0, 0.68, 0.42), (0.45, 0.75), 0.05)
        p.update({"plank_mm": plank, "grain_mm": grain})
        iv = np.floor(V / plank)
        idx = floor_mod(iv, 64).astype(np.int32)
        warp = sample(n1, U, V, (60.0, 6.0))
        phase = V / grain + 2.5 * warp + 7.0 * table[idx]
        rings = 0.5 + 0.5 * np.sin(2.0 * np.pi * phase)
        streak = sample(n2, U, V, (8.0, 0.4))
        shade = (1.0 + 0.08 * table[idx]) * (1.0 - 0.16 * rings**3 - 0.04 * streak)
        fv = V - iv * plank
        d = np.minimum(fv, plank - fv)
        seam = np.clip((0.6 - d) / np.maximum(pix_mm, 1e-3) + 0.5, 0.0, 1.0)
        shade = shade * (1.0 - 0.45 * seam)
        return colour_times(base, shade)
    if kind == "concrete":
        base = tint(rng, (1.0, 0.98, 0.95), (0.45, 0.65), 0.015)
        n3 = noise_tile(rng, 0.0)
        spk = sample(n3, X, Y, 0.8)
        speck = np.clip((np.abs(spk) - 2.3) * 2.0, 0.0, 1.0) * np.sign(spk)
        shade = (
            1.0
            + 0.05 * sample(n1, X, Y, 6.0)
            + 0.04 * sample(n2, X, Y, 1.0)
            - 0.25 * np.clip(speck, 0, 1)
            + 0.15 * np.clip(-speck, 0, 1)
        )
        return colour_times(base, shade)
    raise ValueError(f"unknown floor {kind!r}")


# --------------------------------------------------------------------------- #
# paper, card, form
# --------------------------------------------------------------------------- #
_PAPER_COLOURS = {
    "white": ((1.0, 0.99, 0.97), (0.9, 0.97), 0.01),
    "form": ((1.0, 1.0, 0.98), (0.91, 0.97), 0.01),
    "kraft": ((1.0, 0.8, 0.6), (0.62, 0.75), 0.03),
}


def _paper_albedo(
    rng: np.random.Generator, kind: str, X: np.ndarray, Y: np.ndarray, p: dict
) -> np.ndarray:
    rgb, bright, jit = _PAPER_COLOURS[kind]
    base = tint(rng, rgb, bright, jit)
    p[f"paper_{kind}_rgb"] = base.tolist()
    n1 = noise_tile(rng, 1.0)
    if kind == "kraft":
        fib = sample(noise_tile(rng, 1.5), X, Y, (2.5, 0.25), angle=float(rng.uniform(0, np.pi)))
        shade = 1.0 + 0.03 * sample(n1, X, Y, 0.3) + 0.035 * fib
        shade -= 0.06 * np.clip(fib - 2.6, 0.0, 1.0)  # a few darker fibres
    else:
        shade = 1.0 + 0.012 * sample(n1, X, Y, 0.25)
    return colour_times(base, shade)


def _card_canvas(rng: np.random.Generator, mm_px: float, p: dict) -> np.ndarray:
    """RGBA (float32) picture of an ID-1 card, 85.60 x 53.98 mm."""
    w, h = int(round(85.60 / mm_px)), int(round(53.98 / mm_px))
    col = rng.uniform(0.1, 0.85, 3)
    col2 = np.clip(col + rng.uniform(-0.3, 0.3, 3), 0.05, 0.95)
    p["card_rgb"] = col.tolist()
    t = np.linspace(0.0, 1.0, w, dtype=np.float32)[None, :, None]
    rgb = np.broadcast_to(col * (1 - t) + col2 * t, (h, w, 3)).astype(np.float32).copy()
    k = 1.0 / mm_px
    # a wave band, the chip and some printing
    xs = np.arange(w)
    ys = (h * 0.62 + 6.0 * k * np.sin(xs / w * 2 * np.pi * rng.uniform(0.5, 1.5))).astype(int)
    band = np.clip(col2 * 0.6 + 0.3, 0, 1)
    for x, y in zip(xs, ys, strict=True):
        rgb[y : y + int(5 * k), x] = band
    rgb = np.round(rgb * 255.0).astype(np.uint8)  # OpenCV draws text on 8-bit images only
    gold = (199, 168, 89)
    cv2.rectangle(rgb, (int(8 * k), int(18 * k)), (int(19 * k), int(27 * k)), gold, -1)
    cv2.rectangle(rgb, (int(8 * k), int(18 * k)), (int(19 * k), int(27 * k)), (128, 102, 51), 1)
    ink = (242, 242, 242) if col.mean() < 0.5 else (25, 25, 38)
    font = cv2.FONT_HERSHEY_SIMPLEX
    digits = " ".join("".join(str(d) for d in rng.integers(0, 10, 4)) for _ in range(4))
    cv2.putText(rgb, digits, (int(7 * k), int(40 * k)), font, 0.11 * k, ink, max(1, int(0.35 * k)))
    cv2.putText(rgb, "BANK", (int(7 * k), int(11 * k)), font, 0.14 * k, ink, max(1, int(0.5 * k)))
    alpha = np.zeros((h, w), np.uint8)
    outline = rounded_rect(w, h, 3.18 * k) - 0.5
    cv2.fillPoly(
        alpha, [np.round(outline * 16).astype(np.int32)], 255, lineType=cv2.LINE_AA, shift=4
    )
    return np.dstack([rgb, alpha]).astype(np.float32) / 255.0


def form_canvas(
    rng: np.random.Generator, paper_wh: tuple[float, float], form: dict, mm_px: float
) -> tuple[np.ndarray, np.ndarray]:
    """Printed (black/colour) and pen (blue) ink of a podograph form, 0..1 each."""
    w, h = int(np.ceil(paper_wh[0] / mm_px)), int(np.ceil(paper_wh[1] / mm_px))
    printed = np.zeros((h, w), np.uint8)  # OpenCV draws text on 8-bit images only
    pen = np.zeros((h, w), np.uint8)
    k = 1.0 / mm_px
    font = cv2.FONT_HERSHEY_SIMPLEX
    lw = max(1, int(round(0.4 * k)))
    for x0, y0, x1, y1 in form["panels"]:
        cv2.rectangle(printed, (int(x0 * k), int(y0 * k)), (int(x1 * k), int(y1 * k)), 255, lw)
    top = form["heading_y"]
    cv2.putText(
        printed, form["title"], (int(12 * k), int((top - 9) * k)), font, 0.16 * k, 255, int(0.6 * k)
    )
    cv2.putText(
        printed,
        "Name: ____________  Date: ________",
        (int(12 * k), int((top - 2.5) * k)),
        font,
        0.09 * k,
        230,
        max(1, int(0.3 * k)),
    )
    for label, (x0, y0, _, _) in zip(form["labels"], form["panels"], strict=True):
        cv2.putText(printed, label, (int((x0 + 3) * k), int((y0 + 7) * k)), font, 0.1 * k, 255, lw)
    # logo: a filled blob with a letter cut out, top right
    lx, ly = paper_wh[0] - 22.0, top - 11.0
    cv2.ellipse(printed, (int(lx * k), int(ly * k)), (int(8 * k), int(6 * k)), 0, 0, 360, 255, -1)
    cv2.putText(printed, "P", (int((lx - 3) * k), int((ly + 3) * k)), font, 0.12 * k, 0, lw)
    # handwriting: a name scribble in the heading and a few strokes in the margins
    for sx, sy, length in form["strokes"]:
        n = 40
        t = np.linspace(0, 1, n)
        xs = sx + length * t
        ys = sy + rng.normal(0, 1.2, n).cumsum() * 0.4 + 1.5 * np.sin(t * rng.uniform(8, 20))
        pts = np.round(np.column_stack([xs, ys]) * k * 16).astype(np.int32)
        cv2.polylines(pen, [pts], False, 255, max(1, int(0.35 * k)), cv2.LINE_AA, shift=4)
    return printed.astype(np.float32) / 255.0, pen.astype(np.float32) / 255.0


# --------------------------------------------------------------------------- #
# the photo
# --------------------------------------------------------------------------- #
def render(
    rng: np.random.Generator,
    layout: Layout,
    H: np.ndarray,
    size: tuple[int, int],
    p: dict,
    rng_print: np.random.Generator | None = None,
) -> np.ndarray:
    """Render the layout through homography ``H`` (world mm -> image px).

    The print draws its random numbers from ``rng_print`` (default ``rng``), so
    a photo rendered without the print is otherwise identical.
    Returns the float32 (H, W, 3) linear display image before noise.
    """
    rng_print = rng if rng_print is None else rng_print
    w, h = size
    Hinv = np.linalg.inv(H)
    xs = np.arange(w, dtype=np.float32)[None, :]
    ys = np.arange(h, dtype=np.float32)[:, None]
    hi = Hinv.astype(np.float32)
    den = hi[2, 0] * xs + hi[2, 1] * ys + hi[2, 2]
    X = (hi[0, 0] * xs + hi[0, 1] * ys + hi[0, 2]) / den
    Y = (hi[1, 0] * xs + hi[1, 1] * ys + hi[1, 2]) / den
    # local pixel size on the plane [mm]
    pix_mm = np.sqrt(np.abs(np.float32(np.linalg.det(Hinv))) / np.abs(den) ** 3).astype(np.float32)
    img = _floor(rng, layout.floor, X, Y, pix_mm, p)

    def lay_sheet(sheet: Sheet, alb_fn: Any) -> np.ndarray:
        poly = project(H, sheet.corners_xy)
        alpha = poly_alpha(size, poly)
        # soft contact shadow on the floor
        dx, dy = rng.normal(0, 0.004 * w, 2)
        small = cv2.resize(alpha, (max(w // 4, 4), max(h // 4, 4)), interpolation=cv2.INTER_AREA)
        small = cv2.warpAffine(
            small, np.float32([[1, 0, dx / 4], [0, 1, dy / 4]]), small.shape[::-1]
        )
        small = cv2.GaussianBlur(small, (0, 0), max(0.004 * w, 1.0))
        shadow = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
        scale_channels(img, 1.0 - float(rng.uniform(0.15, 0.35)) * shadow * (1.0 - alpha))
        x0, y0, x1, y1 = _bbox(poly, size, 2)
        if x1 > x0 and y1 > y0:
            sub = (slice(y0, y1), slice(x0, x1))
            alb = alb_fn(X[sub], Y[sub])
            a = alpha[sub]
            keep = 1.0 - a
            for k in range(img.shape[2]):  # per channel: the same numbers, far faster
                img[sub + (k,)] = img[sub + (k,)] * keep + alb[..., k] * a
        return alpha

    paper_alpha = None
    if layout.paper is not None:
        kind = layout.paper.kind
        paper_alpha = lay_sheet(layout.paper, lambda x, y: _paper_albedo(rng, kind, x, y, p))
    if layout.ref_sheet is not None:
        lay_sheet(layout.ref_sheet, lambda x, y: _paper_albedo(rng, "white", x, y, p))
    if layout.form is not None and layout.paper is not None:
        _draw_form(rng, layout, H, size, img, p)
    if layout.card is not None:
        _draw_card(rng, layout.card, H, size, img, p)
    wet = np.zeros((h, w), np.float32)
    if layout.with_print:
        for foot in layout.feet:
            _draw_print(rng_print, layout, foot, H, size, X, Y, pix_mm, img, wet, p)
    X = Y = pix_mm = den = None  # free the world maps before the light pass
    return _light(rng, layout, img, wet, paper_alpha, size, p)


def _draw_card(
    rng: np.random.Generator,
    card: Sheet,
    H: np.ndarray,
    size: tuple[int, int],
    img: np.ndarray,
    p: dict,
) -> None:
    mm_px = 0.2
    canvas = _card_canvas(rng, mm_px, p)
    tl, tr, _, bl = card.corners_xy
    ex = (tr - tl) / 85.60
    ey = (bl - tl) / 53.98
    # canvas (col, row) -> world: pixel centre (c, r) at tl + (c + 0.5) mm_px ex + ...
    A = np.array(
        [
            [ex[0] * mm_px, ey[0] * mm_px, tl[0] + 0.5 * mm_px * (ex[0] + ey[0])],
            [ex[1] * mm_px, ey[1] * mm_px, tl[1] + 0.5 * mm_px * (ex[1] + ey[1])],
            [0.0, 0.0, 1.0],
        ]
    )
    poly = project(H, card.corners_xy)
    x0, y0, x1, y1 = _bbox(poly, size, 3)
    if x1 <= x0 or y1 <= y0:
        return
    G = _translate(-x0, -y0) @ H @ A
    warped = cv2.warpPerspective(canvas, G, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR)
    a = warped[..., 3:4]
    sub = img[y0:y1, x0:x1]
    # a thin contact shadow
    sh = cv2.GaussianBlur(a[..., 0], (0, 0), 2.0)[..., None]
    sub *= 1.0 - 0.3 * sh * (1.0 - a)
    sub[...] = sub * (1.0 - a) + warped[..., :3] * a


def _draw_form(
    rng: np.random.Generator,
    layout: Layout,
    H: np.ndarray,
    size: tuple[int, int],
    img: np.ndarray,
    p: dict,
) -> None:
    assert layout.paper is not None and layout.form is not None
    mm_px = 0.25
    tl, tr, _, bl = layout.paper.corners_xy
    wh = (float(np.hypot(*(tr - tl))), float(np.hypot(*(bl - tl))))
    printed, pen = form_canvas(rng, wh, layout.form, mm_px)
    ex, ey = (tr - tl) / wh[0], (bl - tl) / wh[1]
    A = np.array(
        [
            [ex[0] * mm_px, ey[0] * mm_px, tl[0] + 0.5 * mm_px * (ex[0] + ey[0])],
            [ex[1] * mm_px, ey[1] * mm_px, tl[1] + 0.5 * mm_px * (ex[1] + ey[1])],
            [0.0, 0.0, 1.0],
        ]
    )
    poly = project(H, layout.paper.corners_xy)
    x0, y0, x1, y1 = _bbox(poly, size, 2)
    if x1 <= x0 or y1 <= y0:
        return
    G = _translate(-x0, -y0) @ H @ A
    both = cv2.warpPerspective(np.dstack([printed, pen]), G, (x1 - x0, y1 - y0))
    pr_col = np.array(layout.form["print_rgb"], np.float32)
    pen_col = np.array(layout.form["pen_rgb"], np.float32)
    sub = img[y0:y1, x0:x1]
    sub *= 1.0 - both[..., 0:1] * (1.0 - pr_col)
    sub *= 1.0 - 0.9 * both[..., 1:2] * (1.0 - pen_col)


def _draw_print(
    rng: np.random.Generator,
    layout: Layout,
    foot: PlacedFoot,
    H: np.ndarray,
    size: tuple[int, int],
    X: np.ndarray,
    Y: np.ndarray,
    pix_mm: np.ndarray,
    img: np.ndarray,
    wet: np.ndarray,
    p: dict,
) -> None:
    """Darken / ink the image where the foot touched, following its pressure."""
    G = H @ foot.frame_to_world
    fh, fw = foot.coverage.shape
    corners = np.array([[0, 0], [fw, 0], [fw, fh], [0, fh]], np.float64) - 0.5
    x0, y0, x1, y1 = _bbox(project(G, corners), size, 3)
    if x1 <= x0 or y1 <= y0:
        return
    Gs = _translate(-x0, -y0) @ G
    sub = (slice(y0, y1), slice(x0, x1))
    ratio = float(np.median(pix_mm[sub])) / foot.mm_per_px
    cov_src, pr_src = foot.coverage, foot.pressure
    if ratio > 1.3:  # prefilter against aliasing when the image is coarser than the frame
        sig = 0.45 * ratio
        cov_src = cv2.GaussianBlur(cov_src, (0, 0), sig)
        pr_src = cv2.GaussianBlur(pr_src, (0, 0), sig)
    dsize = (x1 - x0, y1 - y0)
    cov = cv2.warpPerspective(cov_src, Gs, dsize, flags=cv2.INTER_LINEAR)
    pr = cv2.warpPerspective(pr_src, Gs, dsize, flags=cv2.INTER_LINEAR)
    Xs, Ys, pm = X[sub], Y[sub], pix_mm[sub]
    scene = layout.scene
    out = img[sub]
    if scene in ("ink_black", "ink_blue"):
        st = p.setdefault(
            "ink",
            {
                "a": float(rng.uniform(0.3, 0.5)),
                "b": float(rng.uniform(0.5, 0.8)),
                "mottle": float(rng.uniform(0.2, 0.4)),
                "rgb": (
                    rng.uniform([0.05, 0.05, 0.06], [0.14, 0.13, 0.15])
                    if scene == "ink_black"
                    else rng.uniform([0.08, 0.14, 0.40], [0.2, 0.3, 0.62])
                ).tolist(),
            },
        )
        nt = noise_tile(rng, 1.3)
        n = sample(nt, Xs, Ys, float(rng.uniform(0.25, 0.5)))
        t = st["a"] + st["b"] * pr
        dens = cov * np.clip((1.3 * t + st["mottle"] * n - 0.3) * 2.0, 0.0, 1.0)
        ink = np.array(st["rgb"], np.float32)
        out *= 1.0 - colour_times(1.0 - ink, dens)
    elif scene == "podograph":
        st = p.setdefault(
            "grid",
            {
                "period_mm": float(rng.uniform(2.0, 4.0)),
                "phase": rng.uniform(0, 1, 2).tolist(),
                "rgb": rng.uniform([0.05, 0.05, 0.08], [0.2, 0.18, 0.35]).tolist(),
            },
        )
        P = np.float32(st["period_mm"])
        u = Xs / P + np.float32(st["phase"][0])
        v = Ys / P + np.float32(st["phase"][1])
        iu, iv = np.floor(u), np.floor(v)
        fu, fv = np.abs(u - iu - 0.5), np.abs(v - iv - 0.5)
        table = rng.uniform(0, 1, 4096).astype(np.float32)
        q = table[(floor_mod(iu, 64) * 64 + floor_mod(iv, 64)).astype(np.int32)]
        # square half-size (period units) grows with pressure; light contact -> sparse dots
        hs = 0.1 + 0.38 * np.clip(pr, 0, 1) ** 0.8
        edge = pm / P
        a = np.clip((hs - fu) / edge + 0.5, 0, 1) * np.clip((hs - fv) / edge + 0.5, 0, 1)
        keep = np.clip((1.6 * pr + 0.35 - q) * 6.0, 0.0, 1.0)
        dens = np.clip(cov * 1.5 - 0.25, 0, 1) * keep * a * (0.65 + 0.35 * pr)
        ink = np.array(st["rgb"], np.float32)
        out *= 1.0 - colour_times(1.0 - ink, dens)
    else:  # wet
        strength = {
            "wet_kraft": (0.35, 0.5),
            "wet_tile_light": (0.16, 0.26),
            "wet_tile_dark": (0.18, 0.28),
            "wet_wood": (0.25, 0.38),
            "wet_concrete": (0.28, 0.4),
        }[scene]
        st = p.setdefault(
            "wet",
            {
                "strength": float(rng.uniform(*strength)),
                "a": float(rng.uniform(0.3, 0.5)),
                "b": float(rng.uniform(0.5, 0.7)),
                "edge_mm": float(rng.uniform(0.3, 0.8)),
                "saturate": float(rng.uniform(0.2, 0.6)),
            },
        )
        nt = noise_tile(rng, 1.6)
        n = sample(nt, Xs, Ys, float(rng.uniform(0.4, 1.0)))
        # the water film's edge wanders by a fraction of a millimetre: a
        # blurred step of width s ~ edge_mm gives the signed distance to the
        # edge near it, (cov_s - 0.5) * s / phi(0), which the wander shifts;
        # away from the edge (beyond ~s) the coverage stays 0 or 1
        ne = sample(noise_tile(rng, 2.0), Xs, Ys, 0.8)
        s_px = max(st["edge_mm"] / float(np.median(pm)), 0.5)
        soft = cv2.GaussianBlur(cov, (0, 0), s_px)
        dist_px = (soft - 0.5) * (s_px / 0.4)
        wander_px = st["edge_mm"] / np.maximum(pm, 1e-3) * 0.3 * ne
        cov = np.clip(dist_px + 0.5 + wander_px, 0.0, 1.0)
        cov[soft < 1e-3] = 0.0  # the noise's rare tails reach no further
        cov[soft > 1.0 - 1e-3] = 1.0
        d = cov * np.clip((st["a"] + st["b"] * pr) * (1.0 + 0.15 * n), 0.0, 1.2)
        k = st["strength"] * d
        grey = out.mean(axis=2, keepdims=True)
        out[...] = (out + st["saturate"] * k[..., None] * (out - grey)) * (1.0 - k[..., None])
        wet[sub] = np.maximum(wet[sub], d)
    img[sub] = out


def _light(
    rng: np.random.Generator,
    layout: Layout,
    img: np.ndarray,
    wet: np.ndarray,
    paper_alpha: np.ndarray | None,
    size: tuple[int, int],
    p: dict,
) -> np.ndarray:
    """Illumination gradient, vignetting, phone shadow, gloss and white balance."""
    w, h = size
    g_amp = float(rng.uniform(0.05, 0.3))
    g_dir = float(rng.uniform(0, 2 * np.pi))
    vig = float(rng.uniform(0.1, 0.35))
    expo = float(rng.uniform(0.88, 1.05))
    sh_c = rng.uniform([-0.1, -0.1], [1.1, 1.1])
    sh_r = rng.uniform([0.12, 0.2], [0.3, 0.45])
    sh_a = float(rng.uniform(0.0, 0.35)) if rng.uniform() < 0.7 else 0.0
    sh_ang = float(rng.uniform(0, np.pi))
    p["light"] = {
        "gradient": g_amp,
        "gradient_dir": g_dir,
        "vignetting": vig,
        "exposure": expo,
        "phone_shadow": sh_a,
        "phone_shadow_centre": sh_c.tolist(),
    }

    def illum(xn: np.ndarray, yn: np.ndarray) -> np.ndarray:
        lin = 1.0 + g_amp * ((xn - 0.5) * np.cos(g_dir) + (yn - 0.5) * np.sin(g_dir))
        r2 = ((xn - 0.5) ** 2 + (yn - 0.5) ** 2) / 0.5
        c, s = np.cos(sh_ang), np.sin(sh_ang)
        dx, dy = xn - sh_c[0], yn - sh_c[1]
        e = ((c * dx + s * dy) / sh_r[0]) ** 2 + ((-s * dx + c * dy) / sh_r[1]) ** 2
        shadow = sh_a / (1.0 + np.exp((e - 1.0) * 4.0))
        return expo * lin * (1.0 - vig * r2) * (1.0 - shadow)

    L = smooth_field(rng, size, illum)
    out = img
    scale_channels(out, L)
    gains = np.array([1.0, 1.0, 1.0], np.float32) + np.float32(rng.uniform(-0.05, 0.06)) * np.array(
        [1.0, 0.0, -1.0], np.float32
    )
    for k in range(out.shape[2]):  # per channel: see colour_times
        out[..., k] *= gains[k]
    glossy = layout.scene in ("wet_tile_light", "wet_tile_dark", "wet_wood", "wet_concrete")
    gloss = 0.0
    if glossy or layout.scene == "wet_kraft":
        hc = rng.uniform(0.1, 0.9, 2)
        hs = float(rng.uniform(0.12, 0.3))
        floor_gloss = float(rng.uniform(0.03, 0.12)) if layout.scene.startswith("wet_tile") else 0.0
        gloss = float(rng.uniform(0.04, 0.15))
        p["gloss"] = {"centre": hc.tolist(), "sigma": hs, "floor": floor_gloss, "wet": gloss}
        spot = smooth_field(
            rng, size, lambda xn, yn: np.exp(-((xn - hc[0]) ** 2 + (yn - hc[1]) ** 2) / (2 * hs**2))
        )
        wet_s = cv2.GaussianBlur(wet, (0, 0), max(1.0, 0.002 * w))
        spec = spot * (floor_gloss + gloss * wet_s)
        if paper_alpha is not None and layout.scene.startswith("wet_tile"):
            spec *= 1.0 - paper_alpha
        add_channels(out, spec)
    return out


def finish(rng: np.random.Generator, img: np.ndarray, size: tuple[int, int], p: dict) -> np.ndarray:
    """Upsample to ``size`` if rendered smaller, defocus blur, sensor noise, uint8 RGB.

    Noise is shot noise (variance proportional to the signal) plus read noise,
    with a weaker, coarser chroma component like a phone's denoised output.
    """
    w, h = size
    if img.shape[1] != w or img.shape[0] != h:
        img = cv2.resize(img, (w, h), interpolation=cv2.INTER_LINEAR)
    scale = w / 1600.0
    sigma_blur = float(rng.uniform(0.35, 1.0)) * max(scale, 0.5)
    k_shot = float(rng.uniform(0.0003, 0.0015))
    k_read = float(rng.uniform(1e-5, 1e-4))
    p["camera_noise"] = {"blur_px": sigma_blur, "shot": k_shot, "read": k_read}
    out = cv2.GaussianBlur(img, (0, 0), sigma_blur, dst=img)  # in place: 12 MP is 145 MB
    lum = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY)
    np.maximum(lum, 0.0, out=lum)
    lum *= np.float32(k_shot)
    lum += np.float32(k_read)
    sd = cv2.sqrt(lum)
    noise = rng.standard_normal((h, w), dtype=np.float32)
    noise *= sd
    chroma = rng.standard_normal((max(h // 2, 1), max(w // 2, 1), 3), dtype=np.float32)
    chroma = cv2.resize(chroma, (w, h), interpolation=cv2.INTER_LINEAR)
    scale_channels(chroma, 0.4 * sd)
    add_channels(chroma, noise)
    out += chroma
    out *= np.float32(255.0)
    out += np.float32(0.5)
    np.clip(out, 0.0, 255.0, out=out)
    return out.astype(np.uint8)

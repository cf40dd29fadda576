"""Seeded synthetic footprint photos with exact ground truth.

Every accuracy number of the project is measured on these images, so the
generator has two jobs: look like a phone photo of a real print, and know the
exact answer.

The pipeline of one photo
-------------------------
1. :func:`make_foot` builds a parametric plantar print in its own metric
   *foot frame* (the convention of :mod:`footprint.frame`: toes up, medial
   side left, axis heel centre -> second-toe tip vertical). The sole is a
   smooth union of signed-distance primitives (heel ellipse, oblique ball,
   a midfoot band whose medial concavity is driven by ``arch``), the toes are
   five separate ellipses at least a few millimetres distal of the ball, and
   the pressure field is a sum of smooth bumps (heel, MTH1-5, hallux, toes).
2. :func:`foot_truth` measures that frame exactly with :mod:`footprint.indices`.
3. :func:`render_photo` lays the feet on a world plane (mm) together with the
   scene's paper, floor and reference, picks a pinhole camera (any in-plane
   rotation, tilt up to ``max_tilt_deg``), and renders every output pixel
   directly from its world coordinates: procedural floor, paper, card and
   podograph textures are evaluated in world millimetres, the foot masks are
   warped with the exact frame -> image homography. Light gradient,
   vignetting, a phone shadow, gloss, noise, defocus and a JPEG round trip
   follow (:mod:`footprint.synth_scenes`).

Conventions
-----------
* World plane: millimetres, x to the right, y *down* (like an image), so a
  camera looking straight down without roll sees it unmirrored.
* Image points are (x, y) with pixel centres at integer coordinates (OpenCV).
* Frame points are (row, col) in :class:`FootShape`, with the same pixel-centre
  convention.
* All randomness comes from ``np.random.default_rng(seed)``: the same seed and
  arguments give byte-identical photos.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from footprint import indices
from footprint.params import CUTOFF_PRESETS

logger = logging.getLogger(__name__)

SCENES: tuple[str, ...] = (
    "wet_kraft",
    "wet_tile_light",
    "wet_tile_dark",
    "wet_wood",
    "wet_concrete",
    "ink_black",
    "ink_blue",
    "podograph",
)
REFERENCES: tuple[str, ...] = ("a4", "letter", "card", "none")

#: Scenes where the print is made on a sheet of paper (the sheet is the reference
#: when the reference is "a4" or "letter").
PAPER_SCENES: tuple[str, ...] = ("wet_kraft", "ink_black", "ink_blue", "podograph")

#: Reference sizes (width, height) in mm, in their upright orientation.
REFERENCE_SIZE_MM: dict[str, tuple[float, float]] = {
    "a4": (210.0, 297.0),
    "letter": (215.9, 279.4),
    "card": (85.60, 53.98),
}
CARD_CORNER_RADIUS_MM = 3.18

#: Adult foot lengths (heel to longest toe) drawn when none is given [mm]. The
#: measured print length is within about 4 % of the drawn value, so the range is
#: kept a little inside 220-290 mm.
ADULT_LENGTH_RANGE_MM = (228.0, 280.0)
_PRINT_TO_BODY_LENGTH = 0.93


# --------------------------------------------------------------------------- #
# data classes
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class FootShape:
    """A plantar print in its own foot frame (see :mod:`footprint.frame`).

    Attributes
    ----------
    side : {'left', 'right'}
        Which foot. A left foot is stored mirrored, so the arrays of a left and
        a right foot made from the same random draws are identical.
    mm_per_px : float
        Sampling of the arrays [mm per frame pixel].
    sole : (M, N) float32 ndarray
        Anti-aliased contact coverage 0..1 of the sole, toes excluded. Toes up
        (low rows), medial side left (low cols).
    toes : (M, N) float32 ndarray
        Coverage of the toe blobs; never touches ``sole``.
    pressure : (M, N) float32 ndarray
        Relative contact intensity 0..1 on sole and toes, 0 outside.
    heel_centre_rc : (float, float)
        Heel centre (row, col); pixel centres at integer coordinates.
    toe_tip_rc : (float, float)
        Tip of the second toe (row, col); same column as the heel centre.
    params : dict
        The random draws that made the shape (mm), for debugging.
    """

    side: str
    mm_per_px: float
    sole: np.ndarray
    toes: np.ndarray
    pressure: np.ndarray
    heel_centre_rc: tuple[float, float]
    toe_tip_rc: tuple[float, float]
    params: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def print_mask(self) -> np.ndarray:
        """Coverage of the whole print (sole + toes), 0..1."""
        return np.clip(self.sole + self.toes, 0.0, 1.0)


@dataclass(frozen=True)
class FootTruth:
    """Exact ground truth of one foot in a synthetic photo.

    Indices are measured on the undistorted :class:`FootShape`; points are in
    output-image pixels (x, y).
    """

    side: str
    arch_index: float
    chippaux_smirak: float
    staheli: float
    clarke_angle_deg: float
    arch_type: str
    foot_length_mm: float
    foot_width_mm: float
    centroid_xy: tuple[float, float]
    heel_centre_xy: tuple[float, float]
    toe_tip_xy: tuple[float, float]
    shape: FootShape = field(repr=False)


@dataclass(frozen=True)
class SynthPhoto:
    """One synthetic phone photo and everything known about it.

    Attributes
    ----------
    rgb : (H, W, 3) uint8 ndarray
        The captured image (after the JPEG round trip when ``jpeg`` is set).
    jpeg : bytes or None
        The encoded JPEG, or None when rendered without compression.
    scene, reference : str
        One of :data:`SCENES` and :data:`REFERENCES`.
    reference_corners_xy : (4, 2) float ndarray or None
        Reference corners in image pixels, ordered TL, TR, BR, BL of the
        reference in its own upright orientation (sheets portrait, the card
        landscape). Sharp corners, also for the rounded card.
    world_to_image : (3, 3) ndarray
        Homography from the world plane (mm, y down) to image pixels.
    feet : tuple of FootTruth
        The feet in the photo (empty for :func:`no_print_photo`).
    seed : int
        The seed the photo was made from.
    params : dict
        Every random choice, for reproduction and debugging.
    """

    rgb: np.ndarray
    jpeg: bytes | None
    scene: str
    reference: str
    reference_corners_xy: np.ndarray | None
    world_to_image: np.ndarray
    feet: tuple[FootTruth, ...]
    seed: int
    params: dict


# --------------------------------------------------------------------------- #
# signed-distance helpers (mm)
# --------------------------------------------------------------------------- #
def _sd_ellipse(
    x: np.ndarray, y: np.ndarray, cx: float, cy: float, a: float, b: float, theta: float = 0.0
) -> np.ndarray:
    """Approximate signed distance to an ellipse (negative inside).

    ``a`` is the semi-axis along the rotated x axis, ``theta`` the rotation
    (radians, counter-clockwise in x-right / y-distal coordinates).
    """
    dx = x - cx
    dy = y - cy
    if theta:
        c, s = np.cos(theta), np.sin(theta)
        dx, dy = c * dx + s * dy, -s * dx + c * dy
    k0 = np.sqrt((dx / a) ** 2 + (dy / b) ** 2)
    k1 = np.sqrt((dx / (a * a)) ** 2 + (dy / (b * b)) ** 2)
    return k0 * (k0 - 1.0) / np.maximum(k1, 1e-6)


def _sd_superellipse(
    x: np.ndarray, y: np.ndarray, cx: float, cy: float, a: float, b: float, theta: float, n: float
) -> np.ndarray:
    """Rough signed distance to a rotated superellipse of exponent ``n``."""
    dx = x - cx
    dy = y - cy
    c, s = np.cos(theta), np.sin(theta)
    u, v = c * dx + s * dy, -s * dx + c * dy
    r = (np.abs(u / a) ** n + np.abs(v / b) ** n) ** (1.0 / n)
    return (r - 1.0) * np.sqrt(a * b)


def _in_box(
    fn: Any, X: np.ndarray, Y: np.ndarray, box: tuple[float, float, float, float], far: float
) -> np.ndarray:
    """Evaluate ``fn(X, Y)`` only inside ``box`` = (x0, x1, y0, y1) mm; ``far`` elsewhere."""
    out = np.full(X.shape, far, dtype=np.float32)
    xs, ys = X[0], Y[:, 0]
    cols = np.flatnonzero((xs >= box[0]) & (xs <= box[1]))
    rows = np.flatnonzero((ys >= box[2]) & (ys <= box[3]))
    if cols.size and rows.size:
        r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
        out[r0:r1, c0:c1] = fn(X[r0:r1, c0:c1], Y[r0:r1, c0:c1])
    return out


def _blur_field(f: np.ndarray, sigma_px: float) -> np.ndarray:
    """Gaussian blur of a smooth field, computed on a grid ~sigma/4 coarser."""
    step = int(max(1, min(8, sigma_px // 4)))
    if step == 1:
        return cv2.GaussianBlur(f, (0, 0), sigma_px)
    n_rows, n_cols = f.shape
    small = cv2.resize(f, (-(-n_cols // step), -(-n_rows // step)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), sigma_px / step)
    return cv2.resize(small, (n_cols, n_rows), interpolation=cv2.INTER_LINEAR)


def _smin(a: np.ndarray, b: np.ndarray, k: float) -> np.ndarray:
    """Polynomial smooth minimum (smooth union of two distance fields)."""
    h = np.clip(0.5 + 0.5 * (b - a) / k, 0.0, 1.0)
    return b + (a - b) * h - k * h * (1.0 - h)


def _coverage(f: np.ndarray, px_mm: float) -> np.ndarray:
    """Anti-aliased coverage of the region ``f < 0`` of a (roughly metric) field.

    The field is normalised by its numerical gradient, so the edge ramp is one
    pixel wide whatever the scaling of the primitives.
    """
    gy, gx = np.gradient(f)
    g = np.sqrt(gx * gx + gy * gy)
    g = np.maximum(g, 1e-3 * px_mm)
    cov = np.clip(0.5 - f / g, 0.0, 1.0)
    # far from the edge the field decides alone (guards against jumps in ``f``)
    cov[f > 2.0 * px_mm] = 0.0
    cov[f < -2.0 * px_mm] = 1.0
    return cov.astype(np.float32)


# --------------------------------------------------------------------------- #
# the foot model
# --------------------------------------------------------------------------- #
def _draw_arch(rng: np.random.Generator) -> float:
    """Arch parameter: ~12 % very high (broken midfoot), ~30 % around normal, rest 0.15..1."""
    u = rng.uniform()
    if u < 0.12:
        return float(rng.uniform(0.0, 0.15))
    if u < 0.42:
        return float(rng.uniform(0.5, 0.72))
    return float(rng.uniform(0.15, 1.0))


def make_foot(
    rng: np.random.Generator,
    *,
    side: str = "right",
    length_mm: float | None = None,
    arch: float | None = None,
    mm_per_px: float = 0.2,
) -> FootShape:
    """Make a random, anatomically plausible plantar print.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of every random draw.
    side : {'left', 'right'}
        Which foot. The arrays do not depend on it (a left foot is stored
        mirrored into the right-foot frame); only the placement in a photo does.
    length_mm : float, optional
        Nominal foot length, heel to longest toe [mm]; drawn from
        :data:`ADULT_LENGTH_RANGE_MM` when omitted. The measured print length
        differs from it by a few millimetres.
    arch : float, optional
        0..1, medial-midfoot contact: 0 is a very high arch (the midfoot breaks,
        AI ~ 0), 1 a flat foot (full midfoot, AI ~ 0.33). Drawn uniformly when
        omitted.
    mm_per_px : float
        Sampling of the frame [mm/px].

    Returns
    -------
    FootShape
    """
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', not {side!r}")
    if mm_per_px <= 0:
        raise ValueError("mm_per_px must be positive")
    L = float(rng.uniform(*ADULT_LENGTH_RANGE_MM)) if length_mm is None else float(length_mm)
    if not 80.0 <= L <= 400.0:
        raise ValueError(f"length_mm={L} is not a plausible foot length (80..400 mm)")
    if arch is None:
        arch = _draw_arch(rng)
    arch_v = float(np.clip(arch, 0.0, 1.0))
    px = float(mm_per_px)
    L_nominal = L
    # the proportions below are fractions of a body length; the print (heel to
    # longest toe tip) comes out at ~0.93 of it, so scale up to hit ``length_mm``
    L = L / _PRINT_TO_BODY_LENGTH

    # ---- proportions (fractions of L); x lateral (+), y distal (+), heel back y=0
    bh = L * rng.uniform(0.115, 0.135)  # heel half-width (heel 0.25-0.3 L)
    ah = bh * rng.uniform(1.05, 1.25)  # heel half-length
    hc = ah  # heel centre y: heel back at y=0
    ball_w = L * rng.uniform(0.365, 0.415)  # ball width
    x_bm = -ball_w * rng.uniform(0.36, 0.42)  # medial edge of the ball
    x_bl = x_bm + ball_w  # lateral edge of the ball
    y_bc = L * rng.uniform(0.655, 0.685)  # ball centre
    b_ball = L * rng.uniform(0.1, 0.12)  # ball half-length
    tilt = np.radians(rng.uniform(7.0, 13.0))  # medial side distal
    n_ball = rng.uniform(2.0, 2.4)
    # midfoot band
    y0, y1 = hc, y_bc  # the band starts at the heel centre, well inside the heel
    w0 = bh * 0.985  # tangent to the heel at its widest row
    lat_bulge = L * rng.uniform(0.0, 0.018)
    med_bulge = L * rng.uniform(0.0, 0.015)
    peak_t = rng.uniform(0.38, 0.5)
    p_shape = rng.uniform(0.35, 0.7)
    gamma = rng.uniform(0.8, 1.1)
    k_heel = L * rng.uniform(0.01, 0.02)
    k_ball = L * rng.uniform(0.03, 0.045)
    blur_mm = rng.uniform(2.5, 4.0)
    params: dict[str, Any] = {
        "length_mm": L_nominal,
        "arch": arch_v,
        "heel_half_width_mm": bh,
        "heel_half_length_mm": ah,
        "ball_width_mm": ball_w,
        "ball_centre_y_mm": y_bc,
    }

    # ---- grid (frame pixel centres)
    margin = 6.0
    x_min = x_bm - 0.02 * L - margin
    x_max = x_bl + 0.02 * L + margin
    y_bot = -margin
    y_top = 1.14 * L + margin
    n_cols = int(np.ceil((x_max - x_min) / px))
    n_rows = int(np.ceil((y_top - y_bot) / px))
    xs = (x_min + (np.arange(n_cols) + 0.5) * px).astype(np.float32)
    ys = (y_top - (np.arange(n_rows) + 0.5) * px).astype(np.float32)
    X, Y = np.meshgrid(xs, ys)

    # ---- sole field
    reach = 3.0 * blur_mm + k_ball + 2.0  # how far outside a primitive its field matters
    far = 4.0 * reach
    f_heel = _in_box(
        lambda x, y: _sd_ellipse(x, y, 0.0, hc, bh, ah),
        X,
        Y,
        (-bh - reach, bh + reach, -reach, 2 * ah + reach),
        far,
    )
    x_ball_c = 0.5 * (x_bm + x_bl)
    ball_r = 0.5 * ball_w + reach
    ball_ry = b_ball + 0.5 * ball_w * np.sin(tilt) + reach
    f_ball = _in_box(
        lambda x, y: _sd_superellipse(x, y, x_ball_c, y_bc, 0.5 * ball_w, b_ball, -tilt, n_ball),
        X,
        Y,
        (x_ball_c - ball_r, x_ball_c + ball_r, y_bc - ball_ry, y_bc + ball_ry),
        far,
    )
    # lateral / medial borders of the midfoot band as functions of y
    t = np.clip((Y - y0) / (y1 - y0), 0.0, 1.0)
    lat0, lat1 = 0.96 * w0, x_bl - 0.04 * ball_w
    med0, med1 = -0.96 * w0, x_bm + 0.1 * ball_w
    x_lat = lat0 + (lat1 - lat0) * t + lat_bulge * np.sin(np.pi * t)
    x_med_flat = med0 + (med1 - med0) * t - med_bulge * arch_v**3 * np.sin(np.pi * t)
    # medial concavity: depth relative to the local band width
    tw = np.where(
        t < peak_t, 0.5 * t / peak_t, 0.5 + 0.5 * (t - peak_t) / (1.0 - peak_t)
    )  # warp so the bump peaks at peak_t
    # high arches get a flatter-topped concavity, so a broken band ends in short
    # rounded stubs rather than long tapering spikes
    bump = np.clip(np.sin(np.pi * tw), 0.0, 1.0) ** (p_shape * (0.35 + 0.65 * arch_v))
    depth_frac = 1.18 * (1.0 - arch_v) ** gamma
    x_med = x_med_flat + depth_frac * bump * (x_lat - x_med_flat)
    f_mid = np.maximum.reduce([x_med - X, X - x_lat, y0 - Y, Y - y1])
    f_sole = _smin(_smin(f_heel, f_mid, k_heel), f_ball, k_ball)
    # a light blur of the field rounds the remaining kinks of the union (done at
    # a reduced sampling: the blurred field is smooth, bilinear upsampling is exact enough)
    f_sole = _blur_field(f_sole.astype(np.float32), blur_mm / px)
    sole = _coverage(f_sole, px)
    params["midfoot_depth_fraction"] = depth_frac

    # ---- toes
    toes, toe_info, tip2 = _make_toes(rng, sole, X, Y, px, L, x_bm, x_bl, params)

    # ---- pressure
    pressure = _make_pressure(
        rng, sole, toes, px, L, bh, hc, x_bm, x_bl, y_bc, tilt, toe_info, (x_min, y_top)
    )

    col0 = (0.0 - x_min) / px - 0.5
    heel_rc = ((y_top - hc) / px - 0.5, col0)
    toe_rc = ((y_top - tip2) / px - 0.5, col0)
    return FootShape(
        side=side,
        mm_per_px=px,
        sole=sole,
        toes=toes,
        pressure=pressure,
        heel_centre_rc=(float(heel_rc[0]), float(heel_rc[1])),
        toe_tip_rc=(float(toe_rc[0]), float(toe_rc[1])),
        params=params,
    )


def _make_toes(
    rng: np.random.Generator,
    sole: np.ndarray,
    X: np.ndarray,
    Y: np.ndarray,
    px: float,
    L: float,
    x_bm: float,
    x_bl: float,
    params: dict[str, Any],
) -> tuple[np.ndarray, list[tuple[float, float, float, float, float, float]], float]:
    """Five toe ellipses distal of the ball, none closer than its gap to the sole.

    Returns the toe coverage, per toe (cx, cy, a, b, theta, weight) in mm, and the
    y of the second-toe tip [mm].
    """
    n_rows, n_cols = sole.shape
    x_min = float(X[0, 0]) - 0.5 * px
    y_top = float(Y[0, 0]) + 0.5 * px
    # distance (mm) from the sole, outside it
    dist = cv2.distanceTransform((sole < 0.5).astype(np.uint8), cv2.DIST_L2, 5) * px

    # semi-axes (a across, b along) of hallux and toes 2..5
    a1 = L * rng.uniform(0.046, 0.056)
    b1 = a1 * rng.uniform(1.15, 1.45)
    a_small = [L * rng.uniform(0.026, 0.032)]
    for _ in range(3):
        a_small.append(a_small[-1] * rng.uniform(0.86, 0.97))
    b_small = [a * rng.uniform(1.05, 1.35) for a in a_small]
    semi = [(a1, b1)] + list(zip(a_small, b_small, strict=True))
    spacing = [float(rng.uniform(0.8, 2.5)) for _ in range(4)]
    # x centres: toe 2 on the axis
    xc = [0.0] * 5
    xc[0] = -(a1 + a_small[0] + spacing[0])
    for i in range(2, 5):
        xc[i] = xc[i - 1] + semi[i - 1][0] + semi[i][0] + spacing[i - 1]
    # fanning: lesser toes point slightly outwards
    theta = [
        float(rng.uniform(-0.05, 0.12)),
        0.0,
        float(-rng.uniform(0.05, 0.15)),
        float(-rng.uniform(0.12, 0.25)),
        float(-rng.uniform(0.2, 0.4)),
    ]
    gaps = [float(rng.uniform(3.0, 8.0))] + [float(rng.uniform(4.0, 11.0)) for _ in range(4)]

    def front_of_sole(x: float, half: float) -> float:
        """Most distal y of the sole in the columns x +- half."""
        c0 = int(np.clip((x - half - x_min) / px, 0, n_cols - 1))
        c1 = int(np.clip((x + half - x_min) / px, c0 + 1, n_cols))
        rows = np.flatnonzero((sole[:, c0:c1] > 0.01).any(axis=1))
        if rows.size == 0:
            return 0.55 * L
        return y_top - rows[0] * px

    # initial centres: sitting gap_i distal of the ball front
    yc = [front_of_sole(xc[i], semi[i][0]) + gaps[i] + semi[i][1] for i in range(5)]
    # tips relative to each other: second toe vs hallux varies (Greek / Egyptian)
    tip = [yc[i] + semi[i][1] for i in range(5)]
    tip2_target = tip[0] + float(rng.uniform(-9.0, 4.0))
    yc[1] = max(yc[1], tip2_target - semi[1][1])
    for i in range(2, 5):
        recede = float(rng.uniform(3.0, 9.0)) * (1.0 + 0.3 * (i - 2))
        yc[i] = max(yc[i], yc[i - 1] + semi[i - 1][1] - recede - semi[i][1])

    weights = [1.0, 1.0, 1.0, 1.0, 1.0]
    missing = -1
    u = rng.uniform()
    if u < 0.12:
        missing = 4  # 5th toe does not touch
    elif u < 0.25:
        weights[4] = float(rng.uniform(0.15, 0.35))  # faint 5th toe
    elif u < 0.32:
        weights[3] = float(rng.uniform(0.3, 0.5))

    # push toes distally until each keeps its gap to the sole (and to each other)
    ang = np.linspace(0.0, 2.0 * np.pi, 96, endpoint=False)
    for i in range(5):
        for _ in range(8):
            a, b = semi[i]
            c, s = np.cos(theta[i]), np.sin(theta[i])
            bx = xc[i] + a * np.cos(ang) * c - b * np.sin(ang) * s
            by = yc[i] + a * np.cos(ang) * s + b * np.sin(ang) * c
            cols = np.clip(((bx - x_min) / px - 0.5), 0, n_cols - 1)
            rows = np.clip(((y_top - by) / px - 0.5), 0, n_rows - 1)
            d = cv2.remap(
                dist,
                cols.astype(np.float32).reshape(1, -1),
                rows.astype(np.float32).reshape(1, -1),
                cv2.INTER_LINEAR,
            )
            deficit = gaps[i] - float(d.min())
            if deficit <= 0.05:
                break
            yc[i] += deficit + 0.2
    toes_f = None
    info = []
    for i in range(5):
        a, b = semi[i]
        info.append((xc[i], yc[i], a, b, theta[i], weights[i] if i != missing else 0.0))
        if i == missing:
            continue
        r = b + 3.0
        f = _in_box(
            lambda x, y, i=i, a=a, b=b: _sd_ellipse(x, y, xc[i], yc[i], a, b, theta[i]),
            X,
            Y,
            (xc[i] - r, xc[i] + r, yc[i] - r, yc[i] + r),
            50.0,
        )
        toes_f = f if toes_f is None else np.minimum(toes_f, f)
    toes = _coverage(toes_f, px)
    # a safety net: the toes never touch the sole
    toes[sole > 0] = 0.0
    tip2 = yc[1] + semi[1][1]
    params.update(
        {
            "toe_centres_mm": [(float(x), float(y)) for x, y in zip(xc, yc, strict=True)],
            "toe_gaps_mm": gaps,
            "missing_toe": missing,
            "toe_weights": weights,
            "second_toe_tip_y_mm": float(tip2),
        }
    )
    return toes, info, float(tip2)


def _make_pressure(
    rng: np.random.Generator,
    sole: np.ndarray,
    toes: np.ndarray,
    px: float,
    L: float,
    bh: float,
    hc: float,
    x_bm: float,
    x_bl: float,
    y_bc: float,
    tilt: float,
    toe_info: list[tuple[float, float, float, float, float, float]],
    origin: tuple[float, float],
) -> np.ndarray:
    """Smooth relative pressure: heel, MTH1-5, hallux and toes high, midfoot low."""
    x_min, y_top = origin
    n_rows, n_cols = sole.shape
    step = 4  # evaluate on a coarse grid, the field is smooth
    cr, cc = (n_rows + step - 1) // step, (n_cols + step - 1) // step
    xs = (x_min + (np.arange(cc) * step + 0.5 * step) * px).astype(np.float32)
    ys = (y_top - (np.arange(cr) * step + 0.5 * step) * px).astype(np.float32)
    X, Y = np.meshgrid(xs, ys)

    def bump(cx: float, cy: float, sx: float, sy: float, amp: float) -> np.ndarray:
        return amp * np.exp(-0.5 * (((X - cx) / sx) ** 2 + ((Y - cy) / sy) ** 2))

    heel_shift = float(rng.uniform(-0.15, 0.15)) * bh
    field_ = (
        0.16
        + 0.06 * rng.uniform()
        + bump(heel_shift, hc * rng.uniform(0.8, 1.0), bh * 0.6, hc * 0.65, 0.95)
    )
    # metatarsal heads along the oblique ball
    amps = [0.8, 0.95, 0.85, 0.65, 0.5]
    for i in range(5):
        fx = (i + 0.5) / 5.0
        cx = x_bm + fx * (x_bl - x_bm)
        cy = y_bc + 0.02 * L - np.tan(tilt) * (cx - 0.5 * (x_bm + x_bl))
        s = L * rng.uniform(0.03, 0.04)
        field_ += bump(cx, cy, s, s * 1.1, amps[i] * rng.uniform(0.8, 1.15))
    # lateral midfoot band carries a little load
    field_ += bump(0.7 * x_bl, 0.45 * L, 0.06 * L, 0.12 * L, 0.12)
    for i, (tx, ty, a, b, _, w) in enumerate(toe_info):
        amp = (0.85 if i == 0 else 0.45) * w * rng.uniform(0.8, 1.1)
        field_ += bump(tx, ty + 0.2 * b, a * 0.9, b * 0.9, amp)
    # mild medial / lateral load bias and low-frequency variation
    bias = float(rng.uniform(-0.25, 0.25))
    field_ *= 1.0 + bias * np.clip(X / (0.5 * (x_bl - x_bm)), -1.0, 1.0)
    lowf = rng.normal(0.0, 1.0, (6, 4)).astype(np.float32)
    lowf = cv2.resize(lowf, (cc, cr), interpolation=cv2.INTER_CUBIC)
    field_ *= 1.0 + 0.06 * lowf
    field_ = cv2.resize(field_.astype(np.float32), (n_cols, n_rows), interpolation=cv2.INTER_LINEAR)
    # contact fades towards the edge of each blob
    contact = np.clip(sole + toes, 0.0, 1.0)
    inside = cv2.distanceTransform((contact >= 0.5).astype(np.uint8), cv2.DIST_L2, 5) * px
    edge = 0.35 + 0.65 * np.clip(inside / 4.0, 0.0, 1.0)
    p = field_ * edge
    p = np.where(contact > 0, p, 0.0)
    p /= max(float(p.max()), 1e-6)
    return np.clip(p, 0.0, 1.0).astype(np.float32)


def foot_truth(shape: FootShape) -> dict[str, Any]:
    """Exact indices of a :class:`FootShape`, measured with :mod:`footprint.indices`.

    Parameters
    ----------
    shape : FootShape

    Returns
    -------
    dict
        ``arch_index``, ``chippaux_smirak``, ``staheli``, ``clarke_angle_deg``,
        ``arch_type`` (adult cut-offs), ``foot_length_mm`` (print length of
        sole + toes) and ``foot_width_mm`` (widest sole extent).
    """
    sole = shape.sole
    ai = indices.arch_index(sole)
    return {
        "arch_index": float(ai),
        "chippaux_smirak": float(indices.chippaux_smirak(sole)),
        "staheli": float(indices.staheli(sole)),
        "clarke_angle_deg": float(indices.clarke_angle(sole)),
        "arch_type": indices.classify_arch_index(ai, CUTOFF_PRESETS["adult"]),
        "foot_length_mm": float(indices.print_length(shape.print_mask) * shape.mm_per_px),
        "foot_width_mm": float(indices.print_width(sole) * shape.mm_per_px),
    }


# --------------------------------------------------------------------------- #
# placement on the world plane
# --------------------------------------------------------------------------- #
def _frame_hull(shape: FootShape) -> np.ndarray:
    """Convex hull (K, 2) of the print in frame (col, row) pixels."""
    m = (shape.print_mask > 0).astype(np.uint8)
    contours, _ = cv2.findContours(m, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    hull = cv2.convexHull(np.vstack(contours)).reshape(-1, 2).astype(np.float64)
    return hull


def _frame_to_world(shape: FootShape, heel_xy: np.ndarray, u: np.ndarray) -> np.ndarray:
    """3x3 affine: frame (col, row) -> world mm, heel centre at ``heel_xy``, toes along ``u``.

    Follows :func:`footprint.frame.make_frame`: frame columns run along the
    lateral direction (right of the axis for a right foot, left for a left
    foot), frame rows run from the toes towards the heel.
    """
    px = shape.mm_per_px
    lat = np.array([-u[1], u[0]]) if shape.side == "right" else np.array([u[1], -u[0]])
    r_h, c_h = shape.heel_centre_rc
    lin = np.column_stack([px * lat, -px * u])  # columns: d/dcol, d/drow
    t = np.asarray(heel_xy, np.float64) - lin @ np.array([c_h, r_h])
    return np.array([[lin[0, 0], lin[0, 1], t[0]], [lin[1, 0], lin[1, 1], t[1]], [0, 0, 1.0]])


def _apply(A: np.ndarray, pts: np.ndarray) -> np.ndarray:
    return np.asarray(pts, np.float64) @ A[:2, :2].T + A[:2, 2]


def _rect(centre: np.ndarray, wh: tuple[float, float], angle: float) -> np.ndarray:
    """Corners TL, TR, BR, BL of a w x h rectangle rotated by ``angle`` about its centre."""
    w, h = wh
    c, s = np.cos(angle), np.sin(angle)
    local = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]])
    return local @ np.array([[c, s], [-s, c]]) + centre


def _overlap(poly_a: np.ndarray, poly_b: np.ndarray, clearance: float) -> bool:
    """True if two convex polygons come closer than ``clearance`` mm."""
    a = cv2.convexHull(poly_a.astype(np.float32)).reshape(-1, 2)
    b = cv2.convexHull(poly_b.astype(np.float32)).reshape(-1, 2)
    area, _ = cv2.intersectConvexConvex(a, b)
    if area > 0:
        return True
    if clearance <= 0:
        return False
    # distance between the polygons: vertex to the other polygon
    for p, q in ((a, b), (b, a)):
        for pt in p:
            d = cv2.pointPolygonTest(q.reshape(-1, 1, 2), (float(pt[0]), float(pt[1])), True)
            if d > -clearance:
                return True
    return False


def _place_feet(
    rng: np.random.Generator,
    sides: list[str],
    allowed: tuple[float, float, float, float] | None,
    paper_scene: bool,
    params: dict[str, Any],
    mm_per_px: float,
) -> tuple[list[tuple[FootShape, np.ndarray]], list[np.ndarray]]:
    """Make the feet and place them; ``allowed`` = (x0, y0, x1, y1) mm they must fit in.

    Returns (shape, frame -> world) per foot and each foot's convex hull in world mm.
    """
    n = len(sides)
    length = float(rng.uniform(*ADULT_LENGTH_RANGE_MM))
    if n == 2:
        length = min(length, float(rng.uniform(228.0, 262.0)))
    arches = [_draw_arch(rng)] * n
    if n == 2:
        arches[1] = float(np.clip(arches[0] + rng.normal(0, 0.08), 0.0, 1.0))
    foot_seeds = rng.integers(0, 2**63, size=n)
    toe_out = [float(np.radians(rng.uniform(0.0, 12.0))) for _ in range(n)]
    pair_angle = (
        float(rng.uniform(-0.12, 0.12)) if paper_scene else float(rng.uniform(0, 2 * np.pi))
    )
    if paper_scene and rng.uniform() < 0.15:
        pair_angle += np.pi  # toes towards the bottom edge of the sheet
    gap = float(rng.uniform(8.0, 40.0))
    if allowed is not None:  # cap the length so the first attempt usually fits
        aw, ah = allowed[2] - allowed[0], allowed[3] - allowed[1]
        cap = min(ah / 1.04, (aw - (n - 1) * gap) / (0.47 * n))
        length = min(length, cap)
    for attempt in range(12):
        feet = [
            make_foot(
                np.random.default_rng(int(s)),
                side=side,
                length_mm=length,
                arch=a,
                mm_per_px=mm_per_px,
            )
            for s, side, a in zip(foot_seeds, sides, arches, strict=True)
        ]
        frame_hulls = [_frame_hull(f) for f in feet]
        # in pair coordinates: toes up (-y), left foot on the left
        placed_local = []
        cursor = 0.0
        for foot, fhull, side, a in zip(feet, frame_hulls, sides, toe_out, strict=True):
            ang = -a if side == "left" else a  # toes point outwards
            u = np.array([np.sin(ang), -np.cos(ang)])
            A = _frame_to_world(foot, np.zeros(2), u)
            hull = _apply(A, fhull)
            shift = cursor - hull[:, 0].min()
            A = _frame_to_world(foot, np.array([shift, 0.0]), u)
            cursor = shift + hull[:, 0].max() + gap
            placed_local.append((foot, A))
        c, s = np.cos(pair_angle), np.sin(pair_angle)
        R = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1.0]])
        placed_local = [(f, R @ A) for f, A in placed_local]
        hulls = [_apply(A, fh) for (_, A), fh in zip(placed_local, frame_hulls, strict=True)]
        allp = np.vstack(hulls)
        lo, hi = allp.min(axis=0), allp.max(axis=0)
        ratio = 1.0
        if allowed is None:
            off = -0.5 * (lo + hi)
            ok = True
        else:
            x0, y0, x1, y1 = allowed
            slack = np.array([x1 - x0 - (hi[0] - lo[0]), y1 - y0 - (hi[1] - lo[1])])
            ok = bool((slack >= 0).all())
            off = np.array([x0, y0]) - lo + rng.uniform(0, 1, 2) * np.maximum(slack, 0)
            ratio = min((x1 - x0) / (hi[0] - lo[0]), (y1 - y0) / (hi[1] - lo[1]))
        if ok:
            T = np.array([[1, 0, off[0]], [0, 1, off[1]], [0, 0, 1.0]])
            params["feet"] = {
                "length_mm": length,
                "arch": arches,
                "toe_out_rad": toe_out,
                "pair_angle_rad": pair_angle,
                "gap_mm": gap,
                "attempts": attempt + 1,
                "mm_per_px": mm_per_px,
            }
            return [(f, T @ A) for f, A in placed_local], [_apply(T, h) for h in hulls]
        length *= float(np.clip(0.99 * ratio, 0.8, 0.97))
        gap = max(3.0, gap * 0.7)
        toe_out = [t * 0.7 for t in toe_out]
        pair_angle = 0.5 * pair_angle if paper_scene else pair_angle
    raise RuntimeError("could not place the feet")  # pragma: no cover


def _place_beside(
    rng: np.random.Generator,
    wh: tuple[float, float],
    obstacles: list[np.ndarray],
    around: np.ndarray,
    clearance: float,
) -> np.ndarray:
    """Corners of a w x h rectangle lying near ``around`` without touching obstacles."""
    lo, hi = around.min(axis=0), around.max(axis=0)
    centre = 0.5 * (lo + hi)
    radius = 0.5 * float(np.hypot(*(hi - lo))) + 0.5 * float(np.hypot(*wh))
    for k in range(200):
        ang = rng.uniform(0, 2 * np.pi)
        dist = radius * rng.uniform(0.45, 0.9) + 2.0 * k
        c = centre + dist * np.array([np.cos(ang), np.sin(ang)])
        corners = _rect(c, wh, float(rng.uniform(0, 2 * np.pi)))
        if not any(_overlap(corners, ob, clearance) for ob in obstacles):
            return corners
    raise RuntimeError("could not place the reference")  # pragma: no cover


def _layout(
    rng: np.random.Generator,
    scene: str,
    reference: str,
    n_feet: int,
    with_print: bool,
    mm_per_px: float,
) -> tuple[Any, list[tuple[FootShape, np.ndarray]], np.ndarray | None, dict[str, Any]]:
    from footprint import synth_scenes as ss

    params: dict[str, Any] = {}
    paper_scene = scene in PAPER_SCENES
    sides = ["right"] if n_feet == 1 else ["left", "right"]
    if n_feet == 1 and rng.uniform() < 0.5:
        sides = ["left"]
    paper = ref_sheet = card = None
    form = None
    ref_corners = None
    kind = {"wet_kraft": "kraft", "podograph": "form"}.get(scene, "white")
    if paper_scene:
        floor = str(
            rng.choice(["tile_light", "tile_dark", "wood", "concrete"])
            if kind == "kraft"
            else rng.choice(["tile_dark", "wood", "concrete"])
        )
        if reference in ("a4", "letter"):
            pw, ph = REFERENCE_SIZE_MM[reference]
        else:  # a sheet whose aspect is far from A4 / Letter
            pw = float(rng.uniform(250.0, 340.0))
            aspect = float(rng.choice([rng.uniform(1.08, 1.18), rng.uniform(1.55, 1.7)]))
            ph = pw * aspect
        corners = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float64)
        paper = ss.Sheet(corners, kind)
        if reference in ("a4", "letter"):
            ref_corners = corners.copy()
        margin = 3.0
        top = margin
        if scene == "podograph":
            top = float(rng.uniform(20.0, 26.0))
        allowed = (margin, top, pw - margin, ph - margin)
        params["paper_mm"] = (pw, ph)
    else:
        floor = {
            "wet_tile_light": "tile_light",
            "wet_tile_dark": "tile_dark",
            "wet_wood": "wood",
            "wet_concrete": "concrete",
        }[scene]
        allowed = None
    placed, hulls = _place_feet(rng, sides, allowed, paper_scene, params, mm_per_px)
    around = np.vstack(hulls) if paper is None else paper.corners_xy
    if not paper_scene and reference in ("a4", "letter"):
        ref_corners = _place_beside(rng, REFERENCE_SIZE_MM[reference], hulls, around, 15.0)
        ref_sheet = ss.Sheet(ref_corners, "white")
    if reference == "card":
        obstacles = list(hulls)
        if paper is not None and rng.uniform() < 0.6:  # beside the paper, on the floor
            obstacles = [paper.corners_xy]
        card_c = _place_beside(rng, REFERENCE_SIZE_MM["card"], obstacles, around, 10.0)
        card = ss.Sheet(card_c, "card")
        ref_corners = card_c
    if scene == "podograph":
        assert paper is not None
        pw, ph = params["paper_mm"]
        top = allowed[1] if allowed else 20.0
        if len(placed) == 2:
            panels = [
                (3.0, top - 1, pw / 2 - 1, ph - 3.0),
                (pw / 2 + 1, top - 1, pw - 3.0, ph - 3.0),
            ]
            labels = ["LEFT / L", "RIGHT / R"]
        else:
            panels = [(3.0, top - 1, pw - 3.0, ph - 3.0)]
            labels = ["LEFT" if sides[0] == "left" else "RIGHT"]
        strokes = [(float(rng.uniform(30, 60)), top - 4.0, float(rng.uniform(25, 50)))]
        strokes.append((float(rng.uniform(10, pw - 60)), ph - 1.8, float(rng.uniform(15, 40))))
        form = {
            "panels": panels,
            "labels": labels,
            "heading_y": top,
            "title": str(rng.choice(["PODOGRAPH", "FOOT PRINT", "PLANTAR IMPRESSION"])),
            "strokes": strokes,
            "print_rgb": rng.uniform([0.1, 0.1, 0.1], [0.4, 0.45, 0.6]).tolist(),
            "pen_rgb": rng.uniform([0.05, 0.1, 0.35], [0.2, 0.25, 0.7]).tolist(),
        }
    feet = [ss.PlacedFoot(f.print_mask, f.pressure, A, f.mm_per_px) for f, A in placed]
    lay = ss.Layout(scene, floor, paper, ref_sheet, card, feet, form, with_print)
    roi = list(hulls)
    for sh in (paper, ref_sheet, card):
        if sh is not None:
            roi.append(sh.corners_xy)
    lay.info["roi"] = np.vstack(roi)
    params.update({"floor": floor, "paper_kind": kind if paper_scene else None})
    return lay, placed, ref_corners, params


# --------------------------------------------------------------------------- #
# the camera
# --------------------------------------------------------------------------- #
#: [1] Largest offset of the principal point from the image centre, as a fraction
#: of the image size (phone cameras: within about 2 %).
MAX_PRINCIPAL_SHIFT = 0.02


def _camera(
    rng: np.random.Generator,
    roi_xy: np.ndarray,
    size: tuple[int, int],
    max_tilt_deg: float,
    fill: float,
    params: dict[str, Any],
) -> np.ndarray:
    """Random pinhole camera framing ``roi_xy`` (see :func:`pinhole_homography`).

    Focal length 0.8-1.1 x the image width, tilt up to ``max_tilt_deg`` from
    straight down in any direction, any roll, and the ROI placed anywhere the
    principal-point limit allows.
    """
    w = size[0]
    focal = w * float(rng.uniform(0.8, 1.1))
    tilt = float(rng.uniform(0.0, max_tilt_deg))
    az = float(rng.uniform(0, 2 * np.pi))
    roll = float(rng.uniform(0, 2 * np.pi))
    place = rng.uniform(0, 1, 2)
    return pinhole_homography(
        roi_xy,
        size,
        focal_px=focal,
        tilt_deg=tilt,
        azimuth_rad=az,
        roll_rad=roll,
        fill=fill,
        place=(float(place[0]), float(place[1])),
        params=params,
    )


def pinhole_homography(
    roi_xy: np.ndarray,
    size: tuple[int, int],
    *,
    focal_px: float,
    tilt_deg: float,
    azimuth_rad: float,
    roll_rad: float,
    fill: float = 0.8,
    place: tuple[float, float] = (0.5, 0.5),
    params: dict[str, Any] | None = None,
) -> np.ndarray:
    r"""Pinhole homography world mm -> image px framing ``roi_xy``.

    The camera looks at the ROI centre from a direction tilted by
    ``tilt_deg`` from the plane normal towards ``azimuth_rad``, rolled by
    ``roll_rad`` about its optical axis; its distance is adjusted so the ROI
    fills ``fill`` of the image. The principal point stays within
    ``MAX_PRINCIPAL_SHIFT`` of the image centre, as on a phone; ``place``
    (0..1 per axis) says where in the allowed slack the ROI lies.

    The homography is :math:`H = T K [r_1\; r_2\; t]` with
    :math:`K = \mathrm{diag}(f, f, 1)` plus the image centre, :math:`R` the
    camera rotation and :math:`t = -R C` (Hartley & Zisserman 2004, eq. 8.1),
    and :math:`T` the small re-centring shift.
    """
    w, h = size
    focal = float(focal_px)
    tilt = np.radians(float(tilt_deg))
    az = float(azimuth_rad)
    roll = float(roll_rad)
    fwd = np.array([np.sin(tilt) * np.cos(az), np.sin(tilt) * np.sin(az), np.cos(tilt)])
    hint = np.array([0.0, 1.0, 0.0])
    xc = np.cross(hint, fwd)
    xc /= np.linalg.norm(xc)
    yc = np.cross(fwd, xc)
    cr, sr = np.cos(roll), np.sin(roll)
    xr, yr = cr * xc + sr * yc, -sr * xc + cr * yc
    R = np.vstack([xr, yr, fwd])
    target = np.append(0.5 * (roi_xy.min(axis=0) + roi_xy.max(axis=0)), 0.0)
    K = np.array([[focal, 0, (w - 1) / 2.0], [0, focal, (h - 1) / 2.0], [0, 0, 1.0]])
    dist = 1000.0

    def homog(d: float) -> np.ndarray:
        C = target - d * fwd
        t = -R @ C
        Hm = K @ np.column_stack([R[:, 0], R[:, 1], t])
        return Hm / Hm[2, 2]

    for _ in range(6):
        Hm = homog(dist)
        q = _project(Hm, roi_xy)
        ext = q.max(axis=0) - q.min(axis=0)
        s = max(ext[0] / (fill * w), ext[1] / (fill * h))
        dist *= s
    Hm = homog(dist)
    q = _project(Hm, roi_xy)
    lo, hi = q.min(axis=0), q.max(axis=0)
    slack = np.array([w - 1, h - 1]) - (hi - lo)
    # A phone's principal point is at the image centre (within ~2 %): the camera
    # is aimed at the ROI, so only a small residual re-centring is applied, and
    # the ROI's place in the frame varies by at most MAX_PRINCIPAL_SHIFT.
    centre = -lo + 0.5 * np.maximum(slack, 0)
    room = MAX_PRINCIPAL_SHIFT * np.array([w, h], np.float64)
    centre = np.clip(centre, -room, room)
    shift = centre + (np.asarray(place, np.float64) - 0.5) * np.minimum(np.maximum(slack, 0), room)
    T = np.array([[1, 0, shift[0]], [0, 1, shift[1]], [0, 0, 1.0]])
    Hm = T @ Hm
    if params is not None:
        params["camera"] = {
            "focal_px": focal,
            "tilt_deg": float(np.degrees(tilt)),
            "tilt_azimuth_rad": az,
            "roll_rad": roll,
            "distance_mm": float(dist),
            "fill": fill,
            "principal_shift_px": shift.tolist(),
        }
    return Hm / Hm[2, 2]


def _project(H: np.ndarray, pts: np.ndarray) -> np.ndarray:
    p = np.asarray(pts, np.float64).reshape(-1, 2)
    q = p @ H[:, :2].T + H[:, 2]
    return q[:, :2] / q[:, 2:3]


# --------------------------------------------------------------------------- #
# public API
# --------------------------------------------------------------------------- #
def _image_truth(shape: FootShape, G: np.ndarray, base: dict[str, Any]) -> FootTruth:
    """FootTruth with image-space points through frame -> image homography ``G``."""
    m = shape.print_mask
    rows, cols = np.nonzero(m > 0)
    wgt = m[rows, cols].astype(np.float64)
    pts = np.column_stack([cols, rows]).astype(np.float64)
    q = pts @ G[:, :2].T + G[:, 2]
    # area element of the projective map: det(G) / w**3
    jac = np.abs(np.linalg.det(G) / q[:, 2] ** 3)
    xy = q[:, :2] / q[:, 2:3]
    wj = wgt * jac
    centroid = (wj[:, None] * xy).sum(axis=0) / wj.sum()
    heel = _project(G, np.array([shape.heel_centre_rc[::-1]]))[0]
    toe = _project(G, np.array([shape.toe_tip_rc[::-1]]))[0]
    return FootTruth(
        side=shape.side,
        arch_index=base["arch_index"],
        chippaux_smirak=base["chippaux_smirak"],
        staheli=base["staheli"],
        clarke_angle_deg=base["clarke_angle_deg"],
        arch_type=base["arch_type"],
        foot_length_mm=base["foot_length_mm"],
        foot_width_mm=base["foot_width_mm"],
        centroid_xy=(float(centroid[0]), float(centroid[1])),
        heel_centre_xy=(float(heel[0]), float(heel[1])),
        toe_tip_xy=(float(toe[0]), float(toe[1])),
        shape=shape,
    )


def render_photo(
    seed: int,
    *,
    scene: str | None = None,
    reference: str | None = None,
    n_feet: int | None = None,
    size: tuple[int, int] = (1600, 1200),
    max_tilt_deg: float = 30.0,
    jpeg_quality: int | None = 90,
    with_print: bool = True,
) -> SynthPhoto:
    """Render one synthetic phone photo of a footprint, with its exact truth.

    Parameters
    ----------
    seed : int
        Seed of ``np.random.default_rng``; same seed and arguments give
        byte-identical output.
    scene : str, optional
        One of :data:`SCENES`; random when omitted.
    reference : str, optional
        One of :data:`REFERENCES`; random when omitted.
    n_feet : {1, 2}, optional
        Feet in the photo; random (about 25 % two) when omitted.
    size : (int, int)
        (width, height) of the photo in pixels; 12 MP is (4032, 3024).
    max_tilt_deg : float
        Largest camera tilt from straight down [deg], 0..60.
    jpeg_quality : int or None
        JPEG quality of the round trip; None returns the raw render.
    with_print : bool
        False renders the same scene without any print (``feet`` is empty).

    Returns
    -------
    SynthPhoto
    """
    from footprint import synth_scenes as ss

    rng = np.random.default_rng(seed)
    # draw every top-level choice first, so overriding one keeps the others
    scene_draw = SCENES[int(rng.integers(len(SCENES)))]
    ref_draw = str(rng.choice(REFERENCES, p=[0.35, 0.2, 0.25, 0.2]))
    nf_draw = 2 if rng.uniform() < 0.25 else 1
    scene = scene_draw if scene is None else scene
    reference = ref_draw if reference is None else reference
    n_feet = nf_draw if n_feet is None else int(n_feet)
    if scene not in SCENES:
        raise ValueError(f"unknown scene {scene!r}; use one of {SCENES}")
    if reference not in REFERENCES:
        raise ValueError(f"unknown reference {reference!r}; use one of {REFERENCES}")
    if n_feet not in (1, 2):
        raise ValueError("n_feet must be 1 or 2")
    w, h = int(size[0]), int(size[1])
    if w < 64 or h < 64:
        raise ValueError("size must be at least 64 x 64")
    if not 0.0 <= max_tilt_deg <= 60.0:
        raise ValueError("max_tilt_deg must be within 0..60")
    params: dict[str, Any] = {"scene": scene, "reference": reference, "n_feet": n_feet}
    # frame sampling: about the pixel size the photo will have on the plane, at most
    # 0.2 mm (a 12 MP photo of a sheet samples ~0.12 mm/px; the frame is upsampled)
    foot_mm_px = float(np.clip(240.0 / min(w, h), 0.2, 0.6))
    layout, placed, ref_corners, lp = _layout(rng, scene, reference, n_feet, with_print, foot_mm_px)
    params.update(lp)
    fill = float(rng.uniform(0.6, 0.9))
    H = _camera(rng, layout.info["roi"], (w, h), max_tilt_deg, fill, params)
    # photos above ~6 MP are rendered at half size and upsampled before the blur and
    # noise: the texture detail lost is below the camera's own blur, the time saved 4x
    sub = 2 if w * h > 6_000_000 else 1
    wi, hi = -(-w // sub), -(-h // sub)
    to_internal = np.array(
        [[wi / w, 0, 0.5 * wi / w - 0.5], [0, hi / h, 0.5 * hi / h - 0.5], [0, 0, 1.0]]
    )
    params["render_subsample"] = sub
    # separate streams for the scene, the print and the sensor: a photo without
    # the print is the same photo with the print removed
    rng_scene, rng_print, rng_noise = (
        np.random.default_rng(s) for s in np.random.SeedSequence([int(seed), 1]).spawn(3)
    )
    img = ss.render(rng_scene, layout, to_internal @ H, (wi, hi), params, rng_print)
    rgb = ss.finish(rng_noise, img, (w, h), params)
    jpeg = None
    if jpeg_quality is not None:
        q = int(jpeg_quality)
        ok, buf = cv2.imencode(
            ".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, q]
        )
        if not ok:  # pragma: no cover
            raise RuntimeError("JPEG encoding failed")
        jpeg = buf.tobytes()
        rgb = cv2.cvtColor(cv2.imdecode(buf, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
        params["jpeg_quality"] = q
    params["frame_to_world"] = [A.tolist() for _, A in placed]
    feet: tuple[FootTruth, ...] = ()
    if with_print:
        feet = tuple(_image_truth(f, H @ A, foot_truth(f)) for f, A in placed)
    corners_img = None if ref_corners is None else _project(H, ref_corners)
    return SynthPhoto(
        rgb=rgb,
        jpeg=jpeg,
        scene=scene,
        reference=reference,
        reference_corners_xy=corners_img,
        world_to_image=H,
        feet=feet,
        seed=int(seed),
        params=params,
    )


def no_print_photo(seed: int, **kw: Any) -> SynthPhoto:
    """The photo ``render_photo(seed, **kw)`` would give, without the print (``feet`` empty).

    Paper, floor, reference, camera, light and noise are identical; only the
    print is missing.
    """
    kw["with_print"] = False
    return render_photo(seed, **kw)


def photo_of_foot(
    shape: FootShape,
    seed: int,
    *,
    rotation_deg: float,
    tilt_deg: float,
    size: tuple[int, int] = (1200, 900),
    scene: str = "ink_black",
    floor: str = "wood",
    jpeg_quality: int = 92,
) -> SynthPhoto:
    """Photograph one given foot print on an A4 sheet, as often as wanted.

    :func:`render_photo` draws the foot and the camera from one seed, so it
    cannot photograph *the same* foot twice; this does. The print of ``shape``
    lies on an A4 sheet (heel 48 mm from the bottom edge, axis 4 degrees off
    the sheet's long side) on a ``floor``; a pinhole camera
    (:func:`pinhole_homography`, focal length 0.95 x the width) rolled by
    ``rotation_deg`` and tilted by ``tilt_deg`` (the top of the picture
    further away) frames the sheet at 80 % of the image. Light, shadow and
    noise come from ``seed``.

    Returns
    -------
    SynthPhoto
        With ``reference="a4"``, the sheet corners and one foot's truth.
    """
    from footprint import synth_scenes as ss

    rng = np.random.default_rng(seed)
    pw, ph = REFERENCE_SIZE_MM["a4"]
    sheet_xy = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float64)
    u = np.array([np.sin(np.radians(4.0)), -np.cos(np.radians(4.0))])
    frame_to_world = _frame_to_world(shape, np.array([pw / 2, ph - 48.0]), u)
    # a podograph grid prints on its own form paper (here without the printed form)
    sheet = ss.Sheet(sheet_xy, "form" if scene == "podograph" else "white")
    foot = ss.PlacedFoot(shape.print_mask, shape.pressure, frame_to_world, shape.mm_per_px)
    layout = ss.Layout(scene, floor, sheet, None, None, [foot], None, True)
    params: dict[str, Any] = {"scene": scene, "reference": "a4", "n_feet": 1}
    H = pinhole_homography(
        sheet_xy,
        size,
        focal_px=0.95 * size[0],
        tilt_deg=tilt_deg,
        azimuth_rad=-np.pi / 2 - np.radians(rotation_deg),
        roll_rad=np.radians(rotation_deg),
        fill=0.8,
        params=params,
    )
    info: dict[str, Any] = {}
    rgb = ss.finish(rng, ss.render(rng, layout, H, size, info), size, info)
    ok, buf = cv2.imencode(
        ".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, int(jpeg_quality)]
    )
    if not ok:  # pragma: no cover
        raise RuntimeError("JPEG encoding failed")
    params["frame_to_world"] = [frame_to_world.tolist()]
    return SynthPhoto(
        rgb=cv2.cvtColor(cv2.imdecode(buf, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB),
        jpeg=buf.tobytes(),
        scene=scene,
        reference="a4",
        reference_corners_xy=_project(H, sheet_xy),
        world_to_image=H,
        feet=(_image_truth(shape, H @ frame_to_world, foot_truth(shape)),),
        seed=int(seed),
        params=params,
    )


def dataset(seeds: Iterable[int], **kw: Any) -> Iterator[SynthPhoto]:
    """Render one photo per seed, lazily."""
    for s in seeds:
        yield render_photo(int(s), **kw)

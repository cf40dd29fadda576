"""Anatomy of one print: sole vs toes, heel centre, second-toe tip, axis, side.

Method
------
1. Components of the print mask: large ones form the sole (a high arch may
   split it into heel and forefoot); small ones are toe candidates.
2. A provisional axis is the sole's principal axis (second moments). The toe
   end is the end the toe blobs lie beyond (or, without toes, the wider end).
3. Toes are ordered across the axis. The hallux is the largest toe and lies at
   one end of the row; the second toe is its neighbour. The hallux side is the
   medial side, which decides left / right: seen from above with the toes up,
   a right foot has its medial side on the left. The medial concavity of the
   arch gives a second, independent vote.
4. The heel centre is the centroid of the posterior ``heel_zone_fraction`` of
   the sole along the axis; the axis then runs from the heel centre to the
   most distal point of the second toe (Cavanagh & Rodgers 1987). Steps 3-4
   are iterated until the axis settles.
Without toes, the principal axis is used and a warning says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np

from footprint.errors import AnatomyError
from footprint.params import AnatomyParams

log = logging.getLogger(__name__)

#: [1] Pieces with at least this share of the print's largest component are sole.
SOLE_PIECE_FRACTION = 0.12
#: Iterations of the heel-centre / second-toe axis refinement.
AXIS_ITERATIONS = 3
#: [1] Weight of the hallux-position vote against the concavity vote for side.
HALLUX_VOTE_WEIGHT = 2.0


@dataclass(frozen=True)
class Anatomy:
    """Landmarks of one print (plane pixels; points as (x, y))."""

    sole: np.ndarray
    toes: np.ndarray
    heel_xy: tuple[float, float]
    toe_xy: tuple[float, float]
    side: str
    side_confidence: float
    side_source: str
    axis_source: str
    n_toes: int
    quality: float
    warnings: tuple[str, ...]


def _principal_axis(pts_xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    c = pts_xy.mean(axis=0)
    cov = np.cov((pts_xy - c).T)
    evals, evecs = np.linalg.eigh(cov)
    return c, evecs[:, int(np.argmax(evals))]


def _heel_centre(sole_pts: np.ndarray, u: np.ndarray, frac: float) -> np.ndarray:
    """Centroid of the posterior ``frac`` of the sole along unit axis ``u`` (towards toes)."""
    s = sole_pts @ u
    s0, s1 = s.min(), s.max()
    sel = s <= s0 + frac * (s1 - s0)
    return sole_pts[sel].mean(axis=0)


def locate(
    mask: np.ndarray, params: AnatomyParams, *, side_override: str | None = None
) -> Anatomy:
    """Locate sole, toes, heel centre, second-toe tip and side of one print.

    Parameters
    ----------
    mask : (H, W) bool ndarray
        One foot's print in plane pixels.
    params : AnatomyParams
    side_override : {'left', 'right'}, optional
        A side set by the user; detection still runs for the confidence.

    Raises
    ------
    AnatomyError
        When the print is too small or shapeless to measure.
    """
    m8 = mask.astype(np.uint8)
    n, labels, stats, cents = cv2.connectedComponentsWithStats(m8, connectivity=8)
    if n <= 1:
        raise AnatomyError("The print is empty after segmentation.")
    areas = stats[1:, cv2.CC_STAT_AREA].astype(np.float64)
    big = areas.max()
    sole_ids = [i for i in range(n - 1) if areas[i] >= SOLE_PIECE_FRACTION * big]
    sole = np.isin(labels, [i + 1 for i in sole_ids])
    ys, xs = np.nonzero(sole)
    if ys.size < 200:
        raise AnatomyError(
            "The print is too small to measure; move the phone closer so the foot fills "
            "at least a third of the photo."
        )
    sole_pts = np.column_stack([xs, ys]).astype(np.float64)
    centre, u = _principal_axis(sole_pts)
    s = (sole_pts - centre) @ u
    length = float(s.max() - s.min())

    toe_ids = [
        i
        for i in range(n - 1)
        if i not in sole_ids and areas[i] >= params.min_toe_area_fraction * sole.sum()
    ]
    # orient u towards the toes
    if toe_ids:
        toe_c = np.array([cents[i + 1] for i in toe_ids])
        w_ = areas[toe_ids]
        along = ((toe_c - centre) @ u * w_).sum() / w_.sum()
        if along < 0:
            u = -u
    else:
        lat = np.array([-u[1], u[0]])
        widths = []
        for sign in (1, -1):
            sel = (s * sign) > 0.25 * length
            widths.append(np.ptp((sole_pts[sel] - centre) @ lat) if sel.any() else 0.0)
        if widths[1] > widths[0]:
            u = -u
    # keep only toes beyond the front part of the sole
    s = (sole_pts - centre) @ u
    front = s.max()
    toes_kept = []
    for i in toe_ids:
        c = cents[i + 1] - centre
        if c @ u >= front - params.toe_zone_fraction * length:
            toes_kept.append(i)
    toes = np.isin(labels, [i + 1 for i in toes_kept]) if toes_kept else np.zeros_like(sole)

    warnings: list[str] = []
    heel = _heel_centre(sole_pts, u, params.heel_zone_fraction)
    side_votes = 0.0
    axis_source = "principal_axis"
    tip = centre + u * (front + 0.0)
    hallux_side = 0.0
    if len(toes_kept) >= 2:
        axis_source = "second_toe"
        for _ in range(AXIS_ITERATIONS):
            lat = np.array([-u[1], u[0]])  # +lat is image-right when u points up
            tc = np.array([cents[i + 1] for i in toes_kept])
            across = (tc - heel) @ lat
            order = np.argsort(across)
            ordered = [toes_kept[k] for k in order]
            ta = areas[ordered]
            h_idx = int(np.argmax(ta))
            # the hallux is at an end of the row; if the largest is inside, take the larger end
            if h_idx not in (0, len(ordered) - 1):
                h_idx = 0 if ta[0] >= ta[-1] else len(ordered) - 1
            second = ordered[1] if h_idx == 0 else ordered[-2]
            hallux_side = -1.0 if h_idx == 0 else 1.0  # -1: hallux on the -lat side
            ty, tx = np.nonzero(labels == second + 1)
            tp = np.column_stack([tx, ty]).astype(np.float64)
            tip = tp[int(np.argmax((tp - heel) @ u))]
            u_new = (tip - heel) / np.linalg.norm(tip - heel)
            heel_new = _heel_centre(sole_pts, u_new, params.heel_zone_fraction)
            converged = np.linalg.norm(heel_new - heel) < 0.1 and np.dot(u_new, u) > 0.99999
            u, heel = u_new, heel_new
            if converged:
                break
        # hallux on the -lat side (image-left with toes up) means medial on the left: right foot
        side_votes += HALLUX_VOTE_WEIGHT * (-hallux_side)
    else:
        warnings.append(
            "The toes could not be found, so the foot axis is the principal axis of the sole "
            "instead of the heel-to-second-toe line; indices may be less accurate."
        )
        tip = heel + u * (s.max() - (heel - centre) @ u)

    concavity = _concavity_vote(sole, heel, u)
    side_votes += concavity
    detected = "right" if side_votes > 0 else "left"
    confidence = float(np.clip(abs(side_votes) / (HALLUX_VOTE_WEIGHT + 1.0), 0.0, 1.0))
    side, side_source = detected, "shape"
    if side_override in ("left", "right"):
        side, side_source = side_override, "user"
    elif confidence < 0.3:
        warnings.append(
            "Left/right is uncertain for this print; check it and correct it if needed."
        )

    n_toes = len(toes_kept)
    quality = 1.0
    if n_toes < 5:
        quality -= 0.08 * (5 - n_toes)
    if axis_source != "second_toe":
        quality -= 0.25
    return Anatomy(
        sole=sole,
        toes=toes.astype(bool),
        heel_xy=(float(heel[0]), float(heel[1])),
        toe_xy=(float(tip[0]), float(tip[1])),
        side=side,
        side_confidence=confidence,
        side_source=side_source,
        axis_source=axis_source,
        n_toes=n_toes,
        quality=float(np.clip(quality, 0.1, 1.0)),
        warnings=tuple(warnings),
    )


def _concavity_vote(sole: np.ndarray, heel: np.ndarray, u: np.ndarray) -> float:
    """+1 if the midfoot's missing area (arch) lies on the -lat side (right foot), else -1.

    Compares, in the middle third, how far each border falls inside the line
    joining the forefoot and heel borders on that side.
    """
    ys, xs = np.nonzero(sole)
    pts = np.column_stack([xs, ys]).astype(np.float64) - heel
    lat = np.array([-u[1], u[0]])
    a = pts @ u
    c = pts @ lat
    a0, a1 = a.min(), a.max()
    length = a1 - a0
    if length <= 0:
        return 0.0
    bins = np.linspace(a0, a1, 31)
    idx = np.clip(np.digitize(a, bins) - 1, 0, 29)
    lo = np.full(30, np.nan)
    hi = np.full(30, np.nan)
    for b in range(30):
        sel = idx == b
        if sel.any():
            lo[b] = c[sel].min()
            hi[b] = c[sel].max()
    mid = slice(10, 20)
    # depth of each border relative to the chord between heel (bins 2-6) and forefoot (23-27)
    def depth(border: np.ndarray, sign: float) -> float:
        heel_v = np.nanmedian(border[2:7]) * sign
        fore_v = np.nanmedian(border[23:28]) * sign
        chord = np.linspace(heel_v, fore_v, 30)[mid]
        vals = border[mid] * sign
        vals = np.where(np.isnan(vals), chord - length, vals)  # no contact: deep concavity
        return float(np.nanmean(chord - vals))

    medial_minus = depth(-lo, 1.0)  # how far the -lat border retreats inwards
    medial_plus = depth(hi, 1.0)  # how far the +lat border retreats inwards
    if not np.isfinite(medial_minus) or not np.isfinite(medial_plus):
        return 0.0
    diff = medial_minus - medial_plus
    return float(np.clip(diff / (0.03 * length + 1e-9), -1.0, 1.0))

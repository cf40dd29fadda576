"""Perspective from the floor's straight lines, when no reference is found.

A tiled floor's joints, or a sheet's edges and a podograph's grid, are two
families of parallel lines on the floor. In a tilted photo each family meets
at a vanishing point :math:`v_1`, :math:`v_2`; the line through both is the
floor's horizon :math:`l = v_1 \\times v_2`. With the camera matrix
:math:`K` (square pixels, principal point at the image centre :math:`c`,
focal length :math:`f`) the floor's normal is :math:`n \\propto K^T l`, and
when the families are at right angles (tile joints)

.. math:: (v_1 - c) \\cdot (v_2 - c) = -f^2

gives the focal length (Caprile & Torre 1990; Hartley & Zisserman 2004,
sec. 8.8, example 8.27). Turning the camera until it looks straight down,
the rotation :math:`R` taking :math:`n` onto the optical axis, re-images the
photo through the conjugate rotation :math:`H = K R K^{-1}` (Hartley &
Zisserman 2004, sec. 8.4.2): shapes on the floor are then true up to one
scale, so the indices are, while lengths stay in pixels.

Segments come from the line segment detector of von Gioi et al. (2012) on a
reduced grey image. Only long ones count (a foot's outline is curved). A
family needs at least two lines well apart (the two edges of one joint are
one line), and the two families must stand at an angle in the photo and at a
right angle once rectified; otherwise nothing is returned and the photo is
measured as it is.

References
----------
.. [1] Caprile, B. & Torre, V. (1990). Using vanishing points for camera
   calibration. IJCV 4, 127-139.
.. [2] Hartley, R. & Zisserman, A. (2004). Multiple View Geometry in Computer
   Vision, 2nd ed. Cambridge University Press.
.. [3] von Gioi, R. G., Jakubowicz, J., Morel, J.-M. & Randall, G. (2012).
   LSD: a line segment detector. Image Processing On Line 2, 35-55.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from .params import RectifyParams


@dataclass(frozen=True)
class FloorLines:
    """Two families of parallel floor lines and the view they give.

    Attributes
    ----------
    segments_xy : (N, 4) ndarray of float64
        The segments (x1, y1, x2, y2) of both families, in pixels of the photo
        given to :func:`find_floor_lines`.
    family : (N,) ndarray of int
        0 or 1: the family of each segment.
    vanishing_points : (2, 3) ndarray of float64
        The families' vanishing points, homogeneous and of unit norm (the
        third coordinate is 0 for a family parallel in the photo).
    focal_px : float
        Focal length used [px].
    focal_from_lines : bool
        True when the right angle between the families gave the focal length,
        False when the prior or the nearest plausible value was used.
    tilt_deg : float
        The camera's tilt from straight down [deg].
    homography : (3, 3) ndarray of float64
        :math:`K R K^{-1}`: photo pixels -> the straight-down view.
    """

    segments_xy: np.ndarray
    family: np.ndarray
    vanishing_points: np.ndarray
    focal_px: float
    focal_from_lines: bool
    tilt_deg: float
    homography: np.ndarray


def _segments(rgb: np.ndarray, params: RectifyParams) -> np.ndarray:
    """The longest straight segments (N, 4) in photo pixels, longest first."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    long_side = max(grey.shape)
    s = min(1.0, params.floor_line_work_px / long_side)
    small = grey if s == 1.0 else cv2.resize(grey, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    found = cv2.createLineSegmentDetector().detect(small)[0]
    if found is None:
        return np.zeros((0, 4))
    segs = found.reshape(-1, 4).astype(np.float64)
    length = np.hypot(segs[:, 2] - segs[:, 0], segs[:, 3] - segs[:, 1])
    order = np.argsort(-length)[: params.floor_line_max_segments]
    order = order[length[order] >= params.floor_line_min_length_fraction * max(small.shape)]
    return (segs[order] + 0.5) / s - 0.5


def _homogeneous_lines(segs: np.ndarray) -> np.ndarray:
    """Lines through the segments, :math:`l = p_1 \\times p_2`, with (a, b) of unit norm."""
    ones = np.ones((len(segs), 1))
    lines = np.cross(np.hstack([segs[:, :2], ones]), np.hstack([segs[:, 2:], ones]))
    return lines / np.maximum(np.linalg.norm(lines[:, :2], axis=1, keepdims=True), 1e-12)


def _pointing_cosines(segs: np.ndarray, v: np.ndarray) -> np.ndarray:
    """|cos| of the angle between each segment and the direction to ``v``.

    The direction from a segment's midpoint :math:`m` to :math:`v` is
    :math:`(v_x - m_x v_w, v_y - m_y v_w)`, which holds for a point at infinity
    (:math:`v_w = 0`) too. ``v`` is one point (3,), giving (N,), or a block of
    points (B, 3), giving (B, N).
    """
    mid = 0.5 * (segs[:, :2] + segs[:, 2:])
    d = segs[:, 2:] - segs[:, :2]
    to = v[..., None, :2] - mid * v[..., None, 2:3]
    return np.abs((d * to).sum(axis=-1)) / np.maximum(
        np.linalg.norm(d, axis=1) * np.linalg.norm(to, axis=-1), 1e-12
    )


def _points_at(segs: np.ndarray, v: np.ndarray, tolerance_deg: float) -> np.ndarray:
    """Segments whose direction points at ``v`` within ``tolerance_deg`` (a mask)."""
    return _pointing_cosines(segs, v) >= math.cos(math.radians(tolerance_deg))


def _mean_direction(segs: np.ndarray) -> float:
    """Mean undirected direction [rad] of segments, weighted by length (doubled angles)."""
    d = segs[:, 2:] - segs[:, :2]
    doubled = np.exp(2j * np.arctan2(d[:, 1], d[:, 0]))
    return float(np.angle(np.sum(np.hypot(d[:, 0], d[:, 1]) * doubled)) / 2)


def _distinct_lines(segs: np.ndarray, spacing_px: float) -> int:
    """How many distinct lines the segments lie on: offsets across their mean
    direction at least ``spacing_px`` apart (the two edges of a joint are one)."""
    a = _mean_direction(segs)
    normal = np.array([-math.sin(a), math.cos(a)])
    offsets = np.sort(0.5 * (segs[:, :2] + segs[:, 2:]) @ normal)
    return 1 + int(np.sum(np.diff(offsets) > spacing_px))


#: Relative slack [1] of the pair scores' ceilings: their cosine limit is lowered
#: by it, and a pair is skipped only when its ceiling is below the best score by
#: this share of the total length. Both are far above float rounding (1e-16)
#: and far below any real difference, so the skipping changes no result.
_SCORE_MARGIN = 1e-9

#: Pairs of segments scored at once [1] (bounds the (pairs, segments, 2) arrays).
_PAIR_BLOCK = 512


def _score_ceilings(
    segs: np.ndarray,
    lines: np.ndarray,
    length: np.ndarray,
    pairs_i: np.ndarray,
    pairs_j: np.ndarray,
    tolerance_deg: float,
) -> np.ndarray:
    """Upper bounds of every pair's score in :func:`_vanishing_point`, all at once.

    The score of the pair (i, j) is the length of the segments pointing at
    :math:`v = l_i \\times l_j` (:func:`_points_at`). Here the cosine limit is
    lowered by ``_SCORE_MARGIN``, so each pair's set of segments contains the
    exact one and its summed length is at least the exact score (less float
    rounding, which ``_SCORE_MARGIN`` covers in the caller).
    """
    limit = math.cos(math.radians(tolerance_deg)) - _SCORE_MARGIN
    out = np.empty(len(pairs_i))
    for start in range(0, len(pairs_i), _PAIR_BLOCK):
        sl = slice(start, start + _PAIR_BLOCK)
        v = np.cross(lines[pairs_i[sl]], lines[pairs_j[sl]])
        v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-300)
        out[sl] = (_pointing_cosines(segs, v) >= limit) @ length
    return out


def _refined(
    segs: np.ndarray,
    lines: np.ndarray,
    length: np.ndarray,
    v: np.ndarray,
    mask: np.ndarray,
    tolerance_deg: float,
) -> tuple[np.ndarray, np.ndarray]:
    """``v`` refined by least squares over the lines of ``mask`` (weighted by
    length), with the segments pointing at it; kept only if it loses none."""
    _, _, vt = np.linalg.svd(lines[mask] * length[mask, None])
    refined = vt[-1] / np.linalg.norm(vt[-1])
    refined_mask = _points_at(segs, refined, tolerance_deg)
    if refined_mask.sum() >= mask.sum():
        return refined, refined_mask
    return v, mask


def _vanishing_point(
    segs: np.ndarray, params: RectifyParams, spacing_px: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """The vanishing point most segment length points at, and its segments.

    Every pair of segments proposes the intersection of their lines; the
    proposal that the greatest total length points at, from at least two
    distinct lines, wins (of equal ones, the first pair in ``np.triu_indices``
    order) and is refined by least squares over its segments' lines (kept
    only if it loses none of them). The pairs are scored exactly in the
    order of their score's ceiling (:func:`_score_ceilings`), highest first,
    until no ceiling left can reach the best score: the same winner as
    scoring every pair, in a few dozen scorings instead of a thousand.
    """
    n = len(segs)
    if n < 2:
        return None
    lines = _homogeneous_lines(segs)
    length = np.hypot(segs[:, 2] - segs[:, 0], segs[:, 3] - segs[:, 1])
    tol = params.floor_line_angle_tolerance_deg
    pairs_i, pairs_j = np.triu_indices(n, 1)
    ceiling = _score_ceilings(segs, lines, length, pairs_i, pairs_j, tol)
    margin = _SCORE_MARGIN * float(length.sum())
    best_score, best_k, best = 0.0, -1, None
    for k in np.argsort(-ceiling, kind="stable").tolist():
        if ceiling[k] + margin <= best_score:  # nor any after it: exact score <= ceiling
            break
        (a0, a1, a2), (b0, b1, b2) = lines[pairs_i[k]].tolist(), lines[pairs_j[k]].tolist()
        # l_i x l_j, written out: np.cross costs 30 us a call here
        v = np.array([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0])
        norm = math.sqrt(float(v @ v))
        if norm < 1e-12:
            continue
        v = v / norm
        mask = _points_at(segs, v, tol)
        score = float(length[mask].sum())
        better = score > best_score or (score == best_score and k < best_k)
        if better and _distinct_lines(segs[mask], spacing_px) >= 2:
            best_score, best_k, best = score, k, (v, mask)
    if best is None:
        return None
    return _refined(segs, lines, length, *best, tol)


def _turn_to(normal: np.ndarray) -> np.ndarray:
    """Rotation taking the unit vector ``normal`` onto the optical axis (0, 0, 1)."""
    axis = np.cross(normal, [0.0, 0.0, 1.0])
    s = float(np.linalg.norm(axis))
    if s < 1e-12:
        return np.eye(3)
    rot, _ = cv2.Rodrigues(axis / s * math.atan2(s, float(normal[2])))
    return rot


def _view(
    v1: np.ndarray, v2: np.ndarray, shape: tuple[int, ...], params: RectifyParams
) -> tuple[np.ndarray, float, bool, float, float]:
    """Straight-down homography from two vanishing points.

    Returns ``(H, focal_px, focal_from_lines, tilt_deg, angle_deg)``, where
    ``angle_deg`` is the angle between the families once rectified.
    """
    rows, cols = shape[0], shape[1]
    long_side = float(max(rows, cols))
    c = np.array([(cols - 1) / 2.0, (rows - 1) / 2.0])
    lo, hi = (r * long_side for r in params.floor_line_focal_range)
    focal, from_lines = params.focal_prior_fraction * long_side, False
    if abs(v1[2]) > 1e-12 and abs(v2[2]) > 1e-12:
        f2 = -float((v1[:2] / v1[2] - c) @ (v2[:2] / v2[2] - c))
        if f2 > 0:
            focal, from_lines = math.sqrt(f2), True
            if not lo <= focal <= hi:
                focal, from_lines = min(max(focal, lo), hi), False
    k = np.array([[focal, 0.0, c[0]], [0.0, focal, c[1]], [0.0, 0.0, 1.0]])
    normal = k.T @ np.cross(v1, v2)
    normal = normal / np.linalg.norm(normal)
    if normal[2] < 0:
        normal = -normal
    rot = _turn_to(normal)
    k_inv = np.linalg.inv(k)
    d1, d2 = ((rot @ k_inv @ v)[:2] for v in (v1, v2))
    cos = abs(float(d1 @ d2)) / max(float(np.linalg.norm(d1) * np.linalg.norm(d2)), 1e-12)
    angle = math.degrees(math.acos(min(1.0, cos)))
    tilt = math.degrees(math.acos(min(1.0, float(normal[2]))))
    return k @ rot @ k_inv, focal, from_lines, tilt, angle


def find_floor_lines(rgb: np.ndarray, params: RectifyParams) -> FloorLines | None:
    """Find two families of parallel floor lines and the straight-down view.

    Parameters
    ----------
    rgb : (H, W, 3) ndarray of uint8
        The photo.
    params : RectifyParams
        ``floor_line_*`` settings, ``focal_prior_fraction``.

    Returns
    -------
    FloorLines or None
        None when fewer than two families of at least two distinct lines are
        found, when the families are nearly parallel in the photo
        (``floor_line_min_family_angle_deg``), when the tilt exceeds
        ``floor_line_max_tilt_deg``, or when the rectified families are not at
        a right angle within ``floor_line_right_angle_tolerance_deg``.
    """
    segs = _segments(rgb, params)
    spacing = params.floor_line_min_spacing_fraction * max(rgb.shape[:2])
    first = _vanishing_point(segs, params, spacing)
    if first is None:
        return None
    v1, m1 = first
    rest = segs[~m1]
    second = _vanishing_point(rest, params, spacing)
    if second is None:
        return None
    v2, m2 = second
    a = abs(math.degrees(_mean_direction(segs[m1]) - _mean_direction(rest[m2]))) % 180.0
    if min(a, 180.0 - a) < params.floor_line_min_family_angle_deg:
        return None
    h, focal, from_lines, tilt, angle = _view(v1, v2, rgb.shape, params)
    if tilt > params.floor_line_max_tilt_deg:
        return None
    if abs(angle - 90.0) > params.floor_line_right_angle_tolerance_deg:
        return None
    return FloorLines(
        segments_xy=np.vstack([segs[m1], rest[m2]]),
        family=np.r_[np.zeros(int(m1.sum()), int), np.ones(int(m2.sum()), int)],
        vanishing_points=np.vstack([v1, v2]),
        focal_px=focal,
        focal_from_lines=from_lines,
        tilt_deg=tilt,
        homography=h,
    )

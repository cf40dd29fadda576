"""Footprint indices, one documented pure function each.

Every function takes a print mask already resampled into the foot frame
(:mod:`footprint.frame`): the foot axis runs along the rows with the toes at
the top, the medial side is on the left. Masks may be boolean or float
coverage in 0..1 (anti-aliased); areas are coverage sums, so sub-pixel
boundaries count. Only the *sole* (toes removed) enters the area and width
indices.

References
----------
.. [1] Cavanagh PR, Rodgers MM (1987). The arch index: a useful measure from
       footprints. J Biomech 20(5):547-551.
.. [2] Forriol F, Pascual J (1990). Footprint analysis between three and
       seventeen years of age. Foot Ankle 11(2):101-104.
.. [3] Staheli LT, Chew DE, Corbett M (1987). The longitudinal arch. J Bone
       Joint Surg Am 69(3):426-428.
.. [4] Clarke HH (1933). An objective method of measuring the height of the
       longitudinal arch in foot examinations. Res Q 4:99-107.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from footprint.params import CutoffPreset

#: Coverage below this (in pixels summed over a row) does not count as contact.
_ROW_EPS = 0.05


@dataclass(frozen=True)
class Thirds:
    """Bounds of the sole along the axis, in (continuous) frame rows.

    ``top`` is the tangent line at the most anterior point of the sole (toes
    excluded), ``bottom`` the tangent at the most posterior point of the heel;
    ``a1`` and ``a2`` split ``top..bottom`` into equal thirds
    (A forefoot = top..a1, B midfoot = a1..a2, C rearfoot = a2..bottom).
    """

    top: float
    a1: float
    a2: float
    bottom: float

    @property
    def length(self) -> float:
        return self.bottom - self.top


def _as_float(mask: np.ndarray) -> np.ndarray:
    m = np.asarray(mask)
    if m.ndim != 2:
        raise ValueError(f"expected a 2-D mask, got shape {m.shape}")
    return m.astype(np.float64, copy=False)


def row_widths(mask: np.ndarray) -> np.ndarray:
    """Contact width of each frame row, in pixels (coverage sum across the row)."""
    return _as_float(mask).sum(axis=1)


def thirds(sole: np.ndarray) -> Thirds:
    """Length bounds and thirds of a sole mask in the foot frame.

    Notes
    -----
    L runs from the first to the last row with contact, measured on pixel
    edges: ``top`` is the upper edge of the first row, ``bottom`` the lower
    edge of the last; L = bottom - top, and the thirds are at top + L/3 and
    top + 2L/3 [1]_.
    """
    w = row_widths(sole)
    rows = np.flatnonzero(w > _ROW_EPS)
    if rows.size < 3:
        raise ValueError("the sole mask is empty or too short to measure")
    top = float(rows[0])
    bottom = float(rows[-1] + 1)
    length = bottom - top
    return Thirds(top=top, a1=top + length / 3.0, a2=top + 2.0 * length / 3.0, bottom=bottom)


def _cumulative_area(widths: np.ndarray, y: float) -> float:
    """Area of rows above continuous row position ``y`` (linear within a row)."""
    cum = np.concatenate([[0.0], np.cumsum(widths)])
    edges = np.arange(cum.size, dtype=np.float64)
    return float(np.interp(y, edges, cum))


def third_areas(sole: np.ndarray) -> tuple[float, float, float]:
    """Areas (pixels) of the forefoot A, midfoot B and rearfoot C thirds."""
    w = row_widths(sole)
    t = thirds(sole)
    at = [_cumulative_area(w, y) for y in (t.top, t.a1, t.a2, t.bottom)]
    return at[1] - at[0], at[2] - at[1], at[3] - at[2]


def arch_index(sole: np.ndarray) -> float:
    """Arch index of Cavanagh & Rodgers.

    Parameters
    ----------
    sole : (M, N) ndarray of bool or float
        Sole (toes excluded) in the foot frame.

    Returns
    -------
    float
        AI = B / (A + B + C), in 0..1.

    Notes
    -----
    The sole length L, between the lines perpendicular to the axis that touch
    the most posterior heel point and the most anterior sole point (toes
    excluded), is divided into equal thirds: A forefoot, B midfoot,
    C rearfoot. The index is the midfoot area over the whole sole area [1]_.
    It is *not* B / (B + C).

    Examples
    --------
    >>> import numpy as np
    >>> sole = np.ones((90, 20)); sole[30:60, 15:] = 0  # narrower midfoot
    >>> round(arch_index(sole), 4)
    0.2727
    """
    a, b, c = third_areas(sole)
    total = a + b + c
    if total <= 0:
        raise ValueError("the sole mask has no area")
    return b / total


def _rows_between(lo: float, hi: float, n: int) -> np.ndarray:
    """Integer rows whose centres lie within [lo, hi)."""
    start = int(np.ceil(lo - 0.5))
    stop = int(np.ceil(hi - 0.5))
    return np.arange(max(start, 0), min(stop, n))


def chippaux_smirak(sole: np.ndarray) -> float:
    """Chippaux-Smirak index (percent).

    Notes
    -----
    CSI = b / a x 100, with ``a`` the widest forefoot (metatarsal) width in
    third A and ``b`` the narrowest midfoot width in third B, both measured
    perpendicular to the foot axis as contact width [2]_. A midfoot with no
    contact in some row gives 0.
    """
    w = row_widths(sole)
    t = thirds(sole)
    fore = w[_rows_between(t.top, t.a1, w.size)]
    mid = w[_rows_between(t.a1, t.a2, w.size)]
    if fore.size == 0 or mid.size == 0 or fore.max() <= 0:
        raise ValueError("the sole is too short to measure widths")
    return float(mid.min() / fore.max() * 100.0)


def staheli(sole: np.ndarray) -> float:
    """Staheli (plantar arch) index.

    Notes
    -----
    SI = b / c, with ``b`` the narrowest midfoot width (third B) and ``c`` the
    widest heel width (third C), perpendicular to the foot axis [3]_.
    """
    w = row_widths(sole)
    t = thirds(sole)
    mid = w[_rows_between(t.a1, t.a2, w.size)]
    heel = w[_rows_between(t.a2, t.bottom, w.size)]
    if heel.size == 0 or mid.size == 0 or heel.max() <= 0:
        raise ValueError("the sole is too short to measure widths")
    return float(mid.min() / heel.max())


@dataclass(frozen=True)
class ClarkeGeometry:
    """Points (col, row) of Clarke's construction in the foot frame."""

    forefoot_tangent: tuple[float, float]
    heel_tangent: tuple[float, float]
    concavity: tuple[float, float]
    angle_deg: float


def _medial_border(sole: np.ndarray, threshold: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Medial (left) border of the sole: sub-pixel column per row with contact."""
    m = _as_float(sole)
    cols_idx = np.arange(m.shape[1], dtype=np.float64)
    rows, cols = [], []
    for r in range(m.shape[0]):
        line = m[r]
        above = np.flatnonzero(line >= threshold)
        if above.size == 0:
            continue
        j = above[0]
        if j == 0:
            c = 0.0
        else:  # linear interpolation of the threshold crossing
            v0, v1 = line[j - 1], line[j]
            c = cols_idx[j - 1] + (threshold - v0) / max(v1 - v0, 1e-9)
        rows.append(r + 0.5)
        cols.append(c)
    return np.asarray(rows), np.asarray(cols)


def clarke_geometry(sole: np.ndarray) -> ClarkeGeometry:
    """Clarke's angle with the points that define it.

    Notes
    -----
    On the medial border, the line tangent to the medial forefoot and the heel
    (the medial convex-hull edge that spans the midfoot) is drawn; a second
    line joins its forefoot tangent point to the deepest point of the medial
    concavity. Clarke's angle is the angle between the two lines at the
    forefoot tangent point [4]_. A straight or convex medial border gives 0.
    """
    t = thirds(sole)
    rows, cols = _medial_border(sole)
    if rows.size < 5:
        raise ValueError("the sole is too small to find its medial border")
    # lower-left hull of the border points, as a chain ordered by row
    pts = np.column_stack([cols, rows])
    hull: list[np.ndarray] = []
    for p in pts:
        while len(hull) >= 2:
            o, a = hull[-2], hull[-1]
            cross = (a[0] - o[0]) * (p[1] - o[1]) - (a[1] - o[1]) * (p[0] - o[0])
            if cross > 1e-9:  # convex towards the medial side; collinear points stay
                hull.pop()
            else:
                break
        hull.append(p)
    hull_arr = np.asarray(hull)
    mid_row = 0.5 * (t.a1 + t.a2)
    k = int(np.searchsorted(hull_arr[:, 1], mid_row))
    k = min(max(k, 1), len(hull_arr) - 1)
    fore = hull_arr[k - 1]
    heel = hull_arr[k]
    between = (rows > fore[1]) & (rows < heel[1])
    d = heel - fore
    norm = float(np.hypot(*d))
    if not between.any() or norm == 0:
        return ClarkeGeometry(tuple(fore), tuple(heel), tuple(fore), 0.0)
    seg = pts[between]
    # distance towards lateral (right of the line going from forefoot to heel)
    dist = ((seg[:, 0] - fore[0]) * d[1] - (seg[:, 1] - fore[1]) * d[0]) / norm
    j = int(np.argmax(dist))
    deep = seg[j]
    if dist[j] <= 0:
        return ClarkeGeometry(tuple(fore), tuple(heel), tuple(fore), 0.0)
    v1 = d / norm
    v2 = (deep - fore) / float(np.hypot(*(deep - fore)))
    angle = float(np.degrees(np.arccos(np.clip(np.dot(v1, v2), -1.0, 1.0))))
    return ClarkeGeometry(
        (float(fore[0]), float(fore[1])),
        (float(heel[0]), float(heel[1])),
        (float(deep[0]), float(deep[1])),
        angle,
    )


def clarke_angle(sole: np.ndarray) -> float:
    """Clarke's angle in degrees; see :func:`clarke_geometry`."""
    return clarke_geometry(sole).angle_deg


def print_length(print_mask: np.ndarray) -> float:
    r"""Foot length along the axis: heel back to the most anterior toe (pixels).

    Each end is where the print's coverage crosses one half, found to a
    fraction of a pixel: with :math:`c_r` the largest coverage in frame row
    :math:`r` (rows beyond the mask count as 0), :math:`a` the first and
    :math:`b` the last row with :math:`c_r \ge 1/2`,

    .. math::

        L = \Big(b + \frac{c_b - 1/2}{c_b - c_{b+1}}\Big)
          - \Big(a - \frac{c_a - 1/2}{c_a - c_{a-1}}\Big),

    the crossings interpolated linearly between row centres. A binary mask of
    ``n`` whole rows has length ``n``. Counting every row the mask touches
    instead (any coverage) took in the fringe that resampling a binary mask
    into the rotated frame spreads one pixel beyond its edge: +0.2 % of the
    length at 0.5 mm per pixel, +0.5 % at 1 mm, on generated feet.
    """
    cover = _as_float(print_mask)
    if cover.size == 0:
        raise ValueError("empty print")
    peak = np.concatenate([[0.0], cover.max(axis=1), [0.0]])
    rows = np.flatnonzero(peak >= 0.5)
    if rows.size == 0:
        raise ValueError("empty print")
    a, b = int(rows[0]), int(rows[-1])
    top = a - (peak[a] - 0.5) / max(peak[a] - peak[a - 1], 1e-9)
    bottom = b + (peak[b] - 0.5) / max(peak[b] - peak[b + 1], 1e-9)
    return float(bottom - top)


def print_width(sole: np.ndarray, threshold: float = 0.5) -> float:
    """Foot width: the largest medial-to-lateral extent of the sole (pixels)."""
    m = _as_float(sole) >= threshold
    best = 0.0
    for r in np.flatnonzero(m.any(axis=1)):
        idx = np.flatnonzero(m[r])
        best = max(best, float(idx[-1] - idx[0] + 1))
    return best


def classify_arch_index(ai: float, preset: CutoffPreset) -> str:
    """'high' (AI <= high max), 'flat' (AI >= flat min) or 'normal' [1]_."""
    if ai <= preset.ai_high_max:
        return "high"
    if ai >= preset.ai_flat_min:
        return "flat"
    return "normal"


def classify_csi(csi: float, preset: CutoffPreset) -> str:
    """'high' (< high max), 'flat' (> flat min) or 'normal' [2]_."""
    if csi < preset.csi_high_max:
        return "high"
    if csi > preset.csi_flat_min:
        return "flat"
    return "normal"


def classify_staheli(si: float, preset: CutoffPreset) -> str:
    """'high' (< high max), 'flat' (> flat min) or 'normal' [3]_."""
    if si < preset.si_high_max:
        return "high"
    if si > preset.si_flat_min:
        return "flat"
    return "normal"


def classify_clarke(angle_deg: float, preset: CutoffPreset) -> str:
    """'flat' (< flat max), 'high' (> high min) or 'normal' [4]_."""
    if angle_deg < preset.clarke_flat_max_deg:
        return "flat"
    if angle_deg > preset.clarke_high_min_deg:
        return "high"
    return "normal"

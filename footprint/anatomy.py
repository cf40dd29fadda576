"""Anatomy of one print: sole vs toes, heel centre, second-toe tip, axis, side.

Definitions
-----------
Heel centre
    The centre of the heel print [1]_, defined as follows. With ``u`` the foot
    axis and ``W`` the heel width (the widest contact across the axis in the
    posterior 30 % of the sole), the heel centre lies, *along* the axis, at
    the centroid of the posterior part of the sole that is ``W`` long, and,
    *across* it, at the centroid of the posterior ``W / 2`` (the back half of
    the heel pad, which a high arch does not affect). For an elliptical heel
    pad this is within ~2 mm of the ellipse centre.
Second-toe tip
    The most distal point of the second toe along the axis: the pixel edge of
    its most distal pixels, across the axis at the mean of the toe pixels
    within a small depth of that extreme (robust to ragged edges).
Axis
    Heel centre -> second-toe tip [1]_; the two definitions depend on each
    other's axis, so they are iterated until the axis settles.
Side
    From the foot's own shape, never from its position: the hallux (largest
    toe, at one end of the toe row) is medial, and the arch concavity is
    medial. Seen from above with the toes up, a right foot has its medial side
    on the left.

Method
------
1. Components of the mask. Specks are dropped. Pieces of at least
   :data:`SOLE_PIECE_FRACTION` of the largest one form the sole core (a high
   arch may break it into heel and forefoot).
2. The core's principal axis, oriented towards the small blobs at one end
   (the toes; without them, towards the wider end), gives a provisional axis.
3. Small pieces whose centroid lies in the posterior :data:`TOE_START_FRACTION`
   of the sole length are sole fragments (broken-midfoot stubs); the others
   are toes.
4. Toes the segmentation joined to the ball are cut off it: parts narrower
   than a toe (an opening), and domes of the distance transform joined to the
   ball through a neck (a watershed); they count as toes like separate ones
   when fewer than two separate toes were found.
5. Slivers (more than :data:`TOE_MAX_ELONGATION` times longer than wide) are
   no toes. In a row of two or more pieces, a piece wider than
   :data:`MERGED_TOE_WIDTHS` lesser toes is split at the notches of its front
   edge (toes printed together at their bases keep a tip each). Toes are
   ordered across the axis; the hallux is the largest and lies at an end of
   the row; the second toe is its neighbour (its hallux-side toe width when
   the neighbour is wider than a toe), or, when the hallux piece is wider
   than a hallux (:data:`MERGED_HALLUX_FRACTION`), the band of it where a
   second toe lies (:data:`SECOND_TOE_OFFSET_FRACTION`).
6. Heel centre, second-toe tip and axis are iterated.
Without two toes, the principal axis is used and a warning says so; a single
toe (most often the hallux, the toe that prints best) still votes for the side.
A full concavity vote against the toes' vote decides the side, flagged as
uncertain (the toe row is then the likelier mistake).

References
----------
.. [1] Cavanagh PR, Rodgers MM (1987). The arch index: a useful measure from
       footprints. J Biomech 20(5):547-551.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np

from footprint import segment_grid
from footprint.errors import AnatomyError
from footprint.params import AnatomyParams

log = logging.getLogger(__name__)

#: [1] Pieces with at least this share of the largest component are sole. A
#: hallux is < ~0.2 of a forefoot; a heel piece of a broken midfoot > ~0.5.
SOLE_PIECE_FRACTION = 0.3
#: Most sole pieces: heel and forefoot of a high arch. A third piece that large
#: is a row of toes the segmentation joined together (wet toes close up), not sole.
MAX_SOLE_PIECES = 2
#: [1] The sole's end that is this many times wider than the other is the
#: forefoot (a ball is ~1.5 heel widths); below it the toes decide the direction.
ORIENT_WIDTH_RATIO = 1.25
#: [1] Small pieces with their centroid behind this fraction of the sole length
#: (from the heel back) are sole fragments; toes lie beyond (>= ~0.9).
TOE_START_FRACTION = 0.75
#: [1] The ball is the part of the sole ahead of this fraction of its length
#: (from the back of the heel) ...
TOE_BALL_FROM_FRACTION = 0.6
#: [1] ... and a toe's centre lies across the axis within the ball's extent,
#: widened on each side by this fraction of the ball's width: a mark beside
#: the ball (a sheet's shadow rim, a stain) is not a toe, however far forward.
TOE_BESIDE_BALL_FRACTION = 0.05
#: [1] Pieces whose centre lies behind this fraction of the sole length (measured
#: from the back of the heel) are not midfoot stubs but stains behind the foot.
FRAGMENT_MIN_FRACTION = 0.1
#: [1] Toes fused to the ball are what an opening with a disk of this fraction
#: of the sole length removes (lesser toes ~0.06, the ball ~0.35 of the length wide).
FUSED_TOE_WIDTH_FRACTION = 0.1
#: [1] ... lying beyond this fraction of the length (toes joined to the sole
#: make it reach their tips; they lie at ~0.9-0.97, the ball's corners at ~0.8) ...
FUSED_TOE_START_FRACTION = 0.86
#: [1] ... with an area of at least this fraction of the length squared (a
#: small toe ~0.002) ...
FUSED_TOE_MIN_AREA_FRACTION = 0.0015
#: [1] ... and an inscribed disk of at least this fraction of the length in radius.
FUSED_TOE_MIN_RADIUS_FRACTION = 0.012
#: [1] Toes joined to the ball through a neck are domes of the sole's distance
#: transform that stand at least this fraction of the sole length above the
#: neck (a hallux ~0.05 of the length in half-width, joined by a neck a few mm narrower) ...
TOE_NECK_RISE_FRACTION = 0.01
#: [1] ... no deeper than this fraction of the length (the half-width of a
#: hallux ~0.05; of the ball ~0.15 or more) ...
TOE_NECK_MAX_RADIUS_FRACTION = 0.07
#: [1] ... and no larger than this fraction of the length squared (a hallux
#: ~0.01-0.015; half a ball ~0.04), beyond ``FUSED_TOE_START_FRACTION`` of the length.
TOE_NECK_MAX_AREA_FRACTION = 0.03
#: [1] Necked toes are looked for in the sole ahead of this fraction of its
#: length (the ball, which they are joined to, begins at ~0.6).
NECK_SEARCH_FROM_FRACTION = 0.5
#: [1] A toe piece more than this many times longer than wide is a sliver
#: (the edge left where a toe was cut off, a line), not a toe; the same limit
#: keeps lines out of the segmentation's toes.
TOE_MAX_ELONGATION = segment_grid.TOE_MAX_ELONGATION
#: [1] Pieces smaller than this fraction of the whole print are specks.
SPECK_FRACTION = 0.0008
#: [1] A merged toe blob is split where a bulge of its distance transform
#: stands this fraction of the blob's deepest point above the neck.
TOE_SPLIT_PROMINENCE = 0.2
#: [1] Toe pieces smaller than this share of the largest are left out of the row
#: whose ends place the hallux (the fifth toe is ~0.1-0.3 of the hallux's area).
TOE_ROW_MIN_AREA_SHARE = 0.08
#: [sole lengths] The widest a lesser toe prints: ~0.07 of the foot's length
#: (second toe about 15-18 mm on a 250 mm foot), the sole (heel to ball) being
#: ~0.8 of it. A toe piece wider than :data:`MERGED_TOE_WIDTHS` times this
#: holds several toes, of which the second is the one at the hallux's end.
LESSER_TOE_WIDTH_FRACTION = 0.085
#: [toe widths] See :data:`LESSER_TOE_WIDTH_FRACTION`.
MERGED_TOE_WIDTHS = 1.5
#: [sole lengths] A hallux piece wider across the foot than this holds the
#: second toe too (toes printed together without a notch between them): a
#: hallux alone prints at most ~0.12 of the foot's length wide, ~0.15 of the
#: sole's, and the second toe adds half a lesser toe before it could be cut.
MERGED_HALLUX_FRACTION = 0.2
#: [sole lengths] The second toe's centre lies this far across the foot from
#: the hallux's medial edge: a hallux ~0.1 of the foot's length wide, a gap of
#: 1-2 mm and half a second toe (~0.03), over a sole ~0.8 of the foot (on
#: generated podograph prints whose toes printed together, the second toe's
#: tip lay 0.16-0.19 sole lengths from the merged piece's medial edge).
SECOND_TOE_OFFSET_FRACTION = 0.17
#: [sole lengths] A toe tip in the front edge of a merged toe piece stands at
#: least this far ahead of the notch that parts it from the next toe.
TOE_NOTCH_DEPTH_FRACTION = 0.01
#: Iterations of the heel-centre / second-toe axis refinement.
AXIS_ITERATIONS = 6
#: [1] Weight of the hallux-position vote against the concavity vote for side.
HALLUX_VOTE_WEIGHT = 2.0
#: [1] Side confidence (|votes| / 3) below which the user is asked to check
#: left/right. The hallux alone (or a single toe beside a principal axis)
#: gives 2/3; the arch's concavity vote (-1..1) alone, when no toe was
#: found, gives at most 1/3, and so does a hallux with a clear concavity
#: against it. On the development photos a side from the concavity alone was
#: right on 40 of 57 feet, one with a hallux vote on 121 of 124.
SIDE_SURE_CONFIDENCE = 0.5
#: [1] The heel width is searched in this posterior fraction of the sole length.
HEEL_SEARCH_FRACTION = 0.3
#: [1] Toe-tip depth (fraction of the toe's length along the axis) whose pixels
#: give the tip's position across the axis.
TIP_DEPTH_FRACTION = 0.12


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


def _perp(u: np.ndarray) -> np.ndarray:
    """+90 deg of ``u`` in image coordinates: image-right when ``u`` points up."""
    return np.array([-u[1], u[0]])


def heel_centre(sole_pts: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, float]:
    """Heel centre of a sole (see the module docstring) and the heel width.

    Parameters
    ----------
    sole_pts : (K, 2) ndarray
        Sole pixel centres (x, y).
    u : (2,) ndarray
        Unit foot axis, pointing to the toes.

    Returns
    -------
    centre : (2,) ndarray
        Heel centre (x, y).
    width : float
        Heel width W in pixels.
    """
    lat = _perp(u)
    s = sole_pts @ u
    c = sole_pts @ lat
    back = float(s.min()) - 0.5
    a = s - back  # distance from the heel back
    length = float(a.max())
    # contact width per 1-px slice across the axis (pixel count per unit length)
    bins = np.floor(a).astype(np.int64)
    n_search = max(int(HEEL_SEARCH_FRACTION * length), 3)
    counts = np.bincount(bins, minlength=n_search)[:n_search].astype(np.float64)
    if counts.size >= 5:
        counts = np.convolve(counts, np.ones(5) / 5.0, mode="same")
    width = float(max(counts.max(), 1.0))
    along_sel = a <= width
    across_sel = a <= 0.5 * width
    if along_sel.sum() < 3 or across_sel.sum() < 3:
        along_sel = across_sel = np.ones_like(a, dtype=bool)
    along = back + float(a[along_sel].mean())
    across = float(c[across_sel].mean())
    return along * u + across * lat, width


def _elongation(pts_xy: np.ndarray) -> float:
    """Long side over short side of the minimum-area rectangle around pixel centres."""
    (_, _), (a, b), _ = cv2.minAreaRect(pts_xy.astype(np.float32))
    return float(max(a, b) / max(min(a, b), 1.0))


def _toe_tip(pts: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Most distal point of a toe blob (pixel centres ``pts``) along ``u``."""
    s = pts @ u
    smax = float(s.max())
    extent = smax - float(s.min())
    depth = max(TIP_DEPTH_FRACTION * extent, 1.5)
    near = s >= smax - depth
    across = float((pts[near] @ _perp(u)).mean())
    return (smax + 0.5) * u + across * _perp(u)


def _find_peaks(x: np.ndarray, prominence: float, distance: float) -> np.ndarray:
    """Indices of the peaks of ``x`` as ``scipy.signal.find_peaks(x,
    prominence=prominence, distance=distance)`` gives them.

    Local maxima (the middle of a flat top) closer than ``distance`` to a
    higher one are dropped, then those whose topographic prominence (height
    above the higher of the lowest points between it and a higher sample on
    either side, or the signal's end) is below ``prominence``. Written out
    because importing ``scipy.signal`` costs ~50 MB of memory per process
    (`tests/test_merged_toes.py` compares the two).
    """
    x = np.asarray(x, np.float64)
    n = x.size
    peaks = []
    i = 1
    while i < n - 1:
        if x[i - 1] < x[i]:
            j = i
            while j + 1 < n - 1 and x[j + 1] == x[i]:
                j += 1
            if x[j + 1] < x[i]:
                peaks.append((i + j) // 2)
            i = j + 1
        else:
            i += 1
    idx = np.array(peaks, np.int64)
    distance = float(np.ceil(distance))
    if idx.size and distance > 1:
        keep = np.ones(idx.size, bool)
        for k in np.argsort(x[idx])[::-1]:  # scipy's order, ties included
            if not keep[k]:
                continue
            near = np.abs(idx - idx[k]) < distance
            near[k] = False
            keep &= ~near
        idx = idx[keep]
    out = []
    for p in idx:
        left = p
        while left > 0 and x[left - 1] <= x[p]:
            left -= 1
        right = p
        while right < n - 1 and x[right + 1] <= x[p]:
            right += 1
        base = max(float(x[left : p + 1].min()), float(x[p : right + 1].min()))
        if x[p] - base >= prominence:
            out.append(p)
    return np.array(out, np.int64)


def _split_by_front(pts: np.ndarray, u: np.ndarray, width: float, depth: float) -> list[np.ndarray]:
    """Split a toe piece into toes at the notches of its front edge.

    Parameters
    ----------
    pts : (K, 2) ndarray
        Pixel (x, y) of one toe piece.
    u : (2,) ndarray
        Unit vector from heel to toes.
    width : float
        The widest a lesser toe prints [px] (:data:`LESSER_TOE_WIDTH_FRACTION`).
    depth : float
        Least depth of a notch between two toe tips [px]
        (:data:`TOE_NOTCH_DEPTH_FRACTION`).

    Returns
    -------
    list of (K_i, 2) ndarray
        The piece's parts, ordered across the foot; ``[pts]`` when it is at
        most :data:`MERGED_TOE_WIDTHS` toes wide or its front has no notch.

    Notes
    -----
    Toes printed together at their bases (a podograph's light-contact dots,
    a wet print's film between touching toes) keep a tip each: the front
    edge ``f(c) = max s`` over the piece's pixels at ``c`` across the foot
    (``s`` along ``u``) has one peak per toe. Peaks of prominence >=
    ``depth`` at least half a toe width apart (:func:`_find_peaks`)
    are the tips; the piece is cut along ``u`` at the lowest point of the
    front between neighbouring tips. :func:`_split_toes` splits pieces at
    necks of their distance transform, which a broad join does not have.
    """
    lat = _perp(u)
    across = pts @ lat
    lo = float(across.min())
    if float(across.max()) - lo <= MERGED_TOE_WIDTHS * width:
        return [pts]
    bins = np.floor(across - lo).astype(np.int64)
    front = np.full(int(bins.max()) + 1, -np.inf)
    np.maximum.at(front, bins, pts @ u)
    ok = np.isfinite(front)
    front = np.interp(np.arange(front.size), np.flatnonzero(ok), front[ok])
    # ends fall away, so a tip at either end of the piece is a peak too
    floor = float(front.min()) - 2.0 * depth
    padded = np.concatenate([[floor], front, [floor]])
    peaks = _find_peaks(padded, prominence=depth, distance=max(1.0, 0.5 * width))
    peaks = peaks - 1
    if peaks.size < 2:
        return [pts]
    pairs = zip(peaks[:-1], peaks[1:], strict=True)
    cuts = [int(a + np.argmin(front[a : b + 1])) for a, b in pairs]
    part = np.searchsorted(np.array(cuts), bins, side="right")
    return [pts[part == k] for k in range(len(cuts) + 1) if np.any(part == k)]


def _second_toe(pts: np.ndarray, lat: np.ndarray, hallux_side: float, width: float) -> np.ndarray:
    """The second toe's pixels in the toe piece next to the hallux.

    Parameters
    ----------
    pts : (K, 2) ndarray
        Pixel (x, y) of the piece next to the hallux in the toe row.
    lat : (2,) ndarray
        Unit vector across the foot.
    hallux_side : float
        -1 when the hallux lies on the ``-lat`` side of the row, +1 otherwise.
    width : float
        The widest a lesser toe prints [px] (:data:`LESSER_TOE_WIDTH_FRACTION`).

    Returns
    -------
    (K', 2) ndarray
        ``pts`` itself when the piece is one toe; when it is more than
        :data:`MERGED_TOE_WIDTHS` toes wide across the foot (toes printed
        together, e.g. a podograph's light-contact dots, which a grid
        period cannot resolve), its part within one toe width of the end
        nearer the hallux: the tip of the whole piece would be another
        toe's, and the axis (Cavanagh & Rodgers 1987: heel centre to the
        second toe's tip) would turn towards it.
    """
    across = pts @ lat
    lo, hi = float(across.min()), float(across.max())
    if hi - lo <= MERGED_TOE_WIDTHS * width:
        return pts
    keep = across <= lo + width if hallux_side < 0 else across >= hi - width
    return pts[keep]


def _second_toe_of_row(
    toe_pts: list[np.ndarray],
    second: int,
    hallux: int,
    lat: np.ndarray,
    hallux_side: float,
    toe_width: float,
    length: float,
) -> np.ndarray:
    """Pixels of the second toe, given the row's hallux and its neighbour.

    When the hallux piece is wider than :data:`MERGED_HALLUX_FRACTION` of the
    sole's ``length``, the second toe printed together with it: its pixels
    are the hallux piece's band one toe wide centred
    :data:`SECOND_TOE_OFFSET_FRACTION` from the piece's medial edge (the
    neighbouring piece is then a lesser toe further out, and the axis to it
    turned by 10-15 degrees). Otherwise the neighbour's (:func:`_second_toe`).
    """
    pts = toe_pts[hallux]
    across = pts @ lat
    if float(np.ptp(across)) > MERGED_HALLUX_FRACTION * length:
        outer = float(across.min()) if hallux_side < 0 else float(across.max())
        centre = outer - hallux_side * SECOND_TOE_OFFSET_FRACTION * length
        band = np.abs(across - centre) <= 0.5 * toe_width
        if band.any():
            return pts[band]
    return _second_toe(toe_pts[second], lat, hallux_side, toe_width)


def _dome_watershed(
    dt: np.ndarray, mask: np.ndarray, h: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """Watershed of a distance transform seeded by its domes that stand ``h`` high.

    Parameters
    ----------
    dt : (h, w) float32 ndarray
        Distance transform of ``mask``.
    mask : (h, w) bool ndarray
        Where the regions may grow.
    h : float
        Least rise [px] of a dome's top above the neck that joins it to the rest.

    Returns
    -------
    labels : (h, w) int ndarray
        Regions 1..K, one per dome, split along the necks (0 outside ``mask``).
    peaks : (K,) ndarray
        Each dome's height (its largest ``dt``).
    None when fewer than two domes stand ``h`` high.

    Notes
    -----
    The tops are where ``dt`` exceeds by ``h / 2`` its grey reconstruction by
    dilation from ``dt - h`` (each top is connected even when it has several
    equal summits, unlike h-maxima pixels); a top counts only if its dome
    really rises ``h`` above that floor.
    """
    from skimage.segmentation import watershed

    floor_ = _reconstruct_by_dilation(np.maximum(dt - h, 0.0), dt)
    tops = (dt > floor_ + 0.5 * h).astype(np.uint8)
    n_tops, top_lab = cv2.connectedComponents(tops, connectivity=8)
    rise = _label_maxima(dt - floor_, top_lab, n_tops)
    keep = np.flatnonzero(rise >= h - 1e-3)
    if keep.size <= 1:
        return None
    peaks = _label_maxima(dt, top_lab, n_tops)[keep]
    relabel = np.zeros(n_tops, np.int32)
    relabel[keep + 1] = np.arange(1, keep.size + 1)
    return watershed(-dt, relabel[top_lab], mask=mask), peaks


def mask_pixels(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.nonzero`` of a 2-D bool mask: the same arrays, found inside its bounding box.

    A print is a small part of the plane image; ``cv2.boundingRect`` finds
    its box at a fraction of the cost of scanning the whole image for pixels.
    """
    m = np.ascontiguousarray(mask, dtype=bool)
    x, y, w, h = cv2.boundingRect(m.view(np.uint8))
    ys, xs = np.nonzero(m[y : y + h, x : x + w])
    return ys + y, xs + x


def _reconstruct_by_dilation(seed: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Grey reconstruction by dilation of ``seed`` under ``mask`` (8-connected), float32.

    The same image as ``skimage.morphology.reconstruction(seed, mask,
    method="dilation")`` with float32 ``mask`` (its values are copies of
    ``seed`` and ``mask`` values, so any exact algorithm gives them bit for
    bit): geodesic dilations, ``min(dilate(r), mask)`` with a 3 x 3 square,
    repeated until nothing changes. On the few-hundred-pixel crops of a sole
    this takes a few dozen passes and is ~15 x faster than skimage's, whose
    argsort of the many equal values of a distance transform dominates.

    Parameters
    ----------
    seed : (h, w) float ndarray
        Marker, at most ``mask`` everywhere; rounded to float32 as skimage does.
    mask : (h, w) float32 ndarray

    Returns
    -------
    (h, w) float32 ndarray
    """
    mask = np.asarray(mask, np.float32)
    rec = np.asarray(seed).astype(np.float32)
    square = np.ones((3, 3), np.uint8)
    # outside the image counts as -inf for a dilation (skimage pads with
    # min(seed), which never raises a value either)
    while True:
        grown = np.minimum(cv2.dilate(rec, square), mask)
        if np.array_equal(grown, rec):
            return grown
        rec = grown


def _label_maxima(values: np.ndarray, labels: np.ndarray, n: int) -> np.ndarray:
    """Largest ``values`` of each label 1..n-1 (float64), as ``ndimage.maximum`` gives them.

    Only the labelled pixels are visited; ``ndimage.maximum`` sorts the whole
    label image. Every label must occur (as in a connected-components image).
    """
    out = np.full(n, -np.inf)
    sel = labels > 0
    np.maximum.at(out, labels[sel], values[sel])
    return out[1:]


def _split_toes(blob: np.ndarray) -> list[np.ndarray]:
    """Split a toe blob into its toes where the segmentation merged neighbours.

    Each toe is a bulge of the distance transform; bulges whose peak stands
    at least :data:`TOE_SPLIT_PROMINENCE` of the largest peak (and 2 px) above
    the neck that joins them seed a watershed.

    Parameters
    ----------
    blob : (h, w) bool ndarray
        One connected toe blob (cropped).

    Returns
    -------
    list of (K, 2) ndarray
        Pixel (x, y) of each toe, in the crop's coordinates.
    """
    padded = np.pad(blob, 1).astype(np.uint8)
    dt = cv2.distanceTransform(padded, cv2.DIST_L2, 5)
    h = max(2.0, TOE_SPLIT_PROMINENCE * float(dt.max()))
    split = _dome_watershed(dt, padded.astype(bool), h)
    if split is None:
        ys, xs = np.nonzero(blob)
        return [np.column_stack([xs, ys]).astype(np.float64)]
    lab = split[0][1:-1, 1:-1]
    out = []
    for k in range(1, split[1].size + 1):
        ys, xs = np.nonzero(lab == k)
        if ys.size:
            out.append(np.column_stack([xs, ys]).astype(np.float64))
    return out


def _fused_toes(sole: np.ndarray, u: np.ndarray, back: float, length: float) -> np.ndarray:
    """Toes that the segmentation joined to the front of the sole.

    Parameters
    ----------
    sole : (H, W) bool ndarray
        The sole pieces.
    u : (2,) ndarray
        Unit vector from heel to toes.
    back, length : float
        Position of the back of the heel along ``u`` and the sole's length [px].

    Returns
    -------
    (H, W) bool ndarray
        The fused toes (empty when there are none).

    Notes
    -----
    A morphological opening with a disk of ``FUSED_TOE_WIDTH_FRACTION`` x
    length keeps the ball and heel, which are wider, and removes toes, which
    are narrower (a lesser toe is ~0.06 x foot length wide). What it removes
    counts as a toe when it lies beyond ``FUSED_TOE_START_FRACTION`` of the length
    and is a solid blob: area >= ``FUSED_TOE_MIN_AREA_FRACTION`` x length^2
    and an inscribed disk of radius >= ``FUSED_TOE_MIN_RADIUS_FRACTION`` x
    length (ragged slivers of the ball's edge are neither).
    """
    out = np.zeros_like(sole)
    if length <= 0 or not sole.any():
        return out
    k = max(3, int(round(FUSED_TOE_WIDTH_FRACTION * length)) | 1)
    # work on the sole's bounding box (plus the disk): the plane is much larger
    ys, xs = mask_pixels(sole)
    oy, ox = max(0, int(ys.min()) - k), max(0, int(xs.min()) - k)
    box = (slice(oy, int(ys.max()) + k + 1), slice(ox, int(xs.max()) + k + 1))
    m8 = sole[box].astype(np.uint8)
    disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    residue = m8.astype(bool) & ~cv2.morphologyEx(m8, cv2.MORPH_OPEN, disk).astype(bool)
    n, lab, stats, cents = cv2.connectedComponentsWithStats(
        residue.astype(np.uint8), connectivity=8
    )
    sub = out[box]
    for i in range(1, n):
        rel = (float((cents[i] + (ox, oy)) @ u) - back) / length
        if rel < FUSED_TOE_START_FRACTION or stats[i, cv2.CC_STAT_AREA] < (
            FUSED_TOE_MIN_AREA_FRACTION * length**2
        ):
            continue
        x0, y0, w, h = stats[i, :4]
        crop = lab[y0 : y0 + h, x0 : x0 + w] == i
        padded = np.pad(crop, 1).astype(np.uint8)
        radius = float(cv2.distanceTransform(padded, cv2.DIST_L2, 5).max())
        if radius >= FUSED_TOE_MIN_RADIUS_FRACTION * length:
            sub[y0 : y0 + h, x0 : x0 + w] |= crop
    return out


def _necked_toes(sole: np.ndarray, u: np.ndarray, back: float, length: float) -> np.ndarray:
    """Toes joined to the front of the sole through a neck.

    Parameters
    ----------
    sole : (H, W) bool ndarray
        The sole pieces.
    u : (2,) ndarray
        Unit vector from heel to toes.
    back, length : float
        Position of the back of the heel along ``u`` and the sole's length [px].

    Returns
    -------
    (H, W) bool ndarray
        The necked toes (empty when there are none).

    Notes
    -----
    Wet toes spread into the ball, and a hallux is too wide for the opening of
    :func:`_fused_toes` to remove it. Each part of the sole that is round in
    itself is a dome of its distance transform ``D``; a dome whose top stands
    ``h = TOE_NECK_RISE_FRACTION x length`` above the neck joining it to the rest
    (found by grey reconstruction of ``D - h`` under ``D``) seeds a watershed of
    ``-D``, whose lines run along the necks. Domes are looked for ahead of
    ``NECK_SEARCH_FROM_FRACTION`` of the length only (``D`` is still that of
    the whole sole), where the toes and the ball lie. A region is a toe when it lies
    beyond ``FUSED_TOE_START_FRACTION`` of the length, its dome is no deeper
    than ``TOE_NECK_MAX_RADIUS_FRACTION x length`` and its area is at most
    ``TOE_NECK_MAX_AREA_FRACTION x length^2``: the ball and heel are wider
    and larger.
    """
    out = np.zeros_like(sole)
    if length <= 0 or not sole.any():
        return out
    ys, xs = mask_pixels(sole)
    # toes and the ball they are joined to lie in the front of the sole: the
    # domes are looked for there only (the reconstruction is the costly step)
    front = (xs * u[0] + ys * u[1] - back) >= NECK_SEARCH_FROM_FRACTION * length
    if not front.any():
        return out
    sy, sx = int(ys.min()), int(xs.min())
    whole = sole[sy : int(ys.max()) + 1, sx : int(xs.max()) + 1]
    fy, fx = ys[front], xs[front]
    oy, ox = int(fy.min()), int(fx.min())
    box = (slice(oy, int(fy.max()) + 1), slice(ox, int(fx.max()) + 1))
    # the whole sole's distance transform, on the front part of the sole only
    dt = cv2.distanceTransform(np.pad(whole, 1).astype(np.uint8), cv2.DIST_L2, 5)[1:-1, 1:-1]
    dt = dt[oy - sy : int(fy.max()) + 1 - sy, ox - sx : int(fx.max()) + 1 - sx]
    m = np.zeros(dt.shape, bool)
    m[fy - oy, fx - ox] = True
    dt = np.where(m, dt, 0.0).astype(np.float32)
    split = _dome_watershed(dt, m, max(2.0, TOE_NECK_RISE_FRACTION * length))
    if split is None:
        return out
    lab, peak = split
    k_max = peak.size
    # each region's size and centroid in one pass
    ry, rx = np.nonzero(lab)
    rl = lab[ry, rx]
    n = np.bincount(rl, minlength=k_max + 1)[1:].astype(np.float64)
    cx = np.bincount(rl, weights=rx, minlength=k_max + 1)[1:] / np.maximum(n, 1.0) + ox
    cy = np.bincount(rl, weights=ry, minlength=k_max + 1)[1:] / np.maximum(n, 1.0) + oy
    rel = (cx * u[0] + cy * u[1] - back) / length
    toe = (
        (n > 0)
        & (rel >= FUSED_TOE_START_FRACTION)
        & (peak <= TOE_NECK_MAX_RADIUS_FRACTION * length)
        & (n <= TOE_NECK_MAX_AREA_FRACTION * length**2)
    )
    if toe.any():
        out[box] = np.isin(lab, np.flatnonzero(toe) + 1)
    return out


def locate(mask: np.ndarray, params: AnatomyParams, *, side_override: str | None = None) -> Anatomy:
    """Locate sole, toes, heel centre, second-toe tip and side of one print.

    Parameters
    ----------
    mask : (H, W) bool ndarray
        One foot's print in plane pixels.
    params : AnatomyParams
    side_override : {'left', 'right'}, optional
        A side set by the user; detection still runs for the confidence.

    Returns
    -------
    Anatomy

    Raises
    ------
    AnatomyError
        When the print is too small or shapeless to measure.
    """
    m8 = np.asarray(mask).astype(np.uint8)
    n, labels, stats, cents = cv2.connectedComponentsWithStats(m8, connectivity=8)
    if n <= 1:
        raise AnatomyError("The print is empty after segmentation.")
    areas = stats[1:, cv2.CC_STAT_AREA].astype(np.float64)
    total = float(areas.sum())
    largest = float(areas.max())
    core_ids = [i for i in range(n - 1) if areas[i] >= SOLE_PIECE_FRACTION * largest]
    core_ids = sorted(core_ids, key=lambda i: -areas[i])[:MAX_SOLE_PIECES]
    small_ids = [
        i
        for i in range(n - 1)
        if i not in core_ids and areas[i] >= max(SPECK_FRACTION * total, 4.0)
    ]
    core = np.isin(labels, [i + 1 for i in core_ids])
    ys, xs = mask_pixels(core)
    if ys.size < 200:
        raise AnatomyError(
            "The print is too small to measure; move the phone closer so the foot fills "
            "at least a third of the photo."
        )
    core_pts = np.column_stack([xs, ys]).astype(np.float64)
    centre, u = _principal_axis(core_pts)
    s = (core_pts - centre) @ u
    length = float(np.ptp(s))

    # orient u towards the toes: the forefoot is clearly wider than the heel;
    # when the ends are alike, the toes are the small blobs beyond one end
    lat = _perp(u)
    widths = []
    for sign in (1, -1):
        sel = (s * sign) > 0.25 * length
        widths.append(float(np.ptp((core_pts[sel] - centre) @ lat)) if sel.any() else 0.0)
    sc = np.array([(cents[i + 1] - centre) @ u for i in small_ids]).reshape(-1)
    end = np.abs(sc) > 0.3 * length
    if max(widths) < ORIENT_WIDTH_RATIO * max(min(widths), 1e-9) and end.any():
        if float((areas[small_ids] * np.sign(sc) * end).sum()) < 0:
            u = -u
    elif widths[1] > widths[0]:
        u = -u
    s = core_pts @ u
    back, front = float(s.min()), float(s.max())
    length = front - back
    # the ball's extent across the axis: toes lie ahead of it, not beside it
    lat = _perp(u)
    ball = (s - back) >= TOE_BALL_FROM_FRACTION * length
    across_core = core_pts[ball] @ lat
    ball_lo, ball_hi = float(across_core.min()), float(across_core.max())
    margin = TOE_BESIDE_BALL_FRACTION * (ball_hi - ball_lo)
    across_all = core_pts @ lat
    sole_lo, sole_hi = float(across_all.min()), float(across_all.max())
    sole_margin = TOE_BESIDE_BALL_FRACTION * (sole_hi - sole_lo)
    toe_ids: list[int] = []
    frag_ids: list[int] = []
    for i in small_ids:
        rel = (float(cents[i + 1] @ u) - back) / max(length, 1e-9)
        if rel < FRAGMENT_MIN_FRACTION:
            continue  # behind the heel: a stain, not part of this foot
        if rel < TOE_START_FRACTION:
            # a midfoot stub lies within the sole's breadth; a stain beside the ball does not
            if sole_lo - sole_margin <= float(cents[i + 1] @ lat) <= sole_hi + sole_margin:
                frag_ids.append(i)
        elif (
            areas[i] >= params.min_toe_area_fraction * float(areas[core_ids].sum())
            and rel <= 1.0 + params.toe_zone_fraction * 2.0
            and ball_lo - margin <= float(cents[i + 1] @ lat) <= ball_hi + margin
        ):
            toe_ids.append(i)
    sole = np.isin(labels, [i + 1 for i in core_ids + frag_ids])
    toes = np.isin(labels, [i + 1 for i in toe_ids]) if toe_ids else np.zeros_like(sole)
    fused = _fused_toes(sole, u, back, length)
    fused |= _necked_toes(sole & ~fused, u, back, length)
    if fused.any():
        sole &= ~fused
        toes |= fused
    ys, xs = mask_pixels(sole)
    sole_pts = np.column_stack([xs, ys]).astype(np.float64)
    if frag_ids:
        _, u_new = _principal_axis(sole_pts)
        u = u_new if u_new @ u > 0 else -u_new

    warnings: list[str] = []
    heel, _ = heel_centre(sole_pts, u)
    side_votes = 0.0
    axis_source = "principal_axis"
    toe_pts: list[np.ndarray] = []
    for i in toe_ids:
        x0, y0, w, h = stats[i + 1, :4]
        crop = labels[y0 : y0 + h, x0 : x0 + w] == i + 1
        toe_pts += [p + (x0, y0) for p in _split_toes(crop)]
    if len(toe_pts) < 2 and fused.any():
        # no separate toe row: the toes cut off the ball place the axis instead
        n_f, f_lab, f_stats, _ = cv2.connectedComponentsWithStats(
            fused.astype(np.uint8), connectivity=8
        )
        for j in range(1, n_f):
            x0, y0, w, h = f_stats[j, :4]
            crop = f_lab[y0 : y0 + h, x0 : x0 + w] == j
            toe_pts += [p + (x0, y0) for p in _split_toes(crop)]
    # toes printed together at their bases keep a tip each in the front edge;
    # split only in a row of two or more pieces, whose ends tell the hallux
    # (one piece alone is as often a stain or the ball's rim as a toe row)
    toe_width = LESSER_TOE_WIDTH_FRACTION * length
    notch = TOE_NOTCH_DEPTH_FRACTION * length
    # the anatomy's quality counts toes printed apart, not tips inferred
    n_apart = sum(_elongation(p) <= TOE_MAX_ELONGATION for p in toe_pts)
    if len(toe_pts) >= 2:
        toe_pts = [q for p in toe_pts for q in _split_by_front(p, u, toe_width, notch)]
    # a sliver (the edge left where a toe was cut off, a line) is no toe
    toe_pts = [p for p in toe_pts if _elongation(p) <= TOE_MAX_ELONGATION]
    toe_areas = np.array([len(p) for p in toe_pts], dtype=np.float64)
    toe_cents = [p.mean(axis=0) for p in toe_pts]
    if len(toe_pts) >= 2:
        axis_source = "second_toe"
        hallux_side = 0.0
        for _ in range(AXIS_ITERATIONS):
            lat = _perp(u)
            across = np.array([(c - heel) @ lat for c in toe_cents])
            # the row: specks beside it (stains, a split-off sliver) would take its ends
            row = np.flatnonzero(toe_areas >= TOE_ROW_MIN_AREA_SHARE * toe_areas.max())
            if row.size < 2:
                row = np.arange(len(toe_pts))
            ordered = [int(k) for k in row[np.argsort(across[row])]]
            ta = toe_areas[ordered]
            h_idx = int(np.argmax(ta))
            # the hallux is at an end of the row; if the largest is inside, take the larger end
            if h_idx not in (0, len(ordered) - 1):
                h_idx = 0 if ta[0] >= ta[-1] else len(ordered) - 1
            second = ordered[1] if h_idx == 0 else ordered[-2]
            hallux_side = -1.0 if h_idx == 0 else 1.0  # -1: hallux on the -lat side
            hallux = ordered[h_idx]
            second_pts = _second_toe_of_row(
                toe_pts, second, hallux, lat, hallux_side, toe_width, length
            )
            tip = _toe_tip(second_pts, u)
            u_new = (tip - heel) / np.linalg.norm(tip - heel)
            heel_new, _ = heel_centre(sole_pts, u_new)
            converged = np.linalg.norm(heel_new - heel) < 0.05 and float(u_new @ u) > 1 - 1e-8
            u, heel = u_new, heel_new
            if converged:
                break
        second_pts = _second_toe_of_row(
            toe_pts, second, hallux, _perp(u), hallux_side, toe_width, length
        )
        tip = _toe_tip(second_pts, u)
        # hallux on the -lat side (image-left with toes up): medial on the left, right foot
        side_votes += HALLUX_VOTE_WEIGHT * (-hallux_side)
    else:
        warnings.append(
            "The toes could not be found, so the foot axis is the principal axis of the sole "
            "instead of the heel-to-second-toe line; indices may be less accurate."
        )
        tip = heel + u * (float((sole_pts @ u).max()) - float(heel @ u))
        if len(toe_pts) == 1:
            # one toe printed apart is most often the hallux: medial
            off = float((toe_cents[0] - heel) @ _perp(u))
            side_votes += HALLUX_VOTE_WEIGHT * (1.0 if off < 0 else -1.0)

    concavity = _concavity_vote(sole, heel, u)
    toe_votes = side_votes
    side_votes += concavity
    detected = "right" if side_votes > 0 else "left"
    confidence = float(np.clip(abs(side_votes) / (HALLUX_VOTE_WEIGHT + 1.0), 0.0, 1.0))
    if abs(concavity) >= 1.0 and concavity * toe_votes < 0:
        # a full concavity against the toes: the toe row is the likelier mistake
        # (a hallux missed or a stain at the row's end); still flagged as uncertain
        detected = "right" if concavity > 0 else "left"
    side, side_source = detected, "shape"
    if side_override in ("left", "right"):
        side, side_source = side_override, "user"
    elif confidence < SIDE_SURE_CONFIDENCE:
        warnings.append(
            "Left/right is uncertain for this print; check it and correct it if needed."
        )

    n_toes = len(toe_pts)
    quality = 1.0
    if min(n_toes, n_apart) < 5:
        quality -= 0.08 * (5 - min(n_toes, n_apart))
    if axis_source != "second_toe":
        quality -= 0.25
    log.debug(
        "anatomy: %d toes, %d sole fragments, side %s (%.2f)",
        n_toes,
        len(frag_ids),
        detected,
        confidence,
    )
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
    ys, xs = mask_pixels(sole)
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

"""A faint midfoot left out of a print's outline: found by the arch gap's darkness.

A wet print's midfoot carries little load and prints much fainter than the
heel and ball (the water film there is thin). On a textured floor (concrete,
grained kraft paper, dark tile) it can fall below the segmentation's
threshold; worse, the background estimate of :func:`footprint.background.darkness_map`
then takes it for floor and lifts the floor level under it. The outline
shows a *broken* midfoot, heel and forefoot apart, and an arch index near 0,
as a very high arch would print.

The two cases differ in the arch gap itself. Under a very high arch the gap
between heel and forefoot is floor; under a missed midfoot it is darker than
the floor around the foot. :func:`gap_darkness` measures that in the foot
frame (:mod:`footprint.frame`):

``g = (mean D(gap) - median D(ring)) / (median D(sole) - median D(ring))``

with ``D`` the segmentation's illumination-corrected darkness, smoothed over
``SMOOTH_FRACTION`` of the sole length; the *gap* is the sole's convex hull
minus the sole (``MARGIN_FRACTION`` of the length clear of its edge) in the
middle third of the sole's length, the *ring* the floor just outside the
hull in the same rows. On the development photos (seeds 3000-3079,
4000-4079 and 5000-5119, all 47 feet measured with an arch index below
``MAX_ARCH_INDEX``) the 42 feet measured right had ``g`` <= 0.040; the 5
whose faint midfoot was missed (arch index 0.05-0.25 too low) had
``g`` >= 0.065.

:func:`recover` then estimates the darkness again with the foot's hull kept
out of the background (so the floor level is interpolated under the midfoot
from around the foot), and adds to the sole the hull pixels darker than the
Otsu threshold (Otsu 1979, IEEE SMC 9:62) between floor and midfoot that are
joined to the sole; the outline is closed and its small holes filled as the
segmentation does.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from skimage.filters import threshold_otsu

from footprint import background, segment, segment_grid
from footprint.frame import FootFrame
from footprint.params import SegmentParams

#: [1] Only soles whose arch index reads below this (a broken or nearly
#: broken midfoot: very high arches, and missed faint midfeet) are examined;
#: the development figures above cover these.
MAX_ARCH_INDEX = 0.08
#: [1] Gaussian sigma of the darkness smoothing, as a share of the sole length
#: (~1.5 mm of a 250 mm sole: averages paper fibre and floor grain).
SMOOTH_FRACTION = 0.006
#: [1] The gap stays this share of the sole length clear of the sole's edge
#: (~2 mm: the edge's own blur); the ring starts as far outside the hull.
MARGIN_FRACTION = 0.008
#: [1] Outer edge of the floor ring around the hull, as a share of the sole
#: length (~10 mm).
RING_FRACTION = 0.04
#: [1] Smallest gap darkness ``g`` of a missed faint midfoot (development
#: photos: feet measured right <= 0.040, missed midfeet >= 0.065).
MIN_GAP_DARKNESS = 0.055
#: [1] Soles reading from ``MAX_ARCH_INDEX`` up to this arch index are not
#: traced (a thin lateral band printed; tracing more added a midfoot to a
#: print measured right) but are checked for a faint midfoot left out ...
SUSPECT_MAX_ARCH_INDEX = 0.2
#: [1] ... which their arch gap this dark suggests (``g``; development seeds
#: 8600-8839 and 9000-9239, with the merged-toe axis (twelfth session), 88
#: feet reading 0.08-0.2 at quality >= 0.4: of the 10 with ``g`` >= 0.07, 6
#: read 0.080-0.184 too low and 2 were within 0.02; of the 78 below, 2 read
#: more than 0.05 too low and 63 were within 0.02. At 0.08, chosen on the
#: axes before, 7 / 5 / 2 and 81 / 3 / 63: the axis moves ``g`` by ~0.01, e.g.
#: seed 8728 0.086 -> 0.079, 0.178 too low).
SUSPECT_MIN_GAP_DARKNESS = 0.07
#: [mm] The foot's convex hull grown by this much is kept out of the second
#: background estimate (the midfoot's own faint edge lies inside it).
HULL_MARGIN_MM = 5.0
#: [1] Diameter of the closing that smooths the recovered outline, as a share
#: of the sole length (~4 mm: the segmentation's own smoothing).
CLOSE_FRACTION = 0.016
#: [1] Holes narrower than this share of the sole length (~20 mm, area
#: ~400 mm^2, as the segmentation fills) are filled.
HOLE_FRACTION = 0.08


@dataclass(frozen=True)
class GapDarkness:
    """The arch gap's darkness ``share`` and the levels it was measured against."""

    share: float
    floor: float
    sole: float


@dataclass(frozen=True)
class Recovery:
    """A faint midfoot added back to a sole (plane pixels).

    Attributes
    ----------
    added : (H, W) bool ndarray
        Pixels added to the sole.
    intensity : (H, W) float32 ndarray
        Relative contact intensity 0..1 of the added pixels (the second
        darkness over its 99th percentile on the sole), 0 elsewhere.
    gap_share : float
        The gap darkness ``g`` that triggered the recovery.
    """

    added: np.ndarray
    intensity: np.ndarray
    gap_share: float


def _px(fraction: float, length_px: float) -> float:
    return max(1.0, fraction * length_px)


def _length(sole: np.ndarray) -> tuple[int, float]:
    rows = np.flatnonzero(sole.any(axis=1))
    return int(rows[0]), float(rows[-1] - rows[0] + 1)


def _hull(mask: np.ndarray) -> np.ndarray:
    hull = np.zeros(mask.shape, np.uint8)
    cv2.fillConvexPoly(hull, cv2.convexHull(cv2.findNonZero(mask.astype(np.uint8))), 1)
    return hull.astype(bool)


def _smoothed(darkness_f: np.ndarray, length: float) -> np.ndarray:
    sigma = _px(SMOOTH_FRACTION, length)
    return cv2.GaussianBlur(darkness_f.astype(np.float32), (0, 0), sigma)


def gap_darkness(darkness_f: np.ndarray, sole_f: np.ndarray) -> GapDarkness | None:
    """Darkness of the arch gap relative to the floor and the sole (module notes).

    Parameters
    ----------
    darkness_f : (M, N) float32 ndarray
        Darkness resampled into the foot frame.
    sole_f : (M, N) ndarray
        Sole coverage in the frame (toes excluded), > 0.5 inside.

    Returns
    -------
    GapDarkness or None
        None when the gap or the ring is too small to measure, or the sole is
        not darker than the ring.
    """
    sole = sole_f > 0.5
    if sole.sum() < 100:
        return None
    top, length = _length(sole)
    dsm = _smoothed(darkness_f, length)
    hull = _hull(sole)
    margin = _px(MARGIN_FRACTION, length)
    band = np.zeros_like(sole)
    band[int(top + length / 3) : int(top + 2 * length / 3)] = True
    inside = cv2.distanceTransform((~sole).astype(np.uint8), cv2.DIST_L2, 3)
    gap = hull & (inside > margin) & band
    outside = cv2.distanceTransform((~hull).astype(np.uint8), cv2.DIST_L2, 3)
    ring = (outside > margin) & (outside <= _px(RING_FRACTION, length)) & band
    if gap.sum() < 20 or ring.sum() < 20:
        return None
    floor = float(np.median(dsm[ring]))
    level = float(np.median(dsm[sole]))
    if level - floor <= 1e-6:
        return None
    share = (float(np.mean(dsm[gap])) - floor) / (level - floor)
    return GapDarkness(share, floor, level)


def midfoot_pixels(darkness_f: np.ndarray, sole_f: np.ndarray, gap: GapDarkness) -> np.ndarray:
    """Hull pixels that belong to a faint midfoot (frame mask, may be empty).

    Pixels of the sole's convex hull, outside the sole, whose smoothed
    darkness exceeds the Otsu threshold of the hull's darkness (clipped to
    the floor and sole levels of ``gap``), in components joined to the sole;
    closed over ``CLOSE_FRACTION`` and with holes under ``HOLE_FRACTION``
    filled.
    """
    sole = sole_f > 0.5
    _, length = _length(sole)
    dsm = _smoothed(darkness_f, length)
    hull = _hull(sole)
    region = hull & ~sole
    vals = np.clip(dsm[region], gap.floor, gap.sole)
    if vals.size < 20 or float(vals.max() - vals.min()) < 1e-6:
        return np.zeros_like(sole)
    cand = region & (dsm > float(threshold_otsu(vals, nbins=128)))
    n, lab = cv2.connectedComponents(cand.astype(np.uint8), connectivity=8)
    touch = cv2.dilate(sole.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    keep = np.zeros(n, bool)
    keep[np.unique(lab[touch & cand])] = True
    keep[0] = False
    grown = (sole | keep[lab]).astype(np.uint8)
    grown = cv2.morphologyEx(grown, cv2.MORPH_CLOSE, background.disk(_px(CLOSE_FRACTION, length)))
    # holes the floor's noise left in the midfoot (a print has none this small)
    grown = segment._fill_small_holes(grown, (HOLE_FRACTION * length) ** 2)
    return grown.astype(bool) & region


def suspect_gap(
    darkness: np.ndarray, frame: FootFrame, sole_f: np.ndarray, arch_index: float | None
) -> float | None:
    """The arch gap's darkness ``g`` when it suggests a faint midfoot left out, else None.

    For soles reading ``MAX_ARCH_INDEX`` <= AI < ``SUSPECT_MAX_ARCH_INDEX``,
    which :func:`recover` does not trace: ``g`` (:func:`gap_darkness`, on the
    segmentation's darkness) at least ``SUSPECT_MIN_GAP_DARKNESS`` means the
    gap between heel and ball is darker than the floor around the foot, as
    under a midfoot that printed too faintly to be outlined; the arch index
    then reads too low.
    """
    if arch_index is None or not MAX_ARCH_INDEX <= arch_index < SUSPECT_MAX_ARCH_INDEX:
        return None
    gap = gap_darkness(frame.warp(darkness.astype(np.float32)), sole_f)
    if gap is None or gap.share < SUSPECT_MIN_GAP_DARKNESS:
        return None
    return gap.share


def recover(
    rgb: np.ndarray,
    valid: np.ndarray,
    sole: np.ndarray,
    frame: FootFrame,
    sole_f: np.ndarray,
    arch_index: float | None,
    darkness: np.ndarray,
    mm_per_px: float | None,
    params: SegmentParams,
    *,
    either_polarity: bool = False,
) -> Recovery | None:
    """Add a missed faint midfoot back to a broken sole, or None (see module notes).

    Parameters
    ----------
    rgb : (H, W, 3) uint8 ndarray
        The plane image.
    valid : (H, W) bool ndarray
        Where the plane image may be used as floor (inside the photo, off a card).
    sole : (H, W) bool ndarray
        The sole (plane).
    frame : FootFrame
    sole_f : (M, N) ndarray
        The sole in the frame.
    arch_index : float or None
        The sole's arch index; only soles below ``MAX_ARCH_INDEX`` are examined.
    darkness : (H, W) float32 ndarray
        The segmentation's darkness (plane).
    mm_per_px : float or None
        Plane scale (None: nominal, as in segmentation).
    params : SegmentParams
    either_polarity : bool
        ``darkness`` is the contrast of either polarity (a glossy print
        lighter than the floor in places); the second estimate is made alike.

    Returns
    -------
    Recovery or None
    """
    if arch_index is None or arch_index >= MAX_ARCH_INDEX:
        return None
    gap = gap_darkness(frame.warp(darkness.astype(np.float32)), sole_f)
    if gap is None or gap.share < MIN_GAP_DARKNESS:
        return None
    h, w = sole.shape
    px_per_mm = segment_grid.nominal_px_per_mm((h, w), mm_per_px)
    k = int(round(2.0 * HULL_MARGIN_MM * px_per_mm)) | 1
    hull = cv2.dilate(_hull(sole).astype(np.uint8), np.ones((k, k), np.uint8)).astype(bool)
    dark, _ = background.darkness_map(
        rgb, px_per_mm, params, valid, either_polarity=either_polarity, exclude=hull
    )
    dark_f = frame.warp(dark)
    levels = gap_darkness(dark_f, sole_f) or gap
    add_f = midfoot_pixels(dark_f, sole_f, levels)
    if not add_f.any():
        return None
    added = (
        cv2.warpAffine(
            add_f.astype(np.uint8),
            frame.matrix,
            (w, h),
            flags=cv2.WARP_INVERSE_MAP | cv2.INTER_NEAREST,
        ).astype(bool)
        & ~sole
    )
    if not added.any():
        return None
    top = float(np.percentile(dark[sole], 99)) or 1.0
    intensity = np.where(added, np.clip(dark / top, 0.0, 1.0), 0.0).astype(np.float32)
    return Recovery(added, intensity, gap.share)

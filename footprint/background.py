"""Lightness and the floor's or paper's own lightness under a print: its darkness.

A print is darker than what surrounds it; how much darker, independent of
the light, is the darkness ``D = 1 - L / B`` (flat-fielding): ``L`` the CIE
lightness, ``B`` the lightness the floor or paper would have there without
the print, interpolated under it from around by a normalised convolution
over background pixels, iterated so that the print, grout and grain drop
out of it (:func:`darkness_map`). :mod:`footprint.segment` outlines prints
on ``D``; :mod:`footprint.midfoot` and :mod:`footprint.pressure` read it;
:mod:`footprint.segment_grid` shares the normalised convolution.
"""

from __future__ import annotations

import cv2
import numpy as np
from skimage.filters import threshold_otsu

from footprint.params import SegmentParams

#: [1] Downscale factor for the illumination estimate.
BACKGROUND_DOWNSCALE = 8
#: [px] Gaussian blurs this wide and wider are computed on a coarser grid
#: (:func:`wide_blur`), at most ``WIDE_BLUR_MAX_FACTOR`` times coarser.
WIDE_BLUR_MIN_SIGMA_PX = 4.0
WIDE_BLUR_MAX_FACTOR = 4
#: Iterations of the background re-estimate that excludes dark pixels.
BACKGROUND_ITERATIONS = 3
#: [noise sigmas] Pixels this far above the background noise are excluded from it.
BACKGROUND_OUTLIER_SIGMAS = 3.0
#: [1] Pixels this much lighter than their background (relative, 1 - L/B below
#: the median by more) are excluded from it too: light grout on dark tile (50 %
#: and more), a card, a wet print's sheen. A smaller step would also take the
#: lit side of a shadow's edge, which the background must follow. When
#: searching for a print of either polarity, the darker rule's step applies on
#: both sides.
BACKGROUND_LIGHT_OUTLIER = 0.25
#: [1] Pixels darker than their background by this fraction of the outlier
#: step are excluded from it too when they are joined to excluded pixels and
#: their joined region stays inside the search region (see :func:`_grow_exclusion`).
BACKGROUND_GROW_FRACTION = 0.7
#: [mm] Radius of the grey closing of the lightness that gives the first
#: background estimate: wider than half a forefoot, so a large, even print (a
#: wet sole covering much of a sheet) does not pass for background.
BACKGROUND_INIT_RADIUS_MM = 60.0


def odd_px(n: float) -> int:
    """The odd whole number of pixels nearest ``n`` (at least 1): a kernel's side."""
    k = max(1, int(round(n)))
    return k if k % 2 == 1 else k + 1


def lightness_u8(rgb: np.ndarray) -> np.ndarray:
    """CIE L* of an RGB uint8 image as OpenCV scales it (uint8, 0..255)."""
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)[:, :, 0]


def lightness(rgb: np.ndarray, light_u8: np.ndarray | None = None) -> np.ndarray:
    """CIE L* of an RGB uint8 image, scaled to 0..1 (float32).

    ``light_u8`` is :func:`lightness_u8` of ``rgb`` when the caller has it already.
    """
    if light_u8 is None:
        light_u8 = lightness_u8(rgb)
    return light_u8.astype(np.float32) / 255.0


def disk(diameter_px: float) -> np.ndarray:
    """Elliptic structuring element of odd side about ``diameter_px``."""
    k = odd_px(diameter_px)
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))


def otsu(values: np.ndarray, nbins: int = 256) -> float:
    """Otsu's threshold, or the values' level when they are (nearly) constant."""
    vals = np.asarray(values, dtype=np.float64)
    if vals.size == 0:
        return 0.0
    lo, hi = float(vals.min()), float(vals.max())
    if hi - lo < 1e-6:
        return hi
    return float(threshold_otsu(vals, nbins=nbins))


def wide_blur(img: np.ndarray, sigma_px: float) -> np.ndarray:
    """Gaussian blur (sigma ``sigma_px``, replicated border); wide ones computed coarser.

    From ``WIDE_BLUR_MIN_SIGMA_PX`` on, the image is area-averaged by a factor
    ``f`` (up to 4, at most sigma / 2), blurred there with
    ``sqrt(sigma^2 - f^2 / 4) / f`` and interpolated back: the box average and
    the linear interpolation add about ``f^2 / 4`` px^2 of variance, and what
    the coarse grid drops (periods under ``2 f`` px) the blur removes anyway.
    """
    f = int(min(WIDE_BLUR_MAX_FACTOR, sigma_px // 2.0)) if sigma_px >= WIDE_BLUR_MIN_SIGMA_PX else 1
    if f < 2:
        return cv2.GaussianBlur(img, (0, 0), sigma_px, borderType=cv2.BORDER_REPLICATE)
    h, w = img.shape[:2]
    size = (max(1, -(-w // f)), max(1, -(-h // f)))
    small = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
    sigma_s = float(np.sqrt(max(sigma_px**2 - f * f / 4.0, 1.0))) / f
    small = cv2.GaussianBlur(small, (0, 0), sigma_s, borderType=cv2.BORDER_REPLICATE)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def nconv(
    values: np.ndarray, weights: np.ndarray, sigma_px: float, *, exact: bool = False
) -> np.ndarray:
    r"""Normalised convolution: Gaussian mean of ``values`` where ``weights`` > 0.

    :math:`\hat v = (G_\sigma * (w v)) / (G_\sigma * w)` (Knutsson & Westin
    1993, *Normalized and differential convolution*, CVPR), the weighted mean
    of the values around each pixel; where no weight is near, the weighted
    mean of all. ``exact`` blurs at full resolution; otherwise wide blurs are
    computed coarser (:func:`wide_blur`).
    """
    weighted = values * weights
    if exact:
        num = cv2.GaussianBlur(weighted, (0, 0), sigma_px, borderType=cv2.BORDER_REPLICATE)
        den = cv2.GaussianBlur(weights, (0, 0), sigma_px, borderType=cv2.BORDER_REPLICATE)
    else:
        num = wide_blur(weighted, sigma_px)
        den = wide_blur(weights, sigma_px)
    covered = den > 1e-4
    # the fallback (the weighted mean) only where nothing is near: usually nowhere
    fallback = float(weighted.sum() / max(float(weights.sum()), 1e-9)) if not covered.all() else 0.0
    return np.where(covered, num / np.maximum(den, 1e-12), fallback).astype(np.float32)


def darkness_map(
    rgb: np.ndarray,
    px_per_mm: float,
    params: SegmentParams,
    roi: np.ndarray | None = None,
    light: np.ndarray | None = None,
    *,
    either_polarity: bool = False,
    exclude: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Illumination-corrected darkness ``D = 1 - L / B`` (float32, >= 0).

    Parameters
    ----------
    rgb : (H, W, 3) uint8 ndarray
    px_per_mm : float
        Plane sampling (nominal when no scale is known).
    params : SegmentParams
    roi : (H, W) bool ndarray, optional
        Where the background may be estimated (e.g. the sheet).
    light : (H, W) float32 ndarray, optional
        :func:`lightness` of ``rgb`` when the caller has it already.
    either_polarity : bool
        Return the contrast ``|1 - L / B|`` instead: a wet print on glossy
        tile or wood can be lighter than the floor where it catches a
        highlight (the water's sheen) and darker elsewhere.
    exclude : (H, W) bool ndarray, optional
        Pixels never taken as background (a print's outline, known to hold
        a faint part the iteration would otherwise take for floor); ``B``
        is interpolated under them from around.

    Returns
    -------
    darkness, background_weight : (H, W) float32 ndarrays
        The darkness map and the final weight (1 = background) used for ``B``.

    Notes
    -----
    ``B`` is a normalised convolution (Gaussian sigma ``background_scale_mm``)
    of the lightness over background pixels only, computed at 1/8 size and
    iterated: pixels clearly darker than their estimated background (the
    print, grout, grain) or much lighter (``BACKGROUND_LIGHT_OUTLIER``: light
    grout on dark tile, a card) are excluded and ``B`` re-estimated, so ``B``
    interpolates the illumination under the print from its surroundings. The
    first estimate is a grey closing then opening with a disk of
    ``BACKGROUND_INIT_RADIUS_MM`` (Soille 2003, *Morphological Image
    Analysis*, alternating sequential filters), which removes darker and
    lighter features narrower than a forefoot.
    """
    if light is None:
        light = lightness(rgb)
    h, w = light.shape
    roi_f = np.ones((h, w), np.float32) if roi is None else roi.astype(np.float32)
    size = (max(1, w // BACKGROUND_DOWNSCALE), max(1, h // BACKGROUND_DOWNSCALE))
    small = cv2.resize(light, size, interpolation=cv2.INTER_AREA)
    small_roi = cv2.resize(roi_f, size, interpolation=cv2.INTER_AREA)
    small_roi = (small_roi > 0.99).astype(np.float32)
    if small_roi.sum() < 4:
        small_roi = (cv2.resize(roi_f, size, interpolation=cv2.INTER_AREA) > 0.5).astype(np.float32)
    sigma = max(1.0, params.background_scale_mm * px_per_mm / BACKGROUND_DOWNSCALE)
    radius = max(1, int(round(BACKGROUND_INIT_RADIUS_MM * px_per_mm / BACKGROUND_DOWNSCALE)))
    if exclude is not None:
        ex = cv2.resize(exclude.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0
        small_roi = small_roi * (~ex).astype(np.float32)
    weight = small_roi.copy()
    # first estimate: a grey closing, then opening, of the lightness (darker,
    # then lighter features narrower than the disk removed: a wet print can be
    # lighter than a glossy floor; broad shading kept), smoothed; then the
    # normalised convolution over the pixels that do not stand out from it.
    # Outside the ROI is ignored: 0 for a dilation (max), +inf for an erosion.
    element = disk(2.0 * radius + 1.0)
    outside = small_roi == 0
    first = small.astype(np.float32)
    for op, ignored in (
        (cv2.dilate, 0.0),
        (cv2.erode, np.inf),
        (cv2.erode, np.inf),
        (cv2.dilate, 0.0),
    ):
        first[outside] = ignored
        first = op(first, element)
    first[outside] = small[outside]
    bg = cv2.GaussianBlur(first, (0, 0), sigma)
    for it in range(BACKGROUND_ITERATIONS + 1):
        if it > 0:
            bg = nconv(small, weight, sigma)
        d = 1.0 - small / np.maximum(bg, 1e-3)
        if either_polarity:
            d = np.abs(d)
        vals = d[weight > 0]
        if vals.size < 4:
            break
        med = float(np.median(vals))
        noise = 1.4826 * float(np.median(np.abs(vals - med))) + 1e-4
        step = max(BACKGROUND_OUTLIER_SIGMAS * noise, 0.02)
        # much lighter than the floor is not floor either (light grout on dark
        # tile, a card); a milder light excursion is the lit side of a shadow's
        # edge, which the background must follow
        light_step = step if either_polarity else max(step, BACKGROUND_LIGHT_OUTLIER)
        excl = ((d > med + step) | (d < med - light_step)).astype(np.uint8)
        grow = (d > med + BACKGROUND_GROW_FRACTION * step) & (small_roi > 0)
        excl = _grow_exclusion(excl.astype(bool), grow, small_roi > 0).astype(np.uint8)
        excl = cv2.dilate(excl, np.ones((3, 3), np.uint8))
        weight = small_roi * (1.0 - excl.astype(np.float32))
    bg_full = cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)
    dark = 1.0 - light / np.maximum(bg_full, 1e-3)
    if either_polarity:
        dark = np.abs(dark)
    wfull = cv2.resize(weight, (w, h), interpolation=cv2.INTER_NEAREST)
    return np.clip(dark, 0.0, 1.0).astype(np.float32), wfull


def _grow_exclusion(excl: np.ndarray, grow: np.ndarray, roi: np.ndarray) -> np.ndarray:
    """Excluded background pixels, grown into the fainter print joined to them.

    Parameters
    ----------
    excl : (h, w) bool ndarray
        Pixels clearly darker (or lighter) than the background estimate.
    grow : (h, w) bool ndarray
        Pixels somewhat darker than it (``BACKGROUND_GROW_FRACTION`` of the step).
    roi : (h, w) bool ndarray
        Where the background is estimated.

    Returns
    -------
    (h, w) bool ndarray
        ``excl`` plus every connected region of ``grow`` that holds an
        excluded pixel and does not reach the edge of ``roi`` or the image.

    Notes
    -----
    A hysteresis (Canny 1986): a wet print's midfoot and ball can be much
    fainter than its heel. Left in the background, they pull the estimate
    down under themselves, and the next estimate takes in more of them, until
    the ball reads as floor and the print falls apart. Joined to the darker
    heel, they are excluded with it. A shadow or a floor seam comes in from
    outside the search region: a region that reaches its edge is not grown.
    """
    n, lab = cv2.connectedComponents(grow.astype(np.uint8), connectivity=8)
    if n <= 1:
        return excl
    seeded = np.bincount(lab[excl & grow], minlength=n) > 0
    roi8 = roi.astype(np.uint8)
    edge = (roi8 - cv2.erode(roi8, np.ones((3, 3), np.uint8))).astype(bool)
    edge[0, :] = edge[-1, :] = edge[:, 0] = edge[:, -1] = True
    at_edge = np.bincount(lab[edge & grow], minlength=n) > 0
    ok = seeded & ~at_edge
    ok[0] = False
    return excl | ok[lab]

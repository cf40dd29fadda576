"""Segmentation: print masks and a contact-intensity map from the plane image.

Every supported print is *darker* than what surrounds it: water darkens paper,
tile, wood and concrete; ink and podograph grids are dark on light paper. The
method therefore works on a single darkness signal:

1. Lightness ``L`` (CIE Lab) of the plane image, float 0..1.
2. Illumination estimate ``B``: a grey closing (which erases dark structures
   narrower than the kernel, i.e. the print) of a 1/k downscaled ``L``,
   smoothed and upscaled. Darkness ``D = 1 - L / B`` is then independent of
   light gradients, vignetting and the phone's shadow (Retinex-style
   flat-fielding).
3. ``D`` is averaged over a few millimetres (the podograph grid period), so
   grids, fibre texture and noise vanish while the contact edge stays.
4. A threshold between the background level and the print level (Otsu on the
   region of interest, shifted by ``sensitivity``), hysteresis to keep faint
   contact attached to firm contact, a small opening to remove grout lines.
5. Connected components: feet are large, thick components; a high arch can
   break one foot into heel and forefoot pieces, which are merged when
   together they form one elongated shape; toes are small components near a
   foot's distal end.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np
from skimage.filters import apply_hysteresis_threshold, threshold_otsu

from footprint.params import SegmentParams

log = logging.getLogger(__name__)

#: [mm] Nominal size of the scene's long side when no scale reference is known;
#: only used to size filters, never to report lengths.
NOMINAL_SCENE_MM = 500.0
#: [1] Downscale factor for the illumination estimate.
_BG_DOWNSCALE = 8
#: [mm] A foot's sole is at least this thick (largest inscribed radius);
#: excludes form borders, pen strokes and grout lines.
MIN_FOOT_THICKNESS_MM = 12.0
#: [1] Second foot must have at least this share of the first foot's area.
SECOND_FOOT_AREA_RATIO = 0.35
#: [1] Smallest long/short ratio of a merged heel + forefoot group.
MERGE_MIN_ELONGATION = 2.0
#: [1] Hysteresis low threshold as a fraction of the main threshold.
HYSTERESIS_LOW_FRACTION = 0.6


@dataclass(frozen=True)
class PrintBlob:
    """One foot's print in plane pixels.

    Attributes
    ----------
    mask : (H, W) bool ndarray
        The whole print (sole pieces and toes).
    intensity : (H, W) float32 ndarray
        Relative contact intensity 0..1 inside ``mask``, 0 outside.
    quality : float
        0..1, from contrast and shape plausibility.
    warnings : tuple of str
    """

    mask: np.ndarray
    intensity: np.ndarray
    quality: float
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Segmentation:
    """Feet found in a plane image, largest first, plus a scene label."""

    feet: tuple[PrintBlob, ...]
    scene: str
    darkness: np.ndarray
    threshold: float
    warnings: tuple[str, ...]


def _odd(n: float) -> int:
    k = max(1, int(round(n)))
    return k if k % 2 == 1 else k + 1


def lightness(rgb: np.ndarray) -> np.ndarray:
    """CIE L* of an RGB uint8 image, scaled to 0..1 (float32)."""
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)
    return lab[:, :, 0].astype(np.float32) / 255.0


def darkness_map(
    rgb: np.ndarray, px_per_mm: float, params: SegmentParams, roi: np.ndarray | None = None
) -> np.ndarray:
    """Illumination-corrected darkness ``D = 1 - L / B`` (float32, >= 0).

    Parameters
    ----------
    rgb : (H, W, 3) uint8 ndarray
    px_per_mm : float
        Plane sampling (nominal when no scale is known).
    params : SegmentParams
    roi : (H, W) bool ndarray, optional
        Where the background may be estimated (e.g. the sheet). Pixels outside
        are filled with the ROI's typical lightness first, so a dark floor
        around a light sheet does not bleed into the estimate.
    """
    light = lightness(rgb)
    h, w = light.shape
    work = light
    if roi is not None and roi.any() and not roi.all():
        work = light.copy()
        work[~roi] = float(np.percentile(light[roi], 75))
    small = cv2.resize(
        work,
        (max(1, w // _BG_DOWNSCALE), max(1, h // _BG_DOWNSCALE)),
        interpolation=cv2.INTER_AREA,
    )
    k = _odd(params.background_scale_mm * px_per_mm / _BG_DOWNSCALE)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel, borderType=cv2.BORDER_REFLECT)
    bg = cv2.GaussianBlur(bg, (0, 0), max(1.0, k / 4.0))
    bg = cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)
    dark = 1.0 - light / np.maximum(bg, 1e-3)
    return np.clip(dark, 0.0, 1.0).astype(np.float32)


def _thickness_px(component: np.ndarray) -> float:
    dist = cv2.distanceTransform(component.astype(np.uint8), cv2.DIST_L2, 3)
    return float(dist.max())


def _elongation(mask_u8: np.ndarray) -> tuple[float, float]:
    pts = cv2.findNonZero(mask_u8)
    hull = cv2.convexHull(pts)
    (_, _), (a, b), _ = cv2.minAreaRect(hull)
    long_, short = max(a, b), max(min(a, b), 1e-6)
    return long_ / short, long_


def segment(
    rgb: np.ndarray,
    params: SegmentParams,
    *,
    mm_per_px: float | None = None,
    valid: np.ndarray | None = None,
    sheet: np.ndarray | None = None,
) -> Segmentation:
    """Find the footprint(s) in a (rectified) image.

    Parameters
    ----------
    rgb : (H, W, 3) uint8 ndarray
        Plane image (rectified when a reference was found).
    params : SegmentParams
    mm_per_px : float, optional
        Plane scale; ``None`` when unknown (filter sizes then use a nominal scale).
    valid : (H, W) bool ndarray, optional
        Pixels that came from inside the photo.
    sheet : (H, W) bool ndarray, optional
        The sheet under the print, when the reference is a sheet.

    Returns
    -------
    Segmentation
        ``feet`` is empty when no print is found; the caller raises
        :class:`~footprint.errors.NoFootprintError`.
    """
    h, w = rgb.shape[:2]
    px_per_mm = 1.0 / mm_per_px if mm_per_px else max(h, w) / NOMINAL_SCENE_MM
    roi = np.ones((h, w), bool) if valid is None else valid.copy()
    if sheet is not None and sheet.any():
        roi &= sheet
    # stay away from the ROI's border: paper edges and their shadows are dark
    edge = _odd(3.0 * px_per_mm)
    roi = cv2.erode(roi.astype(np.uint8), np.ones((edge, edge), np.uint8)).astype(bool)
    if roi.sum() < 100:
        return Segmentation((), "unknown", np.zeros((h, w), np.float32), 0.0, ())

    dark = darkness_map(rgb, px_per_mm, params, roi)
    sigma = max(0.7, 0.5 * params.grid_period_mm * px_per_mm / 2.0)
    smooth = cv2.GaussianBlur(dark, (0, 0), sigma)
    smooth[~roi] = 0.0

    values = smooth[roi]
    hi = float(np.percentile(values, 99.5))
    if hi < 0.03:  # nothing darker than about 3 % of the background
        return Segmentation((), "unknown", smooth, hi, ("The photo shows no dark print.",))
    t_otsu = float(threshold_otsu(np.clip(values, 0, hi), nbins=256))
    bg_level = float(np.median(values))
    # sensitivity > 0 lowers the threshold towards the background level
    t = bg_level + (t_otsu - bg_level) * (1.0 - 0.5 * params.sensitivity)
    t = max(t, bg_level + 0.02)
    t_low = bg_level + (t - bg_level) * HYSTERESIS_LOW_FRACTION
    mask = apply_hysteresis_threshold(smooth, t_low, t) & roi

    r = _odd(2.0 * params.smooth_mm * px_per_mm)
    se = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (r, r))
    m8 = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, se)
    m8 = cv2.morphologyEx(m8, cv2.MORPH_CLOSE, se)

    n, labels, stats, cents = cv2.connectedComponentsWithStats(m8, connectivity=8)
    if n <= 1:
        return Segmentation((), "unknown", smooth, t, ())
    areas = stats[1:, cv2.CC_STAT_AREA].astype(np.float64)
    total_area = float(roi.sum())
    mm2 = (1.0 / px_per_mm) ** 2
    if mm_per_px:
        min_piece = params.min_foot_area_mm2 * 0.25 / mm2
    else:
        min_piece = params.min_foot_area_fraction * 0.25 * total_area
    min_thick = 0.5 * MIN_FOOT_THICKNESS_MM * px_per_mm

    # candidate sole pieces: big and thick
    pieces = []
    for i in np.argsort(-areas):
        if areas[i] < min_piece:
            break
        comp = labels == (i + 1)
        if _thickness_px(comp) < min_thick:
            continue
        pieces.append(comp)
    if not pieces:
        return Segmentation((), "unknown", smooth, t, ())

    groups = _group_pieces(pieces)
    min_foot = (
        params.min_foot_area_mm2 / mm2 if mm_per_px else params.min_foot_area_fraction * total_area
    )
    groups = [g for g in groups if g.sum() >= min_foot]
    if not groups:
        return Segmentation((), "unknown", smooth, t, ())
    groups.sort(key=lambda g: -int(g.sum()))
    biggest = float(groups[0].sum())
    groups = [g for g in groups if g.sum() >= SECOND_FOOT_AREA_RATIO * biggest]
    groups = groups[: params.max_feet]

    # attach toes: small components near a foot
    taken = np.zeros((h, w), bool)
    for g in groups:
        taken |= g
    link = params.toe_link_mm * px_per_mm
    dists = [
        cv2.distanceTransform((~g).astype(np.uint8), cv2.DIST_L2, 3) for g in groups
    ]
    foot_masks = [g.copy() for g in groups]
    min_toe_px = 4.0 / mm2  # [mm^2] smaller specks are noise
    for i in range(n - 1):
        if areas[i] < min_toe_px:
            continue
        comp = labels == (i + 1)
        if (comp & taken).any():
            continue
        cy, cx = cents[i + 1][1], cents[i + 1][0]
        d = [float(dm[int(round(cy)), int(round(cx))]) for dm in dists]
        j = int(np.argmin(d))
        if d[j] <= link and areas[i] < 0.25 * groups[j].sum():
            foot_masks[j] |= comp

    scene = _scene_label(rgb, dark, foot_masks[0], px_per_mm)
    blobs = []
    for fm in foot_masks:
        inside = smooth[fm]
        contrast = float(np.median(inside) - bg_level)
        quality = float(np.clip(contrast / 0.15, 0.2, 1.0))
        norm = float(np.percentile(inside, 99)) or 1.0
        intensity = np.where(fm, np.clip(smooth / norm, 0.0, 1.0), 0.0).astype(np.float32)
        warnings: list[str] = []
        ys, xs = np.nonzero(fm)
        if ys.min() <= 1 or xs.min() <= 1 or ys.max() >= h - 2 or xs.max() >= w - 2:
            warnings.append("The print touches the edge of the image or sheet; it may be cut off.")
            quality *= 0.6
        if contrast < 0.05:
            warnings.append(
                "The print is faint; photograph it sooner after stepping or in better light."
            )
        blobs.append(PrintBlob(fm, intensity, quality, tuple(warnings)))
    return Segmentation(tuple(blobs), scene, smooth, t, ())


def _group_pieces(pieces: list[np.ndarray]) -> list[np.ndarray]:
    """Merge sole pieces (heel, forefoot of a high-arched foot) into feet.

    Two pieces belong to one foot when their union is elongated like a foot
    (long/short >= :data:`MERGE_MIN_ELONGATION`) and each piece alone is
    shorter than the union; two feet side by side give a squat union.
    """
    groups = [p.copy() for p in pieces]
    merged = True
    while merged and len(groups) > 1:
        merged = False
        best = None
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                union = (groups[i] | groups[j]).astype(np.uint8)
                elong, length = _elongation(union)
                _, li = _elongation(groups[i].astype(np.uint8))
                _, lj = _elongation(groups[j].astype(np.uint8))
                if elong >= MERGE_MIN_ELONGATION and length > 1.3 * max(li, lj):
                    ei, _ = _elongation(groups[i].astype(np.uint8))
                    ej, _ = _elongation(groups[j].astype(np.uint8))
                    # a whole foot alone is already elongated; do not glue two feet end to end
                    if min(ei, ej) >= MERGE_MIN_ELONGATION:
                        continue
                    score = length
                    if best is None or score < best[0]:
                        best = (score, i, j)
        if best is not None:
            _, i, j = best
            groups[i] = groups[i] | groups[j]
            del groups[j]
            merged = True
    return groups


def _scene_label(rgb: np.ndarray, dark: np.ndarray, mask: np.ndarray, px_per_mm: float) -> str:
    """A coarse label of the print type: 'podograph', 'ink' or 'wet'."""
    inside = dark[mask]
    if inside.size == 0:
        return "unknown"
    fine = dark - cv2.GaussianBlur(dark, (0, 0), max(1.0, 1.5 * px_per_mm))
    texture = float(np.std(fine[mask]))
    level = float(np.median(inside))
    if texture > 0.12 and level > 0.15:
        return "podograph"
    if level > 0.35:
        return "ink"
    return "wet"

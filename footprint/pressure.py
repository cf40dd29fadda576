"""Relative contact-intensity map, anatomical regions and centre of pressure.

A static wet, ink or podograph print records where the sole touched and,
loosely, how hard: more load gives a darker print (or a denser podograph
grid). The map computed here is therefore **relative contact intensity, not
pressure in kPa**.

Map
---
The illumination-corrected darkness of the print (see
:func:`footprint.background.darkness_map`) is resampled into the foot frame,
smoothed over ``smooth_mm`` (which also averages a podograph grid over its
period) and normalised to 0..1 by its 99th percentile inside the print.

Regions (foot frame, fraction ``f`` of foot length from the back of the heel)
-----------------------------------------------------------------------------
* heel: sole with f < ``HEEL_END`` (0.30), split into medial and lateral
  halves at the foot axis;
* midfoot: sole with ``HEEL_END`` <= f < ``FOREFOOT_START`` (0.51);
* forefoot: the rest of the sole (the traditional forefoot spans 51-81 % of
  foot length), split into medial (first and second metatarsal heads) and
  lateral (third to fifth) at ``MEDIAL_FOREFOOT_FRACTION`` of its width from
  the medial border;
* hallux: the largest toe blob; toes: the other toe blobs. When no toe blobs
  were found, the sole beyond ``TOES_START`` (0.81) stands in for them,
  split like the forefoot.

These follow the masks of plantar-pressure systems (Cavanagh & Ulbrecht 1994,
"Clinical plantar pressure measurement in diabetes", The Foot 4:123-135;
novel's automask regions) at the resolution a print allows.

Summary figures
---------------
* share of each region = region intensity sum / total x 100 (%);
* ``balance_medial_lateral`` = medial / (medial + lateral), medial =
  forefoot medial + medial heel, lateral = forefoot lateral + lateral heel
  (0.5 is even);
* ``balance_fore_rear`` = forefoot (incl. toes) / (forefoot + heel);
* centre of pressure = intensity-weighted centroid; ``cop_along`` 0 at the back
  of the heel, 1 at the tip of the longest toe; ``cop_across`` signed, medial
  negative, as a fraction of foot width;
* ``arch_index_weighted`` = intensity in the middle third / intensity of the
  sole, with the thirds of the plain arch index (after Chu et al. 1995,
  IEEE TBME 42:1088).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from footprint import indices
from footprint.frame import FootFrame
from footprint.params import PressureParams
from footprint.result import REGIONS, PressureResult, RegionStats, clean_float

#: [1] Heel region ends at this fraction of foot length.
HEEL_END = 0.30
#: [1] Forefoot starts at this fraction of foot length.
FOREFOOT_START = 0.51
#: [1] Toes start here when no separate toe blobs exist.
TOES_START = 0.81
#: [1] Medial share of the forefoot width holding metatarsal heads 1-2.
MEDIAL_FOREFOOT_FRACTION = 0.45


@dataclass(frozen=True)
class RegionMasks:
    """Boolean region masks in the foot frame plus the length reference."""

    masks: dict[str, np.ndarray]
    heel_medial: np.ndarray
    heel_lateral: np.ndarray
    heel_row: float  # row of the back of the heel (lower edge)
    tip_row: float  # row of the tip of the longest toe (upper edge)
    width: float


def region_masks(
    sole_f: np.ndarray, toes_f: np.ndarray, axis_col: float, *, toe_labels: np.ndarray | None = None
) -> RegionMasks:
    """Region masks in the foot frame.

    Parameters
    ----------
    sole_f, toes_f : (M, N) ndarray
        Sole and toe coverage in the foot frame (>= 0.5 counts as contact).
    axis_col : float
        Column of the foot axis.
    toe_labels : (M, N) int ndarray, optional
        Labelled toe blobs; computed from ``toes_f`` when omitted.
    """
    sole = sole_f >= 0.5
    toes = (toes_f >= 0.5) & ~sole
    allp = sole | toes
    rows = np.flatnonzero(allp.any(axis=1))
    if rows.size == 0:
        raise ValueError("empty print")
    tip_row, heel_row = float(rows[0]), float(rows[-1] + 1)
    length = heel_row - tip_row
    rr = np.arange(sole.shape[0], dtype=np.float64)[:, None] + 0.5
    frac = (heel_row - rr) / length * np.ones((1, sole.shape[1]))
    # pixel centres sit at integer columns, as does frame.axis_col
    cc = np.arange(sole.shape[1], dtype=np.float64)[None, :] + np.zeros_like(frac)

    heel = sole & (frac < HEEL_END)
    mid = sole & (frac >= HEEL_END) & (frac < FOREFOOT_START)
    fore = sole & (frac >= FOREFOOT_START)
    if toe_labels is None:
        _, toe_labels = cv2.connectedComponents(toes.astype(np.uint8), connectivity=8)
    n_toes = int(toe_labels.max())
    hallux = np.zeros_like(sole)
    lesser = np.zeros_like(sole)
    if n_toes == 0:
        toe_zone = fore & (frac >= TOES_START)
        fore = fore & ~toe_zone
        med, _ = _split_medial(toe_zone, MEDIAL_FOREFOOT_FRACTION)
        hallux, lesser = med, toe_zone & ~med
    else:
        areas = np.bincount(toe_labels.ravel(), minlength=n_toes + 1)[1:]
        big = int(np.argmax(areas)) + 1
        hallux = toe_labels == big
        lesser = (toe_labels > 0) & ~hallux
    fore_med, fore_lat = _split_medial(fore, MEDIAL_FOREFOOT_FRACTION)
    heel_med = heel & (cc < axis_col)
    heel_lat = heel & ~heel_med
    widths = sole.sum(axis=1)
    masks = {
        "heel": heel,
        "midfoot": mid,
        "forefoot_medial": fore_med,
        "forefoot_lateral": fore_lat,
        "hallux": hallux,
        "toes": lesser,
    }
    return RegionMasks(masks, heel_med, heel_lat, heel_row, tip_row, float(widths.max()))


def _split_medial(region: np.ndarray, fraction: float) -> tuple[np.ndarray, np.ndarray]:
    """Split a region at ``fraction`` of its overall width from the medial (left) border."""
    cols = np.flatnonzero(region.any(axis=0))
    if cols.size == 0:
        return region.copy(), region.copy()
    cut = cols[0] + fraction * (cols[-1] + 1 - cols[0])
    cc = np.arange(region.shape[1])[None, :] + 0.5
    med = region & (cc < cut)
    return med, region & ~med


def summarise(
    intensity_f: np.ndarray,
    regions: RegionMasks,
    sole_f: np.ndarray,
    axis_col: float,
    mm_per_px: float | None,
) -> tuple[dict[str, RegionStats], dict[str, float | None]]:
    """Region statistics and summary figures of an intensity map in the foot frame."""
    inten = np.clip(intensity_f.astype(np.float64), 0.0, None)
    union = np.zeros(inten.shape, bool)
    for m in regions.masks.values():
        union |= m
    total = float(inten[union].sum())
    stats: dict[str, RegionStats] = {}
    for name in REGIONS:
        m = regions.masks[name]
        s = float(inten[m].sum())
        area = float(m.sum())
        stats[name] = RegionStats(
            share_pct=clean_float(100.0 * s / total, 3) if total > 0 else None,
            mean=clean_float(s / area, 4) if area > 0 else None,
            peak=clean_float(float(inten[m].max()), 4) if area > 0 else None,
            area_px=area,
            area_mm2=None if mm_per_px is None else clean_float(area * mm_per_px**2, 1),
        )
    med = float(inten[regions.masks["forefoot_medial"]].sum() + inten[regions.heel_medial].sum())
    lat = float(inten[regions.masks["forefoot_lateral"]].sum() + inten[regions.heel_lateral].sum())
    fore = sum(
        float(inten[regions.masks[k]].sum())
        for k in ("forefoot_medial", "forefoot_lateral", "hallux", "toes")
    )
    rear = float(inten[regions.masks["heel"]].sum())
    w = inten * union
    wsum = float(w.sum())
    figures: dict[str, float | None] = {
        "balance_medial_lateral": med / (med + lat) if med + lat > 0 else None,
        "balance_fore_rear": fore / (fore + rear) if fore + rear > 0 else None,
        "cop_along": None,
        "cop_across": None,
        "cop_row": None,
        "cop_col": None,
        "arch_index_weighted": None,
    }
    if wsum > 0:
        rr, cc = np.mgrid[0 : w.shape[0], 0 : w.shape[1]]
        r_c = float((w * (rr + 0.5)).sum() / wsum)
        c_c = float((w * (cc + 0.5)).sum() / wsum)
        length = regions.heel_row - regions.tip_row
        figures["cop_along"] = (regions.heel_row - r_c) / length
        figures["cop_across"] = (c_c - 0.5 - axis_col) / regions.width if regions.width else None
        figures["cop_row"], figures["cop_col"] = r_c - 0.5, c_c - 0.5
    try:
        t = indices.thirds(sole_f)
        sole_w = inten * (sole_f >= 0.5)
        figures["arch_index_weighted"] = _weighted_third(sole_w, t)
    except ValueError:
        pass
    return stats, figures


def _weighted_third(weights: np.ndarray, t: indices.Thirds) -> float | None:
    row_sum = weights.sum(axis=1)
    cum = np.concatenate([[0.0], np.cumsum(row_sum)])
    edges = np.arange(cum.size, dtype=np.float64)
    a = [float(np.interp(y, edges, cum)) for y in (t.top, t.a1, t.a2, t.bottom)]
    total = a[3] - a[0]
    return (a[2] - a[1]) / total if total > 0 else None


def intensity_in_frame(
    intensity: np.ndarray,
    print_mask_f: np.ndarray,
    frame: FootFrame,
    params: PressureParams,
    mm_per_px: float | None,
    *,
    contact_level: bool = True,
) -> np.ndarray:
    """Resample the plane intensity into the frame, smooth, remove the contact level, normalise.

    With ``contact_level`` the level of the lightest contact, ``c`` = the
    ``params.contact_level_percentile`` percentile of the smoothed intensity
    ``s`` at least ``params.contact_level_inset_mm`` inside the print, is
    subtracted: the map is ``max(s - c, 0) / P99(s - c)``. A print whose
    darkness is ``a + b p`` for load ``p`` (a wet floor darkens wherever the
    sole touched) then gives shares of ``p - p_min`` instead of being
    flattened by ``a``. Without it (podograph grid density, which is near 0
    under light contact) the map is ``s / P99(s)``.
    """
    inten = frame.warp(intensity.astype(np.float32))
    inside = print_mask_f >= 0.5
    # unscaled: a 1 mm pixel is assumed, for the smoothing and the inset alike
    px_mm = mm_per_px if mm_per_px else 1.0
    sigma = params.smooth_mm / px_mm
    # normalised convolution: smooth inside the print without bleeding background in
    num = cv2.GaussianBlur(inten * inside, (0, 0), sigma)
    den = cv2.GaussianBlur(inside.astype(np.float32), (0, 0), sigma)
    sm = np.where(inside, num / np.maximum(den, 1e-6), 0.0).astype(np.float32)
    if not inside.any():
        return sm
    if contact_level and params.contact_level_percentile > 0:
        inset = params.contact_level_inset_mm / px_mm
        depth = cv2.distanceTransform(inside.astype(np.uint8), cv2.DIST_L2, 5)
        inner = depth > inset
        if inner.any():
            level = float(np.percentile(sm[inner], params.contact_level_percentile))
            sm = np.where(inside, np.maximum(sm - level, 0.0), 0.0).astype(np.float32)
    top = float(np.percentile(sm[inside], 99))
    if top > 0:
        sm = np.clip(sm / top, 0.0, 1.0)
    return sm


def analyse_pressure(
    intensity: np.ndarray,
    anat,  # footprint.anatomy.Anatomy; untyped to avoid an import cycle
    frame: FootFrame,
    sole_f: np.ndarray,
    mm_per_px: float | None,
    params: PressureParams,
    *,
    grid: bool = False,
) -> tuple[PressureResult, np.ndarray]:
    """Contact-intensity summary of one foot.

    Parameters
    ----------
    intensity : (H, W) float32 ndarray
        Plane intensity 0..1 from segmentation (0 outside the print).
    anat : Anatomy
        Sole and toe masks (plane).
    frame : FootFrame
    sole_f : (M, N) ndarray
        Sole coverage in the frame.
    mm_per_px : float or None
    params : PressureParams
    grid : bool
        The intensity is podograph grid density: no contact level is removed.

    Returns
    -------
    PressureResult, (M, N) float32 ndarray
        The summary and the normalised intensity map in the foot frame.
    """
    toes_f = np.clip(frame.warp(anat.toes.astype(np.float32)), 0, 1)
    print_f = np.maximum(sole_f, toes_f)
    inten_f = intensity_in_frame(
        intensity, print_f, frame, params, mm_per_px, contact_level=not grid
    )
    regions = region_masks(sole_f, toes_f, frame.axis_col)
    stats, fig = summarise(inten_f, regions, sole_f, frame.axis_col, mm_per_px)
    cop_plane = None
    if fig["cop_row"] is not None:
        p = frame.to_source(np.array([[fig["cop_col"], fig["cop_row"]]]))[0]
        cop_plane = (float(p[0]), float(p[1]))
    result = PressureResult(
        regions=stats,
        balance_medial_lateral=clean_float(fig["balance_medial_lateral"], 4),
        balance_fore_rear=clean_float(fig["balance_fore_rear"], 4),
        cop_along=clean_float(fig["cop_along"], 4),
        cop_across=clean_float(fig["cop_across"], 4),
        cop_plane=cop_plane,
        arch_index_weighted=clean_float(fig["arch_index_weighted"], 4),
    )
    return result, inten_f

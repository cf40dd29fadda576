"""Edge support: does a print's outline follow an edge of the darkness it was cut from?

A print's outline, traced well, runs along a step in darkness all round: darker
inside, lighter outside. An outline that has wandered into the floor (along
wood grain, through a shadow, round a stain joined to the print) runs where
darkness changes little. :func:`edge_support` is the share of the outline
where the step across it is clear; the pipeline lowers the quality of a print
with too little of it (``pipeline.MIN_EDGE_SUPPORT``).

The test follows the edge-support checks used for a reference's sides
(:func:`footprint.rectify.perimeter_coverage`): sample the outline every
millimetre, read the signal a little inside and outside along its normal,
and count the samples whose step reaches a share of the print's own level.
"""

from __future__ import annotations

import cv2
import numpy as np

#: [mm] Gaussian sigma of the darkness before the step is read (sensor noise,
#: floor texture finer than an edge).
EDGE_SMOOTH_MM = 0.75
#: [mm] Distance inside and outside the outline, along its normal, at which the
#: darkness is read: beyond a wet print's blurred film edge (0.3-0.8 mm) and a
#: phone's defocus, within the narrowest contact (a high arch's lateral band).
EDGE_OFFSET_MM = 2.0
#: [mm] Spacing of the samples along the outline.
EDGE_SAMPLE_MM = 1.0
#: [mm] Inner and outer radius of the ring round the print whose median darkness
#: is the floor's level next to it.
RING_MM = (5.0, 15.0)
#: [1] A sample supports the outline when the step across it is at least this
#: share of the print's level (median darkness inside minus the ring's).
EDGE_STEP_SHARE = 0.15


def edge_samples(
    mask: np.ndarray, darkness: np.ndarray, px_per_mm: float
) -> tuple[np.ndarray, np.ndarray]:
    """The outline samples of :func:`edge_support` and whether each supports it.

    Returns
    -------
    points_xy : (N, 2) float ndarray
        Outline samples (x, y) in ``mask``'s pixels, every ``EDGE_SAMPLE_MM``.
    supported : (N,) bool ndarray
        ``s_i >= k (m_in - m_ring)`` (see :func:`edge_support`); all False
        when the print is no darker than the ring round it.
    """
    none = (np.zeros((0, 2)), np.zeros(0, bool))
    mask = np.asarray(mask, bool)
    if not mask.any():
        return none
    # everything below happens within the ring's reach of the print: crop to it
    ys, xs = np.nonzero(mask.any(axis=1))[0], np.nonzero(mask.any(axis=0))[0]
    pad = int(np.ceil((RING_MM[1] + 3.0 * EDGE_SMOOTH_MM) * px_per_mm)) + 2
    y0, y1 = max(0, ys[0] - pad), min(mask.shape[0], ys[-1] + 1 + pad)
    x0, x1 = max(0, xs[0] - pad), min(mask.shape[1], xs[-1] + 1 + pad)
    m8 = mask[y0:y1, x0:x1].astype(np.uint8)
    h, w = m8.shape
    sigma = max(0.5, EDGE_SMOOTH_MM * px_per_mm)
    d = cv2.GaussianBlur(np.asarray(darkness[y0:y1, x0:x1], np.float32), (0, 0), sigma)
    # distance of every pixel outside the print to it [px]
    away = cv2.distanceTransform(1 - m8, cv2.DIST_L2, cv2.DIST_MASK_5)
    ring = (away > RING_MM[0] * px_per_mm) & (away <= RING_MM[1] * px_per_mm)
    floor = float(np.median(d[ring])) if ring.any() else 0.0
    level = float(np.median(d[m8 > 0])) - floor
    contours, _ = cv2.findContours(m8, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    off = EDGE_OFFSET_MM * px_per_mm
    half = max(2, int(round(EDGE_OFFSET_MM * px_per_mm)))
    stride = max(1, int(round(EDGE_SAMPLE_MM * px_per_mm)))
    points, supported = [], []
    for c in contours:
        pts = c[:, 0, :].astype(np.float64)
        if len(pts) < 2 * half + 1:
            continue
        tangent = np.roll(pts, -half, axis=0) - np.roll(pts, half, axis=0)
        tangent /= np.maximum(np.linalg.norm(tangent, axis=1, keepdims=True), 1e-9)
        normal = np.column_stack([tangent[:, 1], -tangent[:, 0]])
        pts, normal = pts[::stride], normal[::stride]
        lim = np.array([w - 1, h - 1])
        a = np.clip(np.round(pts + off * normal).astype(np.int64), 0, lim)
        b = np.clip(np.round(pts - off * normal).astype(np.int64), 0, lim)
        # which side is inside depends on the contour's direction: ask the mask
        a_inside = m8[a[:, 1], a[:, 0]] > 0
        da, db = d[a[:, 1], a[:, 0]], d[b[:, 1], b[:, 0]]
        step = np.where(a_inside, da - db, db - da)
        points.append(pts + np.array([x0, y0], np.float64))
        supported.append((step >= EDGE_STEP_SHARE * level) & (level > 0.0))
    if not points:
        return none
    return np.concatenate(points), np.concatenate(supported)


def edge_support(mask: np.ndarray, darkness: np.ndarray, px_per_mm: float) -> float:
    """Share of a print's outline that runs along a clear step in darkness.

    Parameters
    ----------
    mask : (H, W) bool ndarray
        The print (sole) as measured, in the plane image.
    darkness : (H, W) float ndarray
        The signal it was segmented from (darker print = larger), same grid.
    px_per_mm : float
        Plane sampling (nominal when no scale is known).

    Returns
    -------
    float
        ``S = #{i : s_i >= k (m_in - m_ring)} / N`` over the ``N`` outline
        samples ``i`` (every ``EDGE_SAMPLE_MM``), where
        ``s_i = D(p_i - d n_i) - D(p_i + d n_i)`` is the step of the smoothed
        darkness ``D`` across the outline at ``d = EDGE_OFFSET_MM`` along the
        outward normal ``n_i``, ``m_in`` the median of ``D`` in the print,
        ``m_ring`` its median in the ring ``RING_MM`` round it and
        ``k = EDGE_STEP_SHARE``. 1.0 when the print has no outline to test,
        0.0 when it is no darker than the ring.
    """
    _, supported = edge_samples(mask, darkness, px_per_mm)
    return float(np.mean(supported)) if supported.size else 1.0

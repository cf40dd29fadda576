"""A sheet of paper of unknown size in the plane: kraft paper, a podograph form.

A reference sheet (A4, Letter) is found by :mod:`footprint.rectify`. A
wet print on brown kraft paper or a podograph form lies on paper of any
size, which the segmentation searches first and whose edges it keeps out
of the search: :func:`paper_region` finds it at 1/8 size as a large,
convex, quadrilateral region of even lightness (or chroma) whose outline
runs along its quad's sides and whose colour differs from what lies
outside it. A print notching the sheet's outline, and a card lying over
one of its corners, are allowed for.
"""

from __future__ import annotations

import cv2
import numpy as np

from footprint.background import BACKGROUND_DOWNSCALE, lightness, otsu
from footprint.rectify import perimeter_coverage, quad_corners, quad_sides

#: [1] Smallest sheet of unknown size, as a fraction of the photo's valid area.
PAPER_MIN_FRACTION = 0.08
#: [1] Largest sheet (its outline's area) as a fraction of the photo's valid area.
PAPER_MAX_FRACTION = 0.8
#: [1] Smallest solidity of a sheet's outline.
PAPER_MIN_SOLIDITY = 0.93
#: [1] A sheet whose outline a print notches may have this smaller solidity
#: ...: a foot's print (sole and toes, 14 000-20 000 mm^2) covers up to ~30 %
#: of a sheet of A4 size, and when it runs to the sheet's edge (or comes
#: within the coarse blur of it) all of it notches the outline ...
PAPER_MIN_NOTCHED_SOLIDITY = 0.7
#: [1] Share of its quad's sides a sheet's outline must run along (within 1.5
#: coarse px), notched or not: development sheets 0.88-1.0, a print's heel
#: in a photo's corner taken for a sheet 0.74.
PAPER_MIN_EDGE_COVERAGE = 0.8
#: [mm] Distance either side of a sheet's outline at which its colour step is read.
PAPER_EDGE_SAMPLE_MM = 20.0
#: [1] Smallest colour step across a sheet's outline (median CIE76 Delta E / 100):
#: paper on a floor differs from it by 0.24-0.80 on development photos, the
#: lighter half of an evenly tiled floor under a light gradient by 0.02-0.06.
PAPER_MIN_EDGE_STEP = 0.12
#: [coarse px] A sheet's corner this close to a hole in the search (a card
#: lying over the corner) may be hidden: its sides are fitted again without
#: the outline along the hole, and meet where the corner is.
PAPER_HIDDEN_CORNER_PX = 2.0


def _notch_is_darker(light: np.ndarray, comp: np.ndarray, hull: np.ndarray) -> bool:
    """True when the part of ``hull`` outside ``comp`` is darker than ``comp``."""
    inside = np.zeros_like(comp)
    cv2.fillConvexPoly(inside, hull.reshape(-1, 2).astype(np.int32), 1)
    notch = (inside > 0) & (comp == 0)
    if not notch.any():
        return False
    return float(light[notch].mean()) < float(light[comp > 0].mean())


def paper_region(
    rgb: np.ndarray, valid: np.ndarray, px_per_mm: float, light_u8: np.ndarray | None = None
) -> np.ndarray | None:
    """A large, four-sided region of uniform colour (a sheet of any size), or None.

    The coarse lightness (and, when that finds no sheet, the chroma: CIE
    ``sqrt(a*^2 + b*^2)``) is split in two by Otsu; a component of either class
    covering at least ``PAPER_MIN_FRACTION`` of the photo whose outline is a
    convex quadrilateral (solidity >= ``PAPER_MIN_SOLIDITY``) that runs along
    its quad's sides (``PAPER_MIN_EDGE_COVERAGE``) is a sheet.
    ``light_u8`` is :func:`lightness_u8` of ``rgb`` when the caller has it.
    """
    h, w = valid.shape
    small_size = (max(1, w // BACKGROUND_DOWNSCALE), max(1, h // BACKGROUND_DOWNSCALE))
    light = cv2.resize(lightness(rgb, light_u8), small_size, interpolation=cv2.INTER_AREA)
    small_rgb = cv2.resize(rgb, small_size, interpolation=cv2.INTER_AREA)
    v = cv2.resize(valid.astype(np.uint8), small_size, interpolation=cv2.INTER_NEAREST) > 0
    if v.sum() < 100:
        return None
    sigma = max(1.0, 3.0 * px_per_mm / BACKGROUND_DOWNSCALE)
    light = cv2.GaussianBlur(light, (0, 0), sigma)
    best = _paper_quad(light, light, small_rgb, v, px_per_mm)
    if best is None:
        # kraft paper on a grey floor differs most in colour: a light gradient
        # or a shadow across it can split it by lightness alone
        lab = cv2.cvtColor(small_rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
        chroma = cv2.GaussianBlur(np.hypot(lab[..., 1], lab[..., 2]), (0, 0), sigma)
        best = _paper_quad(chroma, light, small_rgb, v, px_per_mm)
    if best is None:
        return None
    quad = (best + 0.5) * np.array([w / small_size[0], h / small_size[1]]) - 0.5
    out = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(out, np.round(quad).astype(np.int32), 1)
    return out.astype(bool) & valid


def _paper_quad(
    chan: np.ndarray, light: np.ndarray, small_rgb: np.ndarray, v: np.ndarray, px_per_mm: float
) -> np.ndarray | None:
    """The largest sheet-like component of either Otsu class of a coarse channel.

    ``light`` is the coarse lightness (for the notch test), ``v`` the valid
    coarse pixels. Returns the outline (4-6 corners, coarse pixels) or None;
    the tests are those of :func:`paper_region`.
    """
    t = float(otsu(chan[v]))
    best = None
    near_hole = _near_hole(v)  # where a card over the sheet hides its edge
    for cls in (chan > t, chan <= t):
        m = (cls & v).astype(np.uint8)
        m = cv2.morphologyEx(m, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
        n, lab, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=4)
        for i in range(1, n):
            area = float(stats[i, cv2.CC_STAT_AREA])
            if area < PAPER_MIN_FRACTION * v.sum() or area > PAPER_MAX_FRACTION * v.sum():
                continue
            comp = (lab == i).astype(np.uint8)
            cs, _ = cv2.findContours(comp, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
            c = max(cs, key=cv2.contourArea)
            if cv2.contourArea(c) > PAPER_MAX_FRACTION * v.sum():
                continue  # the floor around a sheet: its outline is the photo's edge
            hull = cv2.convexHull(c)
            solidity = cv2.contourArea(c) / max(cv2.contourArea(hull), 1e-6)
            quad = cv2.approxPolyDP(hull, 0.04 * cv2.arcLength(hull, True), True)
            # four corners, or up to six where the photo's edge cuts the sheet
            if not 4 <= len(quad) <= 6:
                continue
            if solidity < PAPER_MIN_SOLIDITY and not (
                # a print running off the sheet's edge notches its outline; the
                # notch is darker than the sheet (a print, not paper around a
                # print that was taken for the sheet)
                solidity >= PAPER_MIN_NOTCHED_SOLIDITY and _notch_is_darker(light, comp, hull)
            ):
                continue
            quad_xy = quad.reshape(-1, 2).astype(np.float64)
            if len(quad_xy) == 4:
                eps = 0.04 * cv2.arcLength(hull, True)
                quad_xy = _hidden_corners(quad_xy, c.reshape(-1, 2), near_hole, eps)
            # a sheet's straight sides run along most of its quad, even where a
            # print notches it; a rounded blob (a print's heel in a corner of
            # the photo) meets the quad of its outline near the corners only
            # (within 1.5 coarse px; samples next to a card are not counted)
            coverage = perimeter_coverage(c, quad_xy, 1.5, samples_per_side=16, hidden=near_hole)
            if coverage < PAPER_MIN_EDGE_COVERAGE:
                continue
            reach = PAPER_EDGE_SAMPLE_MM * px_per_mm / BACKGROUND_DOWNSCALE
            step = _edge_colour_step(small_rgb, v, quad_xy, reach)
            if step is not None and step < PAPER_MIN_EDGE_STEP:
                continue  # a lighter or darker patch of one floor, not paper on it
            if best is None or area > best[0]:
                best = (area, quad_xy)
    return None if best is None else best[1]


def _near_hole(v: np.ndarray) -> np.ndarray | None:
    """Coarse pixels within ``PAPER_HIDDEN_CORNER_PX`` of a hole in the search
    ``v`` (a card cut out of it; not the photo's own edge), or None without holes."""
    _, lab = cv2.connectedComponents((~v).astype(np.uint8), connectivity=8)
    edge = np.unique(np.concatenate([lab[0], lab[-1], lab[:, 0], lab[:, -1]]))
    hole = (lab > 0) & ~np.isin(lab, edge)
    if not hole.any():
        return None
    r = int(np.ceil(PAPER_HIDDEN_CORNER_PX))
    return cv2.dilate(hole.astype(np.uint8), np.ones((2 * r + 1, 2 * r + 1), np.uint8)) > 0


def _hidden_corners(
    quad_xy: np.ndarray, outline_xy: np.ndarray, near_hole: np.ndarray | None, tol_px: float
) -> np.ndarray:
    """A sheet's quad with corners hidden under a hole of the search restored.

    A card laid over a sheet's corner is cut out of the search (it is no
    foot), and the outline of the sheet then runs round the card: the corner
    the polygon fit puts there lies on the card's edge, and the sheet's sides
    through it are tilted, cutting off a strip of the sheet (a print near its
    edge loses its ball, development seed 9048). Where a corner lies within
    ``PAPER_HIDDEN_CORNER_PX`` of a hole in the search (one inside the
    photo, not the photo's own edge: ``near_hole``), each side is fitted
    again (least squares, :func:`cv2.fitLine`) to the outline points within
    ``tol_px`` of it that are not next to such a pixel, and the corners are
    where the fitted sides meet. The quad is returned unchanged when a side
    keeps too few points, a corner would move further than ``tol_px``
    beyond the sheet's outline box, a corner by the hole would not move
    out, or a side would move in by more than ``PAPER_HIDDEN_CORNER_PX``
    (pulled in by a print that notches the sheet's outline).

    Parameters
    ----------
    quad_xy : (4, 2) ndarray
        Polygon fit of the sheet's outline (coarse pixels).
    outline_xy : (N, 2) ndarray
        The sheet component's outline points.
    near_hole : (H, W) bool ndarray or None
        :func:`_near_hole` of the coarse search (None: no hole).
    tol_px : float
        The polygon fit's tolerance [coarse px].
    """
    if near_hole is None:
        return quad_xy
    h, w = near_hole.shape
    xi = np.clip(np.round(quad_xy[:, 0]).astype(int), 0, w - 1)
    yi = np.clip(np.round(quad_xy[:, 1]).astype(int), 0, h - 1)
    if not near_hole[yi, xi].any():
        return quad_xy
    pts = outline_xy.astype(np.float64)
    px = np.clip(pts[:, 0].astype(int), 0, w - 1)
    py = np.clip(pts[:, 1].astype(int), 0, h - 1)
    free = ~near_hole[py, px]
    sides = quad_sides(quad_xy, min_length_px=1.0)
    if sides is None:
        return quad_xy
    lines = []
    for p0, u, length in sides:
        rel = pts - p0
        along = rel @ u
        across = rel @ np.array([-u[1], u[0]])
        sel = free & (np.abs(across) <= tol_px) & (along >= 0.0) & (along <= length)
        if sel.sum() < max(5, 0.25 * length):
            return quad_xy
        vx, vy, x0, y0 = cv2.fitLine(pts[sel].astype(np.float32), cv2.DIST_L2, 0, 0.01, 0.01)
        lines.append((np.array([x0[0], y0[0]], np.float64), np.array([vx[0], vy[0]], np.float64)))
    out = quad_corners(lines)
    lo = pts.min(axis=0) - tol_px
    hi = pts.max(axis=0) + tol_px
    if not np.all(np.isfinite(out)) or np.any(out < lo) or np.any(out > hi):
        return quad_xy
    # a hidden corner gives back what the hole hid: it moves out. A side
    # pulled in is a notch the print made in the sheet's outline, not a tilt
    poly = quad_xy.astype(np.float32).reshape(-1, 1, 2)
    frac = np.linspace(0.0, 1.0, 11)[:, None]
    along_sides = np.concatenate([out[i] + frac * (out[(i + 1) % 4] - out[i]) for i in range(4)])
    inside = np.array([cv2.pointPolygonTest(poly, (float(x), float(y)), True) for x, y in out])
    pulled_in = max(cv2.pointPolygonTest(poly, (float(x), float(y)), True) for x, y in along_sides)
    if pulled_in > PAPER_HIDDEN_CORNER_PX or not np.all(inside[near_hole[yi, xi]] < 0.0):
        return quad_xy
    return out


def _edge_colour_step(
    rgb: np.ndarray, valid: np.ndarray, polygon_xy: np.ndarray, offset_px: float
) -> float | None:
    """Median colour difference across a polygon's sides (CIE76 Delta E / 100).

    Along each side, at 17 points, the CIE L*a*b* colour ``offset_px`` inside
    the polygon is compared with the colour as far outside it:
    :math:`\\Delta E = \\lVert Lab_{in} - Lab_{out} \\rVert`. Points whose outer
    (or inner) sample falls outside ``valid`` (a side along the photo's edge)
    are skipped. A sheet's edge is a step in colour (paper against floor); the
    outline of the lighter half of a floor under a light gradient is not.

    Returns
    -------
    float or None
        The median over the points, or None when fewer than 8 could be read
        (nothing to judge by).
    """
    h, w = valid.shape
    lab = cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    poly = np.asarray(polygon_xy, np.float64).reshape(-1, 2)
    centre = poly.mean(axis=0)
    t = np.linspace(0.1, 0.9, 17)
    steps = []
    for i in range(len(poly)):
        p0, p1 = poly[i], poly[(i + 1) % len(poly)]
        d = p1 - p0
        length = float(np.hypot(*d))
        if length < 1.0:
            continue
        n = np.array([-d[1], d[0]]) / length
        if np.dot(centre - 0.5 * (p0 + p1), n) < 0:
            n = -n  # inwards
        for p in p0 + t[:, None] * d:
            (xi, yi), (xo, yo) = np.round(p + offset_px * n), np.round(p - offset_px * n)
            if not (0 <= xi < w and 0 <= yi < h and 0 <= xo < w and 0 <= yo < h):
                continue
            if not (valid[int(yi), int(xi)] and valid[int(yo), int(xo)]):
                continue
            steps.append(float(np.linalg.norm(lab[int(yi), int(xi)] - lab[int(yo), int(xo)])))
    if len(steps) < 8:
        return None
    return float(np.median(steps)) / 100.0

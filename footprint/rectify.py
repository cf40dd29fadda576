"""Find a scale reference in a photo and rectify the floor plane.

A footprint lies on a plane (the floor, or a sheet on the floor), so the four
corners of a rectangle of known size lying on that plane define a homography
that removes perspective completely and gives millimetres per pixel
(``shared/science.md``, "Scale and perspective"). Two kinds of reference are
recognised automatically:

* a **sheet** the print was made on: ISO A4 (210 x 297 mm) or US Letter
  (215.9 x 279.4 mm), white, off-white, brown kraft or a printed podograph form;
* an **ID-1 card** (bank card, 85.60 x 53.98 mm, corner radius 3.18 mm,
  ISO/IEC 7810) lying on the floor beside the print.

Method
------
1. *Candidates* (coarse, at ``detect_long_side_px``): the image is median
   filtered (hides tile grout and JPEG noise) and converted to YCrCb.
   Regions enclosed by Canny edges of the chroma-stretched image, the edge
   blobs themselves, and Y (several levels), Cr, Cb (Otsu) threshold masks in
   both polarities give contours; those that are large, compact,
   convex-quad shaped, clear of the image border and of a plausible rectified
   aspect ratio become candidate quads.
2. *Sub-pixel sides* (at work resolution): along each side, intensity profiles
   are sampled across the side (``cv2.remap``), projected on the colour
   direction that best separates inside from outside, differentiated, and the
   gradient maximum is located to sub-pixel accuracy with a parabola. A robust
   total-least-squares line is fitted to these points, and adjacent lines are
   intersected. Rounded card corners are excluded from the fit, so the
   intersections are the virtual sharp corners of the 85.60 x 53.98 mm
   rectangle. Two passes: a wide search around the coarse quad, then a narrow
   one around the first fit.
3. *Aspect ratio*: the true aspect ratio of the rectangle is recovered from its
   projected quad with the method of Zhang & He [1]_ (principal point at the
   image centre, square pixels, focal length estimated from the quad itself,
   or a prior when the quad is too close to fronto-parallel for the estimate
   to be defined). A4 (1.414) and Letter (1.294) are told apart by it.
4. *Validation and choice*: a candidate is accepted when all four sides have
   enough straight-edge support and a colour step across them, its aspect
   ratio matches a reference, and its area is plausible for that reference.
   Sheets are preferred over cards; a quad inside an accepted sheet (a form's
   panel border, a logo) is never the reference.
5. *Paper of unknown size* (``paper_perspective``, on by default): without
   a reference, the largest other quad covering at least
   ``paper_min_area_fraction`` of the photo whose refined sides pass step 4,
   at any aspect ratio, gives the perspective (step 3 its aspect ratio) but
   no scale (:func:`find_paper`, :func:`_paper_plane`).
6. *Floor lines* (``floor_lines_perspective``, on by default): without
   either, two families of parallel floor lines at right angles (tile
   joints) give the perspective through their vanishing points, again
   without a scale (:mod:`footprint.floorlines`, :func:`_lines_plane`).

Conventions
-----------
Points are ``(x, y)`` in input-image pixels (OpenCV order); the names end in
``_xy``. Quads are ordered TL, TR, BR, BL, clockwise on screen, such that the
rectified plane keeps the photo's orientation up to at most 45 degrees.

References
----------
.. [1] Z. Zhang and L.-W. He, "Whiteboard scanning and image enhancement",
   Digital Signal Processing 17(2):414-432, 2007 (MSR-TR-2003-39).
.. [2] R. Hartley and A. Zisserman, *Multiple View Geometry in Computer
   Vision*, 2nd ed., Cambridge University Press, 2004, ch. 2 and 8.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, replace
from typing import Any

import cv2
import numpy as np

from footprint.errors import CalibrationError
from footprint.floorlines import FloorLines, find_floor_lines
from footprint.params import RectifyParams

__all__ = [
    "REFERENCE_SIZES_MM",
    "Plane",
    "Reference",
    "find_reference",
    "rectangle_aspect_ratio",
    "rectify",
]

logger = logging.getLogger(__name__)

#: Physical size (width, height) in mm of each supported reference.
REFERENCE_SIZES_MM: dict[str, tuple[float, float]] = {
    "a4": (210.0, 297.0),
    "letter": (215.9, 279.4),
    "card": (85.60, 53.98),
}

#: Corner radius of an ID-1 card in mm (ISO/IEC 7810: 3.18 mm nominal).
CARD_CORNER_RADIUS_MM = 3.18

_SHEET_KINDS = ("a4", "letter")
_CARD_KINDS = ("card",)
#: [1] A card candidate covering more than this share of a sheet's area in the
#: photo is the sheet itself, not a card beside it (a card is 7 % of an A4).
_CARD_MAX_SHEET_AREA = 0.5


@dataclass(frozen=True)
class Reference:
    """A scale reference found (or given) in the photo.

    Attributes
    ----------
    kind : str
        ``"a4"``, ``"letter"`` or ``"card"``.
    corners_xy : (4, 2) ndarray of float64
        Corners in input-image pixels, ordered TL, TR, BR, BL as seen in the
        rectified plane. For a card these are the virtual sharp corners (the
        intersections of the straight sides).
    size_mm : tuple of float
        (width, height) in mm along TL->TR and TL->BL respectively, i.e. the
        reference's size oriented as it appears in the rectified plane.
    score : float
        Confidence in 0..1 (straight-edge support, aspect-ratio agreement,
        colour contrast across the sides). 1.0 for manual corners.
    """

    kind: str
    corners_xy: np.ndarray
    size_mm: tuple[float, float]
    score: float


@dataclass(frozen=True)
class Plane:
    """The floor plane seen from straight above, with its scale.

    Attributes
    ----------
    image : (H, W, 3) ndarray of uint8
        Rectified RGB image. Without a reference: the input image itself, or
        seen through the sheet of unknown size (``paper_xy``).
    mm_per_px : float or None
        Millimetres per plane pixel; None without a reference (no guessing).
    scale_source : str
        ``"a4"``, ``"letter"``, ``"card"``, ``"manual_<kind>"`` or ``"none"``.
    image_to_plane : (3, 3) ndarray of float64
        Homography, input (x, y) pixels -> plane (x, y) pixels.
    plane_to_image : (3, 3) ndarray of float64
        Its inverse.
    reference : Reference or None
        The reference used.
    valid : (H, W) ndarray of bool
        Plane pixels whose source lies inside the photo. Pixels outside hold
        replicated border colours and must be ignored.
    sheet : (H, W) ndarray of bool or None
        The sheet's area in the plane when the reference is a sheet.
    paper_xy : (4, 2) ndarray of float64 or None
        Without a reference, or with a card whose perspective it gave
        (``card_perspective``): the corners (pixels of the photo given to
        :func:`rectify`, TL TR BR BL) of the sheet of unknown size that gave
        the perspective (:func:`find_paper`, with ``paper_perspective``);
        None otherwise.
    floor_lines : FloorLines or None
        Without a reference or such a sheet: the two families of floor lines
        (tile joints) that gave the perspective
        (:func:`footprint.floorlines.find_floor_lines`, with
        ``floor_lines_perspective``), or showed that the photo was taken from
        nearly straight above (tilt under ``floor_line_min_tilt_deg``: the
        plane is then the photo itself); None otherwise.
    refused_sheet : SheetRefusal or None
        A sheet shaped like A4 or Letter that a bank card beside it showed
        to be another size (``sheet_card_max_scale_diff``): the card gave
        the scale, the sheet the perspective (``paper_xy``); None otherwise.
    """

    image: np.ndarray
    mm_per_px: float | None
    scale_source: str
    image_to_plane: np.ndarray
    plane_to_image: np.ndarray
    reference: Reference | None
    valid: np.ndarray
    sheet: np.ndarray | None
    paper_xy: np.ndarray | None = None
    floor_lines: FloorLines | None = None
    refused_sheet: SheetRefusal | None = None


@dataclass(frozen=True)
class SheetRefusal:
    """A sheet of A4's or Letter's shape whose size a bank card contradicted.

    Attributes
    ----------
    kind : str
        What the sheet's shape suggested, ``"a4"`` or ``"letter"``.
    corners_xy : (4, 2) ndarray of float64
        Its refined corners (TL, TR, BR, BL) in the photo given to :func:`rectify`.
    card_scale : float
        The card's size measured in the sheet's plane over its true size
        (the square root of the area ratio): 1 when the sheet is the size
        its shape says, 1.41 when it is an A5 sheet taken for A4.
    """

    kind: str
    corners_xy: np.ndarray
    card_scale: float


# --------------------------------------------------------------------------- geometry


def _order_quad(quad_xy: np.ndarray) -> np.ndarray:
    """Order 4 points TL, TR, BR, BL (clockwise on screen, y down).

    Points are sorted by angle around their centroid; the first is the one
    whose direction from the centroid is closest to up-left, so the rectified
    plane is rotated by at most 45 degrees from the photo.
    """
    pts = np.asarray(quad_xy, dtype=np.float64).reshape(4, 2)
    centre = pts.mean(axis=0)
    ang = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    order = np.argsort(ang)
    pts, ang = pts[order], ang[order]
    diff = np.abs((ang + 0.75 * np.pi + np.pi) % (2 * np.pi) - np.pi)
    return np.roll(pts, -int(np.argmin(diff)), axis=0)


def _cross_z(quad_xy: np.ndarray) -> np.ndarray:
    """z-components of the cross products of consecutive edges (all > 0: convex, clockwise)."""
    e = np.roll(quad_xy, -1, axis=0) - quad_xy
    e_next = np.roll(e, -1, axis=0)
    return e[:, 0] * e_next[:, 1] - e[:, 1] * e_next[:, 0]


def _quad_area(quad_xy: np.ndarray) -> float:
    """Shoelace area of a quad in px^2."""
    x, y = quad_xy[:, 0], quad_xy[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def _interior_angles_deg(quad_xy: np.ndarray) -> np.ndarray:
    """Interior angles of a quad in degrees."""
    prev = np.roll(quad_xy, 1, axis=0) - quad_xy
    nxt = np.roll(quad_xy, -1, axis=0) - quad_xy
    cosang = np.sum(prev * nxt, axis=1) / (
        np.linalg.norm(prev, axis=1) * np.linalg.norm(nxt, axis=1) + 1e-12
    )
    return np.degrees(np.arccos(np.clip(cosang, -1.0, 1.0)))


def quad_sides(
    quad_xy: np.ndarray, min_length_px: float = 0.0
) -> list[tuple[np.ndarray, np.ndarray, float]] | None:
    """Each side ``i -> i + 1`` of a quad: start point, unit direction, length.

    Returns four ``(start (2,), unit (2,), length)`` in the quad's dtype, or
    None when a side is shorter than ``min_length_px``; a side of zero length
    has a zero direction.
    """
    start = np.asarray(quad_xy)
    vec = np.roll(start, -1, axis=0) - start
    length = np.hypot(vec[:, 0], vec[:, 1])
    if np.any(length < min_length_px):
        return None
    unit = vec / np.where(length > 0, length, 1.0)[:, None]
    return [(start[i], unit[i], float(length[i])) for i in range(len(start))]


def _offset_quad(quad_xy: np.ndarray, dist: float) -> np.ndarray:
    """Move each side of a clockwise (on screen) quad outwards by ``dist`` px."""
    sides = [(p0 - dist * np.array([-d[1], d[0]]), d) for p0, d, _ in quad_sides(quad_xy)]
    return quad_corners(sides)


def _homography(src_xy: np.ndarray, dst_xy: np.ndarray) -> np.ndarray:
    """Exact homography from 4 point pairs, in float64 (DLT [2]_ with h33 = 1)."""
    a = np.zeros((8, 8))
    b = np.zeros(8)
    for i, ((x, y), (u, v)) in enumerate(zip(src_xy, dst_xy, strict=True)):
        a[2 * i] = [x, y, 1, 0, 0, 0, -u * x, -u * y]
        a[2 * i + 1] = [0, 0, 0, x, y, 1, -v * x, -v * y]
        b[2 * i], b[2 * i + 1] = u, v
    h = np.linalg.solve(a, b)
    return np.append(h, 1.0).reshape(3, 3)


def _side_lengths(quad_xy: np.ndarray) -> np.ndarray:
    """Lengths of a quad's sides TL-TR, TR-BR, BR-BL, BL-TL."""
    return np.linalg.norm(np.roll(quad_xy, -1, axis=0) - quad_xy, axis=1)


def _rect_xy(w: float, h: float) -> np.ndarray:
    """Corners TL, TR, BR, BL of a ``w`` x ``h`` rectangle at the origin (float64)."""
    return np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64)


def _apply_h(h: np.ndarray, pts_xy: np.ndarray) -> np.ndarray:
    """Map (N, 2) points through a homography."""
    pts = np.asarray(pts_xy, dtype=np.float64).reshape(-1, 2)
    hom = np.c_[pts, np.ones(len(pts))] @ h.T
    return hom[:, :2] / hom[:, 2:3]


def _cross3(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.cross`` of two 3-vectors (float64), with less overhead.

    The same products and differences in the same order as NumPy's, hence
    the same bits; ``np.cross``'s general broadcasting costs ~20 x the
    arithmetic, and :func:`aspect_ratio_range` calls it some 300 times per photo.
    """
    a0, a1, a2 = a.tolist()
    b0, b1, b2 = b.tolist()
    return np.array([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0])


def rectangle_aspect_ratio(
    corners_xy: np.ndarray,
    image_shape: tuple[int, ...],
    params: RectifyParams,
    *,
    focal_fraction: float | None = None,
    principal_offset: tuple[float, float] = (0.0, 0.0),
) -> tuple[float, float]:
    """True aspect ratio of a rectangle from its projected quad (Zhang & He).

    Parameters
    ----------
    corners_xy : (4, 2) array_like
        Quad corners ordered TL, TR, BR, BL in pixels.
    image_shape : tuple of int
        Shape of the image, (rows, cols[, channels]); the principal point is
        assumed at its centre.
    params : RectifyParams
        Supplies the focal-length prior and its plausible range.
    focal_fraction : float, optional
        Focal length / long side to use instead of estimating it.
    principal_offset : (float, float)
        Principal point's offset from the image centre, as fractions of the
        image's width and height.

    Returns
    -------
    ratio : float
        World length of TL->TR divided by world length of TL->BL.
    focal_px : float
        Focal length used, in pixels (estimated, or the prior).

    Notes
    -----
    With :math:`m_1..m_4` the homogeneous corners TL, TR, BL, BR, relative to
    the principal point, [1]_ defines

    .. math::
        k_2 = \\frac{(m_1 \\times m_4) \\cdot m_3}{(m_2 \\times m_4) \\cdot m_3},\\quad
        k_3 = \\frac{(m_1 \\times m_4) \\cdot m_2}{(m_3 \\times m_4) \\cdot m_2},\\quad
        n_2 = k_2 m_2 - m_1,\\quad n_3 = k_3 m_3 - m_1,

    where :math:`n_2, n_3` are proportional to :math:`K r_1, K r_2` and thus
    orthogonal after :math:`K^{-1}`, which gives the focal length

    .. math:: f^2 = -\\frac{n_{21} n_{31} + n_{22} n_{32}}{n_{23} n_{33}}

    and the aspect ratio

    .. math::
        \\left(\\frac{w}{h}\\right)^2 =
        \\frac{n_{21}^2 + n_{22}^2 + f^2 n_{23}^2}{n_{31}^2 + n_{32}^2 + f^2 n_{33}^2}.

    When :math:`n_{23} n_{33} \\approx 0` (at least one pair of sides parallel
    in the image) or :math:`f^2` is implausible, ``f`` is undefined by the quad
    and the prior ``focal_prior_fraction`` x long side is used; the ratio is
    then insensitive to ``f`` anyway. An estimate outside
    [``focal_min_fraction``, ``focal_max_fraction``] x long side is clamped.
    """
    rows, cols = image_shape[0], image_shape[1]
    long_side = float(max(rows, cols))
    centre = np.array(
        [
            (cols - 1) / 2.0 + principal_offset[0] * cols,
            (rows - 1) / 2.0 + principal_offset[1] * rows,
        ]
    )
    q = (np.asarray(corners_xy, dtype=np.float64).reshape(4, 2) - centre) / long_side
    homogeneous = np.ones((4, 3))
    homogeneous[:, :2] = q
    tl, tr, br, bl = homogeneous
    m1, m2, m3, m4 = tl, tr, bl, br
    c14 = _cross3(m1, m4)
    k2 = np.dot(c14, m3) / np.dot(_cross3(m2, m4), m3)
    k3 = np.dot(c14, m2) / np.dot(_cross3(m3, m4), m2)
    n2 = k2 * m2 - m1
    n3 = k3 * m3 - m1
    f_prior = params.focal_prior_fraction
    denom = n2[2] * n3[2]
    scale = float(np.linalg.norm(n2[:2]) * np.linalg.norm(n3[:2])) + 1e-12
    f_rel = f_prior
    if focal_fraction is not None:
        f_rel = float(focal_fraction)
    elif abs(denom) > 1e-9 * scale:
        f2 = -(n2[0] * n3[0] + n2[1] * n3[1]) / denom
        if f2 > 0:
            f_rel = float(
                np.clip(math.sqrt(f2), params.focal_min_fraction, params.focal_max_fraction)
            )
    f2 = f_rel * f_rel
    num = n2[0] ** 2 + n2[1] ** 2 + f2 * n2[2] ** 2
    den = n3[0] ** 2 + n3[1] ** 2 + f2 * n3[2] ** 2
    return math.sqrt(num / den), f_rel * long_side


def aspect_ratio_range(
    corners_xy: np.ndarray, image_shape: tuple[int, ...], params: RectifyParams
) -> tuple[float, float]:
    """Range of a quad's true aspect ratio over the principal point's uncertainty.

    :func:`rectangle_aspect_ratio` (focal length estimated each time) with the
    principal point at the image centre and at the eight offsets of
    +-``principal_point_tolerance`` of the image sides around it.

    Returns
    -------
    (lo, hi) : tuple of float
        Smallest and largest ratio |TL-TR| / |TL-BL|.
    """
    tol = params.principal_point_tolerance
    ratios = [
        rectangle_aspect_ratio(
            corners_xy, image_shape, params, principal_offset=(dx * tol, dy * tol)
        )[0]
        for dx in (-1, 0, 1)
        for dy in (-1, 0, 1)
    ]
    return min(ratios), max(ratios)


# ------------------------------------------------------------------ sub-pixel sides


@dataclass(frozen=True)
class _SideFit:
    """Result of fitting the 4 sides of a quad to sub-pixel edge points."""

    corners_xy: np.ndarray  # (4, 2) refined corners, TL TR BR BL
    support: np.ndarray  # (4,) fraction of samples on each side that are straight-edge inliers
    contrast: np.ndarray  # (4,) colour step across each side (0..255 units)
    rms_px: float  # RMS distance of inliers to their lines


def _median(values: np.ndarray) -> np.ndarray:
    """``np.median(values, axis=0)`` of finite, non-empty values, with less overhead.

    The same order statistics (``np.partition``) and the same arithmetic (the
    mean of the two middle values, in the values' dtype), hence the same bits;
    ``np.median``'s general-purpose checks cost more than the work on the few
    hundred edge samples of a side.
    """
    n = values.shape[0]
    half = n // 2
    if n % 2:
        return np.partition(values, half, axis=0)[half]
    part = np.partition(values, (half - 1, half), axis=0)
    return (part[half - 1] + part[half]) / 2


def _fit_line(pts_xy: np.ndarray, inlier_px: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Robust total-least-squares line through points.

    Returns ``(point, unit_direction, inlier_mask)``. Iteratively refits on the
    points within ``max(2.5 sigma, inlier_px)`` of the line, sigma from the
    median absolute deviation (1.4826 MAD). The TLS direction of a point set
    with central moments :math:`S_{xx}, S_{yy}, S_{xy}` is at angle
    :math:`\\tfrac12 \\operatorname{atan2}(2 S_{xy}, S_{xx} - S_{yy})`.
    """
    keep = np.ones(len(pts_xy), dtype=bool)
    centre = pts_xy.mean(axis=0)
    direction = np.array([1.0, 0.0])
    for _ in range(4):
        sel = pts_xy[keep]
        centre = sel.mean(axis=0)
        dx, dy = (sel - centre).T
        theta = 0.5 * math.atan2(2.0 * float(dx @ dy), float(dx @ dx - dy @ dy))
        direction = np.array([math.cos(theta), math.sin(theta)])
        res = (pts_xy - centre) @ np.array([-direction[1], direction[0]])
        sigma = 1.4826 * float(_median(np.abs(res[keep])))
        new_keep = np.abs(res) < max(2.5 * sigma, inlier_px)
        if new_keep.sum() < 2 or np.array_equal(new_keep, keep):
            break
        keep = new_keep
    res = (pts_xy - centre) @ np.array([-direction[1], direction[0]])
    return centre, direction, np.abs(res) < inlier_px


def _intersect(p1: np.ndarray, d1: np.ndarray, p2: np.ndarray, d2: np.ndarray) -> np.ndarray:
    """Intersection of lines p1 + t d1 and p2 + s d2 (NaN if parallel)."""
    a = np.array([[d1[0], -d2[0]], [d1[1], -d2[1]]])
    det = np.linalg.det(a)
    if abs(det) < 1e-9:
        return np.array([np.nan, np.nan])
    t = np.linalg.solve(a, p2 - p1)[0]
    return p1 + t * d1


def quad_corners(sides: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """(4, 2) corners of a quad from its four sides ``(point, direction)`` in order.

    Corner ``i`` is where side ``i - 1`` meets side ``i`` (NaN where two are parallel).
    """
    return np.array([_intersect(*sides[(i - 1) % 4], *sides[i]) for i in range(4)], np.float64)


def _fit_sides(
    img: np.ndarray,
    quad_xy: np.ndarray,
    *,
    search_px: float,
    step_px: float,
    exclude_mm: float,
    size_hint_mm: tuple[float, float] | None,
    params: RectifyParams,
) -> _SideFit | None:
    """Fit straight lines to sub-pixel edge points along the 4 sides of a quad.

    Parameters
    ----------
    img : (H, W, 3) ndarray of uint8
        Work-resolution RGB image.
    quad_xy : (4, 2) ndarray
        Approximate corners, TL TR BR BL.
    search_px : float
        Half-length of each profile across the side, in pixels.
    step_px : float
        Spacing of the profiles along a side, in pixels.
    exclude_mm : float
        Length at each end of a side that is not sampled, in mm (e.g. the
        rounded corner of a card); converted with ``size_hint_mm``.
    size_hint_mm : tuple of float or None
        (width, height) of the reference in mm if known, to convert
        ``exclude_mm``; otherwise ``corner_exclusion_fraction`` alone is used.
    params : RectifyParams
        Inlier distance, exclusion fraction, edge-peak fraction.

    Returns
    -------
    _SideFit or None
        None when a side has too few edge points to fit a line.

    Notes
    -----
    Each profile :math:`p(s)`, :math:`s \\in [-R, R]` along the inward normal,
    is the projection of the RGB samples on the unit colour direction
    :math:`u = (\\bar c_{in} - \\bar c_{out}) / \\lVert\\cdot\\rVert` of its
    side (median colours at the inner ends of all profiles, and at the outer
    ends of the side's profiles), so the edge is a rising step
    whatever the colours. The edge point is the outermost local maximum of
    the derivative :math:`p(s+1) - p(s-1)` (after a [1 2 1] smoothing along
    s) that reaches ``edge_outer_peak_fraction`` of the profile's largest,
    refined by the vertex of the parabola through it and its neighbours. A
    colour-distance threshold crossing was tried instead and was both noisier
    and biased by illumination gradients along the side.
    Samples are bilinear (``cv2.remap`` on uint8: 1/32 px weights).
    """
    rows, cols = img.shape[:2]
    offsets = np.arange(-search_px, search_px + 0.5, 1.0, dtype=np.float64)
    n_off = len(offsets)
    side_pts = []
    side_normals = []
    sides = quad_sides(quad_xy, min_length_px=4.0)
    if sides is None:
        return None
    for i, (p0, d, length) in enumerate(sides):
        frac = params.corner_exclusion_fraction
        if size_hint_mm is not None and exclude_mm > 0:
            side_mm = size_hint_mm[0] if i % 2 == 0 else size_hint_mm[1]
            frac = max(frac, exclude_mm / side_mm)
        n = max(int(length * (1 - 2 * frac) / step_px), 6)
        t = np.linspace(frac * length, (1 - frac) * length, n)
        side_pts.append(p0 + t[:, None] * d)
        side_normals.append([-d[1], d[0]])  # inward for a clockwise (on screen) quad
    counts = np.array([len(p) for p in side_pts])
    side_of = np.repeat(np.arange(4), counts)
    base = np.concatenate(side_pts)
    normals = np.asarray(side_normals)[side_of]
    pos = base[:, None, :] + offsets[None, :, None] * normals[:, None, :]
    map_x = pos[..., 0].astype(np.float32)
    map_y = pos[..., 1].astype(np.float32)
    inside = (
        (map_x[:, [0, -1]].min(1) >= 0)
        & (map_x[:, [0, -1]].max(1) <= cols - 1)
        & (map_y[:, [0, -1]].min(1) >= 0)
        & (map_y[:, [0, -1]].max(1) <= rows - 1)
    )
    samples = cv2.remap(
        img, map_x, map_y, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    ).astype(np.float32)  # (N, n_off, 3)
    end = max(2, n_off // 8)
    # one interior colour for the whole quad (printing near one side, e.g. a
    # card's stripe, must not set that side's colour), one floor colour per side
    if inside.sum() < 16:
        return None
    c_in = _median(samples[inside, -end:, :].mean(axis=1))
    ends_out = samples[:, :end, :].mean(axis=1)
    u = np.zeros((4, 3), np.float32)
    contrasts = np.zeros(4)
    for i in range(4):
        sel = (side_of == i) & inside
        if sel.sum() < 4:
            return None
        u[i] = c_in - _median(ends_out[sel])
        contrasts[i] = float(np.linalg.norm(u[i]))
        if contrasts[i] < 1e-6:
            return None
        u[i] /= contrasts[i]
    prof = np.einsum("nsc,nc->ns", samples, u[side_of])
    prof = 0.25 * prof[:, :-2] + 0.5 * prof[:, 1:-1] + 0.25 * prof[:, 2:]
    deriv = prof[:, 2:] - prof[:, :-2]  # centred at offsets[2:-2]
    if deriv.shape[1] < 3:  # a search band too narrow for a peak (tiny images)
        return None
    rows_idx = np.arange(len(deriv))
    # outermost local maximum reaching edge_outer_peak_fraction of the
    # profile's maximum: printing just inside a card's or sheet's edge (text,
    # a stripe, a form line) makes steps as strong as the edge itself
    top = deriv.max(axis=1, keepdims=True)
    mid = deriv[:, 1:-1]
    is_peak = (
        (mid >= deriv[:, :-2])
        & (mid >= deriv[:, 2:])
        & (mid >= params.edge_outer_peak_fraction * top)
    )
    k = np.where(is_peak.any(axis=1), np.argmax(is_peak, axis=1) + 1, np.argmax(deriv, axis=1))
    peak = deriv[rows_idx, k]
    interior = (k > 0) & (k < deriv.shape[1] - 1)
    kk = np.clip(k, 1, deriv.shape[1] - 2)
    y0 = deriv[rows_idx, kk - 1]
    y2 = deriv[rows_idx, kk + 1]
    den = y0 - 2 * peak + y2
    safe = np.where(np.abs(den) > 1e-9, den, 1.0)
    delta = np.clip(np.where(np.abs(den) > 1e-9, 0.5 * (y0 - y2) / safe, 0.0), -0.5, 0.5)
    edge_xy = base + (offsets[2 + k] + delta)[:, None] * normals
    lines = []
    supports = np.zeros(4)
    sq_res = []
    for i in range(4):
        on_side = side_of == i
        ok = on_side & inside & interior & (peak > 0)
        if ok.sum() < 4:
            return None
        strong = peak > params.edge_peak_fraction * float(_median(peak[on_side & inside]))
        good = ok & strong
        if good.sum() < 4:
            return None
        pts = edge_xy[good]
        centre, direction, inl = _fit_line(pts, params.edge_inlier_px)
        supports[i] = inl.sum() / counts[i]
        sq_res.append(((pts[inl] - centre) @ np.array([-direction[1], direction[0]])) ** 2)
        lines.append((centre, direction))
    corners = quad_corners(lines)
    if not np.all(np.isfinite(corners)):
        return None
    res = np.concatenate(sq_res)
    rms = float(np.sqrt(res.mean())) if len(res) else float("inf")
    return _SideFit(corners, supports, contrasts, rms)


def _refine_quad(
    img: np.ndarray,
    quad_xy: np.ndarray,
    *,
    first_search_px: float,
    exclude_mm: float,
    size_hint_mm: tuple[float, float] | None,
    params: RectifyParams,
) -> _SideFit | None:
    """Two passes of :func:`_fit_sides`: wide and sparse around the coarse quad,
    then narrow (``subpix_window_px``) and dense (``edge_step_px``) around the first fit."""
    fit = _fit_sides(
        img,
        quad_xy,
        search_px=first_search_px,
        step_px=2.0 * params.edge_step_px,
        exclude_mm=exclude_mm,
        size_hint_mm=size_hint_mm,
        params=params,
    )
    if fit is None or np.any(_cross_z(fit.corners_xy) <= 0):
        return None
    fine = _fit_sides(
        img,
        fit.corners_xy,
        search_px=float(params.subpix_window_px),
        step_px=params.edge_step_px,
        exclude_mm=exclude_mm,
        size_hint_mm=size_hint_mm,
        params=params,
    )
    if fine is None or np.any(_cross_z(fine.corners_xy) <= 0):
        return fit
    # the colour step is judged on the wide profiles: a dark line (tile grout,
    # a printed border) looks like a step over a few pixels but not over the
    # whole wide profile, while a sheet's or card's edge does
    return _SideFit(fine.corners_xy, fine.support, fit.contrast, fine.rms_px)


# ------------------------------------------------------------------------ candidates


def _quad_from_contour(contour: np.ndarray, params: RectifyParams) -> np.ndarray | None:
    """Reduce a contour's convex hull to 4 corners with Douglas-Peucker."""
    hull = cv2.convexHull(contour)
    perim = cv2.arcLength(hull, True)
    for factor in (1.0, 1.5, 2.0, 3.0):
        approx = cv2.approxPolyDP(hull, factor * params.polygon_epsilon_fraction * perim, True)
        if len(approx) == 4:
            return approx.reshape(4, 2).astype(np.float64)
        if len(approx) < 4:
            return None
    return None


def _threshold_levels(channel: np.ndarray, params: RectifyParams) -> list[float]:
    """Grey levels at which a channel is cut: Otsu plus evenly spaced levels."""
    hist = cv2.calcHist([channel], [0], None, [256], [0, 256]).ravel()
    cdf = np.cumsum(hist) / hist.sum()
    lo = float(np.searchsorted(cdf, 0.02))
    hi = float(np.searchsorted(cdf, 0.98))
    if hi - lo < params.min_channel_range:
        return []
    otsu, _ = cv2.threshold(channel, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    n = params.threshold_levels
    levels = [lo + (hi - lo) * (k + 1) / (n + 1) for k in range(n)]
    return [float(otsu), *levels]


def perimeter_coverage(
    contour: np.ndarray,
    polygon_xy: np.ndarray,
    tol_px: float,
    samples_per_side: int = 12,
    hidden: np.ndarray | None = None,
) -> float:
    """Fraction of points spread along a polygon's sides lying on a contour.

    A region bounded by a sheet's edge covers all of it even when a print
    cuts into the region; a blob whose 4-corner approximation is a quad only
    touches it near the corners. Points on pixels where ``hidden`` (a bool
    image, optional) is True are not counted: the edge cannot be seen there
    (a card over a sheet). 1.0 when no point is left.
    """
    poly = np.asarray(polygon_xy, np.float64).reshape(-1, 2)
    k = len(poly)
    t = (np.arange(samples_per_side) + 0.5) / samples_per_side
    pts = np.concatenate([poly[i] + t[:, None] * (poly[(i + 1) % k] - poly[i]) for i in range(k)])
    if hidden is not None:
        h, w = hidden.shape
        xi = np.clip(np.round(pts[:, 0]).astype(int), 0, w - 1)
        yi = np.clip(np.round(pts[:, 1]).astype(int), 0, h - 1)
        pts = pts[~hidden[yi, xi]]
        if not len(pts):
            return 1.0
    hits = sum(
        abs(cv2.pointPolygonTest(contour, (float(x), float(y)), True)) <= tol_px for x, y in pts
    )
    return hits / len(pts)


@dataclass(frozen=True)
class _Candidate:
    """A coarse quad worth refining."""

    quad_xy: np.ndarray  # (4, 2) work-resolution px, TL TR BR BL
    area_fraction: float  # of the image
    kinds: tuple[str, ...]  # reference kinds its coarse shape is compatible with


def _candidate_masks(
    small: np.ndarray, params: RectifyParams, *, edges_only: bool = False
) -> list[np.ndarray]:
    """Binary masks (uint8, nonzero = in) whose regions may be a reference
    (the first three only with ``edges_only``).

    Colour is handled as luma Y and chroma Cr, Cb (``cv2.COLOR_RGB2YCrCb``, an
    opponent space five times cheaper than L*a*b* here).

    * regions enclosed by colour edges: the complement of the dilated Canny
      edge map of the YCrCb image with Cr and Cb stretched about 128 by
      ``canny_chroma_gain`` (Canny takes the largest channel gradient); catches
      a sheet of nearly the floor's lightness (off-white paper on light tile);
    * the dilated edge map itself: the outline of an isolated object (a card
      whose printing splits its interior into several regions);
    * the edge map with its small holes filled, opened by a
      ``solid_open_px`` square: a card touching a sheet's edge or a grout
      line, whose outline the edge map joins to that line;
    * Y cut at Otsu's and ``threshold_levels`` evenly spaced levels, Cr and Cb
      at Otsu's level (kraft paper, coloured cards), both polarities, opened
      with a 3x3 square (breaks one-pixel bridges).
    """
    kernel = np.ones((3, 3), np.uint8)
    ycc = cv2.cvtColor(small, cv2.COLOR_RGB2YCrCb)
    gain = params.canny_chroma_gain
    stretch = np.clip(np.round(128 + gain * (np.arange(256) - 128)), 0, 255)
    lut = np.stack([np.arange(256), stretch, stretch], axis=-1).astype(np.uint8)[None]
    edges = cv2.Canny(cv2.LUT(ycc, lut), params.canny_low, params.canny_high, L2gradient=True)
    edges = cv2.dilate(edges, kernel)
    masks = [cv2.bitwise_not(edges), edges]
    if params.solid_open_px > 0:
        masks.append(_solid_objects(edges, params))
    if edges_only:
        return masks
    for ch, channel in enumerate(cv2.split(ycc)):
        levels = _threshold_levels(channel, params)
        for level in levels if ch == 0 else levels[:1]:
            _, bright = cv2.threshold(channel, level, 1, cv2.THRESH_BINARY)
            _, dark = cv2.threshold(channel, level, 1, cv2.THRESH_BINARY_INV)
            for mask in (bright, dark):
                masks.append(cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel))
    return masks


def _solid_objects(edges: np.ndarray, params: RectifyParams) -> np.ndarray:
    """Edge map with its small holes filled, then opened.

    The holes are the regions enclosed by edges (``RETR_CCOMP`` inner
    contours); filling those no larger than ``solid_max_hole_fraction`` of
    the image turns a card's outline and printing into a solid blob, and opening by a
    ``solid_open_px`` square removes the thin lines it was joined to.
    """
    max_hole = params.solid_max_hole_fraction * edges.size
    contours, hierarchy = cv2.findContours(edges, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    solid = edges.copy()
    if hierarchy is not None:
        holes = [
            cnt
            for cnt, (_, _, _, parent) in zip(contours, hierarchy[0], strict=True)
            if parent >= 0 and cv2.contourArea(cnt) <= max_hole
        ]
        cv2.drawContours(solid, holes, -1, 255, thickness=cv2.FILLED)
    side = int(params.solid_open_px)
    return cv2.morphologyEx(solid, cv2.MORPH_OPEN, np.ones((side, side), np.uint8))


def _near_any(quads: list[np.ndarray], quad: np.ndarray, limit: float) -> bool:
    """Whether some quad of ``quads`` has every corner within ``limit`` of ``quad``'s."""
    if not quads:
        return False
    return bool(np.linalg.norm(np.asarray(quads) - quad, axis=2).max(axis=1).min() < limit)


def _coarse_candidates(
    rgb: np.ndarray, params: RectifyParams, *, edges_only: bool = False
) -> tuple[list[_Candidate], list[_Candidate]]:
    """Candidate quads at reduced size, mapped back to work resolution
    (from the edge masks of :func:`_candidate_masks` only with ``edges_only``).

    Sheet candidates come first, largest first, then card candidates, largest
    first. A quad is kept when it is convex, fills its contour
    (``min_fill_fraction``), does not touch the image border (a reference cut
    by the frame has no usable corner), has a plausible area and a coarse
    rectified aspect ratio within ``coarse_aspect_tolerance`` of a reference.
    The second list holds the other quads covering at least
    ``paper_min_area_fraction`` of the photo, largest first: paper of unknown
    size, which gives the perspective but no scale (:func:`find_paper`).
    """
    rows, cols = rgb.shape[:2]
    # an integer factor keeps INTER_AREA on its fast path (10x faster than 2.5x)
    factor = max(1, round(max(rows, cols) / params.detect_long_side_px))
    scale = 1.0 / factor
    small = (
        cv2.resize(
            rgb[: rows // factor * factor, : cols // factor * factor],
            (cols // factor, rows // factor),
            interpolation=cv2.INTER_AREA,
        )
        if factor > 1
        else rgb
    )
    if params.detect_median_px > 0:
        small = cv2.medianBlur(small, 2 * int(params.detect_median_px) + 1)
    srows, scols = small.shape[:2]
    area_img = float(srows * scols)
    slack = params.coarse_area_slack
    min_area = min(params.card_min_area_fraction, params.min_area_fraction) * slack * area_img
    max_area = params.max_area_fraction * area_img
    sheet_min = params.min_area_fraction * slack
    card_max = params.card_max_area_fraction / slack
    diag = math.hypot(srows, scols)
    same_px = params.duplicate_fraction * diag  # quads this close are one (small image px)
    paper_min = params.paper_min_area_fraction * slack
    kept: list[_Candidate] = []
    kept_small: list[np.ndarray] = []
    papers: list[_Candidate] = []
    masks = _candidate_masks(small, params, edges_only=edges_only)
    # region edges in px (small image) inside the true outline: the edge-
    # enclosed regions lie beyond the dilated Canny line (~1.5 px inside), the
    # edge blobs' and solid objects' outer contour ~1 px outside, thresholds on it
    n_edge = 3 if params.solid_open_px > 0 else 2
    offsets = [1.5] + [-1.0] * (n_edge - 1) + [0.0] * (len(masks) - n_edge)
    for mask, grow in zip(masks, offsets, strict=True):
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for cnt in contours:
            if len(cnt) < 4:
                continue
            x, y, w, h = cv2.boundingRect(cnt)
            if w * h < min_area or x <= 0 or y <= 0 or x + w >= scols or y + h >= srows:
                continue
            area = cv2.contourArea(cnt)
            if not min_area <= area <= max_area:
                continue
            quad = _quad_from_contour(cnt, params)
            if quad is None:
                continue
            quad = _order_quad(quad)
            qarea = _quad_area(quad)
            if qarea <= 0 or np.any(_cross_z(quad) <= 0):
                continue
            if cv2.contourArea(cv2.convexHull(cnt)) > qarea / params.min_fill_fraction:
                continue
            if perimeter_coverage(cnt, quad, params.coarse_tolerance_px) < (
                params.min_perimeter_coverage
            ):
                continue
            if _near_any(kept_small, quad, same_px):
                continue
            quad_xy = ((_offset_quad(quad, grow) if grow else quad) + 0.5) / scale - 0.5
            frac = qarea / area_img
            ratio, _ = rectangle_aspect_ratio(quad_xy, rgb.shape, params)
            # a small quad's corners are uncertain by ~coarse_tolerance_px each
            short = float(_side_lengths(quad).min())
            tol = params.coarse_aspect_tolerance + 2.0 * params.coarse_tolerance_px / short
            fits = [k for k in REFERENCE_SIZES_MM if _match_kind(ratio, (k,))[1] <= tol]
            if len(fits) < len(REFERENCE_SIZES_MM):  # the others may fit off-centre
                ratio_range = aspect_ratio_range(quad_xy, rgb.shape, params)
                fits = [
                    k
                    for k in REFERENCE_SIZES_MM
                    if _match_kind_range(ratio_range, ratio, (k,))[1] <= tol
                ]
            kinds = []
            if frac >= sheet_min:
                kinds += [k for k in _SHEET_KINDS if k in fits]
            if frac <= card_max and "card" in fits:
                kinds.append("card")
            if kinds:
                kept_small.append(quad)
                kept.append(_Candidate(quad_xy, frac, tuple(kinds)))
            elif frac >= paper_min and not _near_any(
                [q.quad_xy * scale for q in papers], quad_xy * scale, same_px
            ):
                papers.append(_Candidate(quad_xy, frac, ("paper",)))
    kept.sort(key=lambda c: (c.kinds[0] == "card", -c.area_fraction))
    papers.sort(key=lambda c: -c.area_fraction)
    return kept[: params.max_candidates], papers[: params.max_paper_candidates]


def _classify_quad(
    corners_xy: np.ndarray,
    image_shape: tuple[int, ...],
    kinds: tuple[str, ...],
    params: RectifyParams,
) -> tuple[str, float, bool, tuple[float, float]]:
    """Which of ``kinds`` a quad outlines, judged over the camera's uncertainty.

    The quad's possible world aspect ratios (:func:`aspect_ratio_range`, the
    principal point within ``principal_point_tolerance``) are compared with
    each kind's (:func:`_match_kind_range`); kinds within
    ``aspect_tie_tolerance`` of the best are decided by the ratio seen at the
    prior focal length (``focal_prior_fraction``: a phone's main camera, known
    within ~15 %). Both the automatic finder and manual corners use it.

    Returns
    -------
    kind, relative_error, tl_tr_is_long, ratio_range
    """
    ratio_range = aspect_ratio_range(corners_xy, image_shape, params)
    ratio_prior, _ = rectangle_aspect_ratio(
        corners_xy, image_shape, params, focal_fraction=params.focal_prior_fraction
    )
    kind, err, long_first = _match_kind_range(
        ratio_range, ratio_prior, kinds, params.aspect_tie_tolerance
    )
    return kind, err, long_first, ratio_range


def _match_kind_range(
    ratio_range: tuple[float, float], ratio: float, kinds: tuple[str, ...], tie: float = 0.0
) -> tuple[str, float, bool]:
    """Best reference kind for a range of possible world aspect ratios.

    A kind's error is the relative distance of its true long/short ratio from
    the range (0 inside it); among kinds whose errors are all within ``tie``
    the one nearest ``ratio`` wins. Returns ``(kind, relative_error,
    tl_tr_is_long)``, the orientation taken from ``ratio``.
    """
    if min(ratio_range) < 1.0 < max(ratio_range):
        return _match_kind(ratio, kinds)  # square-ish: no orientation to keep
    long_first = ratio >= 1.0
    lo, hi = sorted(v if long_first else 1.0 / v for v in ratio_range)
    r = ratio if long_first else 1.0 / ratio
    best = ("", float("inf"), long_first)
    best_key = (float("inf"), float("inf"))
    for kind in kinds:
        w, h = REFERENCE_SIZES_MM[kind]
        true = max(w, h) / min(w, h)
        err = max(0.0, lo - true, true - hi) / true
        key = (max(err, tie), abs(r - true) / true)
        if key < best_key:
            best, best_key = (kind, err, long_first), key
    return best


def _match_kind(ratio: float, kinds: tuple[str, ...]) -> tuple[str, float, bool]:
    """Best reference kind for a world aspect ratio |TL-TR| / |TL-BL|.

    Returns ``(kind, relative_error, tl_tr_is_long)``.
    """
    long_first = ratio >= 1.0
    r = ratio if long_first else 1.0 / ratio
    best = ("", float("inf"), long_first)
    for kind in kinds:
        w, h = REFERENCE_SIZES_MM[kind]
        true = max(w, h) / min(w, h)
        err = abs(r - true) / true
        if err < best[1]:
            best = (kind, err, long_first)
    return best


def _oriented_size(kind: str, tl_tr_is_long: bool) -> tuple[float, float]:
    w, h = REFERENCE_SIZES_MM[kind]
    long_mm, short_mm = max(w, h), min(w, h)
    return (long_mm, short_mm) if tl_tr_is_long else (short_mm, long_mm)


def _card_focal_ratios(
    corners_xy: np.ndarray, image_shape: tuple[int, ...], params: RectifyParams
) -> list[float]:
    """A quad's aspect ratio at the ends of ``card_focal_range`` (principal point centred).

    Returns
    -------
    list of float
        |TL-TR| / |TL-BL| at the shortest and the longest plausible focal
        length; the ratio changes monotonically in between.
    """
    return [
        rectangle_aspect_ratio(corners_xy, image_shape, params, focal_fraction=f)[0]
        for f in params.card_focal_range
    ]


def _sheet_point_error(
    corners_xy: np.ndarray,
    image_shape: tuple[int, ...],
    kind: str,
    ratio_est: float,
    params: RectifyParams,
) -> float:
    """Relative aspect error of a sheet at the focal lengths a phone most likely had.

    Parameters
    ----------
    corners_xy : (4, 2) ndarray
        Refined corners, TL TR BR BL.
    image_shape : tuple of int
        Shape of the work image.
    kind : {"a4", "letter"}
        The sheet the quad was matched to.
    ratio_est : float
        The quad's aspect ratio at the focal length estimated from it.
    params : RectifyParams
        Supplies ``focal_prior_fraction``.

    Returns
    -------
    float
        :math:`\\min(|r_e - r_k|, |r_p - r_k|) / r_k` with :math:`r_e` and
        :math:`r_p` the quad's long/short ratio at the estimated focal length
        and at the prior (principal point at the centre), :math:`r_k` the
        sheet's.

    Notes
    -----
    The range test of :func:`_classify_quad` admits a kind whose ratio lies
    within ``aspect_tolerance`` of any ratio the camera's uncertainty allows;
    under a strong tilt that range is wide, and a sheet of another size
    (kraft paper, a form) reached a Letter's ratio. On generated photos of
    true A4 and Letter sheets this point error was at most 0.037 (128
    development photos, tilt up to 30 deg); on the sheets of other sizes
    taken for Letter, 0.094 and 0.105.
    """
    w, h = REFERENCE_SIZES_MM[kind]
    true = max(w, h) / min(w, h)
    ratio_prior, _ = rectangle_aspect_ratio(
        corners_xy, image_shape, params, focal_fraction=params.focal_prior_fraction
    )
    errs = [abs(max(r, 1.0 / r) - true) / true for r in (ratio_est, ratio_prior)]
    return float(min(errs))


def _plausible_corners(
    corners: np.ndarray, image_shape: tuple[int, ...], params: RectifyParams
) -> bool:
    """Refined corners within ``corner_margin_px`` of the photo, every interior
    angle within ``min_corner_angle_deg`` of 0 and 180 degrees."""
    rows, cols = image_shape[0], image_shape[1]
    margin = params.corner_margin_px
    if (
        np.any(corners < -margin)
        or np.any(corners[:, 0] > cols - 1 + margin)
        or np.any(corners[:, 1] > rows - 1 + margin)
    ):
        return False
    angles = _interior_angles_deg(corners)
    return bool(
        angles.min() >= params.min_corner_angle_deg
        and angles.max() <= 180 - params.min_corner_angle_deg
    )


def _evaluate(
    img: np.ndarray,
    quad_xy: np.ndarray,
    kinds: tuple[str, ...],
    params: RectifyParams,
    *,
    first_search_px: float,
) -> tuple[Reference | None, np.ndarray | None]:
    """Refine a coarse quad and accept it as a reference of one of ``kinds``, or not.

    Returns the reference (None if rejected) and the refined corners (None if
    the refinement failed).
    """
    rows, cols = img.shape[:2]
    area_img = float(rows * cols)
    is_card = kinds == _CARD_KINDS
    exclude = 1.5 * CARD_CORNER_RADIUS_MM if is_card else 0.0
    hint: tuple[float, float] | None = None
    if is_card:
        ratio0, _ = rectangle_aspect_ratio(quad_xy, img.shape, params)
        hint = _oriented_size("card", ratio0 >= 1.0)
    fit = _refine_quad(
        img,
        quad_xy,
        first_search_px=first_search_px,
        exclude_mm=exclude,
        size_hint_mm=hint,
        params=params,
    )
    if fit is None:
        return None, None
    corners = fit.corners_xy
    if not _plausible_corners(corners, img.shape, params):
        return None, corners
    area_frac = _quad_area(corners) / area_img
    ratio, focal = rectangle_aspect_ratio(corners, img.shape, params)
    # a sheet must also fit better than a card: under a strong tilt a card's
    # range of aspect ratios can reach a sheet's
    rivals = kinds if is_card else (*kinds, *_CARD_KINDS)
    kind, err, long_first, ratio_range = _classify_quad(corners, img.shape, rivals, params)
    if is_card and err > 0:
        # a card's own focal estimate is unreliable: also the focal lengths a phone had
        seen = [*ratio_range, *_card_focal_ratios(corners, img.shape, params)]
        wide = _match_kind_range((min(seen), max(seen)), ratio, kinds)
        if wide[1] < err:  # a range across 1 (square-ish) is judged at one ratio: no help
            kind, err, long_first = wide
    support = float(fit.support.min())
    contrast = float(fit.contrast.min())
    reasons = []
    if kind not in kinds:
        reasons.append(f"aspect {ratio:.3f} fits a {kind} better")
    elif err > params.aspect_tolerance:
        reasons.append(f"aspect {ratio:.3f} off {kind} by {100 * err:.1f} %")
    elif not is_card:
        point_err = _sheet_point_error(corners, img.shape, kind, ratio, params)
        if point_err > params.aspect_tolerance:
            reasons.append(
                f"aspect {ratio:.3f} off {kind} by {100 * point_err:.1f} % at the "
                "estimated and the prior focal length"
            )
    if support < params.min_edge_support:
        reasons.append(f"edge support {support:.2f}")
    if contrast < params.min_edge_contrast:
        reasons.append(f"contrast {contrast:.1f}")
    if is_card:
        if not params.card_min_area_fraction <= area_frac <= params.card_max_area_fraction:
            reasons.append(f"card area fraction {area_frac:.4f}")
    elif area_frac < params.min_area_fraction:
        reasons.append(f"sheet area fraction {area_frac:.3f}")
    if reasons:
        logger.debug("rejected %s candidate at %s: %s", kinds, corners.round(1).tolist(), reasons)
        return None, corners
    score = (
        support
        * (1.0 - 0.5 * err / params.aspect_tolerance)
        * min(1.0, contrast / (2.0 * params.min_edge_contrast))
        * max(0.0, 1.0 - fit.rms_px / params.edge_inlier_px)
    )
    score = float(np.clip(score, 0.0, 1.0))
    logger.debug(
        "accepted %s: aspect %.4f (range %.4f-%.4f, err %.2f %%), f %.0f px, support %s, "
        "contrast %s, rms %.2f px",
        kind,
        ratio,
        *ratio_range,
        100 * err,
        focal,
        fit.support.round(2).tolist(),
        fit.contrast.round(1).tolist(),
        fit.rms_px,
    )
    return Reference(kind, corners, _oriented_size(kind, long_first), score), corners


def _inside(quad_a: np.ndarray, quad_b: np.ndarray) -> bool:
    """True when every corner of ``quad_a`` lies inside (or on) ``quad_b``."""
    poly = quad_b.astype(np.float32).reshape(-1, 1, 2)
    return all(cv2.pointPolygonTest(poly, (float(x), float(y)), False) >= 0 for x, y in quad_a)


def find_reference(rgb: np.ndarray, params: RectifyParams) -> Reference | None:
    """Find an A4 / Letter sheet or an ID-1 card in a photo.

    Parameters
    ----------
    rgb : (H, W, 3) ndarray of uint8
        RGB photo at work resolution (~1000 px long side).
    params : RectifyParams
        Detection parameters.

    Returns
    -------
    Reference or None
        The best reference, a sheet in preference to a card; None when no
        candidate passes validation (never a guess).

    Examples
    --------
    >>> import numpy as np
    >>> from footprint.params import RectifyParams
    >>> find_reference(np.zeros((300, 400, 3), np.uint8), RectifyParams()) is None
    True
    """
    _check_rgb(rgb)
    if not params.enabled:
        return None
    return _find_reference(rgb, params)[0]


def _find_reference(
    rgb: np.ndarray, params: RectifyParams
) -> tuple[Reference | None, list[_Candidate], SheetRefusal | None]:
    """:func:`find_reference`, and the coarse quads of paper of unknown size
    (those of the first search, sheet-shaped ones refused as a reference among them).

    A sheet is checked against a bank card found beside it
    (:func:`_card_beside_sheet`); when the card's size in the sheet's plane
    differs from a card's by more than ``sheet_card_max_scale_diff`` the card
    is the reference, the sheet goes first among the paper quads (its
    perspective) and the refusal is returned too.

    The candidates are searched with the ``detect_median_px`` median first
    and, when none of them is a reference, once more with the
    ``detect_median_retry_px`` one, in the edge masks only (a small card the
    first median joined to a grout line or the floor's grain; on the
    development photos where the second search found the card, the edge
    masks alone found it, the threshold masks alone never, at half the
    cost), where a reference needs a colour step of ``retry_min_edge_contrast``
    on every side; quads refined in the first search are not refined again.
    """
    first_search = params.edge_search_fraction * max(rgb.shape[:2])
    tried: dict[str, list[np.ndarray]] = {"sheet": [], "card": []}
    medians = [params.detect_median_px]
    if params.detect_median_retry_px not in (-1, params.detect_median_px):
        medians.append(params.detect_median_retry_px)
    papers: list[_Candidate] = []
    n_candidates = 0
    for k, median_px in enumerate(medians):
        candidates, found_papers = _coarse_candidates(
            rgb, replace(params, detect_median_px=median_px), edges_only=k > 0
        )
        n_candidates += len(candidates)
        if k == 0:  # paper of unknown size: the first search's quads
            papers = _paper_quads(candidates, found_papers, params)
        judged = params
        if k > 0:  # the second search lets single tiles through: a clear step only
            step = max(params.min_edge_contrast, params.retry_min_edge_contrast)
            judged = replace(params, min_edge_contrast=step)
        ref = _first_reference(rgb, candidates, judged, first_search, tried)
        if ref is not None:
            break
    else:
        logger.info("no scale reference found among %d candidates", n_candidates)
    refused = None
    if ref is not None and ref.kind in _SHEET_KINDS and params.sheet_card_max_scale_diff >= 0:
        beside = _card_beside_sheet(rgb, ref, candidates, judged, first_search, tried)
        if beside is not None and abs(beside[1] - 1.0) > params.sheet_card_max_scale_diff:
            card, scale = beside
            logger.info(
                "the %s-shaped sheet is not that size: a card measures %.2f times its size "
                "in its plane; the card gives the scale",
                ref.kind,
                scale,
            )
            refused = SheetRefusal(ref.kind, ref.corners_xy, scale)
            area = _quad_area(ref.corners_xy) / float(rgb.shape[0] * rgb.shape[1])
            papers = [_Candidate(ref.corners_xy, area, _SHEET_KINDS), *papers]
            ref = card
    return ref, papers, refused


def _refined_already(quad: np.ndarray, done: list[np.ndarray], params: RectifyParams) -> bool:
    """Whether a coarse quad lies within ``subpix_window_px`` of a quad refined
    already, to which its refinement would converge."""
    return any(np.linalg.norm(q - quad, axis=1).max() < params.subpix_window_px for q in done)


def _card_beside_sheet(
    rgb: np.ndarray,
    sheet: Reference,
    candidates: list[_Candidate],
    params: RectifyParams,
    first_search: float,
    tried: dict[str, list[np.ndarray]],
) -> tuple[Reference, float] | None:
    """The best bank card among ``candidates`` beside ``sheet``, and its size
    measured in the sheet's plane over a card's true size.

    The card's corners are mapped through the sheet's homography to
    millimetres; with :math:`a`, :math:`b` the means of its opposite sides
    there, the scale is :math:`\\sqrt{a b / (85.60 \\times 53.98)}`. Candidates
    covering more than ``_CARD_MAX_SHEET_AREA`` of the sheet (the sheet
    itself) and quads already refined (``tried``) are skipped. None when no
    card is accepted.
    """
    max_area = _CARD_MAX_SHEET_AREA * _quad_area(sheet.corners_xy)
    card = _best_card(rgb, candidates, params, first_search, tried, max_area_px=max_area)
    if card is None:
        return None
    w, h = sheet.size_mm
    to_mm = _homography(sheet.corners_xy, _rect_xy(w, h))
    sides = _side_lengths(_apply_h(to_mm, card.corners_xy))
    a, b = (sides[0] + sides[2]) / 2.0, (sides[1] + sides[3]) / 2.0
    cw, ch = REFERENCE_SIZES_MM["card"]
    return card, float(np.sqrt(a * b / (cw * ch)))


def _first_reference(
    rgb: np.ndarray,
    candidates: list[_Candidate],
    params: RectifyParams,
    first_search: float,
    tried: dict[str, list[np.ndarray]],
) -> Reference | None:
    """The reference among coarse ``candidates``: the first sheet accepted, else
    the best-scoring card; ``tried`` collects the refined quads of each
    (``"sheet"``, ``"card"``), and extends them."""

    # sheets, largest first: the first accepted one is the outermost, so a
    # form's panel or a logo inside it is never taken for the sheet
    for cand in candidates:
        if cand.kinds[0] == "card" or _refined_already(cand.quad_xy, tried["sheet"], params):
            continue
        ref, refined = _evaluate(
            rgb, cand.quad_xy, _SHEET_KINDS, params, first_search_px=first_search
        )
        if refined is not None:
            tried["sheet"].append(refined)
        if ref is not None:
            logger.info("reference: %s sheet, score %.2f", ref.kind, ref.score)
            return ref
    best = _best_card(rgb, candidates, params, first_search, tried)
    if best is not None:
        logger.info("reference: ID-1 card, score %.2f", best.score)
    return best


def _best_card(
    rgb: np.ndarray,
    candidates: list[_Candidate],
    params: RectifyParams,
    first_search: float,
    tried: dict[str, list[np.ndarray]],
    *,
    max_area_px: float = math.inf,
) -> Reference | None:
    """The best-scoring card among ``candidates`` of at most ``max_area_px``
    (photo pixels) not refined already; ``tried["card"]`` collects the refined quads."""
    cards = []
    for cand in candidates:
        if "card" not in cand.kinds or _quad_area(cand.quad_xy) > max_area_px:
            continue
        if _refined_already(cand.quad_xy, tried["card"], params):
            continue
        ref, refined = _evaluate(
            rgb, cand.quad_xy, _CARD_KINDS, params, first_search_px=first_search
        )
        if refined is not None:
            tried["card"].append(refined)
        if ref is not None:
            cards.append(ref)
    return max(cards, key=lambda r: r.score) if cards else None


def find_paper(
    rgb: np.ndarray, papers: list[_Candidate], params: RectifyParams
) -> np.ndarray | None:
    """Corners of a sheet of unknown size, for the perspective without a scale.

    Each coarse quad (largest first) is refined like a reference's
    (:func:`_refine_quad`) and accepted when its corners lie in the photo,
    its interior angles are at least ``min_corner_angle_deg`` and its sides
    have the edge support and colour step of a sheet's (``min_edge_support``,
    ``min_edge_contrast``); its aspect ratio may be anything.

    Returns
    -------
    (4, 2) ndarray of float64 or None
        Corners TL, TR, BR, BL in work-resolution pixels.
    """
    rows, cols = rgb.shape[:2]
    first_search = params.edge_search_fraction * max(rows, cols)
    for cand in papers:
        fit = _refine_quad(
            rgb,
            cand.quad_xy,
            first_search_px=first_search,
            exclude_mm=0.0,
            size_hint_mm=None,
            params=params,
        )
        if fit is None:
            continue
        corners = fit.corners_xy
        if (
            not _plausible_corners(corners, rgb.shape, params)
            or _quad_area(corners) < params.paper_min_area_fraction * rows * cols
            or float(fit.support.min()) < params.min_edge_support
            or float(fit.contrast.min()) < params.min_edge_contrast
        ):
            logger.debug("paper candidate at %s refused", corners.round(1).tolist())
            continue
        logger.info("paper of unknown size at %s", corners.round(1).tolist())
        return corners
    return None


# ------------------------------------------------------------------------ rectify


def _check_rgb(rgb: np.ndarray) -> None:
    if not isinstance(rgb, np.ndarray) or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(
            f"Expected an (H, W, 3) RGB array, got shape {getattr(rgb, 'shape', None)}; "
            "decode the photo with footprint.io first."
        )
    if rgb.dtype != np.uint8:
        raise ValueError(f"Expected uint8 RGB, got {rgb.dtype}; convert with np.uint8.")


def _no_reference_plane(rgb: np.ndarray) -> Plane:
    eye = np.eye(3)
    return Plane(
        image=rgb,
        mm_per_px=None,
        scale_source="none",
        image_to_plane=eye,
        plane_to_image=eye.copy(),
        reference=None,
        valid=np.ones(rgb.shape[:2], dtype=bool),
        sheet=None,
    )


def _plane_window(
    h0: np.ndarray,
    image_shape: tuple[int, ...],
    ref_rect: tuple[float, float, float, float],
    params: RectifyParams,
) -> tuple[float, float, int, int]:
    """Plane window (x0, y0, width, height) covering the photo's floor, clipped.

    The image border is sampled and mapped through ``h0`` (points behind the
    camera, w <= 0, are dropped); the window is the bounding box of the
    mapped points and of the reference rectangle ``ref_rect`` (x0, y0, x1,
    y1). Along an axis where it exceeds ``max_plane_side_px``, it is cut to
    that length, centred on the mapped image centre (where the subject of the
    photo is) and then shifted, if needed, so the reference stays inside.
    """
    rows, cols = image_shape[0], image_shape[1]
    t = np.linspace(0.0, 1.0, 17)
    xs, ys = (cols - 1) * t, (rows - 1) * t
    border = np.concatenate(
        [
            np.c_[xs, np.zeros_like(xs)],
            np.c_[np.full_like(ys, cols - 1), ys],
            np.c_[xs, np.full_like(xs, rows - 1)],
            np.c_[np.zeros_like(ys), ys],
        ]
    )
    hom = np.c_[border, np.ones(len(border))] @ h0.T
    front = hom[:, 2] > 1e-9 * np.abs(hom[:, :2]).max(axis=1)
    mapped = hom[front, :2] / hom[front, 2:3]
    rx0, ry0, rx1, ry1 = ref_rect
    lo = np.minimum(mapped.min(axis=0), [rx0, ry0]) if len(mapped) else np.array([rx0, ry0])
    hi = np.maximum(mapped.max(axis=0), [rx1, ry1]) if len(mapped) else np.array([rx1, ry1])
    centre_h = h0 @ np.array([(cols - 1) / 2, (rows - 1) / 2, 1.0])
    if centre_h[2] > 0:
        focus = centre_h[:2] / centre_h[2]
    else:
        focus = np.array([(rx0 + rx1) / 2, (ry0 + ry1) / 2])
    max_side = float(params.max_plane_side_px)
    origin = lo.copy()
    size = hi - lo
    for ax, (r0, r1) in enumerate(((rx0, rx1), (ry0, ry1))):
        if size[ax] <= max_side:
            continue
        start = focus[ax] - max_side / 2
        start = min(max(start, lo[ax]), hi[ax] - max_side)
        start = min(start, r0)  # keep the reference inside
        start = max(start, r1 - max_side)
        origin[ax] = start
        size[ax] = max_side
        logger.info("plane clipped to %d px along %s", int(max_side), "xy"[ax])
    width, height = (int(math.ceil(v)) for v in size)
    return float(origin[0]), float(origin[1]), max(width, 1), max(height, 1)


def _warp(
    rgb: np.ndarray, h0: np.ndarray, origin_xy: tuple[float, float], size_wh: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Warp the photo through ``h0`` into the plane window at ``origin_xy`` of ``size_wh``.

    Returns the plane image, the homographies image -> plane and plane ->
    image (the window's shift included, normalised to ``H[2, 2] = 1``) and
    the plane's valid pixels (:func:`_valid_mask`).
    """
    shift = np.array([[1.0, 0.0, -origin_xy[0]], [0.0, 1.0, -origin_xy[1]], [0.0, 0.0, 1.0]])
    image_to_plane = shift @ h0
    image_to_plane /= image_to_plane[2, 2]
    plane_to_image = np.linalg.inv(image_to_plane)
    plane_to_image /= plane_to_image[2, 2]
    image = cv2.warpPerspective(
        rgb, image_to_plane, size_wh, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    valid = _valid_mask(image_to_plane, rgb.shape, (size_wh[1], size_wh[0]))
    return image, image_to_plane, plane_to_image, valid


def _build_plane(
    rgb: np.ndarray,
    ref: Reference,
    params: RectifyParams,
    source: str,
    *,
    papers: list[_Candidate] | None = None,
) -> Plane:
    """Warp the photo onto the metric plane defined by a reference.

    For a card, the perspective is taken from a sheet of unknown size or the
    floor's lines when either is found (:func:`_card_homography`, from the
    coarse ``papers``); otherwise from the card's own corners.
    """
    s = params.plane_mm_per_px
    w_mm, h_mm = ref.size_mm
    w_px, h_px = w_mm / s, h_mm / s
    rect = _rect_xy(w_px, h_px)
    h0 = _homography(ref.corners_xy, rect)
    found: dict[str, Any] = {}
    if ref.kind == "card" and params.card_perspective:
        stratified = _card_homography(rgb, ref.corners_xy, rect, papers or [], params)
        if stratified is not None:
            h0, found = stratified
    if ref.kind in _SHEET_KINDS and not params.cover_photo:
        m = params.plane_margin_mm / s
        origin_x, origin_y = -m, -m
        width, height = int(math.ceil(w_px + 2 * m)), int(math.ceil(h_px + 2 * m))
        max_side = params.max_plane_side_px
        if width > max_side or height > max_side:
            logger.warning(
                "sheet plane %dx%d px exceeds max_plane_side_px=%d; cropped around the sheet "
                "centre (raise plane_mm_per_px)",
                width,
                height,
                max_side,
            )
            origin_x += max(0, width - max_side) / 2
            origin_y += max(0, height - max_side) / 2
            width, height = min(width, max_side), min(height, max_side)
    else:
        origin_x, origin_y, width, height = _plane_window(
            h0, rgb.shape, (0.0, 0.0, w_px, h_px), params
        )
    image, image_to_plane, plane_to_image, valid = _warp(
        rgb, h0, (origin_x, origin_y), (width, height)
    )
    sheet = None
    if ref.kind in _SHEET_KINDS:
        sheet_mask = np.zeros((height, width), np.uint8)
        poly = rect - [origin_x, origin_y]
        cv2.fillConvexPoly(sheet_mask, np.round(poly * 16).astype(np.int32), 1, cv2.LINE_8, 4)
        sheet = sheet_mask.astype(bool) & valid
    return Plane(
        image=image,
        mm_per_px=s,
        scale_source=source,
        image_to_plane=image_to_plane,
        plane_to_image=plane_to_image,
        reference=ref,
        valid=valid,
        sheet=sheet,
        **found,
    )


def _card_homography(
    rgb: np.ndarray,
    card_xy: np.ndarray,
    card_rect: np.ndarray,
    papers: list[_Candidate],
    params: RectifyParams,
) -> tuple[np.ndarray, dict[str, Any]] | None:
    """A card's plane with the perspective of a larger rectangle or of the floor's lines.

    A card is small: a corner half a pixel off tilts the plane its four
    corners define, and a foot beside it is measured up to several per cent
    long or short (development 9400-9469: 62 of 83 feet within 1 %). The
    rectification is therefore split in two strata [1]_: the projective part
    (the vanishing line) from a sheet of unknown size (:func:`find_paper`) or,
    without one, from two families of floor lines (:func:`find_floor_lines`,
    at least ``floor_line_min_tilt_deg`` of tilt); then the affine part from
    the card, the least-squares affine map :math:`A` of its corners
    :math:`H_p x_i` to its rectangle :math:`r_i`, so :math:`H = A H_p`. On the
    same feet: 77 of 83 within 1 %.

    Parameters
    ----------
    card_xy : (4, 2) ndarray
        The card's corners in the photo, TL, TR, BR, BL.
    card_rect : (4, 2) ndarray
        The same corners in the plane [plane px].

    Returns
    -------
    (homography, found) or None
        ``found`` is ``{"paper_xy": corners}`` or ``{"floor_lines": lines}``.
        None without either, or when the card's corners miss the affine fit
        by more than ``card_perspective_max_residual_mm`` (the rectangle or
        the lines do not lie in the card's plane).

    References
    ----------
    .. [1] R. Hartley and A. Zisserman, *Multiple View Geometry in Computer
       Vision*, 2nd ed., Cambridge University Press, 2004, sec. 2.7.
    """
    paper, lines = _paper_or_lines(rgb, papers, params)
    if paper is not None:
        h_p = _homography(paper, np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=np.float64))
        found: dict[str, Any] = {"paper_xy": paper}
    elif lines is not None and lines.tilt_deg >= params.floor_line_min_tilt_deg:
        h_p = lines.homography / lines.homography[2, 2]
        found = {"floor_lines": lines}
    else:
        return None
    h, residual_mm = affine_upgrade(h_p, card_xy, card_rect)
    residual_mm *= params.plane_mm_per_px
    if residual_mm > params.card_perspective_max_residual_mm:
        logger.info(
            "card perspective from %s refused: the card misses its affine fit by %.2f mm",
            next(iter(found)),
            residual_mm,
        )
        return None
    logger.info(
        "card perspective from %s (card corners within %.2f mm)", next(iter(found)), residual_mm
    )
    return h, found


def _paper_or_lines(
    rgb: np.ndarray, papers: list[_Candidate], params: RectifyParams
) -> tuple[np.ndarray | None, FloorLines | None]:
    """What can give a plane its perspective besides a reference: a sheet of
    unknown size (:func:`find_paper`, if ``paper_perspective``) or, without
    one, the floor's lines (:func:`find_floor_lines`, if
    ``floor_lines_perspective``; at any tilt). At most one is not None."""
    paper = find_paper(rgb, papers, params) if params.paper_perspective else None
    if paper is not None:
        return paper, None
    return None, find_floor_lines(rgb, params) if params.floor_lines_perspective else None


def affine_upgrade(
    h_p: np.ndarray, points_xy: np.ndarray, target_xy: np.ndarray
) -> tuple[np.ndarray, float]:
    """Complete a projective rectification with the affine map that best fits known points.

    Parameters
    ----------
    h_p : (3, 3) ndarray
        A homography photo -> plane that is right up to an affine map (it
        sends the vanishing line of the floor to infinity).
    points_xy : (N, 2) ndarray, N >= 3
        Points in the photo (a card's corners).
    target_xy : (N, 2) ndarray
        Where they lie in the plane.

    Returns
    -------
    homography : (3, 3) ndarray
        :math:`H = A H_p` with :math:`A` the least-squares affine map of
        :math:`H_p x_i` to :math:`r_i`.
    residual : float
        Largest :math:`\\lVert A H_p x_i - r_i \\rVert_\\infty`, in the plane's units.
    """
    design = np.column_stack([_apply_h(h_p, points_xy), np.ones(len(points_xy))])
    coef = np.linalg.lstsq(design, target_xy, rcond=None)[0]  # (3, 2)
    residual = float(np.abs(design @ coef - target_xy).max())
    return np.vstack([coef.T, [0.0, 0.0, 1.0]]) @ h_p, residual


def _coarse_paper_candidates(rgb: np.ndarray, params: RectifyParams) -> list[_Candidate]:
    """The coarse quads of paper of unknown size in a photo (:func:`_paper_quads`)."""
    return _paper_quads(*_coarse_candidates(rgb, params), params)


def _paper_quads(
    candidates: list[_Candidate], papers: list[_Candidate], params: RectifyParams
) -> list[_Candidate]:
    """Paper of unknown size among the coarse quads, largest first: ``papers``, and
    the sheet-shaped ``candidates`` (a sheet refused as a reference may still be paper)."""
    quads = papers + [
        c
        for c in candidates
        if c.kinds[0] in _SHEET_KINDS and c.area_fraction >= params.paper_min_area_fraction
    ]
    quads.sort(key=lambda c: -c.area_fraction)
    return quads[: params.max_paper_candidates]


def _paper_plane(rgb: np.ndarray, corners_xy: np.ndarray, params: RectifyParams) -> Plane:
    """The photo seen from straight above through a sheet of unknown size.

    The sheet's quad is mapped to a rectangle of its true aspect ratio
    (:func:`rectangle_aspect_ratio`, the focal length estimated from the quad
    or the prior) and of the quad's own area in the photo, so the plane keeps
    the photo's sampling where the sheet lies. The plane covers the
    photographed floor, cut to the photo's long side around its centre. Shapes
    in it are true up to one scale; lengths stay in pixels (``mm_per_px`` None).
    ``sheet`` stays None: the segmentation finds the paper in the plane as it
    does in a photo without a reference (``paper.paper_region``). Its exact
    outline as the search region was measured and not kept: prints touching
    the paper's edge were refused or took in its rim (docs/accuracy.md).
    """
    ratio, _ = rectangle_aspect_ratio(corners_xy, rgb.shape, params)
    area = _quad_area(corners_xy)
    w_px, h_px = math.sqrt(area * ratio), math.sqrt(area / ratio)
    rect = _rect_xy(w_px, h_px)
    h0 = _homography(corners_xy, rect)
    return _unscaled_plane(rgb, h0, (0.0, 0.0, w_px, h_px), params, paper_xy=corners_xy)


def _lines_plane(rgb: np.ndarray, lines: FloorLines, params: RectifyParams) -> Plane:
    """The photo seen from straight above through its floor lines.

    The straight-down view :math:`H = K R K^{-1}` of ``lines`` is scaled so
    that, at the image centre, an area keeps its size (the Jacobian of the
    map there has determinant 1): the plane keeps the photo's sampling where
    its subject is. It covers the photographed floor, cut to the photo's long
    side around the centre. Lengths stay in pixels (``mm_per_px`` None).
    """
    rows, cols = rgb.shape[0], rgb.shape[1]
    h0 = lines.homography / lines.homography[2, 2]
    centre = np.array([(cols - 1) / 2.0, (rows - 1) / 2.0, 1.0])
    w = float(h0[2] @ centre)
    # area scale of a homography at x: det(H) / w(x)^3
    s = 1.0 / math.sqrt(abs(float(np.linalg.det(h0))) / abs(w) ** 3)
    h0 = np.diag([s, s, 1.0]) @ h0
    x, y = _apply_h(h0, centre[None, :2])[0]
    return _unscaled_plane(rgb, h0, (x, y, x, y), params, floor_lines=lines)


def _unscaled_plane(
    rgb: np.ndarray,
    h0: np.ndarray,
    keep_rect: tuple[float, float, float, float],
    params: RectifyParams,
    **found: Any,
) -> Plane:
    """A plane without a scale through ``h0`` (photo -> plane): the
    photographed floor, cut to the photo's long side around its centre with
    ``keep_rect`` inside (:func:`_plane_window`); ``found`` says what gave the
    perspective (``paper_xy`` or ``floor_lines``)."""
    window = replace(params, max_plane_side_px=max(rgb.shape[:2]))
    origin_x, origin_y, width, height = _plane_window(h0, rgb.shape, keep_rect, window)
    image, image_to_plane, plane_to_image, valid = _warp(
        rgb, h0, (origin_x, origin_y), (width, height)
    )
    return Plane(
        image=image,
        mm_per_px=None,
        scale_source="none",
        image_to_plane=image_to_plane,
        plane_to_image=plane_to_image,
        reference=None,
        valid=valid,
        sheet=None,
        **found,
    )


def _valid_mask(
    image_to_plane: np.ndarray, image_shape: tuple[int, ...], plane_shape: tuple[int, int]
) -> np.ndarray:
    """Plane pixels whose source lies inside the photo.

    When the whole photo is in front of the camera the photo's rectangle maps
    to a convex quadrilateral in the plane (a homography maps lines to lines),
    which is filled directly; otherwise a mask is warped.
    """
    rows, cols = image_shape[0], image_shape[1]
    box = np.array([[0, 0], [cols - 1, 0], [cols - 1, rows - 1], [0, rows - 1]], np.float64)
    hom = np.c_[box, np.ones(4)] @ image_to_plane.T
    if np.all(hom[:, 2] > 0):
        poly = hom[:, :2] / hom[:, 2:3]
        lim = 4.0 * max(plane_shape) + 16.0
        poly = np.clip(poly, -lim, lim)
        mask = np.zeros(plane_shape, np.uint8)
        cv2.fillConvexPoly(mask, np.round(poly * 16).astype(np.int32), 1, cv2.LINE_8, 4)
        return mask.astype(bool)
    ones = np.ones((rows, cols), np.uint8)
    warped = cv2.warpPerspective(
        ones,
        image_to_plane,
        (plane_shape[1], plane_shape[0]),
        flags=cv2.INTER_NEAREST,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )
    return warped.astype(bool)


def _manual_reference(
    rgb: np.ndarray, corners_xy: np.ndarray, kind: str | None, params: RectifyParams
) -> Reference:
    """Validate (and sub-pixel refine) user-clicked corners."""
    rows, cols = rgb.shape[:2]
    pts = np.asarray(corners_xy, dtype=np.float64)
    if pts.shape != (4, 2):
        raise CalibrationError(
            f"Manual reference needs exactly 4 corner points (x, y); got shape {pts.shape}. "
            "Click the 4 corners of the sheet or card."
        )
    if not np.all(np.isfinite(pts)):
        raise CalibrationError("A manual corner is not a finite number; click the corners again.")
    if kind is not None and kind not in REFERENCE_SIZES_MM:
        raise CalibrationError(
            f"Unknown reference kind {kind!r}; choose one of {', '.join(REFERENCE_SIZES_MM)}."
        )
    slack_x, slack_y = params.manual_outside_fraction * cols, params.manual_outside_fraction * rows
    if (
        np.any(pts[:, 0] < -slack_x)
        or np.any(pts[:, 0] > cols - 1 + slack_x)
        or np.any(pts[:, 1] < -slack_y)
        or np.any(pts[:, 1] > rows - 1 + slack_y)
    ):
        raise CalibrationError(
            f"Manual corners lie far outside the {cols}x{rows} px photo; "
            "give them in pixels of the photo as displayed."
        )
    quad = _order_quad(pts)
    sides = _side_lengths(quad)
    if sides.min() < params.manual_min_side_px:
        raise CalibrationError(
            f"Two manual corners are only {sides.min():.1f} px apart; click the 4 distinct "
            "corners of the reference."
        )
    if np.any(_cross_z(quad) <= 0):
        raise CalibrationError(
            "The manual corners do not form a convex quadrilateral (three are on a line or "
            "one is inside the others); click the 4 corners of the reference."
        )
    angles = _interior_angles_deg(quad)
    if angles.min() < params.min_corner_angle_deg:
        raise CalibrationError(
            f"The manual corners make a {angles.min():.0f} degree angle, too sharp for a "
            "rectangle seen in a photo; click the 4 corners of the reference."
        )
    # sub-pixel refinement of the clicks (also moves clicks on a card's rounded
    # corners to its virtual sharp corners); kept only when clearly successful
    if params.manual_refine:
        ratio0, _ = rectangle_aspect_ratio(quad, rgb.shape, params)
        is_card = kind == "card" or (
            kind is None
            and _classify_quad(quad, rgb.shape, ("a4", "letter", "card"), params)[0] == "card"
        )
        fit = _refine_quad(
            rgb,
            quad,
            first_search_px=params.manual_search_px,
            exclude_mm=1.5 * CARD_CORNER_RADIUS_MM if is_card else 0.0,
            size_hint_mm=_oriented_size("card", ratio0 >= 1.0) if is_card else None,
            params=params,
        )
        if (
            fit is not None
            and fit.support.min() >= params.min_edge_support
            and fit.contrast.min() >= params.min_edge_contrast
            and np.linalg.norm(fit.corners_xy - quad, axis=1).max() <= params.manual_search_px
        ):
            logger.info(
                "manual corners refined by up to %.2f px",
                np.linalg.norm(fit.corners_xy - quad, axis=1).max(),
            )
            quad = fit.corners_xy
    ratio, _ = rectangle_aspect_ratio(quad, rgb.shape, params)
    if kind is None:
        kind, err, long_first, _ = _classify_quad(
            quad, rgb.shape, tuple(REFERENCE_SIZES_MM), params
        )
        if err > params.aspect_tolerance:
            raise CalibrationError(
                f"The clicked corners have an aspect ratio of {max(ratio, 1 / ratio):.3f}, which "
                "matches no known reference (A4 1.414, Letter 1.294, card 1.586); say which "
                "reference it is."
            )
        logger.info("manual reference identified as %s from its aspect ratio", kind)
    else:
        _, err, long_first, _ = _classify_quad(quad, rgb.shape, (kind,), params)
        if err > params.manual_aspect_tolerance:
            w, h = REFERENCE_SIZES_MM[kind]
            raise CalibrationError(
                f"The clicked corners have an aspect ratio of {max(ratio, 1 / ratio):.3f} but a "
                f"{kind} reference has {max(w, h) / min(w, h):.3f}; check the corners and the "
                "reference type."
            )
    return Reference(kind, quad, _oriented_size(kind, long_first), 1.0)


def rectify(
    rgb: np.ndarray,
    params: RectifyParams,
    *,
    corners_xy: np.ndarray | None = None,
    kind: str | None = None,
) -> Plane:
    """Rectify the floor plane of a photo using a sheet or card of known size.

    Parameters
    ----------
    rgb : (H, W, 3) ndarray of uint8
        RGB photo at work resolution.
    params : RectifyParams
        Detection and sampling parameters.
    corners_xy : (4, 2) array_like, optional
        Manual corners of the reference in input-image pixels, any order.
        They are checked, ordered, and refined to sub-pixel edges when that
        clearly succeeds.
    kind : {"a4", "letter", "card"}, optional
        What the manual corners outline. Inferred from the rectified aspect
        ratio when omitted.

    Returns
    -------
    Plane
        For a sheet, the plane covers the sheet plus ``plane_margin_mm`` all
        round; for a card, the photo's whole floor area (clipped to
        ``max_plane_side_px`` around the image centre's footprint, keeping the
        card inside). Sampled at ``plane_mm_per_px``. Without a reference the
        input image is returned unchanged with ``mm_per_px=None``.

    Raises
    ------
    CalibrationError
        When manual corners are degenerate or do not match ``kind``.

    Notes
    -----
    The homography :math:`H` maps the reference corners :math:`x_i` to the
    metric rectangle :math:`(0,0), (w,0), (w,h), (0,h)` in mm divided by the
    plane sampling, shifted by the window origin; the plane image is
    :math:`I_p(u) = I(H^{-1} u)` with bilinear interpolation [2]_.
    """
    _check_rgb(rgb)
    if corners_xy is not None:
        ref = _manual_reference(rgb, np.asarray(corners_xy), kind, params)
        papers = _coarse_paper_candidates(rgb, params) if ref.kind == "card" else []
        return _build_plane(rgb, ref, params, f"manual_{ref.kind}", papers=papers)
    if kind is not None:
        raise CalibrationError(
            f"kind={kind!r} was given without corners_xy; give the 4 corners of the reference "
            "too, or neither to detect it automatically."
        )
    if not params.enabled:
        return _no_reference_plane(rgb)
    ref, papers, refused = _find_reference(rgb, params)
    if ref is not None:
        plane = _build_plane(rgb, ref, params, ref.kind, papers=papers)
        return plane if refused is None else replace(plane, refused_sheet=refused)
    paper, lines = _paper_or_lines(rgb, papers, params)
    if paper is not None:
        return _paper_plane(rgb, paper, params)
    if lines is None:
        return _no_reference_plane(rgb)
    if lines.tilt_deg < params.floor_line_min_tilt_deg:
        return replace(_no_reference_plane(rgb), floor_lines=lines)
    return _lines_plane(rgb, lines, params)

"""Segmentation: print masks and a contact-intensity map from the plane image.

Every supported print is *darker* than what surrounds it: water darkens paper,
tile, wood and concrete; ink and podograph grids are dark on light paper. The
method therefore works on one darkness signal:

1. Search regions: the reference sheet (or a sheet of unknown size found as a
   large uniform quadrilateral) first, then the floor around it, minus a card
   reference and the sheet's shaded rim.
2. Podograph grids are recognised by their lattice spectrum and handed to
   :mod:`footprint.segment_grid`.
3. Lightness ``L`` (CIE Lab); illumination ``B`` by normalised convolution
   over background pixels at 1/8 size, iterated so the print, grout and grain
   are excluded and ``B`` is interpolated under them; darkness
   ``D = 1 - L / B`` (flat-fielding, so gradients and shadows cancel;
   :mod:`footprint.background`). On a
   floor, long straight lines (grout, plank seams) are found by a Hough
   transform of thin structures and filled in from beside them.
4. Candidates on a 2.5 mm detection signal; an Otsu threshold chosen in a
   window around each candidate (a print is a small share of a floor photo);
   hysteresis; the edge placed at half the local contact level; holes filled,
   thin bridges (stains, lines) cut.
5. Feet are large, thick, foot-shaped components; a high arch splits a sole
   into heel and forefoot, which are regrouped when the ball lies across the
   union; toes are compact blobs within ``toe_link_mm`` of a foot, searched
   again at a lower level because they print fainter.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import cv2
import numpy as np
from scipy import ndimage

from footprint import pairing, segment_grid
from footprint.background import (
    darkness_map,
    disk,
    lightness,
    lightness_u8,
    nconv,
    odd_px,
    otsu,
    wide_blur,
)
from footprint.paper import paper_region
from footprint.params import SegmentParams

log = logging.getLogger(__name__)

#: [mm] A foot's sole is at least this thick (largest inscribed radius);
#: excludes form borders, pen strokes and grout lines.
MIN_FOOT_THICKNESS_MM = 12.0
#: [1] Second foot must have at least this share of the first foot's area.
SECOND_FOOT_AREA_RATIO = 0.35
#: [1] Smallest long/short ratio of anything called a foot.
FOOT_MIN_ELONGATION = 1.55
#: [mm] Radius of the disk whose opening of a squat print is judged instead
#: (removes a stain or floor mark joined by a neck narrower than 2 x this).
FOOT_CORE_RADIUS_MM = 8.0
#: [1] The same radius as a fraction of the print's length, without a scale.
FOOT_CORE_RADIUS_FRACTION = 0.02
#: [1] The core must keep at least this share of the print to be judged.
FOOT_CORE_MIN_SHARE = 0.8
#: [1] ... and fill at least this share of its convex hull (a sole 0.6-0.9; a
#: shadow band along two sides of a sheet, an L, about 0.2).
FOOT_CORE_MIN_SOLIDITY = 0.5
#: [1] Largest long/short ratio of a sole (plank gaps, grout and pen lines are longer).
FOOT_MAX_ELONGATION = 4.5
#: [mm] Shortest and longest plausible sole (toes excluded): toddler to ~EU 52.
FOOT_MIN_LENGTH_MM = 80.0
FOOT_MAX_LENGTH_MM = 340.0
#: [mm^2] Holes smaller than this inside a print are filled (mottled wet prints).
MAX_HOLE_MM2 = 400.0
#: [mm] Bridges thinner than twice this between prints are cut.
BRIDGE_CUT_MM = 3.0
#: [mm] A toe blob within this distance of a toe already assigned to a foot joins
#: it too (neighbouring toes print 1-6 mm apart).
TOE_CHAIN_MM = 8.0
#: [1] A toe joined through a neighbouring toe still lies within this many
#: ``toe_link_mm`` of the sole (a chain must not run along floor texture).
TOE_CHAIN_MAX_LINKS = 1.5
#: [1] Levels (share of the print's height above the background) at which a
#: row of merged toes is cut into single toes.
TOE_SPLIT_LEVELS = (0.5, 0.65, 0.8, 0.9)
#: [1] A toe's mean darkness must reach this fraction of the sole's median level.
TOE_MIN_LEVEL = 0.3
#: [1] Level (share of the print's median above background) at which toes are sought.
TOE_SEARCH_LEVEL = 0.35
#: [1] Largest long/short ratio of a toe blob, or of a row of toes run together
#: (a row of five toes is ~3:1; a grout line or a sheet's edge is far longer);
#: the same rule as for grid prints.
TOE_MAX_ELONGATION = segment_grid.TOE_MAX_ELONGATION
#: [1] Smallest solidity of a toe blob.
TOE_MIN_SOLIDITY = 0.75
#: [mm^2] Smallest toe blob (a child's little toe prints ~ 20 mm^2).
MIN_TOE_AREA_MM2 = 6.0
#: [1] A sole piece (heel, forefoot) has at least this share of the largest piece.
SOLE_PIECE_MIN_SHARE = 0.3
#: [1] A piece this elongated is already a whole foot (not glued to another).
WHOLE_FOOT_ELONGATION = 2.3
#: [1] Below this elongation a piece has no direction (a round heel).
CROSSWISE_MIN_ELONGATION = 1.25
#: [1] Length of a piece's end, facing the other piece, over which its width is
#: measured, as a share of their union's length (~15 mm of a 250 mm foot).
ISTHMUS_END_FRACTION = 0.06
#: [1] A facing end narrower than this share of its piece's widest part is a
#: broken midfoot band (an isthmus), not the rounded side of a ball or heel.
ISTHMUS_MAX_WIDTH_SHARE = 0.45
#: [1] Largest gap between a heel and a forefoot piece, as a share of their union's length.
MERGE_MAX_GAP_FRACTION = 0.45
#: [1] Penalty per unit of (gap between pieces / union length) when choosing merges.
MERGE_GAP_WEIGHT = 6.0
#: [px] Pieces this close touch: one blob that the bridge cut split (a heel
#: from its midfoot band at a faint spot), not a heel and a ball apart.
TOUCHING_GAP_PX = 1.5
#: [1] Smallest long/short ratio of a merged heel + forefoot group.
MERGE_MIN_ELONGATION = 1.6
#: Most sole pieces grouped into one foot: heel and forefoot (pieces smaller
#: than SOLE_PIECE_MIN_SHARE of the largest, e.g. midfoot stubs, are not sole pieces).
MAX_SOLE_PIECES = 2
#: [1] Hysteresis low threshold as a fraction of the main threshold's height
#: above the background.
HYSTERESIS_LOW_FRACTION = 0.5
#: [1] Smallest darkness step (print over background) accepted as a print.
MIN_CONTRAST = 0.035
#: [noise sigmas] ... and it must also stand this far above the background noise.
MIN_CONTRAST_SIGMAS = 3.0
#: [mm] Rim around a sheet excluded when searching the floor beside it (shadow).
SHEET_SHADOW_MM = 8.0
#: [mm] Gaussian sigma of the detection signal (averages floor texture).
DETECT_SIGMA_MM = 2.5
#: [noise sigmas] Detection level above the background of the detection signal.
DETECT_SIGMAS = 3.0
#: [mm] Margin around a detected candidate within which its threshold is chosen.
LOCAL_WINDOW_MARGIN_MM = 30.0
#: Sampling stride of the background statistics (median, MAD, Otsu) [px].
STATS_STRIDE = 3
#: [1] Below this print-to-noise ratio the edge is found on the detection signal.
MIN_FINE_SNR = 6.0
#: [mm] Gaussian sigma of the fine darkness signal (noise, paper fibre).
FINE_SIGMA_MM = 0.75
#: [1/1000 mm^2] Dot-sized blobs per 1000 mm^2 of print above which the print is a
#: podograph grid (light contact prints isolated grid dots).
PODOGRAPH_DOT_DENSITY = 12.0
#: [1] ... and the fine texture inside the print must exceed the paper's this many
#: times (mottled wet paper has dots too, but as much texture outside the print).
PODOGRAPH_TEXTURE_RATIO = 3.2
#: [mm^2] Largest blob counted as a grid dot.
DOT_MAX_MM2 = 6.0
#: [mm] Radius over which the local print level is averaged for the half-level edge.
EDGE_LEVEL_MM = 4.0
#: [1] A toe blob cut back to its own half-level edge (:func:`_toe_outline`)
#: must keep at least this share of its pixels; otherwise (a blob whose
#: darkness is mostly fringe) it is kept as found.
TOE_OUTLINE_MIN_SHARE = 0.5
#: [1] Largest fraction of a foot's outline lying on the search region's border.
MAX_BORDER_FRACTION = 0.05
#: [1] ... on a sheet, unless no rim can be peeled off it
#: (:func:`_peel_border_rims`): a print reaching the edge of its sheet (a
#: heel stepped close to it) lies on the border of the search, inset by
#: ``SEARCH_INSET_MM``, for 5-6 % of its outline and was refused; up to this
#: share it is kept, with :data:`AT_EDGE_WARNING`. On development photos
#: (9400-9639, 6500-6739) one print more was measured (0.0014 off) and no
#: other changed. Not on a floor: there it lost one print (6685), whose
#: heel was joined to the floor around a sheet.
MAX_BORDER_FRACTION_WHOLE = 0.10
AT_EDGE_WARNING = (
    "The print reaches the edge of the sheet or of the area searched: check in the overlay "
    "that none of it is cut off."
)
#: [mm] Nominal length of a sole without its toes (heel to the ball's front,
#: about four fifths of an adult foot's 230-270 mm). Without a scale the
#: toe search (reach, smallest toe, speckle removal) is sized by the largest
#: sole's own length against it (:func:`_sole_scale`), not by the nominal
#: scene (``NOMINAL_SCENE_MM``): a print filling the frame of a photo without
#: a reference is up to twice as large in pixels, and its toes lay beyond
#: ``toe_link_mm``. The smallest toe and the speckle removal in the same
#: millimetres: development 9400-9639 two feet 0.005-0.009 closer, 6500-6739
#: one 0.003 further.
NOMINAL_SOLE_MM = 190.0
#: [1] The sole's own scale is kept within these factors of the nominal one
#: (a heel alone, or a sole joined to a stain, is no measure of the foot).
SOLE_SCALE_RANGE = (0.5, 2.5)
#: [mm] Widest rim along the search region's border that is peeled off a
#: piece hugging it (the shaded edge of a sheet, a sheet's or card's shadow,
#: joined to a print near it); a foot's own print is thicker (a heel ~60 mm).
BORDER_RIM_MAX_MM = 20.0
#: [px/mm] Sampling at which floor lines (grout, plank seams) are searched.
LINE_PX_PER_MM = 1.0
#: [mm] Widest line removed: grout is 2-5 mm, a plank seam about 1 mm.
LINE_MAX_WIDTH_MM = 7.0
#: [1] Contrasts (relative lightness) at which lines are searched, strongest
#: first: plank seams stand out of wood grain (up to ~0.12 in a photo) only at the
#: first, faint grout (0.2-0.4 on light tile) is found at the second.
LINE_MIN_CONTRASTS = (0.15, 0.06)
#: [mm] Shortest straight run counted as a floor line; no part of a print is
#: straight for this long.
LINE_MIN_LENGTH_MM = 120.0
#: [mm] Gaps a run may have and still count as one line. Small: a run must be
#: nearly unbroken (a print hides a line, but runs beside it are extended
#: across it), so that a speckled area never lines up into a run by chance.
LINE_MAX_GAP_MM = 5.0
#: [mm] A run is extended this far at both ends: across a print that hides
#: the line (a foot is ~100 mm wide), not across the floor, where a small
#: error of its angle would grow.
LINE_EXTEND_MM = 150.0
#: [1] Share of a run's length that must be line pixels (Hough votes).
LINE_MIN_VOTES = 0.8
#: [1] Largest share of thin-structure pixels in a 3 x LINE_MAX_WIDTH_MM box
#: around a line pixel (a grout line fills at most ~0.25 of it; crossings,
#: which fill more, are dropped and bridged by the runs' extension).
LINE_MAX_FILL = 0.35
#: [mm] Width of the band around a found line whose darkness is interpolated.
LINE_BAND_MM = 8.0
#: [mm] Gaussian sigma of the fill under a line's band. It reaches over the
#: floor beside a narrow part of a print: a 16 mm wide midfoot band crossed by
#: grout is filled at 58 % of its darkness, below the half-level edge. Half
#: the band (4 mm, 77 %) scored more photos but more of them wrong (tenth
#: session, docs/accuracy.md), so the fill stays as wide as the band.
LINE_FILL_SIGMA_MM = 8.0
#: [1] Largest share of the search region covered by line bands; more is floor
#: texture (wood grain), not a few lines, and nothing is removed.
LINE_MAX_SHARE = 0.15
#: [1] Quality factor of a print whose sole, hallux or second toe touches the
#: edge of the photo or sheet (``pipeline`` applies it, on the parts anatomy
#: found): it may be cut off, and then its length and thirds are wrong whatever its
#: contrast. Below the default gate (0.4) from any quality, like an implausible
#: shape (``pipeline.IMPLAUSIBLE_SHAPE_QUALITY``); ``min_quality=0`` still
#: measures it. It was 0.6: of the 7 such feet that passed the gate on the
#: development photos (seeds 3000-3079, 5000-5119, 8200-8339, 8400-8519), 6
#: were 0.065-0.228 off.
CUT_OFF_QUALITY = 0.35
CUT_OFF_WARNING = "The print touches the edge of the image or sheet; it may be cut off."
#: [1] Largest share of a grid foot's outline running along the edge of the
#: form's lit paper (where the grid was looked for); beyond it the foot is cut
#: off there, by the sheet's edge or a phone's shadow over the form. On
#: development podograph photos (8600-8659, 9000-9059, 4031) feet measured
#: right had at most 0.21, and three with 0.41-0.45 were 0.10-0.40 off.
GRID_EDGE_MAX_SHARE = 0.3
#: [mm] How far beyond the grid's own rim (``segment_grid.RIM_MM``) that edge reaches.
GRID_EDGE_SLACK_MM = 1.5
#: [px] A print this close to the image's first or last row or column touches its edge.
EDGE_TOUCH_PX = 1
#: [mm] Width of the erosion that keeps the search away from its region's border
#: (paper edges and their shadows are dark): the region shrinks by half of it.
SEARCH_INSET_MM = 3.0
#: [px] Extra reach, beyond the search region's inset from its border, within
#: which a print counts as touching the photo's frame in a rectified plane.
FRAME_TOUCH_PX = 2.0


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
        0..1, from contrast. A print at the edge of the photo is judged later,
        on the parts anatomy found (``pipeline._edge_contact``).
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
    #: ``darkness`` is the contrast of either polarity (see :func:`darkness_map`)
    either_polarity: bool = False
    #: found by a floor's darker-only pass: the either-polarity pass was not tried
    #: (``segment(..., polarity="either")`` tries it)
    either_untried: bool = False


def _grown_box(
    box: tuple[slice, slice], shape: tuple[int, ...], margin: int = 1
) -> tuple[slice, slice]:
    """``box`` (``ndimage.find_objects``) grown by ``margin`` px on each side, within ``shape``.

    By one pixel, a 3 x 3 erosion or a distance transform of the mask inside
    it equals the one on the whole image: the added ring is background, and
    where the box meets the image's edge it stops there, as the whole image does.
    """
    ys, xs = box
    return (
        slice(max(0, ys.start - margin), min(shape[0], ys.stop + margin)),
        slice(max(0, xs.start - margin), min(shape[1], xs.stop + margin)),
    )


def _thickness_px(component: np.ndarray) -> float:
    dist = cv2.distanceTransform(component.astype(np.uint8), cv2.DIST_L2, 3)
    return float(dist.max())


@dataclass(frozen=True)
class _Crop:
    """A blob as its bounding box in the image and its mask inside that box."""

    sl: tuple[slice, slice]
    mask: np.ndarray


def _mask_box(mask: np.ndarray) -> tuple[slice, slice]:
    """Bounding box of a non-empty bool mask, grown by a pixel (:func:`_grown_box`)."""
    x, y, w, h = cv2.boundingRect(np.asarray(mask, bool).view(np.uint8))
    return _grown_box((slice(y, y + h), slice(x, x + w)), mask.shape)


def _union_box(a: tuple[slice, slice], b: tuple[slice, slice]) -> tuple[slice, slice]:
    """The smallest box holding boxes ``a`` and ``b``."""
    return (
        slice(min(a[0].start, b[0].start), max(a[0].stop, b[0].stop)),
        slice(min(a[1].start, b[1].start), max(a[1].stop, b[1].stop)),
    )


def _to_corner(box: tuple[slice, slice]) -> tuple[slice, slice]:
    """``box`` stretched to the image's top-left corner.

    Image moments of a mask inside it equal those on the whole image bit for
    bit: the coordinates are unchanged, and OpenCV's tiles beyond it, all
    background, add exact zeros.
    """
    return slice(0, box[0].stop), slice(0, box[1].stop)


def _sole_scale(sole: np.ndarray, px_per_mm: float) -> float:
    """Scale [px/mm] a sole's own length gives, for a photo without one.

    ``L / NOMINAL_SOLE_MM``, with ``L`` the long side of the sole's
    minimum-area rectangle [px], kept within ``SOLE_SCALE_RANGE`` times the
    nominal ``px_per_mm``.
    """
    sl = _mask_box(sole)
    length_px = _elongation(sole[sl].astype(np.uint8))[1]
    lo, hi = SOLE_SCALE_RANGE
    return float(np.clip(length_px / NOMINAL_SOLE_MM, lo * px_per_mm, hi * px_per_mm))


def _elongation(mask_u8: np.ndarray, origin: tuple[int, int] = (0, 0)) -> tuple[float, float]:
    """(long / short side, long side [px]) of the blob's minimum-area rectangle.

    ``origin`` (x, y) is where ``mask_u8``, a crop, lies in the image: the
    rectangle is fitted to the pixels' image coordinates, so a crop holding
    the whole blob gives the numbers of the whole image bit for bit.
    """
    pts = cv2.findNonZero(mask_u8)
    if origin != (0, 0):
        pts = pts + np.array(origin, np.int32)
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
    polarity: str = "auto",
    beside_sheet: bool = False,
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
    polarity : {'auto', 'either'}
        On a floor, ``'auto'`` looks for a print darker than the floor first
        and for one of either polarity only when none is found; ``'either'``
        looks for one of either polarity only (a print on paper is always
        darker).
    beside_sheet : bool
        The print is not on ``sheet`` (it was looked for there): search only
        the floor around the sheet, without its shaded rim, and do not take a
        lighter patch of that floor for another sheet.

    Returns
    -------
    Segmentation
        ``feet`` is empty when no print is found; the caller raises
        :class:`~footprint.errors.NoFootprintError`.
    """
    if polarity not in ("auto", "either"):
        raise ValueError(f"polarity must be 'auto' or 'either', not {polarity!r}")
    h, w = rgb.shape[:2]
    px_per_mm = segment_grid.nominal_px_per_mm((h, w), mm_per_px)
    base = np.ones((h, w), bool) if valid is None else valid.astype(bool)
    light_u8 = lightness_u8(rgb)  # one colour conversion for every pass below
    if sheet is not None and (sheet.any() or beside_sheet):
        # the print is usually on the sheet (unless it was looked for there
        # already); a sheet laid beside a wet print on the floor is only a
        # scale reference, so look on the floor next
        if not beside_sheet:
            found = _segment_roi(
                rgb, params, px_per_mm, mm_per_px, base & sheet, on_paper=True, light_u8=light_u8
            )
            if found.feet:
                return found
        floor = base & ~_grow(sheet, px_per_mm)
        return _segment_floor(rgb, params, px_per_mm, mm_per_px, floor, light_u8, polarity)
    paper = paper_region(rgb, base, px_per_mm, light_u8)
    if paper is not None:
        # a sheet of unknown size (kraft paper, a form) under the print
        found = _segment_roi(
            rgb, params, px_per_mm, mm_per_px, base & paper, on_paper=True, light_u8=light_u8
        )
        if found.feet:
            return found
        floor = base & ~_grow(paper, px_per_mm)
        return _segment_floor(rgb, params, px_per_mm, mm_per_px, floor, light_u8, polarity)
    return _segment_floor(rgb, params, px_per_mm, mm_per_px, base, light_u8, polarity)


def touches_frame(mask: np.ndarray, frame: np.ndarray, mm_per_px: float | None) -> bool:
    """Whether a print reaches the edge of the photo's ``frame`` in a rectified plane.

    In a plane rectified from a sheet or card the photo's edge is the edge of
    ``Plane.valid``, inside the plane image, where an image-edge test does
    not see it (:func:`touches_border` makes both). The search region is
    inset from its border by half of :data:`SEARCH_INSET_MM`, so a print the
    photo's edge cuts ends that far inside it: it touches the frame when it
    lies within that inset plus :data:`FRAME_TOUCH_PX` of a pixel outside
    the frame.
    """
    if frame.all() or not mask.any():
        return False
    h, w = frame.shape
    px_per_mm = segment_grid.nominal_px_per_mm((h, w), mm_per_px)
    reach = (odd_px(SEARCH_INSET_MM * px_per_mm) - 1) / 2.0 + FRAME_TOUCH_PX
    grown = _grown_box(_mask_box(mask), (h, w), int(np.ceil(reach)) + 1)
    inside = np.pad(frame[grown], 1, constant_values=False).astype(np.uint8)
    dist = cv2.distanceTransform(inside, cv2.DIST_L2, 3)[1:-1, 1:-1]
    return bool((dist[mask[grown]] <= reach).any())


def touches_border(mask: np.ndarray, frame: np.ndarray, mm_per_px: float | None) -> bool:
    """Whether a print reaches the plane image's edge or the photo's frame in it.

    The image's edge within ``EDGE_TOUCH_PX``, the ``frame`` as
    :func:`touches_frame` tests it: a print there may be cut off.
    """
    return _touches_edge(mask, EDGE_TOUCH_PX) or touches_frame(mask, frame, mm_per_px)


def _segment_floor(
    rgb: np.ndarray,
    params: SegmentParams,
    px_per_mm: float,
    mm_per_px: float | None,
    roi: np.ndarray,
    light_u8: np.ndarray | None = None,
    polarity: str = "auto",
) -> Segmentation:
    """:func:`_segment_roi` on a floor: a darker print first, then one of either polarity.

    A wet print on a glossy floor catches the light's sheen: where the
    highlight falls it is lighter than the floor, elsewhere darker.
    ``light_u8`` is :func:`lightness_u8` of ``rgb`` when the caller has it;
    ``polarity='either'`` skips the darker-only pass.
    """
    if light_u8 is None:
        light_u8 = lightness_u8(rgb)
    lines: list[np.ndarray | None] = []  # the floor lines, found once for both passes
    if polarity == "auto":
        found = _segment_roi(rgb, params, px_per_mm, mm_per_px, roi, lines=lines, light_u8=light_u8)
        if found.feet:
            return replace(found, either_untried=found.scene != "podograph")
    return _segment_roi(
        rgb, params, px_per_mm, mm_per_px, roi, either_polarity=True, lines=lines, light_u8=light_u8
    )


def _grow(region: np.ndarray, px_per_mm: float) -> np.ndarray:
    """``region`` grown by ``SHEET_SHADOW_MM`` (a sheet's edge casts a dark rim)."""
    k = disk(2.0 * SHEET_SHADOW_MM * px_per_mm)
    return cv2.dilate(region.astype(np.uint8), k).astype(bool)


def floor_beside_sheet(
    valid: np.ndarray, sheet: np.ndarray, mm_per_px: float, near: np.ndarray
) -> np.ndarray | None:
    """Where a print beside ``sheet`` was looked for, exactly within reach of ``near``.

    A print on the floor next to a sheet is searched outside the sheet grown
    by its shaded rim (:data:`SHEET_SHADOW_MM`, :func:`_grow`); that margin
    is an edge of the search as the photo's frame is. The result is
    ``valid`` without the grown sheet within the reach of
    :func:`touches_frame` around the mask ``near`` (elsewhere ``valid``):
    growing the whole sheet took 12-15 ms a foot. ``None`` when no sheet
    lies within that reach and the rim.
    """
    px_per_mm = 1.0 / mm_per_px
    reach = int(np.ceil(SEARCH_INSET_MM * px_per_mm + FRAME_TOUCH_PX)) + 2
    look = _grown_box(_mask_box(near), sheet.shape, reach)
    crop = _grown_box(look, sheet.shape, int(np.ceil(SHEET_SHADOW_MM * px_per_mm)) + 2)
    if not sheet[crop].any():
        return None
    grown = _grow(sheet[crop], px_per_mm)
    inner = (
        slice(look[0].start - crop[0].start, look[0].stop - crop[0].start),
        slice(look[1].start - crop[1].start, look[1].stop - crop[1].start),
    )
    floor = valid.copy()
    floor[look] &= ~grown[inner]
    return floor


def _line_sampling(shape: tuple[int, ...], px_per_mm: float) -> tuple[float, tuple[int, int]]:
    """(scale factor, (width, height)) of the image at ``LINE_PX_PER_MM`` (never enlarged)."""
    s = min(1.0, LINE_PX_PER_MM / px_per_mm)
    h, w = shape[:2]
    return s, (max(1, round(w * s)), max(1, round(h * s)))


def floor_lines(light: np.ndarray, roi: np.ndarray, px_per_mm: float) -> np.ndarray | None:
    """Mask of long straight thin lines: tile grout and plank seams.

    Parameters
    ----------
    light : (H, W) float32 ndarray
        Lightness of the plane image.
    roi : (H, W) bool ndarray
        Search region.
    px_per_mm : float
        Plane sampling.

    Returns
    -------
    (H, W) bool ndarray or None
        Bands of ``LINE_BAND_MM`` around the lines found, or None when there
        are none (or so many that they are texture, not lines).

    Notes
    -----
    At ``LINE_PX_PER_MM`` a line is a thin structure of either polarity (dark
    grout on light tile, light grout on dark tile): the black and white
    morphological top-hats with a disk of ``LINE_MAX_WIDTH_MM`` keep structures
    narrower than that, divided by the local lightness, at each of
    ``LINE_MIN_CONTRASTS`` (a level at which the lines cover more than
    ``LINE_MAX_SHARE`` of the region is texture and skipped). Straight runs of at
    least ``LINE_MIN_LENGTH_MM`` (gaps up to ``LINE_MAX_GAP_MM``) are found with
    the probabilistic Hough transform (Matas, Galambos & Kittler 2000,
    ``cv2.HoughLinesP``). A print is wider than the disk and never straight
    for that long, so it is not taken for a line; where a grout line crosses
    a print it splits it, which is what removing it mends.
    """
    s, size = _line_sampling(light.shape, px_per_mm)
    small = cv2.resize(light, size, interpolation=cv2.INTER_AREA)
    roi_s = cv2.resize(roi.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
    ppm = px_per_mm * s
    k = disk(LINE_MAX_WIDTH_MM * ppm)
    dark_lines = cv2.morphologyEx(small, cv2.MORPH_CLOSE, k) - small
    light_lines = small - cv2.morphologyEx(small, cv2.MORPH_OPEN, k)
    local = cv2.blur(small, (odd_px(8.0 * LINE_MAX_WIDTH_MM * ppm),) * 2)
    rel = np.maximum(dark_lines, light_lines) / np.maximum(local, 1e-3)
    min_len = LINE_MIN_LENGTH_MM * ppm
    box = odd_px(3.0 * LINE_MAX_WIDTH_MM * ppm)
    thick = max(1, round(LINE_BAND_MM * ppm))
    roi_u8 = roi_s.astype(np.uint8)
    found = np.zeros(small.shape, np.uint8)
    for level in LINE_MIN_CONTRASTS:
        binary = ((rel > level) & roi_s).astype(np.uint8)
        # a line is thin: drop areas dense with thin structure (mottled ink, grain),
        # in which the Hough transform would find straight runs in any direction
        fill = cv2.boxFilter(binary.astype(np.float32), -1, (box, box))
        binary[fill > LINE_MAX_FILL] = 0
        segs = cv2.HoughLinesP(
            binary,
            rho=1.0,
            theta=np.pi / 360.0,
            threshold=max(10, int(LINE_MIN_VOTES * min_len)),
            minLineLength=min_len,
            maxLineGap=LINE_MAX_GAP_MM * ppm,
        )
        if segs is None:
            continue
        band = np.zeros(binary.shape, np.uint8)
        ys, xs = np.nonzero(binary)
        pts = np.column_stack([xs, ys]).astype(np.float64)
        for seg in segs.reshape(-1, 4).astype(np.float64):
            p0, p1 = _refined_run(pts, seg, ppm)
            cv2.line(band, (int(p0[0]), int(p0[1])), (int(p1[0]), int(p1[1])), 1, thick)
        band &= roi_u8
        if band.sum() > LINE_MAX_SHARE * max(int(roi_s.sum()), 1):
            log.debug("floor lines at %.2f: %d segments, texture, kept", level, len(segs))
            continue
        log.debug("floor lines at %.2f: %d segments removed", level, len(segs))
        found |= band
    if not found.any():
        return None
    return cv2.resize(found, light.shape[::-1], interpolation=cv2.INTER_NEAREST) > 0


def _refined_run(pts: np.ndarray, seg: np.ndarray, ppm: float) -> tuple[np.ndarray, np.ndarray]:
    """End points of a Hough run, refitted and extended by ``LINE_EXTEND_MM``.

    The run's direction is refitted (``cv2.fitLine``, Huber) to the line
    pixels within ``LINE_MAX_WIDTH_MM`` / 2 of it, so that extending it across
    a print that hides the line does not magnify the Hough transform's
    angular quantisation.
    """
    x0, y0, x1, y1 = seg
    a, b = np.array([x0, y0]), np.array([x1, y1])
    length = max(float(np.linalg.norm(b - a)), 1e-9)
    d = (b - a) / length
    rel = pts - a
    along = rel @ d
    across = rel @ np.array([-d[1], d[0]])
    near = (np.abs(across) <= 0.5 * LINE_MAX_WIDTH_MM * ppm) & (along >= 0) & (along <= length)
    if near.sum() >= 10:
        vx, vy, cx, cy = cv2.fitLine(pts[near].astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01)
        d_fit = np.array([float(vx[0]), float(vy[0])])
        d = d_fit if d_fit @ d > 0 else -d_fit
        c = np.array([float(cx[0]), float(cy[0])])
        a = c + ((a - c) @ d) * d
        b = c + ((b - c) @ d) * d
    reach = LINE_EXTEND_MM * ppm
    return np.round(a - reach * d).astype(int), np.round(b + reach * d).astype(int)


def _without_lines(
    dark: np.ndarray,
    light: np.ndarray,
    roi: np.ndarray,
    px_per_mm: float,
    cache: list[np.ndarray | None] | None = None,
) -> np.ndarray:
    """``dark`` with floor lines (:func:`floor_lines`) filled in from beside them.

    The darkness under a line's band is replaced by the normalised-convolution
    mean of the pixels around it (Gaussian sigma ``LINE_FILL_SIGMA_MM``), so a print
    crossed by grout stays one piece and the grout itself leaves no signal.
    ``cache`` (an empty list, or one holding an earlier call's lines for the
    same image and ROI) saves finding them again.
    """
    if cache:
        lines = cache[0]
    else:
        lines = floor_lines(light, roi, px_per_mm)
        if cache is not None:
            cache.append(lines)
    if lines is None:
        return dark
    # the fill is smooth: interpolate at the line search's sampling, then upsample
    s, size = _line_sampling(dark.shape, px_per_mm)
    keep = cv2.resize((~lines).astype(np.float32), size, interpolation=cv2.INTER_AREA)
    small = cv2.resize(dark, size, interpolation=cv2.INTER_AREA)
    fill = nconv(small, (keep > 0.99).astype(np.float32), LINE_FILL_SIGMA_MM * px_per_mm * s)
    fill = cv2.resize(fill, dark.shape[::-1], interpolation=cv2.INTER_LINEAR)
    return np.where(lines, fill, dark).astype(np.float32)


def _segment_roi(
    rgb: np.ndarray,
    params: SegmentParams,
    px_per_mm: float,
    mm_per_px: float | None,
    roi: np.ndarray,
    *,
    on_paper: bool = False,
    either_polarity: bool = False,
    lines: list[np.ndarray | None] | None = None,
    light_u8: np.ndarray | None = None,
) -> Segmentation:
    """Segment inside one region of interest (the sheet, or the floor).

    On a floor (``on_paper`` False) long straight lines (grout, plank seams)
    are removed from the darkness first (:func:`floor_lines`; ``lines`` caches
    them between passes). A podograph grid is looked for only in the darker
    pass (``either_polarity`` False): a grid print is ink, darker than its form.
    ``light_u8`` is :func:`lightness_u8` of ``rgb`` when the caller has it.
    """
    if light_u8 is None:
        light_u8 = lightness_u8(rgb)
    h, w = rgb.shape[:2]
    empty = Segmentation((), "unknown", np.zeros((h, w), np.float32), 0.0, ())
    # stay away from the ROI's border: paper edges and their shadows are dark
    edge = odd_px(SEARCH_INSET_MM * px_per_mm)
    roi = cv2.erode(roi.astype(np.uint8), np.ones((edge, edge), np.uint8)).astype(bool)
    if roi.sum() < 100:
        return empty

    scan = (
        None
        if either_polarity
        else segment_grid.grid_scan(rgb, roi, mm_per_px, light=light_u8, on_sheet=on_paper)
    )
    if scan is not None:
        grid_feet = segment_grid.segment_grid(rgb, params, mm_per_px=mm_per_px, roi=roi, scan=scan)
        if grid_feet:
            return _grid_segmentation(grid_feet, h, w, scan.roi, px_per_mm)

    light = lightness(rgb, light_u8)
    dark, bg_weight = darkness_map(
        rgb, px_per_mm, params, roi, light, either_polarity=either_polarity
    )
    if not on_paper:
        dark = _without_lines(dark, light, roi, px_per_mm, lines)
    del light
    fine = cv2.GaussianBlur(dark, (0, 0), max(0.5, FINE_SIGMA_MM * px_per_mm))
    dens = wide_blur(dark, max(1.0, params.grid_period_mm * px_per_mm))
    fine[~roi] = 0.0
    dens[~roi] = 0.0

    # statistics on every STATS_STRIDE-th pixel: the same answer, much faster
    sub = (slice(None, None, STATS_STRIDE), slice(None, None, STATS_STRIDE))
    roi_s, bgw_s = roi[sub], bg_weight[sub] > 0
    del bg_weight  # the arrays below are image-sized: keep few alive at once

    def levels(signal: np.ndarray) -> tuple[float, float, float]:
        sig = signal[sub]
        bgv = sig[roi_s & bgw_s]
        if bgv.size < 50:
            bgv = sig[roi_s]
        med = float(np.median(bgv))
        noise = 1.4826 * float(np.median(np.abs(bgv - med))) + 1e-4
        vals = sig[roi_s]
        hi = float(np.percentile(vals, 99.8))
        t = float(otsu(np.clip(vals, med, hi), nbins=256)) if hi > med else hi
        return med, noise, t

    bg_level, noise, t_otsu = levels(fine)
    # detection: where is something clearly darker than the floor/paper around it?
    det = wide_blur(dark, max(1.0, DETECT_SIGMA_MM * px_per_mm))
    det[~roi] = 0.0
    det_bg, det_noise, _ = levels(det)
    log.debug(
        "levels bg %.4f noise %.4f | det bg %.4f noise %.4f", bg_level, noise, det_bg, det_noise
    )
    mm2_px = px_per_mm**2
    min_piece_px = (
        params.min_foot_area_mm2 * 0.2 * mm2_px
        if mm_per_px
        else params.min_foot_area_fraction * 0.2 * float(roi.sum())
    )
    cand = (det > det_bg + max(DETECT_SIGMAS * det_noise, 0.5 * MIN_CONTRAST)).astype(np.uint8)
    cand = cv2.morphologyEx(cand, cv2.MORPH_OPEN, disk(4.0 * px_per_mm))
    nc, clab, cstats, cand_box = _components_in_box(cand)
    det_box = det[cand_box]
    boxes = []
    pad = int(round(LOCAL_WINDOW_MARGIN_MM * px_per_mm))
    for i in range(1, nc):
        x, y, bw, bh, area = cstats[i]
        if area < min_piece_px:
            continue
        comp = clab == i
        if float(np.median(det_box[comp])) - det_bg < max(
            MIN_CONTRAST, MIN_CONTRAST_SIGMAS * det_noise
        ):
            continue
        y0, y1 = max(0, y - pad), min(fine.shape[0], y + bh + pad)
        x0, x1 = max(0, x - pad), min(fine.shape[1], x + bw + pad)
        boxes.append((y0, y1, x0, x1))
    del clab, cand
    t_map = _local_thresholds(fine, roi, boxes, bg_level)
    if not np.isfinite(t_map).any():
        return Segmentation((), "unknown", fine, t_otsu, ("The photo shows no dark print.",))
    t_otsu = float(np.min(t_map))

    # a podograph grid: strong fine texture inside the print relative to its density
    dens_roi = dens[roi]
    d_bg = float(np.median(dens_roi))
    core = roi & (dens > d_bg + 0.3 * (float(np.percentile(dens_roi, 99.8)) - d_bg))
    del dens_roi
    contrast_ratio = 0.0
    outside = roi & ~_dilate_in_box(core.astype(np.uint8), disk(10.0 * px_per_mm)).astype(bool)
    if core.sum() > 50 and outside.sum() > 50:
        texture = fine - dens
        t_in = float(np.std(texture[core]))
        t_out = float(np.std(texture[outside])) + 1e-4
        contrast_ratio = t_in / t_out
        del texture
    # light contact on a podograph prints isolated grid dots: count dot-sized
    # components of the fine signal per area of print (only when the texture
    # test passes: labelling the noise of a whole floor is costly)
    podograph = False
    if contrast_ratio > PODOGRAPH_TEXTURE_RATIO:
        dots_level = bg_level + 0.5 * (t_otsu - bg_level)
        dot_density = _dot_density((fine > dots_level) & roi, core, px_per_mm)
        log.debug("grid texture in/out %.2f, dots/1000mm2 %.2f", contrast_ratio, dot_density)
        podograph = dot_density > PODOGRAPH_DOT_DENSITY
    else:
        log.debug("grid texture in/out %.2f, dots not counted", contrast_ratio)
    signal = dens if podograph else fine
    if not podograph:
        # low-contrast prints (dark tile, wood): the fine signal is too noisy for
        # a clean edge; average over the detection scale instead
        fine_snr = (t_otsu - bg_level) / max(noise, 1e-6)
        log.debug("fine snr %.1f", fine_snr)
        if fine_snr < MIN_FINE_SNR:
            signal = det
            bg_level, noise = det_bg, det_noise
            t_map = _local_thresholds(det, roi, boxes, bg_level)
    if podograph:
        bg_level, noise, t_otsu = levels(signal)

    if podograph:  # density thresholds in the same windows
        t_map = np.where(np.isfinite(t_map), t_otsu, np.inf).astype(np.float32)
    # sensitivity > 0 lowers the threshold towards the background level
    t_map = bg_level + (t_map - bg_level) * (1.0 - 0.5 * params.sensitivity)
    t_low = bg_level + np.maximum(3.0 * noise, (t_map - bg_level) * HYSTERESIS_LOW_FRACTION)
    t_low = np.minimum(t_low, t_map)
    seed_mask = _hysteresis(signal, t_low, t_map) & roi
    del t_low
    t = float(np.min(t_map))

    # half-level edge: threshold each pixel at half its local print level
    m_f = (seed_mask & (signal > t_map)).astype(np.float32)
    near = _dilate_in_box(seed_mask.astype(np.uint8), disk(2.0 * px_per_mm)).astype(bool)
    mask = near & _above_half_level(signal, m_f, bg_level, noise, px_per_mm) & roi
    del m_f, near

    se = disk(2.0 * params.smooth_mm * px_per_mm)
    m8 = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_CLOSE, se)
    m8 = _fill_small_holes(m8, MAX_HOLE_MM2 * px_per_mm**2)
    labels_pre = _cut_bridges(m8, BRIDGE_CUT_MM * px_per_mm)
    labels, n = _relabel(labels_pre)
    del labels_pre, m8, mask
    if n <= 1:
        return Segmentation((), "unknown", signal, t, ())
    areas = np.bincount(labels.ravel(), minlength=n)[1:].astype(np.float64)
    total_area = float(roi.sum())
    mm2 = (1.0 / px_per_mm) ** 2
    if mm_per_px:
        min_piece = params.min_foot_area_mm2 * 0.2 / mm2
    else:
        min_piece = params.min_foot_area_fraction * 0.2 * total_area
    min_thick = 0.5 * MIN_FOOT_THICKNESS_MM * px_per_mm
    roi_border = roi & ~cv2.erode(roi.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    roi_border = cv2.dilate(roi_border.astype(np.uint8), disk(1.0 * px_per_mm)).astype(bool)

    # candidate sole pieces: big, thick, dark enough, not hugging the ROI border
    # (a print on a sheet may touch the sheet's edge a little more)
    at_edge_share = MAX_BORDER_FRACTION_WHOLE if on_paper else MAX_BORDER_FRACTION
    pieces = []
    piece_boxes = ndimage.find_objects(labels)
    for i in np.argsort(-areas):
        if areas[i] < min_piece:
            break
        # tests on the piece's box grown by a pixel (within the image): the
        # same answers as on the whole image, at a fraction of the cost
        sl = _grown_box(piece_boxes[i], labels.shape)
        crop = labels[sl] == (i + 1)
        if _thickness_px(crop) < min_thick:
            continue
        if float(np.mean(signal[sl][crop])) - bg_level < max(
            MIN_CONTRAST, MIN_CONTRAST_SIGMAS * noise
        ):
            continue
        comp = np.zeros((h, w), bool)
        comp[sl] = crop
        if not _hugs(crop, roi_border[sl]):
            pieces.append(comp)
            continue
        # a thin rim along the border (a sheet's shaded edge) may be joined to a print
        rim_px = BORDER_RIM_MAX_MM * px_per_mm
        peeled = [
            sub
            for sub in _peel_border_rims(comp, roi_border, rim_px, min_piece, box=piece_boxes[i])
            if _thickness_px(sub) >= min_thick and not _hugs(sub, roi_border)
        ]
        if not peeled and on_paper and not _hugs(crop, roi_border[sl], at_edge_share):
            peeled = [comp]  # no rim: a print touching its sheet's edge
        pieces += peeled
    if not pieces:
        return Segmentation((), "unknown", signal, t, ())

    # pieces much smaller than the largest are toes (a hallux is thick), not sole
    largest = max(float(p.sum()) for p in pieces)
    pieces = [p for p in pieces if p.sum() >= SOLE_PIECE_MIN_SHARE * largest]
    # a piece the edge of the search cuts is not joined to another: any foot
    # it were part of would be cut off, and refused, and the other piece (a
    # whole print beside a vignetted corner) would go with it
    cut = [_cut_by_edge(p, roi_border) for p in pieces]
    groups = _group_pieces(pieces, FOOT_MAX_LENGTH_MM / mm_per_px if mm_per_px else None, cut)
    min_foot = (
        params.min_foot_area_mm2 / mm2 if mm_per_px else params.min_foot_area_fraction * total_area
    )
    groups = [
        g
        for g in groups
        if g.sum() >= min_foot and _foot_like(g, mm_per_px, roi_border, at_edge_share)
    ]
    if not groups:
        return Segmentation((), "unknown", signal, t, ())
    groups.sort(key=lambda g: -int(g.sum()))
    biggest = float(groups[0].sum())
    groups = [g for g in groups if g.sum() >= SECOND_FOOT_AREA_RATIO * biggest]
    groups = groups[: params.max_feet]

    # attach toes: small, compact, print-dark components near a foot's front
    taken = np.zeros((h, w), bool)
    for g in groups:
        taken |= g
    toe_ppm = px_per_mm if mm_per_px else _sole_scale(groups[0], px_per_mm)
    link = params.toe_link_mm * toe_ppm
    dists = [cv2.distanceTransform((~g).astype(np.uint8), cv2.DIST_L2, 3) for g in groups]
    foot_masks = [g.copy() for g in groups]
    print_level = float(np.median(signal[taken]))
    min_toe_px = MIN_TOE_AREA_MM2 * toe_ppm**2
    # toes print fainter than heel and ball and are separate blobs, so they may
    # never reach the hysteresis' high threshold: look for them at a lower level
    # near each foot, with the same half-level edge as the sole
    toe_level = bg_level + max(3.0 * noise, TOE_SEARCH_LEVEL * (print_level - bg_level))
    weak = roi & ~taken & (signal > toe_level)
    weak8 = cv2.morphologyEx(weak.astype(np.uint8), cv2.MORPH_OPEN, disk(1.0 * toe_ppm))
    tlab = cv2.connectedComponents(weak8, connectivity=8)[1]
    # only blobs within reach of a foot can be its toes; they are handled as
    # crops (a floor's texture has hundreds of blobs, full-size masks cost GBs)
    reach = TOE_CHAIN_MAX_LINKS * link
    near = np.zeros((h, w), bool)
    for dm in dists:
        near |= dm <= reach
    cands: list[_Crop] = []
    for lab in (tlab, labels):
        ids = np.unique(lab[near])
        slices = ndimage.find_objects(lab, max_label=int(ids.max()) if ids.size else 0)
        for k in ids[ids > 0]:
            sl = slices[k - 1]
            crop = lab[sl] == k
            if crop.sum() >= min_toe_px:
                cands.append(_Crop(sl, crop))
    claimed = np.zeros((h, w), bool)
    toes: list[_Crop] = []
    for c in cands:
        if (c.mask & taken[c.sl]).any():
            continue
        if float(np.mean(signal[c.sl][c.mask])) < bg_level + TOE_MIN_LEVEL * (
            print_level - bg_level
        ):
            continue
        if _elongation(c.mask.astype(np.uint8))[0] > TOE_MAX_ELONGATION:
            continue  # a line (a sheet's edge, a shadow, a grout line) is no toe
        if _solidity(c.mask) >= TOE_MIN_SOLIDITY:
            toes.append(c)
        else:  # toes are compact blobs; stains and lines are not, nor a row of toes
            toes += _split_toe_row(c, signal, bg_level, print_level, min_toe_px)
    # a toe joins the foot whose sole lies within toe_link_mm, or (a lesser toe
    # further out) lies within TOE_CHAIN_MM of a toe that already joined it
    chain = TOE_CHAIN_MM * toe_ppm
    toe_masks = [np.zeros((h, w), bool) for _ in groups]
    group_area = [float(g.sum()) for g in groups]
    pending = list(range(len(toes)))
    added = True
    while added and pending:
        added = False
        for k in list(pending):
            c = toes[k]
            if (c.mask & claimed[c.sl]).any():
                pending.remove(k)
                continue
            d = [float(dm[c.sl][c.mask].min()) for dm in dists]
            j = int(np.argmin(d))
            near_toe = d[j] <= reach and _near(toe_masks[j], c, chain)
            if (d[j] <= link or near_toe) and float(c.mask.sum()) < 0.25 * group_area[j]:
                # the joins are decided on the blob as found; the foot takes
                # the toe's own half-level outline
                foot_masks[j][c.sl] |= _toe_outline(c, signal, bg_level, noise, px_per_mm)
                claimed[c.sl] |= c.mask
                toe_masks[j][c.sl] |= c.mask
                pending.remove(k)
                added = True

    # the dot texture above is no proof of a grid: wet prints on light tile
    # pass it as often as not (development 8600-9239: 21 of 42 feet; no
    # podograph form of 140 was measured through it). A print is labelled
    # `podograph` only where segment_grid found the lattice; here by darkness.
    scene = _scene_label(dark, foot_masks[0])
    blobs = []
    for fm in foot_masks:
        inside = signal[fm]
        contrast = float(np.median(inside) - bg_level)
        quality = float(np.clip(contrast / (0.15 * (0.5 if podograph else 1.0)), 0.2, 1.0))
        norm = float(np.percentile(inside, 99)) or 1.0
        intensity = np.where(fm, np.clip(dens / norm, 0.0, 1.0), 0.0).astype(np.float32)
        warnings: list[str] = []
        box = _grown_box(_mask_box(fm), fm.shape)  # the same answer, on the mask's box
        if _hugs(fm[box], roi_border[box]):
            warnings.append(AT_EDGE_WARNING)
        if contrast < 2 * MIN_CONTRAST:
            warnings.append(
                "The print is faint; photograph it sooner after stepping or in better light."
            )
        blobs.append(PrintBlob(fm, intensity, quality, tuple(warnings)))
    return Segmentation(tuple(blobs), scene, signal, t, (), either_polarity)


def _dilate_in_box(mask_u8: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """``cv2.dilate(mask_u8, kernel)``, computed inside the mask's bounding box only.

    Parameters
    ----------
    mask_u8 : (H, W) uint8 ndarray
        Binary image.
    kernel : (k, k) uint8 ndarray
        Structuring element of odd size, anchored at its centre.

    Returns
    -------
    (H, W) uint8 ndarray
        The same image as dilating the whole of ``mask_u8``: the box is grown
        by the kernel's reach (within the image), beyond which the dilation
        is zero, and OpenCV's default border adds nothing at the crop's edges.
    """
    out = np.zeros_like(mask_u8)
    x, y, w, h = cv2.boundingRect(mask_u8)
    if w == 0 or h == 0:
        return out
    ry, rx = kernel.shape[0] // 2, kernel.shape[1] // 2
    rows, cols = mask_u8.shape
    box = (
        slice(max(0, y - ry), min(rows, y + h + ry)),
        slice(max(0, x - rx), min(cols, x + w + rx)),
    )
    out[box] = cv2.dilate(mask_u8[box], kernel)
    return out


def _components_in_box(
    mask_u8: np.ndarray,
) -> tuple[int, np.ndarray, np.ndarray, tuple[slice, slice]]:
    """8-connected components of ``mask_u8``, labelled inside its bounding box only.

    Parameters
    ----------
    mask_u8 : (H, W) uint8 ndarray
        Binary image (non-zero = foreground).

    Returns
    -------
    n : int
        Number of labels, background included.
    labels : (h, w) int32 ndarray
        Labels within ``box``.
    stats : (n, 5) int32 ndarray
        ``cv2.connectedComponentsWithStats``' statistics, the left and top in
        image coordinates.
    box : (slice, slice)
        The bounding box of the foreground (one background pixel when there
        is none, as OpenCV labels no empty image).

    Notes
    -----
    The box holds every foreground pixel, so the components are those of the
    whole image, with the same areas and boxes; on a plane image whose
    candidates cover a small part it costs a fraction of labelling it all.
    """
    x, y, w, h = cv2.boundingRect(mask_u8)
    box = (slice(y, y + max(h, 1)), slice(x, x + max(w, 1)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask_u8[box], connectivity=8)
    stats[1:, cv2.CC_STAT_LEFT] += x
    stats[1:, cv2.CC_STAT_TOP] += y
    return n, labels, stats, box


def _dot_density(above: np.ndarray, core: np.ndarray, px_per_mm: float) -> float:
    """Dot-sized blobs of ``above`` per 1000 mm^2 of ``core`` [1/1000 mm^2].

    Parameters
    ----------
    above : (H, W) bool ndarray
        Pixels of the fine signal above the dot level (within the region).
    core : (H, W) bool ndarray
        The print's dense core, whose area the count is divided by.
    px_per_mm : float
        Plane sampling.

    Returns
    -------
    float
        4-connected blobs of 0.5 to ``DOT_MAX_MM2`` mm^2, per 1000 mm^2 of
        core (at least 1 mm^2).
    """
    _, _, dstats, _ = cv2.connectedComponentsWithStats(above.astype(np.uint8), connectivity=4)
    dot_area = dstats[1:, cv2.CC_STAT_AREA] / px_per_mm**2
    n_dots = int(np.count_nonzero((dot_area >= 0.5) & (dot_area <= DOT_MAX_MM2)))
    core_mm2 = max(float(core.sum()) / px_per_mm**2, 1.0)
    return 1000.0 * n_dots / core_mm2


def _local_thresholds(
    signal: np.ndarray, roi: np.ndarray, boxes: list[tuple[int, int, int, int]], bg_level: float
) -> np.ndarray:
    """Otsu threshold of ``signal`` in each candidate's window; +inf elsewhere.

    A print is a small part of a floor photo, so a global Otsu threshold is
    pulled towards floor texture; within a window around each candidate the
    print is a large share and Otsu separates it well.
    """
    t_map = np.full(signal.shape, np.inf, np.float32)
    for y0, y1, x0, x1 in boxes:
        vals = signal[y0:y1:2, x0:x1:2][roi[y0:y1:2, x0:x1:2]]
        if vals.size < 16:
            continue
        hi = float(np.percentile(vals, 99.8))
        if hi <= bg_level:
            continue
        t_i = float(otsu(np.clip(vals, bg_level, hi), nbins=256))
        t_map[y0:y1, x0:x1] = np.minimum(t_map[y0:y1, x0:x1], t_i)
    return t_map


def _hysteresis(signal: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Pixels above ``low`` connected to a pixel above ``high`` (per-pixel thresholds)."""
    weak = (signal > low).astype(np.uint8)
    # labelled inside the bounding box of the weak pixels (the thresholds are
    # +inf outside the candidates' windows): the same components
    x, y, w, h = cv2.boundingRect(weak)
    out = np.zeros(weak.shape, bool)
    if w == 0 or h == 0:
        return out
    box = (slice(y, y + h), slice(x, x + w))
    weak = weak[box]
    n, lab = cv2.connectedComponents(weak, connectivity=8)
    strong_labels = np.unique(lab[(signal[box] > high[box]) & (weak > 0)])
    keep = np.zeros(n, bool)
    keep[strong_labels] = True
    keep[0] = False
    out[box] = keep[lab]
    return out


def _fill_small_holes(m8: np.ndarray, max_area_px: float) -> np.ndarray:
    """Fill holes (background enclosed by the mask) smaller than ``max_area_px``.

    A hole lies inside the mask's bounding box, so the background is labelled
    there only, with one pixel more on each side (within the image): that ring
    joins all background around the mask into components reaching the crop's
    edge, and the components that do not are exactly the holes, pixel for
    pixel (the mask is usually a small part of the plane image).
    """
    out = m8.copy()
    if not m8.any():
        return out
    box = _mask_box(m8)
    inv = (m8[box] == 0).astype(np.uint8)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(inv, connectivity=4)
    ch, cw = inv.shape
    sub = out[box]
    for i in range(1, n):
        x, y, sw, sh, area = stats[i]
        touches = x == 0 or y == 0 or x + sw >= cw or y + sh >= ch
        if not touches and area <= max_area_px:
            sub[lab == i] = 1
    return out


def _cut_bridges(m8: np.ndarray, radius_px: float) -> np.ndarray:
    """Label image of ``m8`` whose thin bridges (< 2 x radius) between blobs are cut.

    Each connected component holding two or more cores (components of the
    opening with a disk of ``radius_px``) is split between its cores: a pixel
    goes to the nearest core when it lies within ``2 radius_px`` of it and is
    dropped otherwise (the bridge). Components with at most one core stay whole,
    so toes and thin but isolated parts are kept.
    """
    n, lab = cv2.connectedComponents(m8, connectivity=8)
    opened = cv2.morphologyEx(m8, cv2.MORPH_OPEN, disk(2.0 * radius_px))
    n_o, lab_o = cv2.connectedComponents(opened, connectivity=8)
    out = lab.astype(np.int32)
    if n_o <= 2:
        return out
    # which opened cores lie in which component
    core_of = np.zeros(n_o, np.int64)
    # the cores' pixels (n_o > 2 here), in np.nonzero's order, from their box
    cx, cy, cw, ch = cv2.boundingRect(opened)
    ys, xs = np.nonzero(lab_o[cy : cy + ch, cx : cx + cw])
    ys += cy
    xs += cx
    core_of[lab_o[ys, xs]] = lab[ys, xs]
    counts = np.bincount(core_of[1:], minlength=n)
    multi = np.flatnonzero(counts >= 2)
    if multi.size == 0:
        return out
    # nearest-core labels for every pixel
    dist, nearest = cv2.distanceTransformWithLabels(
        (lab_o == 0).astype(np.uint8), cv2.DIST_L2, 3, labelType=cv2.DIST_LABEL_CCOMP
    )
    # map distanceTransform's labels (one per zero-region of the input) to cores
    zl = np.zeros(int(nearest.max()) + 1, np.int64)
    zl[nearest[ys, xs]] = lab_o[ys, xs]
    for c in multi:
        region = lab == c
        keep = region & (dist <= 2.0 * radius_px + 1.0)
        out[region] = 0
        out[keep] = n + zl[nearest[keep]]
    return out


def _relabel(labels: np.ndarray) -> tuple[np.ndarray, int]:
    """Consecutive labels 1..n-1 (0 stays background); returns (labels, n)."""
    present = np.bincount(labels.ravel()) > 0
    present[0] = True
    lut = np.cumsum(present).astype(np.int32) - 1
    return lut[labels], int(lut[-1]) + 1


def _near(mask: np.ndarray, blob: _Crop, radius_px: float) -> bool:
    """True when ``mask`` has a pixel within ``radius_px`` of ``blob`` (local window only)."""
    r = int(np.ceil(radius_px)) + 1
    ys, xs = blob.sl
    y0, x0 = max(ys.start - r, 0), max(xs.start - r, 0)
    win = mask[y0 : ys.stop + r, x0 : xs.stop + r]
    if not win.any():
        return False
    dist = cv2.distanceTransform((~win).astype(np.uint8), cv2.DIST_L2, 3)
    oy, ox = ys.start - y0, xs.start - x0
    inside = dist[oy : oy + blob.mask.shape[0], ox : ox + blob.mask.shape[1]][blob.mask]
    return float(inside.min()) <= radius_px


def _above_half_level(
    signal: np.ndarray,
    core: np.ndarray,
    bg_level: float,
    noise: float,
    px_per_mm: float,
    *,
    exact: bool = False,
) -> np.ndarray:
    r"""Pixels above half their local print level: the half-level edge.

    .. math:: s > b + \tfrac12 (\bar s - b), \qquad s > b + 2 \sigma_n,

    with :math:`b` the background level, :math:`\sigma_n` its noise and
    :math:`\bar s` the Gaussian mean (sigma ``EDGE_LEVEL_MM``) of the signal
    over ``core`` (float weights, 1 inside the print's level;
    :func:`footprint.background.nconv`, ``exact`` as there). A blurred step
    is cut at its middle, wherever the print's level lies.
    """
    local = nconv(signal, core, EDGE_LEVEL_MM * px_per_mm, exact=exact)
    half = bg_level + 0.5 * (local - bg_level)
    return signal > np.maximum(half, bg_level + 2.0 * noise)


def _toe_outline(
    toe: _Crop, signal: np.ndarray, bg_level: float, noise: float, px_per_mm: float
) -> np.ndarray:
    r"""A toe blob's mask cut back to the toe's own half-level edge.

    Toes are searched at ``TOE_SEARCH_LEVEL`` of the print's height above the
    background, below half of their own, so on a blurred signal (a wet print
    on the floor, found on the detection signal) the blob reaches beyond the
    toe's edge. As for the sole, each pixel of the blob is kept above half
    its local level (:func:`_above_half_level`), the level taken over the
    blob's upper half (pixels at or above its median). If that keeps less than
    ``TOE_OUTLINE_MIN_SHARE`` of the blob, the blob is returned as found.
    """
    sub = toe.mask
    sig = signal[toe.sl]
    core = (sub & (sig >= np.median(sig[sub]))).astype(np.float32)
    keep = sub & _above_half_level(sig, core, bg_level, noise, px_per_mm, exact=True)
    if keep.sum() < TOE_OUTLINE_MIN_SHARE * float(sub.sum()):
        return sub
    return keep


def _split_toe_row(
    blob: _Crop, signal: np.ndarray, bg_level: float, print_level: float, min_px: float
) -> list[_Crop]:
    """Compact toes of a blob in which neighbouring toes ran together.

    Toes a few millimetres apart merge at a low search level. The blob is cut
    at rising levels (``TOE_SPLIT_LEVELS`` of the print's height above the
    background); at the first level where it falls into two or more compact
    cores, each blob pixel goes to the core it is reached from by the
    watershed of the signal (:func:`skimage.segmentation.watershed`), so the
    toes keep their full outline. Returns the compact pieces (none when the
    blob never splits into toes).
    """
    from skimage.segmentation import watershed

    sub = blob.mask
    sig = signal[blob.sl]
    for frac in TOE_SPLIT_LEVELS:
        core = (sub & (sig > bg_level + frac * (print_level - bg_level))).astype(np.uint8)
        n, lab, stats, _ = cv2.connectedComponentsWithStats(core, connectivity=8)
        keep = [k for k in range(1, n) if stats[k, cv2.CC_STAT_AREA] >= 0.5 * min_px]
        if len(keep) < 2:
            continue
        markers = np.zeros(sub.shape, np.int32)
        for k in keep:
            markers[lab == k] = k
        regions = watershed(-sig, markers, mask=sub)
        pieces = [
            _Crop(blob.sl, piece)
            for piece in (regions == k for k in keep)
            if piece.sum() >= min_px and _solidity(piece) >= TOE_MIN_SOLIDITY
        ]
        if len(pieces) >= 2:
            return pieces
    return []


def _solidity(mask: np.ndarray) -> float:
    """Area over convex-hull area of a blob."""
    pts = cv2.findNonZero(mask.astype(np.uint8))
    hull_area = cv2.contourArea(cv2.convexHull(pts))
    return float(mask.sum()) / max(hull_area, 1.0)


def _grid_segmentation(
    grid_feet: list[tuple[np.ndarray, np.ndarray]],
    h: int,
    w: int,
    paper: np.ndarray,
    px_per_mm: float,
) -> Segmentation:
    """Wrap podograph feet from :mod:`footprint.segment_grid` as a Segmentation.

    A foot whose outline runs along the edge of ``paper`` (the form's lit
    paper the grid was looked for on) for more than
    :data:`GRID_EDGE_MAX_SHARE` of its length may be cut off there, by the
    sheet's edge or a shadow over the form: its quality is
    :data:`CUT_OFF_QUALITY`.
    """
    blobs = []
    to_edge = cv2.distanceTransform(paper.astype(np.uint8), cv2.DIST_L2, 3)
    near_edge = to_edge <= (segment_grid.RIM_MM + GRID_EDGE_SLACK_MM) * px_per_mm
    for mask, intensity in grid_feet:
        quality, notes = 1.0, ()
        if _hugs(mask, near_edge, GRID_EDGE_MAX_SHARE):
            quality, notes = CUT_OFF_QUALITY, (CUT_OFF_WARNING,)
        blobs.append(PrintBlob(mask, intensity.astype(np.float32), quality, notes))
    density = np.zeros((h, w), np.float32)
    for _, intensity in grid_feet:
        density = np.maximum(density, intensity)
    return Segmentation(tuple(blobs), "podograph", density, 0.0, ())


def _hugs(mask: np.ndarray, roi_border: np.ndarray, share: float = MAX_BORDER_FRACTION) -> bool:
    """Whether over ``share`` of the mask's outline lies on ``roi_border``."""
    outline = mask & ~cv2.erode(mask.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    return bool((outline & roi_border).sum() > share * outline.sum())


def _peel_border_rims(
    comp: np.ndarray,
    roi_border: np.ndarray,
    width_px: float,
    min_area_px: float = 0.0,
    box: tuple[slice, slice] | None = None,
) -> list[np.ndarray]:
    """Split off the parts of ``comp`` that reach the search region's border.

    A morphological opening (disk of diameter ``width_px``) splits the mask
    into its thick parts and a residue, ``comp & ~opening(comp)``, thinner
    than the disk: a shaded rim along a sheet's edge and the neck joining it
    to a print, but also a high arch's narrow midfoot and slivers of the
    outline. Thick parts lying along ``roi_border`` (as :func:`_hugs` judges:
    a print cut off by the edge) are removed, and so are the residue's
    components that touch the border or a removed part; the rest of the mask
    is kept as it was.

    ``box``, when given, is ``comp``'s bounding box (``ndimage.find_objects``).

    Returns
    -------
    list of (H, W) bool ndarrays
        The connected components of what remains with at least ``min_area_px``
        pixels, largest first.
    """
    if box is None:
        ys, xs = np.nonzero(comp)
        box = (slice(int(ys.min()), int(ys.max()) + 1), slice(int(xs.min()), int(xs.max()) + 1))
    pad = int(width_px) + 2
    y0, x0 = max(0, box[0].start - pad), max(0, box[1].start - pad)
    y1 = min(comp.shape[0], box[0].stop + pad)
    x1 = min(comp.shape[1], box[1].stop + pad)
    crop = comp[y0:y1, x0:x1].astype(np.uint8)
    border = roi_border[y0:y1, x0:x1]
    # opening with a disk of radius r, by two distance transforms (a wide
    # disk's kernel is slow): erode to dist > r, then dilate back by r
    r = 0.5 * width_px
    core = cv2.distanceTransform(crop, cv2.DIST_L2, cv2.DIST_MASK_PRECISE) > r
    opened = (
        cv2.distanceTransform((~core).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE) <= r
    )
    opened = (opened & (crop > 0)).astype(np.uint8)
    olab = cv2.connectedComponents(opened, connectivity=8)[1]
    hit = np.unique(olab[border & (opened > 0)])
    gone = np.zeros(crop.shape, bool)
    for k in hit[hit > 0]:
        part = olab == k
        if _hugs(part, border):
            gone |= part
    residue = (crop > 0) & (opened == 0)
    rlab = cv2.connectedComponents(residue.astype(np.uint8), connectivity=8)[1]
    near = cv2.dilate((gone | border).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    hit = np.unique(rlab[residue & near])
    gone |= np.isin(rlab, hit[hit > 0])
    kept = ((crop > 0) & ~gone).astype(np.uint8)
    _, lab, stats, _ = cv2.connectedComponentsWithStats(kept, connectivity=8)
    out = []
    for k in np.argsort(-stats[1:, cv2.CC_STAT_AREA]) + 1:
        if stats[k, cv2.CC_STAT_AREA] < min_area_px:
            break
        full = np.zeros(comp.shape, bool)
        full[y0:y1, x0:x1] = lab == k
        out.append(full)
    return out


def _touches_edge(mask: np.ndarray, within_px: int = 0) -> bool:
    """Whether a mask reaches within ``within_px`` of the first or last row or column."""
    k = within_px + 1
    return bool(mask[:k].any() or mask[-k:].any() or mask[:, :k].any() or mask[:, -k:].any())


def _cut_by_edge(mask: np.ndarray, roi_border: np.ndarray) -> bool:
    """Whether the image's edge or the search region's border cuts a mask.

    :func:`_hugs` on the mask's box with the image's outermost rows and
    columns counted as border: over :data:`MAX_BORDER_FRACTION` of the outline
    lies on either. A print reaching the border at a point (an ink print near
    its sheet's edge) is not cut; a vignetted corner is.
    """
    h, w = mask.shape
    sl = _mask_box(mask)
    border = roi_border[sl].copy()
    rows, cols = sl
    border[0] |= rows.start == 0
    border[-1] |= rows.stop == h
    border[:, 0] |= cols.start == 0
    border[:, -1] |= cols.stop == w
    # padded, the mask's pixels on the image's edge are outline too
    return _hugs(np.pad(mask[sl], 1), np.pad(border, 1))


def _foot_like(
    mask: np.ndarray,
    mm_per_px: float | None,
    roi_border: np.ndarray,
    border_share: float = MAX_BORDER_FRACTION,
) -> bool:
    """Plausibility of a sole (or heel + forefoot group) as a foot's print.

    Elongated like a sole (``FOOT_MIN_ELONGATION`` <= long/short <=
    ``FOOT_MAX_ELONGATION``), not running along the edge of the search region
    (over ``border_share`` of its outline), and, with a scale, between
    ``FOOT_MIN_LENGTH_MM`` and ``FOOT_MAX_LENGTH_MM`` long.
    """
    sl = _mask_box(mask)  # every test on the mask's box: the same answers, faster
    crop = mask[sl].astype(np.uint8)
    origin = (sl[1].start, sl[0].start)
    elong, length = _elongation(crop, origin)
    whole = not (_touches_edge(mask) or (mask[sl] & roi_border[sl]).any())
    if elong < FOOT_MIN_ELONGATION and whole:
        # a stain or a floor mark joined to a whole print by a neck widens it:
        # judge the sole's core, what a disk FOOT_CORE_RADIUS_MM wide covers
        # (not for a mark cut by the edge: light or shadow the frame cuts off)
        r = FOOT_CORE_RADIUS_MM / mm_per_px if mm_per_px else FOOT_CORE_RADIUS_FRACTION * length
        core = cv2.morphologyEx(
            crop, cv2.MORPH_OPEN, disk(2.0 * r), borderType=cv2.BORDER_CONSTANT, borderValue=0
        )
        if core.sum() >= FOOT_CORE_MIN_SHARE * crop.sum() and _solidity(core) >= (
            FOOT_CORE_MIN_SOLIDITY
        ):
            elong, length = _elongation(core, origin)
    if not FOOT_MIN_ELONGATION <= elong <= FOOT_MAX_ELONGATION:
        return False
    if mm_per_px and not FOOT_MIN_LENGTH_MM <= length * mm_per_px <= FOOT_MAX_LENGTH_MM:
        return False
    return not _hugs(mask[sl], roi_border[sl], border_share)


def _group_pieces(
    pieces: list[np.ndarray],
    max_length_px: float | None = None,
    cut: list[bool] | None = None,
) -> list[np.ndarray]:
    """Merge sole pieces (heel, forefoot of a high-arched foot) into feet.

    Two pieces belong to one foot when their union is elongated like a foot
    (long/short >= :data:`MERGE_MIN_ELONGATION`) and each piece alone is
    shorter than the union; two feet side by side give a squat union. The
    most foot-like union joins first among those that leave the most pieces
    paired and that no possible join of two other pieces crosses
    (:func:`footprint.pairing.best_uncrossed`). Pieces apart must also lie
    as a heel and a forefoot do (:func:`_crosswise_piece`,
    :func:`_broken_isthmus`); touching pieces (``TOUCHING_GAP_PX``) were one
    blob that :func:`_cut_bridges` split, and their union alone decides. Pieces
    flagged in ``cut`` (cut by the edge of the search, :func:`_cut_by_edge`)
    stay alone.
    """
    groups = [p.copy() for p in pieces]
    counts = [1] * len(groups)
    cut = list(cut) if cut is not None else [False] * len(groups)
    # the shape tests run on crops (bounding boxes, see _elongation and
    # _to_corner): the same numbers as on whole plane images, much faster
    boxes = [_mask_box(g) for g in groups]
    merged = True
    while merged and len(groups) > 1:
        merged = False
        candidates: list[pairing.Candidate] = []
        shapes = [
            _elongation(g[b].astype(np.uint8), (b[1].start, b[0].start))
            for g, b in zip(groups, boxes, strict=True)
        ]
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                if cut[i] or cut[j]:
                    continue
                if counts[i] + counts[j] > MAX_SOLE_PIECES:
                    continue  # a heel and a forefoot make a foot; a third is the other foot's
                box = _union_box(boxes[i], boxes[j])
                union = (groups[i][box] | groups[j][box]).astype(np.uint8)
                elong, length = _elongation(union, (box[1].start, box[0].start))
                ei, li = shapes[i]
                ej, lj = shapes[j]
                if (
                    MERGE_MIN_ELONGATION <= elong <= FOOT_MAX_ELONGATION
                    and length > 1.3 * max(li, lj)
                    and (max_length_px is None or length <= max_length_px)
                ):
                    # a whole foot alone is already elongated; do not glue two feet end to end
                    if min(ei, ej) >= WHOLE_FOOT_ELONGATION:
                        continue
                    # the chamfer distance between two pixels runs inside their box
                    dist_i = cv2.distanceTransform(
                        (~groups[i][box]).astype(np.uint8), cv2.DIST_L2, 3
                    )
                    gap = float(dist_i[groups[j][box]].min())
                    if gap > MERGE_MAX_GAP_FRACTION * length:
                        continue
                    # apart, a heel and a forefoot show how they lie; touching
                    # pieces were one blob, split at its narrowest (the bridge
                    # cut) where a heel meets a faint band: their union decides
                    top = _to_corner(box)
                    gi, gj = groups[i][top], groups[j][top]
                    if gap > TOUCHING_GAP_PX and not (
                        _crosswise_piece(gi, gj, (gi | gj).astype(np.uint8))
                        or _broken_isthmus(gi, gj, length)
                    ):
                        continue
                    # the most foot-like union of the closest pieces wins
                    score = elong - MERGE_GAP_WEIGHT * gap / max(length, 1.0)
                    candidates.append((score, i, j))
        # the most foot-like union wins unless taking it leaves fewer pieces
        # paired, or a possible join of two other pieces crosses it (one
        # foot's heel with the other's ball)
        centres = [pairing.centroid(g, b) for g, b in zip(groups, boxes, strict=True)]
        best = pairing.best_uncrossed(candidates, centres)
        if best is not None:
            _, i, j = best
            groups[i] = groups[i] | groups[j]
            counts[i] += counts[j]
            boxes[i] = _union_box(boxes[i], boxes[j])
            del groups[j], counts[j], boxes[j], cut[j]
            merged = True
    return groups


def _axis_angle(mask: np.ndarray) -> tuple[float, float]:
    """(angle of the principal axis in radians, elongation from second moments)."""
    m = cv2.moments(mask.astype(np.uint8), binaryImage=True)
    mu20, mu02, mu11 = m["mu20"], m["mu02"], m["mu11"]
    angle = 0.5 * np.arctan2(2 * mu11, mu20 - mu02)
    common = np.sqrt(4 * mu11**2 + (mu20 - mu02) ** 2)
    l1, l2 = mu20 + mu02 + common, max(mu20 + mu02 - common, 1e-9)
    return float(angle), float(np.sqrt(l1 / l2))


def _crosswise_piece(a: np.ndarray, b: np.ndarray, union: np.ndarray) -> bool:
    """Heel + forefoot of one foot: the forefoot (ball) lies across the foot.

    Two forefeet (or two heels) side by side are each elongated *along* the
    line that joins them; a heel and a ball of one foot are not: the ball is
    wider than long. True when a piece is round or lies crosswise (>= 45 deg)
    to the union's long axis, but not when both are round (two heels).
    """
    ang_u, _ = _axis_angle(union)
    shapes = [_axis_angle(piece) for piece in (a, b)]
    if all(elong < CROSSWISE_MIN_ELONGATION for _, elong in shapes):
        return False  # two round pieces: two heels side by side
    for ang, elong in shapes:
        if elong < CROSSWISE_MIN_ELONGATION or abs(np.sin(ang - ang_u)) >= np.sin(np.pi / 4):
            return True
    return False


def _broken_isthmus(a: np.ndarray, b: np.ndarray, union_length_px: float) -> bool:
    """Heel and forefoot of one foot whose thin midfoot band broke in the print.

    Each piece then runs out into a stub of the band towards the other: along
    the line joining the centroids, the last ``ISTHMUS_END_FRACTION`` x union
    length of each piece is narrower than ``ISTHMUS_MAX_WIDTH_SHARE`` of the
    piece's widest extent across that line. Two balls or two heels side by side
    face each other with their full rounded sides instead.
    """
    pts = [np.column_stack(np.nonzero(p)[::-1]).astype(np.float64) for p in (a, b)]
    ca, cb = pts[0].mean(axis=0), pts[1].mean(axis=0)
    d = cb - ca
    norm = float(np.linalg.norm(d))
    if norm < 1e-9:
        return False
    d /= norm
    lat = np.array([-d[1], d[0]])
    end_len = ISTHMUS_END_FRACTION * union_length_px
    for p, sign in ((pts[0], 1.0), (pts[1], -1.0)):
        along = sign * (p @ d)
        across = p @ lat
        end = along >= along.max() - end_len
        if float(np.ptp(across[end])) > ISTHMUS_MAX_WIDTH_SHARE * float(np.ptp(across)):
            return False
    return True


def _scene_label(dark: np.ndarray, mask: np.ndarray) -> str:
    """A coarse label of a non-grid print: 'ink' (very dark) or 'wet'."""
    inside = dark[mask]
    if inside.size == 0:
        return "unknown"
    level = float(np.median(inside))
    if level > 0.35:
        return "ink"
    return "wet"

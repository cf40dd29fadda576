"""Every tunable number of the analyser, with its unit and the reason for it.

All parameter groups are frozen dataclasses validated on construction, so a
bad value fails early with :class:`~footprint.errors.ParameterError`.
:class:`Params` bundles them and is what results record as provenance.

Cut-off presets (:data:`CUTOFF_PRESETS`) carry their literature source; see
``docs/method.md`` for the references.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from footprint.errors import ParameterError


def _check_range(obj: Any, name: str, lo: float | None, hi: float | None) -> None:
    value = getattr(obj, name)
    if lo is not None and value < lo or hi is not None and value > hi:
        raise ParameterError(
            f"{type(obj).__name__}.{name}={value!r} is outside [{lo}, {hi}]; "
            "use a value inside that range."
        )


@dataclass(frozen=True)
class LoadParams:
    """How images are decoded.

    Attributes
    ----------
    max_pixels : int
        [px] Largest image accepted (width x height), checked from the header
        before decoding: a guard against decompression bombs. ~50 MP admits
        every phone camera in use.
    work_long_side_px : int
        [px] Analysis needs no more than about this many pixels on the long
        side; JPEGs are decoded in the DCT domain at 1/2, 1/4 or 1/8 size
        down to (not below) this. 1000 px keeps a 260 mm foot at >= 450 px
        long, i.e. sub-millimetre sampling, while a 12 MP decode stays fast.
    min_side_px : int
        [px] Images with a shorter side below this cannot hold a measurable print.
    """

    max_pixels: int = 50_000_000
    work_long_side_px: int = 1000
    min_side_px: int = 64

    def __post_init__(self) -> None:
        _check_range(self, "max_pixels", 1, None)
        _check_range(self, "work_long_side_px", 128, 20_000)
        _check_range(self, "min_side_px", 8, 10_000)


@dataclass(frozen=True)
class RectifyParams:
    """How a scale reference (sheet or card) is found and the plane rectified.

    Attributes
    ----------
    plane_mm_per_px : float
        [mm/px] Sampling of the rectified, top-down plane image. 0.5 mm/px puts
        an A4 sheet at 420 x 594 px: fine enough for 0.2 % length error with
        sub-pixel edges, small enough to keep every later step fast.
    min_area_fraction : float
        [1] Smallest sheet quadrilateral, as a fraction of the image area. A
        sheet laid beside the feet (rather than printed on) can cover as little
        as ~4 % of a photo framing both feet and the sheet.
    card_min_area_fraction : float
        [1] Same for an ID-1 card, which is much smaller than a sheet: 0.3 %
        of the photo is a card about 60 px long at the 1000 px work
        resolution, whose corners (0.1-0.3 px off) still give its scale
        within about 0.5 %. Lowered from 0.4 % in the twenty-ninth session:
        on the 224 development card and no-reference photos of 9400-9639 and
        6500-6739, six cards of 0.35-0.38 % were found (corners 0.11-0.74 px
        off) and no card was made up; at 0.25 % a photo without a reference
        got one.
    aspect_tolerance : float
        [1] Largest relative difference between the rectified aspect ratio of a
        candidate and the reference's true aspect ratio.
    polygon_epsilon_fraction : float
        [1] Douglas-Peucker tolerance as a fraction of the contour perimeter
        when reducing a contour to a quadrilateral.
    subpix_window_px : int
        [px] Half-size of the window for sub-pixel corner refinement.
    plane_margin_mm : float
        [mm] Margin kept around a sheet in the rectified plane, so prints that
        overhang the paper edge are not cut.
    max_plane_side_px : int
        [px] Upper bound on either side of the rectified plane image. A plane
        covering the photographed floor (card reference, or a sheet beside the
        print) is cut to this around the photo's centre: 1400 px is 0.7-0.84 m
        of floor, room for two feet and a reference, and keeps the analysis of
        a tilted 12 MP photo near 300 MB (2000 px took 600 MB; accuracy on the
        development seeds was the same at 2000 and 1400 px; at 1200 px a sheet
        lying away from the photo's centre was cut off).
    enabled : bool
        Look for a reference at all. When False, results are in pixels.
    cover_photo : bool
        Make the plane cover the whole photographed floor even when the
        reference is a sheet (used when the print lies beside the sheet).
    card_max_area_fraction : float
        [1] Largest ID-1 card quadrilateral as a fraction of the image area; a
        card filling more of a foot photo is implausible (and a larger
        1.59-aspect region is a mat, a tile or a sheet, not a card). A card
        covering a tenth of a 4:3 photo leaves a frame of about 250 x 185 mm,
        just an adult foot's length. On 256 development photos true cards
        covered at most 0.063, sheets of a card's aspect taken for one
        0.13-0.15 (eleventh session; the limit was 0.15).
    max_area_fraction : float
        [1] Largest candidate region (fraction of the image); bigger regions
        are the floor itself.
    detect_long_side_px : int
        [px] Approximate long side of the reduced image searched for candidate
        quads (reduced by the nearest integer factor, 2 at 1000 px); corners
        are then refined at work resolution.
    detect_median_px : int
        [px] Radius of the median filter applied before thresholding at the
        reduced size (hides grout lines, JPEG noise and fine print).
    detect_median_retry_px : int
        [px] Radius of the median filter of a second candidate search, in
        the Canny edge masks only, made only when the first finds no
        reference (-1: none). The 5 x 5 median
        rounds a card of 20-30 reduced pixels into its grout line or the
        floor's grain, the 3 x 3 one does not, but lets more texture through:
        on 80 development photos with a card (seeds 9400-9479) each radius
        alone found 71 and 70 cards, the two in turn 75.
    retry_min_edge_contrast : float
        [0..255 RGB units] ``min_edge_contrast`` of a reference found only by
        that second search. Its 3 x 3 median lets single tiles through: on
        development 9496 a foreshortened tile, with steps of 9-22 across its
        grout, was taken for a card (a made-up scale); the cards the second
        search found on 160 development card photos had steps of 46-98.
    threshold_levels : int
        Grey levels, evenly spaced between the 2nd and 98th percentile, at which
        the luma channel is cut (plus Otsu's level), in both polarities.
    canny_low, canny_high : float
        [L2 Sobel gradient units, 0..255 image] Hysteresis thresholds of the
        Canny edges whose enclosed regions are candidates. A 15-level step
        (white paper on light tile) gives a gradient of ~40-60.
    canny_chroma_gain : float
        [1] Factor applied to Cr and Cb (about 128) before the Canny edges, so a
        colour step (off-white or kraft paper on grey tile) counts like a
        lightness step three times its size.
    solid_open_px : int
        [px, reduced image] Width of the square that opens the Canny edge map
        once its small enclosed holes (``solid_max_hole_fraction``) are
        filled: what stays is a solid object, such as a card lying across a
        sheet's edge or a tile's grout line, cut free of the thin lines it
        touches. A card's short side is ~20-60 px in the reduced image; an
        edge line ~3 px wide.
    solid_max_hole_fraction : float
        [1] Largest hole in the edge map, as a fraction of the image, filled
        for ``solid_open_px``: the pieces of a card's face between its printed
        lines, not a sheet's whole face.
    coarse_aspect_tolerance : float
        [1] Like ``aspect_tolerance`` but for the unrefined quad, only to skip
        hopeless candidates (tiles, planks) before refinement; widened by
        2 x ``coarse_tolerance_px`` / shortest side for small quads.
    min_channel_range : float
        [0..255 units] A channel whose 2-98 % range is below this carries no
        shape information and is skipped.
    min_fill_fraction : float
        [1] Smallest ratio of a quad's area to the convex hull of the contour it
        approximates (an ellipse-like blob gives <= 2/pi).
    min_perimeter_coverage : float
        [1] Smallest fraction of points along a coarse quad's sides that lie on
        the region's contour (within ``coarse_tolerance_px``).
    coarse_tolerance_px : float
        [px, reduced image] Distance of a contour from a quad side still counted
        as on it.
    duplicate_fraction : float
        [1] Candidate quads whose corners are all closer than this fraction of
        the reduced image's diagonal are the same candidate.
    max_candidates : int
        Largest number of candidate quads refined (largest first).
    coarse_area_slack : float
        [1] Factor by which a coarse quad's area may miss a size limit before
        refinement (the coarse quad is imprecise).
    edge_search_fraction : float
        [1] Half-length of the profiles across a side in the first (wide)
        refinement pass, as a fraction of the image's long side.
    edge_step_px : float
        [px] Spacing of the profiles along a side.
    edge_peak_fraction : float
        [1] A profile's gradient maximum must exceed this fraction of the
        side's median maximum to count as an edge point.
    edge_outer_peak_fraction : float
        [1] Along a profile, the edge is the outermost gradient maximum that
        reaches this fraction of the largest one (printing just inside the
        edge can be as contrasted as the edge).
    edge_inlier_px : float
        [px] Largest distance of an edge point from its fitted line to count as
        support; a straight paper edge gives residuals of a few tenths of a px.
    corner_exclusion_fraction : float
        [1] Fraction of each side, at both ends, not sampled (corner blur,
        dog-ears, shadows).
    min_edge_support : float
        [1] Smallest fraction of a side's profiles that must lie on its line,
        for every side of an accepted reference.
    min_edge_contrast : float
        [0..255 RGB units] Smallest colour step across every side; a printed
        line (a form's panel border) has none, a sheet or card edge has.
    min_corner_angle_deg : float
        [deg] Interior angles of a reference's quad must lie in
        [this, 180 - this]: a rectangle tilted by <= ~60 deg stays inside.
    corner_margin_px : float
        [px] Corners may lie at most this far outside the image.
    focal_prior_fraction : float
        [1] Focal length / image long side assumed when the quad cannot
        estimate it (near fronto-parallel). Phone main cameras are 24-28 mm
        equivalent, i.e. 0.67-0.78; 0.8 also covers mild crops.
    focal_min_fraction : float
        [1] Smallest plausible focal length / long side (ultra-wide ~0.45).
    focal_max_fraction : float
        [1] Largest plausible focal length / long side (3x tele ~2.5).
    card_focal_range : tuple of float
        [1] Focal lengths / long side a phone most likely had (main camera
        0.67-0.78, up to a 1.5x crop), over which a card's aspect ratio is
        also evaluated. A card is small: a third of a pixel at its corners
        moves the focal length estimated from it by a factor of two (and the
        ratio with it, 1.53 -> 1.16 on one development photo).
    aspect_tie_tolerance : float
        [1] Reference kinds whose true aspect ratios lie within this relative
        distance of a quad's range of ratios fit it equally well; the one
        nearest the ratio seen at ``focal_prior_fraction`` is taken.
    principal_point_tolerance : float
        [1] How far the principal point may lie from the image centre, as a
        fraction of each image side, when a reference's aspect ratio is
        evaluated (phones: within ~2 %). Under a strong tilt the quad's focal
        estimate, and so its aspect ratio, depends on it: a 2 % offset moves
        an A4 sheet's ratio by 7 % at 28 degrees.
    manual_refine : bool
        Refine manual corners to sub-pixel edges when that clearly succeeds.
    manual_search_px : float
        [px] How far a manual click may be from the true edge and still be
        refined; larger moves are refused and the clicks kept.
    manual_min_side_px : float
        [px] Shortest side of a manual quad; shorter means two clicks coincide.
    manual_outside_fraction : float
        [1] Manual corners may lie this fraction of the image size outside it.
    manual_aspect_tolerance : float
        [1] Largest relative difference between the rectified aspect ratio of
        manual corners and the stated reference before they are refused.
    paper_perspective : bool
        Without a scale reference, take the perspective from a sheet of
        unknown size the print lies on (its four corners): shapes, and so the
        indices, are then true, while lengths stay in pixels
        (docs/accuracy.md, sixteenth session). With a card, it also gives the
        card's plane its perspective (``card_perspective``).
    card_perspective : bool
        With a card, take the perspective (the vanishing line) from a sheet
        of unknown size or, without one, from the floor's lines when either
        is found, and only the scale and shear from the card
        (``rectify._card_homography``; docs/accuracy.md, twenty-eighth
        session). Without either, the card's corners give both.
    card_perspective_max_residual_mm : float
        [mm] Largest miss of a card corner by the affine fit on that
        perspective; more means the rectangle or the lines do not lie in the
        card's plane, and the card's own corners are used (development
        9400-9469: at most 0.65 mm when they do).
    sheet_card_max_scale_diff : float
        [1] Largest relative difference between a sheet's scale and a bank
        card's found beside it (the card's size measured in the sheet's
        plane, as a fraction of 85.60 x 53.98 mm). Every A-series sheet has
        A4's ratio (A5, A3) and kraft or a form may be cut to Letter's, so a
        sheet's shape does not fix its size while a card's does: beyond this
        difference the card gives the scale and the sheet only the
        perspective, and the photo's warnings say so (the 480 development
        photos of 9400-9639 and 6500-6739: no true sheet contradicted by a
        card; one kraft sheet of A4's ratio taken for A4 put a card at 1.52
        times its size; a card beside a drawn A4 measures 1.00 +- 0.02).
        Negative: no check.
    paper_min_area_fraction : float
        [1] Smallest sheet of unknown size, as a fraction of the photo: paper
        a print was made on fills much of a photo of it, while a tile or a
        mat's panel seen beside a foot is smaller.
    max_paper_candidates : int
        Sheets of unknown size refined at most (largest first).
    floor_lines_perspective : bool
        Without a scale reference or a sheet, take the perspective from two
        families of parallel lines on the floor at right angles (tile joints,
        :mod:`footprint.floorlines`); lengths stay in pixels. With a card and
        no such sheet, it also gives the card's plane its perspective
        (``card_perspective``).
    floor_line_work_px : int
        [px] Long side of the grey image the line segments are detected in.
    floor_line_min_length_fraction : float
        [1] Shortest segment counted, as a fraction of that long side (a
        foot's outline is curved, so its straight pieces are short).
    floor_line_max_segments : int
        Longest segments kept (every pair proposes a vanishing point).
    floor_line_angle_tolerance_deg : float
        [deg] Largest angle between a segment and the direction from its
        midpoint to a vanishing point for it to belong to that family.
    floor_line_min_spacing_fraction : float
        [1] Lines of a family closer than this fraction of the photo's long
        side count as one (the two edges of a joint); a family needs two.
    floor_line_min_family_angle_deg : float
        [deg] Smallest angle between the two families in the photo.
    floor_line_min_tilt_deg : float
        [deg] Below this tilt the photo is measured as taken: the
        foreshortening, ``1 / cos(tilt) - 1``, is under 0.25 %, less than
        resampling the photo changes the outline.
    floor_line_max_tilt_deg : float
        [deg] Largest camera tilt accepted from the lines.
    floor_line_right_angle_tolerance_deg : float
        [deg] How far from 90 degrees the rectified families may be.
    floor_line_focal_range : tuple of float
        [1] Focal lengths / long side accepted from the right angle between
        the families; one outside is moved to the nearer end (phones: main
        camera 0.67-0.78, up to a 1.5x crop).
    """

    plane_mm_per_px: float = 0.5
    min_area_fraction: float = 0.03
    card_min_area_fraction: float = 0.003
    aspect_tolerance: float = 0.06
    polygon_epsilon_fraction: float = 0.02
    subpix_window_px: int = 5
    plane_margin_mm: float = 20.0
    max_plane_side_px: int = 1400
    enabled: bool = True
    cover_photo: bool = False
    card_max_area_fraction: float = 0.10
    max_area_fraction: float = 0.9
    detect_long_side_px: int = 500
    detect_median_px: int = 2
    detect_median_retry_px: int = 1
    retry_min_edge_contrast: float = 30.0
    threshold_levels: int = 3
    canny_low: float = 20.0
    canny_high: float = 50.0
    canny_chroma_gain: float = 3.0
    solid_open_px: int = 7
    solid_max_hole_fraction: float = 0.02
    coarse_aspect_tolerance: float = 0.2
    min_channel_range: float = 12.0
    min_fill_fraction: float = 0.75
    min_perimeter_coverage: float = 0.6
    coarse_tolerance_px: float = 2.5
    duplicate_fraction: float = 0.004
    max_candidates: int = 24
    coarse_area_slack: float = 0.7
    edge_search_fraction: float = 0.012
    edge_step_px: float = 2.0
    edge_peak_fraction: float = 0.3
    edge_outer_peak_fraction: float = 0.5
    edge_inlier_px: float = 1.0
    corner_exclusion_fraction: float = 0.05
    min_edge_support: float = 0.5
    min_edge_contrast: float = 8.0
    min_corner_angle_deg: float = 35.0
    corner_margin_px: float = 2.0
    focal_prior_fraction: float = 0.8
    focal_min_fraction: float = 0.4
    focal_max_fraction: float = 3.0
    card_focal_range: tuple[float, float] = (0.6, 1.2)
    principal_point_tolerance: float = 0.02
    aspect_tie_tolerance: float = 0.01
    manual_refine: bool = True
    manual_search_px: float = 8.0
    manual_min_side_px: float = 8.0
    manual_outside_fraction: float = 0.1
    manual_aspect_tolerance: float = 0.2
    paper_perspective: bool = True
    card_perspective: bool = True
    card_perspective_max_residual_mm: float = 1.0
    sheet_card_max_scale_diff: float = 0.05
    paper_min_area_fraction: float = 0.1
    max_paper_candidates: int = 3
    floor_lines_perspective: bool = True
    floor_line_work_px: int = 1000
    floor_line_min_length_fraction: float = 0.08
    floor_line_max_segments: int = 60
    floor_line_angle_tolerance_deg: float = 1.0
    floor_line_min_spacing_fraction: float = 0.1
    floor_line_min_family_angle_deg: float = 20.0
    floor_line_min_tilt_deg: float = 4.0
    floor_line_max_tilt_deg: float = 45.0
    floor_line_right_angle_tolerance_deg: float = 3.0
    floor_line_focal_range: tuple[float, float] = (0.6, 1.2)

    def __post_init__(self) -> None:
        _check_range(self, "plane_mm_per_px", 0.05, 5.0)
        _check_range(self, "min_area_fraction", 0.0, 1.0)
        _check_range(self, "card_min_area_fraction", 0.0, 1.0)
        _check_range(self, "aspect_tolerance", 0.0, 1.0)
        _check_range(self, "subpix_window_px", 1, 50)
        _check_range(self, "card_max_area_fraction", 0.0, 1.0)
        _check_range(self, "max_area_fraction", 0.0, 1.0)
        _check_range(self, "detect_long_side_px", 64, 4000)
        _check_range(self, "detect_median_px", 0, 10)
        _check_range(self, "detect_median_retry_px", -1, 10)
        _check_range(self, "retry_min_edge_contrast", 0.0, 255.0)
        _check_range(self, "solid_open_px", 0, 50)
        _check_range(self, "solid_max_hole_fraction", 0.0, 1.0)
        _check_range(self, "threshold_levels", 0, 32)
        _check_range(self, "min_fill_fraction", 0.0, 1.0)
        _check_range(self, "max_candidates", 1, 500)
        _check_range(self, "coarse_area_slack", 0.1, 1.0)
        _check_range(self, "edge_search_fraction", 0.001, 0.2)
        _check_range(self, "edge_step_px", 0.25, 50.0)
        _check_range(self, "edge_inlier_px", 0.05, 20.0)
        _check_range(self, "corner_exclusion_fraction", 0.0, 0.4)
        _check_range(self, "min_edge_support", 0.0, 1.0)
        _check_range(self, "min_corner_angle_deg", 0.0, 89.0)
        _check_range(self, "focal_prior_fraction", 0.05, 20.0)
        _check_range(self, "focal_min_fraction", 0.05, 20.0)
        _check_range(self, "focal_max_fraction", 0.05, 20.0)
        _check_range(self, "principal_point_tolerance", 0.0, 0.5)
        _check_range(self, "aspect_tie_tolerance", 0.0, 1.0)
        _check_range(self, "manual_search_px", 0.0, 200.0)
        _check_range(self, "paper_min_area_fraction", 0.0, 1.0)
        _check_range(self, "max_paper_candidates", 0, 50)
        _check_range(self, "floor_line_work_px", 64, 4000)
        _check_range(self, "floor_line_min_length_fraction", 0.0, 1.0)
        _check_range(self, "floor_line_max_segments", 2, 500)
        _check_range(self, "floor_line_angle_tolerance_deg", 0.01, 20.0)
        _check_range(self, "floor_line_min_spacing_fraction", 0.0, 1.0)
        _check_range(self, "floor_line_min_family_angle_deg", 0.0, 90.0)
        _check_range(self, "floor_line_min_tilt_deg", 0.0, 89.0)
        _check_range(self, "card_perspective_max_residual_mm", 0.0, 100.0)
        _check_range(self, "sheet_card_max_scale_diff", -1.0, 10.0)
        _check_range(self, "floor_line_max_tilt_deg", 0.0, 89.0)
        _check_range(self, "floor_line_right_angle_tolerance_deg", 0.0, 90.0)
        # stored parameters come back from JSON as a list
        for name in ("card_focal_range", "floor_line_focal_range"):
            span = tuple(map(float, getattr(self, name)))
            object.__setattr__(self, name, span)
            if len(span) != 2 or not 0.05 <= span[0] <= span[1] <= 20.0:
                raise ParameterError(
                    f"RectifyParams.{name}={span!r} must be "
                    "(shortest, longest) within [0.05, 20.0]; use e.g. (0.6, 1.2)."
                )


@dataclass(frozen=True)
class SegmentParams:
    """How the print is separated from its background.

    Attributes
    ----------
    sensitivity : float
        [1] -1..1. Positive values accept fainter contact as print, negative
        values demand stronger contact. 0 is the automatic (Otsu) threshold.
    background_scale_mm : float
        [mm] Gaussian sigma of the illumination estimate (normalised convolution
        over background pixels); soft shadows and light gradients vary over a
        few centimetres, the print is bridged by interpolation from around it.
    min_foot_area_mm2 : float
        [mm^2] Smallest blob counted as a foot when a scale is known
        (an adult sole is > 8000 mm^2; a toddler's ~ 3000 mm^2).
    min_foot_area_fraction : float
        [1] Smallest foot blob as a fraction of the analysed area when no scale
        is known.
    max_feet : int
        Largest number of feet reported per photo.
    grid_period_mm : float
        [mm] Podograph grid period; intensity is averaged over this to hide the grid.
    toe_link_mm : float
        [mm] Toe blobs within this distance of the sole are assigned to its foot
        (toe-to-ball gaps in prints are 3-10 mm). Without a scale, millimetres
        of the sole's own size (``segment.NOMINAL_SOLE_MM``).
    smooth_mm : float
        [mm] Radius of the opening/closing that removes speckle from the mask.
    second_look : bool
        When every print found on a floor by the darker-only pass is too
        unclear to measure, look once more for a print of either polarity
        (the water's sheen lights part of a wet print up) and keep it when
        anatomy shows whole feet. Off by default: on the held-out photos it
        scored 4 more of 120 but 3 of their 4 feet were more than 0.05 off
        (docs/accuracy.md).
    """

    sensitivity: float = 0.0
    background_scale_mm: float = 25.0
    min_foot_area_mm2: float = 2500.0
    min_foot_area_fraction: float = 0.01
    max_feet: int = 2
    grid_period_mm: float = 4.0
    toe_link_mm: float = 22.0
    smooth_mm: float = 1.0
    second_look: bool = False

    def __post_init__(self) -> None:
        _check_range(self, "sensitivity", -1.0, 1.0)
        _check_range(self, "background_scale_mm", 2.0, 1000.0)
        _check_range(self, "max_feet", 1, 10)


@dataclass(frozen=True)
class AnatomyParams:
    """How sole, toes, heel and axis are located.

    Attributes
    ----------
    toe_zone_fraction : float
        [1] A toe blob may lie at most ``1 + 2 x toe_zone_fraction`` sole lengths
        from the back of the heel along the axis (further blobs are not toes).
    min_toe_area_fraction : float
        [1] A toe blob must have at least this fraction of the sole area.
    min_quality : float
        [1] 0..1. A foot whose quality (print contrast x completeness of the
        anatomy, see ``FootResult.quality``) is below this is not measured: the
        photo gets ``UnclearPrintError`` (or, with another foot measured, a
        warning) instead of a made-up number. On generated development photos
        (seeds 3000-3079 and 4000-4079), 18 of the 19 feet measured below 0.4
        were wrong (arch index off by more than 0.02, or the wrong side), and
        every mark found in a photo without a print scored below 0.4.
        0 measures everything found.
    """

    toe_zone_fraction: float = 0.35
    min_toe_area_fraction: float = 0.002
    min_quality: float = 0.4

    def __post_init__(self) -> None:
        _check_range(self, "toe_zone_fraction", 0.05, 0.6)
        _check_range(self, "min_quality", 0.0, 1.0)


@dataclass(frozen=True)
class PressureParams:
    """How the relative contact-intensity map is made.

    The map is sampled like the rectified plane (``RectifyParams.plane_mm_per_px``
    with a reference), in the foot frame.

    Attributes
    ----------
    smooth_mm : float
        [mm] Gaussian smoothing of intensity inside the print.
    contact_level_percentile : float
        [percentile] The contact level of a continuous-tone (wet or ink) print:
        this low percentile of the smoothed intensity at least
        ``contact_level_inset_mm`` inside the print. It is subtracted before
        normalising, so a print whose darkness is ``a + b p`` (any contact
        marks, more load marks more) gives a map proportional to load above the
        lightest contact. 0 (default) keeps the darkness as found: on generated
        photos, 0.5 brought more feet's region shares within 5 points of the
        truth (23 -> 30 %) but fewer centres of pressure within 0.03
        (56 -> 43 %), see ``docs/pressure.md``. Not applied to podograph grid
        density, which is near 0 under light contact.
    contact_level_inset_mm : float
        [mm] Distance from the print's edge inside which the contact level is
        not read (the edge's pixels are only partly covered).
    """

    smooth_mm: float = 2.0
    contact_level_percentile: float = 0.0
    contact_level_inset_mm: float = 2.0

    def __post_init__(self) -> None:
        _check_range(self, "contact_level_percentile", 0.0, 50.0)
        _check_range(self, "contact_level_inset_mm", 0.0, 20.0)


@dataclass(frozen=True)
class CutoffPreset:
    """Cut-offs that turn an index value into a class, with their source.

    Values on the boundaries follow the definitions in ``docs/method.md``:
    AI <= ``ai_high_max`` is high, AI >= ``ai_flat_min`` is flat.
    """

    name: str
    label: str
    ai_high_max: float
    ai_flat_min: float
    csi_high_max: float
    csi_flat_min: float
    si_high_max: float
    si_flat_min: float
    clarke_flat_max_deg: float
    clarke_high_min_deg: float
    source: str


CUTOFF_PRESETS: dict[str, CutoffPreset] = {
    p.name: p
    for p in (
        CutoffPreset(
            name="adult",
            label="Adult",
            ai_high_max=0.21,
            ai_flat_min=0.26,
            csi_high_max=30.0,
            csi_flat_min=45.0,
            si_high_max=0.54,
            si_flat_min=0.89,
            clarke_flat_max_deg=31.0,
            clarke_high_min_deg=42.0,
            source=(
                "AI: Cavanagh & Rodgers 1987, J Biomech 20:547-551. CSI: adult defaults "
                "attributed to Forriol & Pascual 1990 (secondary). SI: Staheli et al. 1987, "
                "JBJS 69-A:426-428 (secondary defaults). Clarke: Clarke 1933; cut-offs vary "
                "between studies and are configurable."
            ),
        ),
        CutoffPreset(
            name="child_3_6",
            label="Child 3-6 years",
            ai_high_max=0.21,
            ai_flat_min=0.26,
            csi_high_max=30.0,
            csi_flat_min=62.7,
            si_high_max=0.54,
            si_flat_min=1.07,
            clarke_flat_max_deg=31.0,
            clarke_high_min_deg=42.0,
            source=(
                "Flat-foot cut-offs SI > 1.07 and CSI > 62.7 % at 3-6/3-7 y as summarised in "
                "shared/science.md (secondary; verify before relying on them). AI and Clarke: "
                "adult values, no validated child cut-off."
            ),
        ),
        CutoffPreset(
            name="child_6_9",
            label="Child 6-9 years",
            ai_high_max=0.21,
            ai_flat_min=0.26,
            csi_high_max=30.0,
            csi_flat_min=59.0,
            si_high_max=0.54,
            si_flat_min=1.28,
            clarke_flat_max_deg=31.0,
            clarke_high_min_deg=42.0,
            source=(
                "Flat-foot cut-offs SI >= 1.28 and CSI > 59 % at 6-9 y as summarised in "
                "shared/science.md (secondary). AI and Clarke: adult values."
            ),
        ),
        CutoffPreset(
            name="child_9_16",
            label="Child 9-16 years",
            ai_high_max=0.21,
            ai_flat_min=0.26,
            csi_high_max=30.0,
            csi_flat_min=40.0,
            si_high_max=0.54,
            si_flat_min=0.89,
            clarke_flat_max_deg=31.0,
            clarke_high_min_deg=42.0,
            source=(
                "Flat-foot cut-off CSI >= 40 % at 9-16 y as summarised in shared/science.md "
                "(secondary). SI, AI and Clarke: adult values."
            ),
        ),
    )
}


@dataclass(frozen=True)
class Params:
    """All parameters of one analysis; recorded in every result."""

    load: LoadParams = field(default_factory=LoadParams)
    rectify: RectifyParams = field(default_factory=RectifyParams)
    segment: SegmentParams = field(default_factory=SegmentParams)
    anatomy: AnatomyParams = field(default_factory=AnatomyParams)
    pressure: PressureParams = field(default_factory=PressureParams)
    cutoffs: str = "adult"

    def __post_init__(self) -> None:
        if self.cutoffs not in CUTOFF_PRESETS:
            raise ParameterError(
                f"Unknown cut-off preset {self.cutoffs!r}; choose one of "
                f"{', '.join(CUTOFF_PRESETS)}."
            )

    @property
    def preset(self) -> CutoffPreset:
        return CUTOFF_PRESETS[self.cutoffs]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Params:
        groups = {
            "load": LoadParams,
            "rectify": RectifyParams,
            "segment": SegmentParams,
            "anatomy": AnatomyParams,
            "pressure": PressureParams,
        }
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            if f.name in groups:
                # keep only the names this version knows: results stored by an
                # older version may carry parameters since removed
                known = {g.name for g in fields(groups[f.name])}
                values = {k: v for k, v in data[f.name].items() if k in known}
                kwargs[f.name] = groups[f.name](**values)
            else:
                kwargs[f.name] = data[f.name]
        return cls(**kwargs)

    def with_options(self, **options: Any) -> Params:
        """Return a copy with flat options applied, e.g. ``sensitivity=0.2``.

        A flat name is looked up in each group; ``cutoffs`` sets the preset.
        """
        new = self
        for key, value in options.items():
            if key == "cutoffs":
                new = replace(new, cutoffs=value)
                continue
            for group in ("load", "rectify", "segment", "anatomy", "pressure"):
                sub = getattr(new, group)
                if key in {f.name for f in fields(sub)}:
                    new = replace(new, **{group: replace(sub, **{key: value})})
                    break
            else:
                raise ParameterError(f"Unknown option {key!r}.")
        return new

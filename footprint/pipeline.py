"""The one place that chains the analysis steps.

``bytes/path --io--> RGB --rectify--> plane (+ mm/px) --segment--> print masks
--anatomy--> sole, toes, axis, side --midfoot--> a missed faint midfoot traced
--indices--> AI, CSI, SI, Clarke
--pressure--> contact-intensity map --> FootprintResult``
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any

import cv2
import numpy as np

from footprint import (
    __version__,
    anatomy,
    indices,
    midfoot,
    outline,
    pressure,
    rectify,
    segment,
    segment_grid,
)
from footprint.errors import AnatomyError, NoFootprintError, UnclearPrintError
from footprint.frame import FootFrame, make_frame
from footprint.io import LoadedImage, Source, load_image
from footprint.params import Params
from footprint.result import (
    FootGeometry,
    FootprintResult,
    FootResult,
    Provenance,
    clean_float,
)

log = logging.getLogger(__name__)

#: [mm] Margin around a card reference excluded from the print search (its shadow).
CARD_MARGIN_MM = 6.0
#: [1] Plausible print width (widest sole contact across the axis) over print
#: length (heel to longest toe). British adults' foot breadth is about 0.36-0.38
#: of foot length at the median (men 95 / 265 mm, women 90 / 240 mm, SD of
#: breadth ~6 mm: Pheasant & Haslegrave 2006, *Bodyspace*, 3rd ed.), children's
#: a little more, and a loaded foot spreads; a high arch's contact is narrower
#: than its breadth (the real emed recording in tests/data: 0.32). Outside this
#: wide range the outline has taken in something else (a stain, a floor line,
#: a sheet's edge) or lost part of the foot: on the development photos 7 of
#: the 8 feet measured outside it were wrong (docs/accuracy.md).
FOOT_WIDTH_TO_LENGTH = (0.25, 0.52)
#: [1] Quality factor of a print outside those proportions: below the default
#: gate (0.4) whatever its contrast; ``min_quality=0`` still measures it.
IMPLAUSIBLE_SHAPE_QUALITY = 0.35
#: [1] Quality factor of a print whose arch gap suggests a faint midfoot left
#: out (``midfoot.suspect_gap``): below the gate, like an implausible shape.
SUSPECT_MIDFOOT_QUALITY = 0.35
#: [1] Smallest share of a sole's outline that must run along a clear step in
#: darkness (``outline.edge_support``). Development photos 9400-9639: feet
#: measured right (arch index within 0.02, right side) 0.87-1.0 (1st
#: percentile 0.87); 9 of the 16 measured wrong (0.04 or more off, or the wrong
#: side) 0.68-0.83, their outline run into floor grain, a shadow or a stain.
MIN_EDGE_SUPPORT = 0.85
#: [1] Quality factor of a print whose outline follows no clear edge: below the
#: default gate, like an implausible shape.
WEAK_EDGE_QUALITY = 0.35
#: [mm/px] Coarsest plane sampling of the whole-floor plane used when the print lies
#: beside the sheet (keeps it near 1 MP).
FLOOR_PLANE_MM_PER_PX = 0.6


@dataclass(frozen=True)
class FootArrays:
    """Pixel data of one foot, for rendering and comparison (not serialised).

    All masks are in the plane image's pixels; ``frame`` maps plane (x, y) to
    the foot frame of :mod:`footprint.frame`. ``darkness`` is the signal the
    print was segmented from (shared by the feet of one photo, not a copy),
    which :func:`footprint.outline.edge_support` reads along the sole.
    """

    mask: np.ndarray
    sole: np.ndarray
    toes: np.ndarray
    intensity: np.ndarray
    frame: FootFrame
    sole_frame: np.ndarray
    intensity_frame: np.ndarray | None
    darkness: np.ndarray


@dataclass(frozen=True)
class Analysis:
    """A result together with the images it was measured on."""

    result: FootprintResult
    image: LoadedImage
    plane: rectify.Plane
    feet: tuple[FootArrays, ...]


def _work_to_full(
    rows_xy: np.ndarray | None, loaded: LoadedImage
) -> tuple[tuple[float, ...], ...] | None:
    """Rows of work-resolution coordinates (x, y, ...) as full-resolution
    pixels, pixel centres kept (``(v + 0.5) * scale - 0.5``); None stays None."""
    if rows_xy is None:
        return None
    full = (np.asarray(rows_xy, dtype=np.float64) + 0.5) * loaded.scale - 0.5
    return tuple(tuple(float(v) for v in row) for row in full)


def _plane_to_full(plane: rectify.Plane, loaded: LoadedImage, pts_xy: np.ndarray) -> np.ndarray:
    """Map plane (x, y) points to full-resolution input pixels."""
    pts = np.asarray(pts_xy, dtype=np.float64).reshape(-1, 1, 2)
    work = cv2.perspectiveTransform(pts, plane.plane_to_image).reshape(-1, 2)
    return (work + 0.5) * loaded.scale - 0.5


def _measure_foot(
    i: int,
    blob: segment.PrintBlob,
    plane: rectify.Plane,
    loaded: LoadedImage,
    params: Params,
    side_override: str | None,
    seg: segment.Segmentation,
) -> tuple[FootResult, FootArrays]:
    anat = anatomy.locate(blob.mask, params.anatomy, side_override=side_override)
    quality = float(np.clip(blob.quality * anat.quality, 0.0, 1.0))
    warnings_: list[str] = list(anat.warnings) + list(blob.warnings)
    # the foot is what anatomy accepted: sole and toes (stray blobs are dropped)
    foot_mask = anat.sole | anat.toes
    ys, xs = anatomy.mask_pixels(foot_mask)
    extent = np.column_stack([xs, ys]).astype(np.float64)
    frame = make_frame(anat.heel_xy, anat.toe_xy, anat.side, extent)
    sole_f = np.clip(frame.warp(anat.sole.astype(np.float32)), 0.0, 1.0)
    intensity = blob.intensity
    traced: tuple[tuple[tuple[float, float], ...], ...] = ()
    try:
        ai_first: float | None = indices.arch_index(sole_f)
    except ValueError:
        ai_first = None
    rec = midfoot.recover(
        plane.image,
        _without_card(plane),
        anat.sole,
        frame,
        sole_f,
        ai_first,
        seg.darkness,
        plane.mm_per_px,
        params.segment,
        either_polarity=seg.either_polarity,
    )
    if rec is not None:
        anat = replace(anat, sole=anat.sole | rec.added)
        foot_mask = anat.sole | anat.toes
        sole_f = np.clip(frame.warp(anat.sole.astype(np.float32)), 0.0, 1.0)
        intensity = np.where(rec.added, rec.intensity, blob.intensity)
        traced = _contours(rec.added)
        warnings_.append(
            "The midfoot printed faintly and was left out of the outline at first: the arch "
            "between heel and ball is darker than the floor around the foot "
            f"({100 * rec.gap_share:.0f} % of the sole's darkness), so the midfoot was traced "
            "from the darkness under it. Check its outline in the overlay."
        )
    else:
        suspect = midfoot.suspect_gap(seg.darkness, frame, sole_f, ai_first)
        if suspect is not None:
            quality *= SUSPECT_MIDFOOT_QUALITY
            warnings_.append(
                "The arch between heel and ball is darker than the floor around the foot "
                f"({100 * suspect:.0f} % of the sole's darkness): the midfoot may have printed "
                "too faintly to be outlined, and the arch index may read too low."
            )
    contact = _edge_contact(anat, plane)
    if contact == "cut":
        quality *= segment.CUT_OFF_QUALITY
        warnings_.append(segment.CUT_OFF_WARNING)
    elif contact == "lesser_toe":
        warnings_.append(LESSER_TOE_AT_EDGE_WARNING)
    print_f = np.clip(frame.warp(foot_mask.astype(np.float32)), 0.0, 1.0)
    length_px = indices.print_length(print_f)
    width_px = indices.print_width(sole_f)
    ratio = width_px / max(length_px, 1e-9)
    lo, hi = FOOT_WIDTH_TO_LENGTH
    if not lo <= ratio <= hi:
        quality *= IMPLAUSIBLE_SHAPE_QUALITY
        warnings_.append(
            f"The print is {100 * ratio:.0f} % as wide as it is long; feet are "
            f"{100 * lo:.0f}-{100 * hi:.0f} %. Its outline may take in a stain, a floor line "
            "or a sheet's edge, or miss part of the foot: check the overlay."
        )
    support = outline.edge_support(
        anat.sole, seg.darkness, segment_grid.nominal_px_per_mm(anat.sole.shape, plane.mm_per_px)
    )
    if support < MIN_EDGE_SUPPORT:
        quality *= WEAK_EDGE_QUALITY
        warnings_.append(
            f"Only {100 * support:.0f} % of the print's outline follows a clear edge "
            f"(prints traced well: {100 * MIN_EDGE_SUPPORT:.0f} % or more). It may run "
            "through floor grain, a shadow or a stain: check the overlay."
        )
    if quality < params.anatomy.min_quality:
        reasons = " ".join(warnings_)
        raise UnclearPrintError(
            f"A print-like mark was found, but it is too faint or unclear to measure "
            f"reliably (quality {quality:.2f}, below {params.anatomy.min_quality:.2f}). "
            f"{reasons} Retake the photo soon after stepping, in even light ({LIGHT_ADVICE}), "
            f"with the whole print in the frame on a surface it contrasts with."
        )
    preset = params.preset
    mm = plane.mm_per_px

    def safe(fn: Any, *args: Any) -> float | None:
        try:
            return clean_float(fn(*args))
        except ValueError as exc:
            warnings_.append(f"{fn.__name__.replace('_', ' ')} could not be measured: {exc}.")
            return None

    ai = safe(indices.arch_index, sole_f)
    csi = safe(indices.chippaux_smirak, sole_f)
    si = safe(indices.staheli, sole_f)
    try:
        clarke = indices.clarke_geometry(sole_f)
        clarke_deg: float | None = clean_float(clarke.angle_deg)
    except ValueError as exc:
        clarke, clarke_deg = None, None
        warnings_.append(f"Clarke's angle could not be measured: {exc}.")

    # geometry back in the plane
    t = indices.thirds(sole_f)
    c0, c1 = 0.0, float(frame.shape[1] - 1)
    lines_cr = [((c0, y), (c1, y)) for y in (t.top, t.a1, t.a2, t.bottom)]
    third_lines = tuple(
        tuple(tuple(float(v) for v in p) for p in frame.to_source(np.array(seg)))
        for seg in lines_cr
    )
    heel_back = frame.to_source(np.array([[frame.axis_col, t.bottom]]))[0]
    sole_front = frame.to_source(np.array([[frame.axis_col, t.top]]))[0]
    clarke_pts = None
    if clarke is not None:
        clarke_pts = tuple(
            tuple(float(v) for v in p)
            for p in frame.to_source(
                np.array([clarke.forefoot_tangent, clarke.concavity, clarke.heel_tangent])
            )
        )
    sole_outlines = sorted(
        _contours(anat.sole), key=lambda c: -cv2.contourArea(np.array(c, np.float32))
    )
    geometry = FootGeometry(
        outline_plane=sole_outlines[0] if sole_outlines else (),
        sole_pieces_plane=tuple(sole_outlines[1:]),
        toes_outline_plane=_contours(anat.toes),
        heel_centre_plane=(float(anat.heel_xy[0]), float(anat.heel_xy[1])),
        toe_tip_plane=(float(anat.toe_xy[0]), float(anat.toe_xy[1])),
        heel_back_plane=(float(heel_back[0]), float(heel_back[1])),
        sole_front_plane=(float(sole_front[0]), float(sole_front[1])),
        third_lines_plane=third_lines,  # type: ignore[arg-type]
        clarke_points_plane=clarke_pts,  # type: ignore[arg-type]
        traced_outline_plane=traced,
    )
    m = cv2.moments(foot_mask.astype(np.uint8), binaryImage=True)
    cx, cy = m["m10"] / m["m00"], m["m01"] / m["m00"]
    centroid_full = _plane_to_full(plane, loaded, np.array([[cx, cy]]))[0]

    pressure_result, intensity_f = pressure.analyse_pressure(
        intensity, anat, frame, sole_f, mm, params.pressure, grid=seg.scene == "podograph"
    )

    foot = FootResult(
        index=i,
        side=anat.side,
        side_confidence=clean_float(anat.side_confidence, 3) or 0.0,
        side_source=anat.side_source,
        axis_source=anat.axis_source,
        arch_index=ai,
        arch_type=None if ai is None else indices.classify_arch_index(ai, preset),
        chippaux_smirak=csi,
        csi_type=None if csi is None else indices.classify_csi(csi, preset),
        staheli=si,
        staheli_type=None if si is None else indices.classify_staheli(si, preset),
        clarke_angle_deg=clarke_deg,
        clarke_type=None if clarke_deg is None else indices.classify_clarke(clarke_deg, preset),
        foot_length_px=round(length_px, 3),
        foot_width_px=round(width_px, 3),
        foot_length_mm=None if mm is None else clean_float(length_px * mm, 2),
        foot_width_mm=None if mm is None else clean_float(width_px * mm, 2),
        centroid_x=round(float(centroid_full[0]), 2),
        centroid_y=round(float(centroid_full[1]), 2),
        quality=round(quality, 3),
        warnings=tuple(warnings_),
        geometry=geometry,
        pressure=pressure_result,
    )
    arrays = FootArrays(
        mask=foot_mask,
        sole=anat.sole,
        toes=anat.toes,
        intensity=intensity,
        frame=frame,
        sole_frame=sole_f,
        intensity_frame=intensity_f,
        darkness=seg.darkness,
    )
    return foot, arrays


def _odd_one_of_a_pair(feet: list[FootResult]) -> int | None:
    """Index of the foot to read as the other side of a pair, or None.

    Two prints in one photo are a person's left and right foot. When both
    read as the same side and exactly one of them is uncertain (side
    confidence below :data:`footprint.anatomy.SIDE_SURE_CONFIDENCE`, the
    level at which the user is asked to check), that one is the other foot:
    on the development photos where two feet read alike, the uncertain one
    was the wrong one every time (5 of 5).
    """
    if len(feet) != 2 or feet[0].side != feet[1].side:
        return None
    if any(f.side_source != "shape" for f in feet):
        return None
    unsure = [f.side_confidence < anatomy.SIDE_SURE_CONFIDENCE for f in feet]
    if sum(unsure) != 1:
        return None
    return unsure.index(True)


def _contours(mask: np.ndarray) -> tuple[tuple[tuple[float, float], ...], ...]:
    """Outer contours of every blob of ``mask`` as (x, y) point tuples."""
    if not mask.any():
        return ()
    cs, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    return tuple(tuple((float(x), float(y)) for x, y in c.reshape(-1, 2)) for c in cs)


def analyse_detailed(
    source: Source,
    params: Params | None = None,
    *,
    name: str | None = None,
    corners_xy: np.ndarray | None = None,
    reference_kind: str | None = None,
    side_overrides: dict[int, str] | None = None,
    **options: Any,
) -> Analysis:
    """Analyse a photo and keep the images behind the result.

    Parameters
    ----------
    source : path, bytes, file object or ndarray
        The photo.
    params : Params, optional
        All parameters; flat ``options`` (e.g. ``sensitivity=0.2``,
        ``cutoffs="child_6_9"``) override single values.
    name : str, optional
        Name recorded as the result's source.
    corners_xy : (4, 2) ndarray, optional
        Reference corners marked by hand, in full-resolution input pixels
        (TL, TR, BR, BL); requires ``reference_kind``.
    reference_kind : {'a4', 'letter', 'card'}, optional
        What the hand-marked corners outline.
    side_overrides : dict, optional
        ``{foot_index: 'left' | 'right'}`` to correct a detected side.

    Raises
    ------
    ImageLoadError, NoFootprintError, CalibrationError, AnatomyError
    """
    t0 = time.perf_counter()
    params = (params or Params()).with_options(**options)
    loaded = load_image(source, params.load)
    small = small_photo_warning(loaded.full_size, params.load.work_long_side_px)
    try:
        return _analyse_loaded(
            loaded, params, t0, small, name, corners_xy, reference_kind, side_overrides
        )
    except (NoFootprintError, AnatomyError) as exc:
        if small is None:
            raise
        # a refusal of a small photo says so: the original may be measured
        raise type(exc)(f"{exc.message} {small}") from exc


def _analyse_loaded(
    loaded: LoadedImage,
    params: Params,
    t0: float,
    small: str | None,
    name: str | None,
    corners_xy: np.ndarray | None,
    reference_kind: str | None,
    side_overrides: dict[int, str] | None,
) -> Analysis:
    """Everything :func:`analyse_detailed` does after loading the photo."""
    work_corners = None
    if corners_xy is not None:
        work_corners = (np.asarray(corners_xy, dtype=np.float64) + 0.5) / loaded.scale - 0.5
    plane = rectify.rectify(
        loaded.rgb, params.rectify, corners_xy=work_corners, kind=reference_kind
    )
    # where the print was looked for, to look again for one of either polarity
    search: dict[str, Any] | None = {"valid": _without_card(plane), "sheet": plane.sheet}
    seg = segment.segment(plane.image, params.segment, mm_per_px=plane.mm_per_px, **search)
    if not seg.feet and plane.sheet is not None and corners_xy is None:
        # a sheet laid beside a print on the floor: widen the plane to the floor around it
        wide = replace(
            params.rectify,
            cover_photo=True,
            plane_mm_per_px=max(params.rectify.plane_mm_per_px, FLOOR_PLANE_MM_PER_PX),
        )
        plane = rectify.rectify(loaded.rgb, wide)
        if plane.sheet is not None:
            # the sheet was searched: only the floor around it now (a lighter
            # patch of that floor is not another sheet)
            search = {"valid": _without_card(plane), "sheet": plane.sheet, "beside_sheet": True}
            seg = segment.segment(plane.image, params.segment, mm_per_px=plane.mm_per_px, **search)
    photo_warnings: list[str] = []
    if small is not None:
        photo_warnings.append(small)
    if not seg.feet and corners_xy is None:
        held = _print_on_card_shaped_sheet(loaded, params, plane)
        if held is not None:
            plane, seg = held
            search = None  # only the prints on the "card" are taken
            photo_warnings.append(
                "The sheet holding the print has a bank card's shape but is far larger than "
                "a card, so it was not used as the scale: lengths are in pixels. Lay a real "
                "card beside the print, or use an A4 or Letter sheet."
            )
    if not seg.feet:
        raise NoFootprintError(
            "No footprint was found in this photo. Make sure the whole print is in the frame, "
            f"lit evenly ({LIGHT_ADVICE}), and contrasts with the floor or paper; or raise the "
            "sensitivity."
        )
    measured = _measure_all(seg, plane, loaded, params, side_overrides)
    if (
        params.segment.second_look
        and not measured.feet
        and measured.unclear
        and seg.either_untried
        and search is not None
    ):
        # every print the darker-only pass found is too unclear to measure: on a
        # glossy floor the water's sheen can light part of a print up, so look
        # once more for a print of either polarity. A second look finds more
        # half prints (a forefoot alone, a heel joined to a sheen on the floor),
        # so it is kept only when anatomy shows whole feet (_whole_foot)
        again = segment.segment(
            plane.image, params.segment, mm_per_px=plane.mm_per_px, polarity="either", **search
        )
        if again.feet:
            remeasured = _measure_all(again, plane, loaded, params, side_overrides)
            if remeasured.feet and all(_whole_foot(f) for f in remeasured.feet):
                log.debug("either-polarity pass measured %d print(s)", len(remeasured.feet))
                seg, measured = again, remeasured
                photo_warnings.append(SECOND_LOOK_WARNING)
    feet, arrays, blobs = measured.feet, measured.arrays, measured.blobs
    errors, unclear = measured.errors, measured.unclear
    k = _odd_one_of_a_pair(feet) if not side_overrides else None
    if k is not None:
        other = "right" if feet[k].side == "left" else "left"
        # the same print, measured again as the other side (quality does not depend on it)
        foot, arr = _measure_foot(k, blobs[k], plane, loaded, params, other, seg)
        note = (
            f"Both prints read as {feet[k].side} feet, and this one's side was the less "
            f"certain, so it is taken as the {other} foot of the pair. If the photo shows "
            "two prints of the same foot, correct it."
        )
        feet[k] = replace(foot, side_source="pair", warnings=(*foot.warnings, note))
        arrays[k] = arr
    if not feet:
        if errors:
            raise AnatomyError(errors[0])
        if unclear:
            raise unclear[0]
        raise AnatomyError("The print could not be measured.")
    warnings_ = list(seg.warnings) + photo_warnings + list(plane_warnings(plane))
    if unclear:
        warnings_.append(
            f"{len(unclear)} more print-like mark(s) were too faint or unclear to measure "
            "and are not reported."
        )
    quality = float(min(f.quality for f in feet))
    result = FootprintResult(
        source=name or loaded.name,
        image_width=loaded.full_size[0],
        image_height=loaded.full_size[1],
        scene=seg.scene,
        scale_source=plane.scale_source,
        mm_per_px=clean_float(plane.mm_per_px),
        reference_corners=_work_to_full(
            None if plane.reference is None else plane.reference.corners_xy, loaded
        ),
        paper_corners=_work_to_full(plane.paper_xy, loaded),
        floor_lines=_work_to_full(
            None if plane.floor_lines is None else plane.floor_lines.segments_xy, loaded
        ),
        plane_to_image=tuple(tuple(float(v) for v in row) for row in plane.plane_to_image),
        feet=tuple(feet),
        quality=round(quality, 3),
        warnings=tuple(warnings_),
        provenance=Provenance(
            package_version=__version__,
            input_sha256=loaded.sha256,
            params=params.to_dict(),
            analysed_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            duration_ms=round((time.perf_counter() - t0) * 1000.0, 1),
            opencv_version=cv2.__version__,
            numpy_version=np.__version__,
        ),
        extra={"work_scale": loaded.scale},
    )
    return Analysis(result=result, image=loaded, plane=plane, feet=tuple(arrays))


def small_photo_warning(full_size: tuple[int, int], work_long_side_px: int) -> str | None:
    """A warning for a photo with fewer pixels than the analysis works at, else None.

    The analysis works at ``work_long_side_px`` on the long side
    (:class:`~footprint.params.LoadParams`); a smaller photo is analysed as it
    is. On the development photos 9400-9639 rendered at 1024 x 768, 6 of 204
    measured feet were more than 0.05 off or on the wrong side (6 of 220 at
    2016 x 1512); at 800 x 600, 11 of 205 (docs/accuracy.md).
    """
    w, h = full_size
    if max(w, h) >= work_long_side_px:
        return None
    return (
        f"The photo is small ({w} x {h} pixels): the analysis is made for at least "
        f"{work_long_side_px} pixels on the long side, and on smaller photos prints are "
        "outlined less reliably. Use the original photo from the phone if you can, not a copy "
        "sent through a messaging app."
    )


#: What even light means in the refusals: the two causes that lose wet prints
#: most on the development photos (docs/accuracy.md, twenty-sixth session).
LIGHT_ADVICE = "no shadow of the phone and no lamp's shine on the wet print"


#: Said of every print measured on the either-polarity second look
#: (``SegmentParams.second_look``): on the held-out photos such prints were
#: measured less precisely than the rest.
SECOND_LOOK_WARNING = (
    "The print was found on a second look, for a print partly lighter than the floor "
    "(where the light's sheen falls on the wet print); such prints are measured less "
    "precisely: check its outline in the overlay."
)


def _whole_foot(foot: FootResult) -> bool:
    """Anatomy shows a whole foot: toes found and the side sure.

    The test a print from the either-polarity second look must pass: its toes
    give the heel-to-second-toe axis (a forefoot or a heel alone has none), and
    the hallux and the arch's concavity agree on the side
    (``side_confidence >= anatomy.SIDE_SURE_CONFIDENCE``), which they do not
    when the outline took in a sheen or lost the arch. On development photos
    (wet tile, wood, concrete; seeds 8200-8239) the second look found toes on
    9 photos the first could not measure: the 7 with a sure side were
    0.004-0.048 off but one (0.133); the 2 with an unsure side were 0.16 and
    0.27 off. Without toes, a forefoot alone was taken for a foot (0.19 off).
    """
    return foot.axis_source == "second_toe" and foot.side_confidence >= anatomy.SIDE_SURE_CONFIDENCE


#: Said of a print whose only part at the edge of the photo or sheet is a
#: lesser toe (:func:`_edge_contact`).
LESSER_TOE_AT_EDGE_WARNING = (
    "A lesser toe touches the edge of the photo or sheet and may be cut off; the heel, "
    "sole, hallux and second toe are inside it, so the measurements do not depend on it."
)
#: [mm] The toe blob nearest the axis' toe tip holds it when it lies this close.
TOE_TIP_REACH_MM = 3.0


def _sheet_margin(anat: anatomy.Anatomy, plane: rectify.Plane) -> np.ndarray | None:
    """The floor searched around the reference sheet, for a print that lies beside it.

    :func:`segment.floor_beside_sheet` around the toes; ``None`` when the
    plane has no sheet or scale, the foot no toes, or the sole lies mostly
    on the sheet (a print on the sheet).
    """
    sheet = plane.sheet
    if sheet is None or not plane.mm_per_px or not anat.toes.any() or not anat.sole.any():
        return None
    if (anat.sole & sheet).sum() >= 0.5 * anat.sole.sum():
        return None
    return segment.floor_beside_sheet(plane.valid, sheet, plane.mm_per_px, anat.toes)


def _edge_contact(anat: anatomy.Anatomy, plane: rectify.Plane) -> str:
    """Which part of a foot reaches the edge of the photo or sheet.

    Returns ``"cut"`` when the sole does, or a toe that holds the foot axis'
    tip or is the largest (the hallux), or any toe when the axis is not the
    second toe's or its tip lies more than ``TOE_TIP_REACH_MM`` from every
    toe blob: the length, the thirds or the axis may then be wrong
    (``segment.CUT_OFF_QUALITY``). ``"lesser_toe"`` when only other toe blobs
    do: toes are left out of the arch index, and the hallux and second toe,
    which set the length and the axis, are whole. ``"none"`` otherwise.
    Stray blobs anatomy did not take as sole or toes are not judged.

    For a print on the floor beside the reference sheet, toes reaching the
    sheet's shaded margin (:func:`_sheet_margin`) count as at the edge too:
    a toe there may be cut by the sheet, or be a piece of the sheet's shade
    taken for a toe (development seeds 9473 and 9530: the toe holding the
    axis, or the hallux, joined to the shade; 0.138 and 0.040 off, lengths
    6 and 10 % long). A sole grazing the margin is not judged by it: of the
    feet measured right beside a sheet, several do (development 9400-9639
    and 6500-6739), and a sole loses little outline there.
    """

    def touches(part: np.ndarray) -> bool:
        return segment.touches_border(part, plane.valid, plane.mm_per_px)

    if touches(anat.sole):
        return "cut"
    margin = _sheet_margin(anat, plane)

    def toe_touches(part: np.ndarray) -> bool:
        if touches(part):
            return True
        return margin is not None and segment.touches_frame(part, margin, plane.mm_per_px)

    if not anat.toes.any() or not toe_touches(anat.toes):
        return "none"
    if anat.axis_source != "second_toe":
        return "cut"
    _, labels, stats, _ = cv2.connectedComponentsWithStats(
        anat.toes.astype(np.uint8), connectivity=8
    )
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    # the toe holding the axis' tip: the blob nearest to it
    ys, xs = np.nonzero(labels)
    d = np.hypot(xs - anat.toe_xy[0], ys - anat.toe_xy[1])
    reach_px = TOE_TIP_REACH_MM * segment_grid.nominal_px_per_mm(labels.shape, plane.mm_per_px)
    nearest = int(np.argmin(d))
    if d[nearest] > reach_px:  # the tip is on no toe blob: which toe holds the axis is unknown
        return "cut"
    at_tip = int(labels[ys[nearest], xs[nearest]])
    if any(toe_touches(labels == k) for k in {largest, at_tip}):
        return "cut"
    return "lesser_toe"


@dataclass
class _Measured:
    """The prints of one segmentation that measured, and why the others did not."""

    feet: list[FootResult]
    arrays: list[FootArrays]
    blobs: list[segment.PrintBlob]
    errors: list[str]
    unclear: list[UnclearPrintError]


def _measure_all(
    seg: segment.Segmentation,
    plane: rectify.Plane,
    loaded: LoadedImage,
    params: Params,
    side_overrides: dict[int, str] | None,
) -> _Measured:
    """:func:`_measure_foot` on every print of ``seg``; unclear and failed ones are kept apart."""
    out = _Measured([], [], [], [], [])
    for blob in seg.feet:
        i = len(out.feet)
        try:
            foot, arr = _measure_foot(
                i, blob, plane, loaded, params, (side_overrides or {}).get(i), seg
            )
        except UnclearPrintError as exc:
            out.unclear.append(exc)
            continue
        except AnatomyError as exc:
            out.errors.append(str(exc))
            continue
        out.feet.append(foot)
        out.arrays.append(arr)
        out.blobs.append(blob)
    return out


def _print_on_card_shaped_sheet(
    loaded: LoadedImage, params: Params, plane: rectify.Plane
) -> tuple[rectify.Plane, segment.Segmentation] | None:
    """The prints lying *on* what was taken for a bank card, if any.

    An index card or a cut sheet can have a card's aspect ratio (1.586). Taken
    for an ID-1 card, it sets a scale about three times too fine, and the
    card's area, where the print lies, is kept out of the search. When that
    search found nothing, the photo is segmented once more without a
    reference; prints whose centre lies inside the "card" show that it was a
    sheet (a bank card is 85.6 mm long: no foot's print fits on one), and
    they are measured in pixels. Prints elsewhere are not taken: the card was
    a real one and they had been refused at its scale.
    """
    ref = plane.reference
    if ref is None or ref.kind != "card":
        return None
    bare = rectify.rectify(loaded.rgb, replace(params.rectify, enabled=False))
    seg = segment.segment(bare.image, params.segment, mm_per_px=None, valid=bare.valid)
    quad = np.asarray(ref.corners_xy, np.float32).reshape(-1, 1, 2)
    on_card = []
    for blob in seg.feet:
        m = cv2.moments(blob.mask.astype(np.uint8), binaryImage=True)
        if m["m00"] <= 0:
            continue
        xy = cv2.perspectiveTransform(
            np.array([[[m["m10"] / m["m00"], m["m01"] / m["m00"]]]]), bare.plane_to_image
        )[0, 0]
        if cv2.pointPolygonTest(quad, (float(xy[0]), float(xy[1])), False) > 0:
            on_card.append(blob)
    if not on_card:
        return None
    log.debug("card-shaped sheet holds %d print(s): measured in pixels", len(on_card))
    return bare, replace(seg, feet=tuple(on_card))


def _without_card(plane: rectify.Plane) -> np.ndarray:
    """Valid plane pixels minus a card reference (with a margin): a card is no foot."""
    valid = plane.valid.copy()
    ref = plane.reference
    if ref is None or ref.kind != "card":
        return valid
    pts = cv2.perspectiveTransform(
        np.asarray(ref.corners_xy, np.float64).reshape(-1, 1, 2), plane.image_to_plane
    ).reshape(-1, 2)
    centre = pts.mean(axis=0)
    grow = CARD_MARGIN_MM / (plane.mm_per_px or 1.0)
    dirs = pts - centre
    pts = pts + dirs / np.linalg.norm(dirs, axis=1, keepdims=True) * grow
    card = np.zeros(valid.shape, np.uint8)
    cv2.fillConvexPoly(card, np.round(pts).astype(np.int32), 1)
    return valid & ~card.astype(bool)


_NO_SCALE = "No A4/Letter sheet or bank card was found, so lengths are in pixels only. "
_FOR_MM = "For millimetres, lay a bank card beside the print or use an A4 or Letter sheet."


_SHEET_NAMES = {"a4": "an A4", "letter": "a US Letter"}


def plane_warnings(plane: rectify.Plane) -> list[str]:
    refused = plane.refused_sheet
    if refused is not None:
        return [
            f"The paper has the shape of {_SHEET_NAMES[refused.kind]} sheet, but the bank card "
            f"beside it measures {refused.card_scale:.2f} times a card's size on it: the paper "
            "is another size (A5 and A3 sheets have A4's shape), so the card gave the scale "
            "and the paper only the perspective. Check that the card is a real bank card."
        ]
    if plane.mm_per_px is None and plane.paper_xy is not None:
        return [
            _NO_SCALE + "The perspective was taken from the corners of a rectangle on the floor, "
            "the paper under the print or a tile (drawn grey on the photo); check that it is "
            "one. " + _FOR_MM
        ]
    lines = plane.floor_lines
    if plane.mm_per_px is None and lines is not None:
        if np.allclose(plane.image_to_plane, np.eye(3)):  # nearly straight above: not warped
            return [
                _NO_SCALE + "Two sets of straight floor lines at right angles, such as tile "
                "joints (drawn violet on the photo), show it was taken from nearly straight "
                f"above ({lines.tilt_deg:.0f} degree tilt), so the perspective needs no "
                "correction. " + _FOR_MM
            ]
        return [
            _NO_SCALE + f"The perspective (a {lines.tilt_deg:.0f} degree tilt) was taken from "
            "two sets of straight floor lines at right angles, such as tile joints (drawn violet "
            "on the photo); check that they are lines on the floor. " + _FOR_MM
        ]
    if plane.mm_per_px is None:
        return [
            "No A4/Letter sheet or bank card was found, so lengths are in pixels only and "
            "perspective is not corrected. Put the print on a sheet of paper or lay a bank "
            "card beside it."
        ]
    return []


def analyse(source: Source, params: Params | None = None, **kwargs: Any) -> FootprintResult:
    """Analyse a photo of one or two footprints.

    Returns a :class:`~footprint.result.FootprintResult`; see
    :func:`analyse_detailed` for the parameters.
    """
    return analyse_detailed(source, params, **kwargs).result

"""A print cut by the photo's edge is flagged in a rectified plane too, and refused by default.

In a rectified plane the photo's edge is the edge of ``Plane.valid``, not of
the plane image; the pipeline flags a foot (as anatomy accepted it) that
reaches it (``segment.touches_frame``) like a print at the image's edge
(``CUT_OFF_WARNING``, quality times ``CUT_OFF_QUALITY``, which puts it below
the default gate).
"""

from __future__ import annotations

import numpy as np
import pytest

from footprint import anatomy, pipeline, rectify, segment, synth
from footprint.errors import UnclearPrintError
from footprint.params import Params
from footprint.segment import CUT_OFF_QUALITY, CUT_OFF_WARNING

MM_PER_PX = 0.5


def _mask(x0: int) -> np.ndarray:
    mask = np.zeros((400, 600), bool)
    mask[150:250, x0 : x0 + 200] = True
    return mask


def _frame() -> np.ndarray:
    frame = np.zeros((400, 600), bool)
    frame[:, 100:] = True  # the photo covers x >= 100 of the plane
    return frame


def test_a_print_at_the_frames_edge_touches_it() -> None:
    # the search region is inset 1.5 mm (3 px) from its border: a print the
    # frame cuts ends there
    assert segment.touches_frame(_mask(103), _frame(), MM_PER_PX)


def test_a_print_clear_of_the_frame_does_not() -> None:
    assert not segment.touches_frame(_mask(120), _frame(), MM_PER_PX)  # 10 mm inside
    # a plane the photo covers whole has no frame edge inside it
    assert not segment.touches_frame(_mask(0), np.ones((400, 600), bool), MM_PER_PX)


def test_a_heel_cut_by_the_photo_beside_a_card_is_flagged() -> None:
    # development seed 8450 (wet print on dark tile, card): the photo's left
    # edge cuts the heel; in the card's rectified plane that edge is inside
    # the plane image, and the print passed as whole (quality 0.92, 0.11 off)
    photo = synth.render_photo(8450, scene="wet_tile_dark", reference="card", size=(2016, 1512))
    result = pipeline.analyse(photo.jpeg, min_quality=0.0)
    assert result.scale_source == "card"
    assert any(CUT_OFF_WARNING in f.warnings for f in result.feet)
    assert min(f.quality for f in result.feet) <= CUT_OFF_QUALITY
    # by default it is refused, and the reason says why
    with pytest.raises(UnclearPrintError, match="cut off"):
        pipeline.analyse(photo.jpeg)


def test_a_cut_print_is_below_the_default_gate_whatever_its_quality() -> None:
    assert CUT_OFF_QUALITY < Params().anatomy.min_quality


# -- which part reaches the edge (pipeline._edge_contact) ----------------------
# A right foot pointing up in a 400 x 600 plane at 0.5 mm/px: a sole, then the
# toe row (hallux largest, on the medial = left side of a right foot, the
# second toe holding the axis' tip), the fifth toe at x = 246..254.


def _anatomy(axis_source: str = "second_toe") -> anatomy.Anatomy:
    sole = np.zeros((400, 600), bool)
    sole[150:380, 130:250] = True
    toes = np.zeros((400, 600), bool)
    for x0, x1, y0 in ((132, 162, 110), (168, 184, 104), (190, 204, 112), (212, 226, 120)):
        toes[y0:140, x0:x1] = True  # hallux, second, third, fourth
    toes[128:144, 246:254] = True  # the fifth toe, out at the side
    return anatomy.Anatomy(
        sole=sole,
        toes=toes,
        heel_xy=(190.0, 370.0),
        toe_xy=(176.0, 104.0),  # the second toe's tip
        side="right",
        side_confidence=0.9,
        side_source="hallux",
        axis_source=axis_source,
        n_toes=5,
        quality=1.0,
        warnings=(),
    )


def _plane(valid: np.ndarray, sheet: np.ndarray | None = None) -> rectify.Plane:
    return rectify.Plane(
        image=np.zeros((*valid.shape, 3), np.uint8),
        mm_per_px=MM_PER_PX,
        scale_source="a4",
        image_to_plane=np.eye(3),
        plane_to_image=np.eye(3),
        reference=None,
        valid=valid,
        sheet=sheet,
    )


def _sheet(rows: slice = slice(None), cols: slice = slice(None)) -> np.ndarray:
    sheet = np.zeros((400, 600), bool)
    sheet[rows, cols] = True
    return sheet


def _frame_from(x: int) -> np.ndarray:
    """The photo covers the plane left of ``x`` only."""
    valid = np.zeros((400, 600), bool)
    valid[:, :x] = True
    return valid


def test_a_foot_clear_of_the_frame_is_whole() -> None:
    assert pipeline._edge_contact(_anatomy(), _plane(_frame_from(300))) == "none"


def test_only_a_lesser_toe_at_the_frame_costs_no_quality() -> None:
    # the photo's edge 2 px right of the fifth toe: it may be cut, nothing measured is
    assert pipeline._edge_contact(_anatomy(), _plane(_frame_from(257))) == "lesser_toe"


def test_the_sole_hallux_or_axis_toe_at_the_edge_is_a_cut_print() -> None:
    ana = _anatomy()
    # the photo's edge through the sole's side (and the fifth toe)
    assert pipeline._edge_contact(ana, _plane(_frame_from(252))) == "cut"
    # the photo's top edge just above the second toe's tip, the other toes clear
    valid = np.ones((400, 600), bool)
    valid[:101] = False
    assert pipeline._edge_contact(ana, _plane(valid)) == "cut"
    # the hallux at the photo's left edge
    valid = np.ones((400, 600), bool)
    valid[:, :129] = False
    assert pipeline._edge_contact(ana, _plane(valid)) == "cut"


def test_without_the_second_toes_axis_any_toe_at_the_edge_is_a_cut() -> None:
    ana = _anatomy(axis_source="principal_axis")
    assert pipeline._edge_contact(ana, _plane(_frame_from(257))) == "cut"


def test_a_lesser_toe_at_the_photos_edge_is_measured() -> None:
    # development seed 8729 (wet print on light tile, A4 sheet): the fifth toe
    # reaches the photo's edge; the foot was refused as cut off (quality 0.26,
    # 0.008 off), and is measured now, with a note saying why it is trusted
    photo = synth.render_photo(8729, scene="wet_tile_light", reference="a4", size=(2016, 1512))
    result = pipeline.analyse(photo.jpeg)
    (foot,) = result.feet
    (truth,) = photo.feet
    assert pipeline.LESSER_TOE_AT_EDGE_WARNING in foot.warnings
    assert CUT_OFF_WARNING not in foot.warnings
    assert abs(foot.arch_index - truth.arch_index) <= 0.02
    assert abs(foot.foot_length_mm / truth.foot_length_mm - 1.0) <= 0.02


# -- a print on the floor beside the reference sheet ----------------------------
# The floor is searched outside the sheet grown by its shaded rim (8 mm = 16 px
# here), and 1.5 mm further in: that margin is an edge for the toes.
def test_toes_against_the_sheets_margin_are_a_cut_print() -> None:
    whole = np.ones((400, 600), bool)
    # the sheet above the toes: its margin ends at y = 100, 4 px above the
    # second toe's tip (y = 104) that holds the axis
    assert pipeline._edge_contact(_anatomy(), _plane(whole, _sheet(rows=slice(0, 84)))) == "cut"
    # the sheet to the right: its margin ends 5 px right of the fifth toe only
    sheet = _sheet(cols=slice(274, None))
    assert pipeline._edge_contact(_anatomy(), _plane(whole, sheet)) == "lesser_toe"
    # the same sheet 10 mm further off: the foot is whole
    sheet = _sheet(cols=slice(294, None))
    assert pipeline._edge_contact(_anatomy(), _plane(whole, sheet)) == "none"


def test_a_sole_grazing_the_sheets_margin_or_a_print_on_the_sheet_is_whole() -> None:
    whole = np.ones((400, 600), bool)
    # the sheet below the heel, its margin 4 px from the sole: not judged (feet
    # measured right beside a sheet often graze it, and lose little outline)
    sheet = _sheet(rows=slice(399, None))
    assert pipeline._edge_contact(_anatomy(), _plane(whole, sheet)) == "none"
    # a print on the sheet: the sheet's edge beyond the toes is no margin
    sheet = _sheet(rows=slice(84, None))
    assert pipeline._edge_contact(_anatomy(), _plane(whole, sheet)) == "none"


def test_a_sheets_shade_taken_for_a_toe_is_refused_not_measured_wrong() -> None:
    # development seed 9530 (wet print on dark tile beside an A4 sheet): a
    # wedge of the sheet's shade, joined to the hallux along a grout line, was
    # taken for toes: 0.040 off, the length 10 % long, at quality 0.76
    # (measured with the gate off: below it, which refuses it by default)
    photo = synth.render_photo(9530, scene="wet_tile_dark", reference="a4", size=(2016, 1512))
    result = pipeline.analyse(photo.jpeg, min_quality=0.0)
    (foot,) = result.feet
    assert CUT_OFF_WARNING in foot.warnings
    assert foot.quality < Params().anatomy.min_quality

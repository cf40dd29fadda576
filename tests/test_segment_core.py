"""A print widened by a stain or floor mark joined through a neck is still judged as a foot.

``segment._foot_like`` judges a squat mask by its core: the opening by a disk
``FOOT_CORE_RADIUS_MM`` wide, which drops what hangs on by a narrow neck. A
round or square stain has a squat core too and stays out.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from footprint import pipeline, segment, synth
from footprint.errors import FootprintError

MM = 0.5  # mm per px of the drawn masks


def _sole_on_canvas() -> np.ndarray:
    shape = synth.make_foot(np.random.default_rng(7), mm_per_px=MM)
    sole = shape.sole >= 0.5
    canvas = np.zeros((sole.shape[0] + 200, sole.shape[1] + 300), bool)
    canvas[100 : 100 + sole.shape[0], 100 : 100 + sole.shape[1]] = sole
    return canvas


def _no_border(mask: np.ndarray) -> np.ndarray:
    return np.zeros_like(mask)


def test_a_mark_joined_by_a_neck_does_not_unmake_the_foot() -> None:
    sole = _sole_on_canvas()
    ys, xs = np.nonzero(sole)
    ball_row = int(np.percentile(ys, 20))
    edge = int(xs[ys == ball_row].max())
    stain = np.zeros(sole.shape, np.uint8)
    # a streak 12 mm wide running 80 mm out from the ball's edge (a floor mark)
    top, bottom = ball_row - int(6 / MM), ball_row + int(6 / MM)
    cv2.rectangle(stain, (edge - 5, top), (edge + int(80 / MM), bottom), 1, -1)
    joined = sole | stain.astype(bool)
    elong, _ = segment._elongation(joined.astype(np.uint8))
    assert elong < segment.FOOT_MIN_ELONGATION  # squat as a whole: refused before
    assert segment._foot_like(joined, MM, _no_border(joined))
    assert segment._foot_like(sole, MM, _no_border(sole))


@pytest.mark.parametrize("shape", ["disk", "square"])
def test_a_squat_stain_is_still_not_a_foot(shape: str) -> None:
    m = np.zeros((800, 800), np.uint8)
    if shape == "disk":
        cv2.circle(m, (400, 400), int(60 / MM), 1, -1)
    else:
        cv2.rectangle(m, (250, 250), (250 + int(110 / MM), 250 + int(100 / MM)), 1, -1)
    mask = m.astype(bool)
    assert not segment._foot_like(mask, MM, _no_border(mask))
    assert not segment._foot_like(mask, None, _no_border(mask))


def test_a_print_beside_a_sheet_with_a_concrete_blotch_on_it_is_measured() -> None:
    # development seed 5068 (wet print on concrete beside an A4 sheet): a
    # blotch of the concrete joined the ball, the print was squat and the
    # photo "had no footprint"; now measured 0.005 off
    photo = synth.render_photo(5068, scene="wet_concrete", reference="a4", size=(2016, 1512))
    truth = synth.foot_truth(photo.feet[0].shape)
    result = pipeline.analyse(photo.jpeg)
    assert len(result.feet) == 1
    assert abs(result.feet[0].arch_index - truth["arch_index"]) <= 0.02


def test_a_shadow_cut_by_the_frame_is_not_rescued_as_a_foot() -> None:
    # development no-print photo 55026 (dark tile, card): a squat region of
    # shadow along two edges of the frame, whose core is elongated. The core
    # is judged only for a print clear of the photo's and the sheet's edges
    photo = synth.no_print_photo(55026, scene="wet_tile_dark", reference="card", size=(2016, 1512))
    with pytest.raises(FootprintError):
        pipeline.analyse(photo.jpeg)

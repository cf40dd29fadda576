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

from footprint import pipeline, segment, synth
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

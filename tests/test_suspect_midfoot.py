"""A sole whose arch gap is darker than the floor is refused, not measured too low.

A wet print's midfoot can print too faintly to be outlined. Below an arch
index of 0.08 ``midfoot.recover`` traces it from the darkness under it; from
0.08 up to 0.2 (a thin lateral band printed) tracing also added a midfoot to
prints measured right, so there ``midfoot.suspect_gap`` only flags the print:
when the gap between heel and ball is darker than the floor around the foot
(``g`` >= ``SUSPECT_MIN_GAP_DARKNESS``) the arch index likely reads too low,
and the print's quality falls below the gate with a warning that says why.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from footprint import midfoot, pipeline, synth
from footprint.errors import UnclearPrintError
from footprint.frame import FootFrame, make_frame

SIZE = (2016, 1512)


def test_a_wet_print_whose_faint_midfoot_was_left_out_is_refused() -> None:
    # development seed 8728 (wet print on kraft paper): the faint midfoot is
    # left out and the arch index reads 0.103 against a true 0.280 at quality 0.76
    photo = synth.render_photo(8728, scene="wet_kraft", reference="a4", size=SIZE)
    with pytest.raises(UnclearPrintError, match="midfoot may have printed too faintly"):
        pipeline.analyse(photo.jpeg)
    forced = pipeline.analyse(photo.jpeg, min_quality=0.0)
    assert len(forced.feet) == 1
    foot = forced.feet[0]
    assert foot.arch_index < photo.feet[0].arch_index - 0.1  # what it would have said
    assert any("midfoot may have printed too faintly" in w for w in foot.warnings)


def _frame_and_sole(gap_darkness: float) -> tuple[np.ndarray, FootFrame, np.ndarray]:
    """A drawn high-arched sole (heel, ball, thin lateral band) on a floor whose
    arch gap has the given darkness; darkness 0.3 on the sole."""
    h, w = 400, 200
    sole = np.zeros((h, w), np.uint8)
    cv2.ellipse(sole, (100, 330), (45, 55), 0, 0, 360, 1, -1)  # heel
    cv2.ellipse(sole, (100, 90), (70, 60), 0, 0, 360, 1, -1)  # ball
    cv2.rectangle(sole, (150, 100), (165, 320), 1, -1)  # thin lateral band
    dark = np.where(sole > 0, 0.3, 0.0).astype(np.float32)
    hull = cv2.fillConvexPoly(np.zeros_like(sole), cv2.convexHull(np.argwhere(sole)[:, ::-1]), 1)
    dark[(hull > 0) & (sole == 0)] = gap_darkness
    pts = np.argwhere(sole)[:, ::-1].astype(float)
    frame = make_frame((100.0, 385.0), (100.0, 30.0), "right", pts)
    sole_f = np.clip(frame.warp(sole.astype(np.float32)), 0.0, 1.0)
    return dark, frame, sole_f


def test_only_a_dark_gap_in_the_suspect_range_is_flagged() -> None:
    dark, frame, sole_f = _frame_and_sole(0.1)  # a third of the sole's darkness
    assert midfoot.suspect_gap(dark, frame, sole_f, 0.12) == pytest.approx(1 / 3, abs=0.08)
    assert midfoot.suspect_gap(dark, frame, sole_f, 0.05) is None  # traced instead
    assert midfoot.suspect_gap(dark, frame, sole_f, 0.25) is None  # a full midfoot
    floor, frame, sole_f = _frame_and_sole(0.0)  # a true high arch: the gap is floor
    assert midfoot.suspect_gap(floor, frame, sole_f, 0.12) is None

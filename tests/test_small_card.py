"""A bank card far from the phone is still the scale.

A photo framing a sheet with both prints and a card beside it can show the
card at well under half a per cent of its area. Cards were searched down to
0.4 % of the photo (``card_min_area_fraction``); development photo 9550 shows
one at 0.38 % (about 74 px long at the 1000 px work resolution), whose
lengths were therefore in pixels only. From 0.3 % it is found, its corners
within a fraction of a pixel, and the foot is measured within 1 %.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from footprint import io, pipeline, rectify, synth
from footprint.params import Params

SEED, SCENE = 9550, "ink_blue"


@pytest.fixture(scope="module")
def photo() -> synth.SynthPhoto:
    return synth.render_photo(SEED, scene=SCENE, reference="card", size=(2016, 1512))


def test_the_small_card_is_found_with_sub_pixel_corners(photo: synth.SynthPhoto) -> None:
    params = Params()
    loaded = io.load_image(photo.jpeg, params.load)
    true_xy = (photo.reference_corners_xy + 0.5) / loaded.scale - 0.5
    (ax, ay), (bx, by) = true_xy[2] - true_xy[0], true_xy[3] - true_xy[1]
    area = abs(ax * by - ay * bx) / 2  # half the cross product of the diagonals
    assert area / (loaded.rgb.shape[0] * loaded.rgb.shape[1]) < 0.004  # smaller than the old limit
    plane = rectify.rectify(loaded.rgb, params.rectify)
    assert plane.scale_source == "card"
    found = plane.reference.corners_xy
    error = min(np.abs(np.roll(found, k, axis=0) - true_xy).max() for k in range(4))
    assert error < 0.5
    old = replace(params.rectify, card_min_area_fraction=0.004)
    assert rectify.rectify(loaded.rgb, old).scale_source == "none"


def test_the_foot_beside_a_small_card_is_measured_within_1_percent(
    photo: synth.SynthPhoto,
) -> None:
    result = pipeline.analyse_detailed(photo.jpeg).result
    assert result.scale_source == "card"
    (foot,) = result.feet
    truth = photo.feet[0]
    assert abs(foot.foot_length_mm / truth.foot_length_mm - 1.0) <= 0.01
    assert abs(foot.arch_index - truth.arch_index) <= 0.02

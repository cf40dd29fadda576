"""A phone's shadow across a podograph form is not ink.

The grid's ink was the darkness above the whole form's paper level, so a
shadowed strip of paper read as ink everywhere: joined to the toes it made a
second "foot" that took them, and the real foot, left without toes, fell
under the quality gate (development seed 9015: a 130 mm "left foot" at the
form's edge was reported for a right foot of 247 mm). Where the dots are
resolved, their darkness is now taken above the shade around them
(``segment_grid.SHADE_OPEN_PERIODS``); solid print keeps its own.
"""

from __future__ import annotations

from footprint import pipeline, synth


def test_the_print_under_a_phone_shadow_is_measured() -> None:
    photo = synth.render_photo(9015, scene="podograph", reference="letter", size=(2016, 1512))
    assert photo.params["light"]["phone_shadow"] > 0.2  # the test's premise
    result = pipeline.analyse(photo.jpeg)
    assert len(result.feet) == 1
    foot, truth = result.feet[0], photo.feet[0]
    assert foot.side == truth.side
    assert abs(foot.arch_index - truth.arch_index) <= 0.02
    assert abs(foot.foot_length_mm / truth.foot_length_mm - 1.0) < 0.01

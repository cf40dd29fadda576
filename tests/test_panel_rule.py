"""A podograph form's panels hold one foot each: heel and ball do not join across a rule.

On a two-panel form with two high-arched feet (four pieces: two heels, two
balls), the closest pieces joined first, and a foot already joined could take
the other panel's heel as well (development seed 8839, a Letter sheet: one
"right foot" of 216.5 mm with arch index 0.0 for two feet of 191-194 mm).
The form's rules, found where they run over paper, now keep the panels'
pieces apart.
"""

from __future__ import annotations

import cv2
import numpy as np

from footprint import pipeline, synth
from footprint.segment_grid import _across_rule, _group_soles


def _ellipse(centre: tuple[int, int], half_axes: tuple[int, int]) -> np.ndarray:
    m = np.zeros((900, 900), np.uint8)
    cv2.ellipse(m, centre, half_axes, 0, 0, 360, 1, -1)
    return m.astype(bool)


def test_a_heel_and_ball_pair_across_a_rule_stays_apart() -> None:
    # the pair of test_segment_grid's cavus print (2 px/mm): one sole...
    ball = _ellipse((400, 300), (97, 76))
    heel = _ellipse((400, 580), (61, 55))
    assert len(_group_soles([ball, heel], 2.0)) == 1
    # ...unless a panel's rule runs over the paper between them
    rules = np.zeros((900, 900), bool)
    rules[445:449, :] = True
    assert _across_rule(ball, heel, rules)
    assert len(_group_soles([ball, heel], 2.0, rules)) == 2
    # a rule beside the pair, not between, changes nothing
    beside = np.zeros((900, 900), bool)
    beside[:, 700:704] = True
    assert not _across_rule(ball, heel, beside)
    assert len(_group_soles([ball, heel], 2.0, beside)) == 1


def test_two_high_arched_feet_on_a_two_panel_form_are_both_measured() -> None:
    photo = synth.render_photo(8839, scene="podograph", reference="letter", size=(2016, 1512))
    truths = {t.side: t for t in photo.feet}
    assert sorted(truths) == ["left", "right"]  # the premise: two feet...
    assert all(t.arch_index < 0.05 for t in photo.feet)  # ...with high arches
    result = pipeline.analyse(photo.jpeg)
    assert sorted(f.side for f in result.feet) == ["left", "right"]
    for foot in result.feet:
        truth = truths[foot.side]
        assert abs(foot.foot_length_mm / truth.foot_length_mm - 1.0) < 0.01
        assert abs(foot.arch_index - truth.arch_index) <= 0.02

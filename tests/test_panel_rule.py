"""A podograph form's panels hold one foot each: heel and ball do not join across a rule.

On a two-panel form with two high-arched feet (four pieces: two heels, two
balls), the closest pieces joined first, and a foot already joined could take
the other panel's heel as well (development seed 8839, a Letter sheet: one
"right foot" of 216.5 mm with arch index 0.0 for two feet of 191-194 mm).
The form's rules, found where they run over paper, now keep the panels'
pieces apart (the photo: ``tests/test_pairing.py``).
"""

from __future__ import annotations

import cv2
import numpy as np

from footprint.pairing import centroid
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
    assert _across_rule(centroid(ball), centroid(heel), rules)
    assert len(_group_soles([ball, heel], 2.0, rules)) == 2
    # a rule beside the pair, not between, changes nothing
    beside = np.zeros((900, 900), bool)
    beside[:, 700:704] = True
    assert not _across_rule(centroid(ball), centroid(heel), beside)
    assert len(_group_soles([ball, heel], 2.0, beside)) == 1

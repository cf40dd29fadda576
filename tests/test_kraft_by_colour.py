"""Kraft paper on a grey floor is found by its colour when its lightness splits it.

A sheet of unknown size (kraft, a form) is what `paper.paper_region` finds:
a large quadrilateral region of one class of the coarse image. The class was
taken from lightness alone, and a light gradient or the phone's shadow across
brown kraft split it there (solidity 0.87 on seed 8488), so the print was
searched for over the whole floor: toes that ran into the ball stayed in the
sole, and a stain beyond the heel turned the foot round (seed 8752: arch index
0.195 for 0.117, left for right). The chroma (CIE ``sqrt(a*^2 + b*^2)``) is now
split as well; brown paper on a grey floor is one region in it.
"""

from __future__ import annotations

import pytest

from footprint import pipeline, synth

SIZE = (2016, 1512)


@pytest.mark.parametrize("seed", [8752, 9056])
def test_a_wet_print_on_kraft_is_measured_on_the_sheet(seed: int) -> None:
    photo = synth.render_photo(seed, scene="wet_kraft", reference="none", size=SIZE)
    result = pipeline.analyse_detailed(photo.jpeg).result
    assert len(result.feet) == 1
    foot, truth = result.feet[0], photo.feet[0]
    assert foot.side == truth.side
    assert abs(foot.arch_index - truth.arch_index) <= 0.02

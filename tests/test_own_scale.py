"""A photo without a reference, segmented at the print's own scale.

Without a scale every filter is sized by a nominal scene (the long side spans
500 mm). A print photographed close up is up to twice as large in pixels,
one photographed from further away smaller, and filters sized for the
nominal scene then cut or join the wrong parts. When the largest print found
is far from the size the nominal scene expects of a 240 mm foot
(``pipeline.OWN_SCALE_RANGE``), it is looked for again with every filter at
its own scale (:func:`footprint.segment.print_px_per_mm`). Development
photos (never the held-out seeds) whose arch index was far off before.
"""

from __future__ import annotations

import numpy as np
import pytest

from footprint import pipeline, segment, synth


@pytest.mark.parametrize(
    ("seed", "scene", "was_off"),
    [(9533, "ink_black", 0.136), (9544, "wet_kraft", 0.086)],
)
def test_a_print_far_from_the_nominal_size_is_measured_at_its_own_scale(
    seed: int, scene: str, was_off: float
) -> None:
    photo = synth.render_photo(seed, scene=scene, reference="none", size=(2016, 1512))
    result = pipeline.analyse(photo.jpeg)
    assert result.scale_source == "none"
    assert len(result.feet) == len(photo.feet) == 1
    error = abs(result.feet[0].arch_index - photo.feet[0].arch_index)
    assert error < 0.02, f"{error:.3f} off (was {was_off} at the nominal scale)"


def test_the_print_scale_is_its_length_over_a_nominal_foot() -> None:
    mask = np.zeros((600, 900), bool)
    mask[200:300, 60:780] = True  # 720 px long: 3 px/mm for a 240 mm foot
    assert segment.print_px_per_mm(mask) == pytest.approx(720 / segment.NOMINAL_FOOT_MM, rel=0.01)

"""A sole the bridge cut split where a heel meets a faint band is joined again.

`segment._cut_bridges` parts blobs at narrow necks (a stain or the other foot
joined to a print). A wet print whose midfoot band is faint where it meets
the heel is parted there too, and the two pieces, heel and band-with-ball,
lie end to end along the foot: neither lies across it (`_crosswise_piece`)
nor runs out into a stub of a broken band (`_broken_isthmus`), so they were
not joined again. The heel alone, elongated enough to pass for a foot, was
then measured as the foot (development seed 8608, wet kraft: a "foot" 42 %
as long as the true one, its band and ball left out). Pieces that touch were
one blob, and now their union alone decides.
"""

from __future__ import annotations

import numpy as np
from conftest import both_feet_measured

from footprint import segment


def _two_blocks(gap: int) -> list[np.ndarray]:
    """Two 60 x 40 blocks end to end along x, ``gap`` pixels apart."""
    a = np.zeros((120, 260), bool)
    b = np.zeros_like(a)
    a[40:80, 40:100] = True
    b[40:80, 100 + gap : 160 + gap] = True
    return [a, b]


def test_touching_pieces_end_to_end_join() -> None:
    pieces = _two_blocks(gap=0)
    # the premise: neither shape test would join them
    union = (pieces[0] | pieces[1]).astype(np.uint8)
    assert not segment._crosswise_piece(pieces[0], pieces[1], union)
    assert not segment._broken_isthmus(pieces[0], pieces[1], 120.0)
    groups = segment._group_pieces(pieces)
    assert len(groups) == 1
    assert groups[0].sum() == pieces[0].sum() + pieces[1].sum()


def test_pieces_apart_end_to_end_stay_apart() -> None:
    groups = segment._group_pieces(_two_blocks(gap=12))
    assert len(groups) == 2


def test_the_heel_is_not_measured_without_its_band_and_ball() -> None:
    _, pairs = both_feet_measured(8608, "wet_kraft", "letter")
    for foot, truth in pairs:
        assert abs(foot.foot_length_mm / truth.foot_length_mm - 1.0) < 0.01
        # the right foot's band is faint where the cut was: 0.021 low
        assert abs(foot.arch_index - truth.arch_index) <= 0.03

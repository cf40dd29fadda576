"""Index functions on hand-made masks with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from footprint import indices
from footprint.params import CUTOFF_PRESETS


def _sole(rows: int = 300, width: int = 90, mid_width: int = 30) -> np.ndarray:
    """Rectangle sole whose middle third is narrowed from the medial (left) side."""
    m = np.zeros((rows + 20, width + 20), np.float64)
    m[10 : 10 + rows, 10 : 10 + width] = 1.0
    third = rows // 3
    m[10 + third : 10 + 2 * third, 10 : 10 + width - mid_width] = 0.0
    return m


def test_arch_index_of_a_narrowed_rectangle() -> None:
    sole = _sole(300, 90, 30)
    # A = C = 100*90, B = 100*30 -> 3000 / 21000
    assert indices.arch_index(sole) == pytest.approx(3000 / 21000, abs=1e-9)


def test_arch_index_is_not_b_over_b_plus_c() -> None:
    sole = _sole(300, 90, 30)
    wrong = 3000 / (3000 + 9000)
    assert abs(indices.arch_index(sole) - wrong) > 0.1


def test_arch_index_uniform_sole_is_one_third() -> None:
    sole = np.ones((99, 40))
    assert indices.arch_index(sole) == pytest.approx(1 / 3, abs=1e-9)


def test_arch_index_uses_fractional_thirds() -> None:
    # 100 rows: thirds fall inside rows; a uniform sole still gives exactly 1/3
    sole = np.zeros((110, 30))
    sole[5:105] = 1.0
    assert indices.arch_index(sole) == pytest.approx(1 / 3, abs=1e-9)


def test_arch_index_is_invariant_to_mirroring_and_scale() -> None:
    sole = _sole(300, 90, 25)
    ai = indices.arch_index(sole)
    assert indices.arch_index(sole[:, ::-1]) == pytest.approx(ai, abs=1e-9)
    big = np.kron(sole, np.ones((2, 2)))
    assert indices.arch_index(big) == pytest.approx(ai, abs=1e-9)


def test_broken_midfoot_gives_zero_widths() -> None:
    sole = _sole(300, 90, 0)
    assert indices.arch_index(sole) == pytest.approx(0.0, abs=1e-9)
    assert indices.chippaux_smirak(sole) == 0.0
    assert indices.staheli(sole) == 0.0


def test_chippaux_smirak_and_staheli() -> None:
    sole = _sole(300, 90, 30)
    sole[10 + 200 :, 10 + 70 : 10 + 90] = 0.0  # heel 70 wide
    assert indices.chippaux_smirak(sole) == pytest.approx(30 / 90 * 100, abs=1e-9)
    assert indices.staheli(sole) == pytest.approx(30 / 70, abs=1e-9)


def test_clarke_angle_zero_for_straight_border_and_positive_for_arch() -> None:
    assert indices.clarke_angle(np.ones((200, 60))) == pytest.approx(0.0, abs=1e-6)
    rows, cols = 300, 100
    yy, xx = np.mgrid[0:rows, 0:cols]
    # medial border: straight except a triangular notch of depth 40 px at mid-length
    depth = np.clip(40 - np.abs(yy - 150) * 40 / 100, 0, None)
    sole = (xx >= depth).astype(float)
    geo = indices.clarke_geometry(sole)
    expected = np.degrees(np.arctan2(40, 100))
    assert geo.angle_deg == pytest.approx(expected, abs=1.0)
    assert geo.concavity[0] == pytest.approx(40, abs=1.0)


def test_length_and_width() -> None:
    m = np.zeros((100, 50))
    m[10:90, 5:45] = 1
    assert indices.print_length(m) == 80
    assert indices.print_width(m) == 40


@pytest.mark.parametrize("bad", [np.zeros((50, 50)), np.zeros((2, 2)), np.ones((1, 10))])
def test_empty_or_tiny_masks_raise(bad: np.ndarray) -> None:
    with pytest.raises(ValueError):
        indices.arch_index(bad)


def test_classification_boundaries_follow_the_definitions() -> None:
    p = CUTOFF_PRESETS["adult"]
    assert indices.classify_arch_index(0.21, p) == "high"
    assert indices.classify_arch_index(0.2101, p) == "normal"
    assert indices.classify_arch_index(0.26, p) == "flat"
    assert indices.classify_csi(29.9, p) == "high"
    assert indices.classify_csi(45.0, p) == "normal"
    assert indices.classify_csi(45.1, p) == "flat"
    assert indices.classify_staheli(0.9, p) == "flat"
    assert indices.classify_clarke(30.0, p) == "flat"
    assert indices.classify_clarke(43.0, p) == "high"

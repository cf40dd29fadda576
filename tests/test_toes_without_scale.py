"""Toes of a print that fills the frame of a photo without a reference.

Without a scale, filters are sized by a nominal scene (the long side spans
500 mm). A print photographed close up, filling the frame, is up to twice as
large in pixels, and the toe search (``toe_link_mm`` from the sole) fell
short of toes 10-15 mm in front of the ball: the foot lost its toes, its
axis fell back to the principal axis and the print was refused as unclear.
The toe search is now sized by the sole's own length
(:func:`footprint.segment._sole_scale`). Drawn scenes with exactly known toes.
"""

from __future__ import annotations

import numpy as np
import pytest

from footprint import segment, synth
from footprint.params import SegmentParams

W, H = 1000, 750


def _scene(px_per_mm: float, gap_mm: float) -> tuple[np.ndarray, np.ndarray]:
    """A generated foot lying across a plain floor at ``px_per_mm``, its toes
    moved ``gap_mm`` further from the ball. Returns (rgb, true toe mask)."""
    shape = synth.make_foot(np.random.default_rng(11), mm_per_px=1.0 / px_per_mm)
    sole, toes = np.rot90(shape.sole, k=-1), np.rot90(shape.toes, k=-1)
    fh, fw = sole.shape
    assert np.nonzero(toes.any(axis=0))[0].mean() > np.nonzero(sole.any(axis=0))[0].mean()
    d = int(round(gap_mm * px_per_mm))
    cover = np.zeros((fh, fw + d), np.float32)
    cover[:, :fw] = sole
    cover[:, d:] = np.maximum(cover[:, d:], toes)
    toe_mask = np.zeros(cover.shape, bool)
    toe_mask[:, d:] = toes >= 0.5
    y0, x0 = (H - fh) // 2, (W - cover.shape[1]) // 2
    soft = np.zeros((H, W), np.float32)
    soft[y0 : y0 + fh, x0 : x0 + cover.shape[1]] = np.clip(cover, 0.0, 1.0)
    truth = np.zeros((H, W), bool)
    truth[y0 : y0 + fh, x0 : x0 + cover.shape[1]] = toe_mask
    light = 0.85 * (1.0 - 0.3 * soft)
    light += np.random.default_rng(5).normal(0, 0.004, (H, W)).astype(np.float32)
    rgb = np.repeat((np.clip(light, 0, 1) * 255).astype(np.uint8)[..., None], 3, axis=2)
    return rgb, truth


@pytest.mark.parametrize(
    ("px_per_mm", "gap_mm"),
    [(3.0, 10.0), (3.0, 15.0), (2.0, 15.0), (1.2, 15.0)],
)
def test_the_toes_join_a_print_of_any_size_in_the_frame(px_per_mm: float, gap_mm: float) -> None:
    rgb, toes = _scene(px_per_mm, gap_mm)
    seg = segment.segment(rgb, SegmentParams(), mm_per_px=None)
    assert len(seg.feet) == 1
    covered = float((seg.feet[0].mask & toes).sum()) / float(toes.sum())
    assert covered > 0.95


def test_the_soles_scale_follows_its_length_within_bounds() -> None:
    sole = np.zeros((400, 900), bool)
    sole[150:250, 50:810] = True  # 760 px long: 4 px/mm for a 190 mm sole
    assert segment._sole_scale(sole, 2.0) == pytest.approx(760 / segment.NOMINAL_SOLE_MM, rel=0.01)
    # a stain's size is no measure: at most SOLE_SCALE_RANGE times the nominal scale
    assert segment._sole_scale(sole, 1.0) == pytest.approx(segment.SOLE_SCALE_RANGE[1])
    tiny = np.zeros((400, 900), bool)
    tiny[190:200, 100:120] = True
    assert segment._sole_scale(tiny, 2.0) == pytest.approx(2.0 * segment.SOLE_SCALE_RANGE[0])

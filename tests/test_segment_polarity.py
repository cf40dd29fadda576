"""A wet print on a glossy floor can be lighter than the floor.

Where the light's highlight falls on it, the water film's sheen makes a wet
print on dark tile or wood lighter than the dry floor around it. The floor is
searched for a darker print first, then for one of either polarity
(:func:`footprint.background.darkness_map` with ``either_polarity``). Drawn
scenes with exactly known geometry.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from footprint import background, segment, synth
from footprint.params import SegmentParams

PX_PER_MM = 2.0
H, W = 800, 1000


def _floor(print_change: float, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """A dark floor (lightness 0.2, a light gradient) with a generated foot
    (sole and toes, 0.5 mm/px) whose lightness is multiplied by
    ``1 + print_change``."""
    rng = np.random.default_rng(seed)
    shape = synth.make_foot(np.random.default_rng(7), mm_per_px=1.0 / PX_PER_MM)
    cover = np.clip(shape.sole + shape.toes, 0.0, 1.0)
    fh, fw = cover.shape
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    light = 0.2 * (1.0 + 0.1 * xx / W) + rng.normal(0, 0.004, (H, W)).astype(np.float32)
    # the foot lies across the picture (toes to the right), centred
    cover = np.rot90(cover, -1)
    y0, x0 = (H - fw) // 2, (W - fh) // 2
    soft = np.zeros((H, W), np.float32)
    soft[y0 : y0 + fw, x0 : x0 + fh] = cover
    light *= 1.0 + print_change * soft
    rgb = np.repeat((np.clip(light, 0, 1) * 255).astype(np.uint8)[..., None], 3, axis=2)
    return rgb, soft >= 0.5


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum()) / float((a | b).sum())


@pytest.mark.parametrize("change", [-0.3, 0.3], ids=["darker", "lighter"])
def test_a_print_of_either_polarity_is_found_on_a_floor(change: float) -> None:
    rgb, foot = _floor(change)
    seg = segment.segment(rgb, SegmentParams(), mm_per_px=1.0 / PX_PER_MM)
    assert len(seg.feet) == 1
    assert _iou(seg.feet[0].mask, foot) > 0.9
    # the result says which signal it is (the faint-midfoot step redoes it alike)
    assert seg.either_polarity == (change > 0)


def test_either_polarity_contrast_is_symmetric() -> None:
    darker, foot = _floor(-0.3)
    lighter, _ = _floor(0.3)
    roi = np.ones((H, W), bool)
    heel = foot.copy()
    heel[:, W // 2 :] = False  # the broad heel, away from thin toes and edges
    inside = cv2.erode(heel.astype(np.uint8), np.ones((15, 15), np.uint8)).astype(bool)
    d_dark, _ = background.darkness_map(darker, PX_PER_MM, SegmentParams(), roi)
    d_light, _ = background.darkness_map(
        lighter, PX_PER_MM, SegmentParams(), roi, either_polarity=True
    )
    level_dark = float(np.median(d_dark[inside]))
    level_light = float(np.median(d_light[inside]))
    assert level_dark > 0.2 and level_light > 0.2
    # the floor around either print looks like the floor far from it: a print
    # kept out of the background estimate does not make its surroundings darker
    grown = [
        cv2.dilate(foot.astype(np.uint8), np.ones((k, k), np.uint8)).astype(bool)
        for k in (11, 41, 81)
    ]
    ring, far = grown[1] & ~grown[0], ~grown[2]
    for d in (d_dark, d_light):
        assert float(np.percentile(d[ring], 90)) < float(np.percentile(d[far], 90)) + 0.01
    # the plain darkness of a lighter print is nothing: it is not a darker print
    d_plain, _ = background.darkness_map(lighter, PX_PER_MM, SegmentParams(), roi)
    assert float(np.median(d_plain[inside])) < 0.01
    assert float(np.percentile(d_plain[ring], 90)) < float(np.percentile(d_plain[far], 90)) + 0.01


def test_a_lighter_print_on_paper_is_not_a_print() -> None:
    """On a sheet only a darker mark is a print (ink, water): a light patch on
    paper is glare."""
    rgb, _ = _floor(0.3)
    sheet = np.ones((H, W), bool)
    seg = segment.segment(rgb, SegmentParams(), mm_per_px=1.0 / PX_PER_MM, sheet=sheet)
    assert seg.feet == ()


def test_light_grout_on_dark_tile_is_not_background() -> None:
    """Light grout is kept out of the floor's background estimate, so the tile
    beside it does not look darker than the tile far from it."""
    rgb, foot = _floor(-0.3)
    light = rgb.astype(np.float32) / 255.0
    grout = np.zeros((H, W), np.uint8)
    for x in range(100, W, 200):  # 4 mm grout every 100 mm
        cv2.line(grout, (x, 0), (x + 60, H - 1), 1, 8)
    for y in range(150, H, 200):
        cv2.line(grout, (0, y), (W - 1, y - 50), 1, 8)
    light[grout > 0] = 0.55
    rgb = (light * 255).astype(np.uint8)
    roi = np.ones((H, W), bool)
    d, _ = background.darkness_map(rgb, PX_PER_MM, SegmentParams(), roi)
    g = grout.astype(np.uint8)
    beside = cv2.dilate(g, np.ones((21, 21), np.uint8)).astype(bool) & ~cv2.dilate(
        g, np.ones((9, 9), np.uint8)
    ).astype(bool)
    centre = ~cv2.dilate(g, np.ones((61, 61), np.uint8)).astype(bool)
    off_print = ~cv2.dilate(foot.astype(np.uint8), np.ones((41, 41), np.uint8)).astype(bool)
    near = float(np.median(d[beside & off_print]))
    far = float(np.median(d[centre & off_print]))
    assert abs(near - far) < 0.01
    # and the print keeps its level
    heel = foot.copy()
    heel[:, W // 2 :] = False
    inside = cv2.erode(heel.astype(np.uint8), np.ones((15, 15), np.uint8)).astype(bool)
    assert (
        float(np.median(d[inside & ~cv2.dilate(g, np.ones((21, 21), np.uint8)).astype(bool)])) > 0.2
    )

"""Floor lines (tile grout, plank seams) are found and removed before segmenting.

A grout line crossing a wet print splits it, and the grout itself is the
darkest (or lightest) thing on a tile floor; :func:`footprint.segment.floor_lines`
finds long straight thin lines of either polarity, and the darkness under them
is filled in from beside them. Drawn scenes with exactly known geometry.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from footprint import background, segment
from footprint.params import SegmentParams

PX_PER_MM = 2.0
H, W = 800, 1000


def _scene(grout_delta: float, print_dark: float = 0.12) -> tuple[np.ndarray, np.ndarray]:
    """A light floor with a sole-sized ellipse darkened by ``print_dark`` and two
    4 mm grout lines (lightness changed by ``grout_delta``), one crossing the print."""
    rng = np.random.default_rng(1)
    light = np.full((H, W), 0.8, np.float32) + rng.normal(0, 0.005, (H, W)).astype(np.float32)
    foot = np.zeros((H, W), np.uint8)
    cv2.ellipse(foot, (500, 400), (230, 90), 15, 0, 360, 1, -1)
    light *= 1.0 - print_dark * foot
    grout = np.zeros((H, W), np.uint8)
    cv2.line(grout, (0, 430), (W - 1, 370), 1, 8)  # crosses the print
    cv2.line(grout, (150, 0), (210, H - 1), 1, 8)  # on bare floor
    light = np.where(grout > 0, light + grout_delta * 0.8, light).astype(np.float32)
    rgb = np.repeat((np.clip(light, 0, 1) * 255).astype(np.uint8)[..., None], 3, axis=2)
    return rgb, foot.astype(bool), grout.astype(bool)  # type: ignore[return-value]


@pytest.mark.parametrize("grout_delta", [-0.3, 0.3], ids=["dark_grout", "light_grout"])
def test_grout_lines_are_found_and_the_print_is_not(grout_delta: float) -> None:
    rgb, foot, grout = _scene(grout_delta)
    roi = np.ones((H, W), bool)
    lines = segment.floor_lines(background.lightness(rgb), roi, PX_PER_MM)
    assert lines is not None
    assert lines[grout].mean() > 0.95, "the grout is not covered"
    # only a band of LINE_BAND_MM around each line is touched, nothing else of the print
    reach = int(round((segment.LINE_BAND_MM / 2 + 1.0) * PX_PER_MM))
    near = cv2.dilate(grout.astype(np.uint8), np.ones((2 * reach + 1, 2 * reach + 1), np.uint8))
    assert not (lines & ~near.astype(bool)).any()
    assert (lines & foot).sum() < 0.2 * foot.sum()


@pytest.mark.parametrize("grout_delta", [-0.3, 0.3], ids=["dark_grout", "light_grout"])
def test_a_print_crossed_by_grout_stays_one_piece(grout_delta: float) -> None:
    rgb, foot, grout = _scene(grout_delta)
    roi = np.ones((H, W), bool)
    dark, _ = background.darkness_map(rgb, PX_PER_MM, SegmentParams(), roi)
    mended = segment._without_lines(dark, background.lightness(rgb), roi, PX_PER_MM)
    inside = foot & grout
    level = float(np.median(dark[foot & ~grout]))
    # before: the grout is far from the print's level; after: it is the print's level
    assert abs(float(np.median(dark[inside])) - level) > 0.1
    assert abs(float(np.median(mended[inside])) - level) < 0.02
    # and the bare-floor grout leaves no darkness behind
    assert float(np.percentile(mended[grout & ~foot], 95)) < 0.03


def test_no_lines_on_plain_paper_or_a_print_alone() -> None:
    rgb, _, _ = _scene(0.0)
    lines = segment.floor_lines(background.lightness(rgb), np.ones((H, W), bool), PX_PER_MM)
    assert lines is None


@pytest.mark.xfail(
    strict=True,
    reason="known limitation: the fill under a line (Gaussian sigma 8 mm, LINE_FILL_SIGMA_MM) "
    "reaches over the floor beside a 16 mm wide band of print and gives it 58 % of its "
    "darkness; a 4 mm fill (77 %) scored more photos but more of them wrong (tenth session, "
    "docs/accuracy.md)",
)
def test_a_narrow_part_of_a_print_crossed_by_grout_keeps_its_darkness() -> None:
    # a 16 mm wide band out of the sole (a lateral midfoot) crossed by a grout
    # line: the fill under the line should come from right beside it, not from
    # the floor around the band, and keep at least 70 % of the band's level
    # (the segmentation's edge is at half of it)
    rng = np.random.default_rng(1)
    light = np.full((H, W), 0.8, np.float32) + rng.normal(0, 0.005, (H, W)).astype(np.float32)
    foot = np.zeros((H, W), np.uint8)
    cv2.ellipse(foot, (500, 400), (230, 90), 15, 0, 360, 1, -1)
    cv2.line(foot, (500, 400), (860, 700), 1, int(16 * PX_PER_MM))
    light *= 1.0 - 0.12 * foot
    grout = np.zeros((H, W), np.uint8)
    cv2.line(grout, (0, 760), (W - 1, 520), 1, 8)  # crosses the band only
    light = np.where(grout > 0, light - 0.3 * 0.8, light).astype(np.float32)
    rgb = np.repeat((np.clip(light, 0, 1) * 255).astype(np.uint8)[..., None], 3, axis=2)
    roi = np.ones((H, W), bool)
    dark, _ = background.darkness_map(rgb, PX_PER_MM, SegmentParams(), roi)
    mended = segment._without_lines(dark, background.lightness(rgb), roi, PX_PER_MM)
    level = float(np.median(dark[(foot > 0) & (grout == 0)]))
    inside = (foot > 0) & (grout > 0)
    assert float(np.median(mended[inside])) > 0.7 * level

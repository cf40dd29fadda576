"""A faint midfoot missed by the segmentation is found by the arch gap's darkness.

Frame-level cases draw a generated foot's darkness as a wet print prints it
(a contact level plus a share of the pressure, so the midfoot is faint) over
a noisy floor, and threshold it high enough that the midfoot breaks, as the
segmentation does on a textured floor. Photo-level cases run the whole
pipeline on generated photos.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import footprint
from footprint import background, indices, midfoot, render, synth
from footprint.errors import UnclearPrintError
from footprint.frame import make_frame
from footprint.params import SegmentParams
from footprint.pipeline import analyse_detailed
from footprint.result import FootprintResult

MM_PER_PX = 0.5
#: darkness of a wet print: contact level + share of the pressure (the
#: generator's wet model, a 0.3-0.5 and b 0.5-0.7, times a print strength)
CONTACT, PER_PRESSURE = 0.05, 0.45
#: a threshold between the midfoot's darkness and the heel's
BREAK_LEVEL = 0.2


def _case(seed: int, arch: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Darkness in the frame, the broken sole thresholded from it, the true arch index."""
    rng = np.random.default_rng(seed)
    shape = synth.make_foot(rng, arch=arch, mm_per_px=MM_PER_PX)
    sole = shape.sole > 0.5
    pad = 60
    sole = np.pad(sole, pad)
    pressure = np.pad(shape.pressure, pad)
    noise = cv2.GaussianBlur(rng.normal(0.0, 0.03, sole.shape).astype(np.float32), (0, 0), 2.0)
    dark = noise + np.where(sole, CONTACT + PER_PRESSURE * pressure, 0.0).astype(np.float32)
    smooth = cv2.GaussianBlur(dark, (0, 0), 2.0)
    found = sole & (smooth > BREAK_LEVEL)
    # the segmentation keeps the big pieces: heel and forefoot
    n, lab, stats, _ = cv2.connectedComponentsWithStats(found.astype(np.uint8), connectivity=8)
    big = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] >= 0.1 * stats[1:, cv2.CC_STAT_AREA].max())
    found = np.isin(lab, big[big > 0])
    return dark, found.astype(np.float32), indices.arch_index(sole.astype(np.float32))


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_missed_faint_midfoot_is_found_and_traced(seed: int) -> None:
    dark, found, truth = _case(seed, arch=0.7)
    before = indices.arch_index(found)
    assert truth > 0.15
    assert before < midfoot.MAX_ARCH_INDEX  # the midfoot broke: read as a very high arch
    gap = midfoot.gap_darkness(dark, found)
    assert gap is not None and gap.share >= midfoot.MIN_GAP_DARKNESS
    added = midfoot.midfoot_pixels(dark, found, gap)
    assert not (added & (found > 0.5)).any()
    after = indices.arch_index(np.maximum(found, added.astype(np.float32)))
    assert abs(after - truth) < 0.03 < abs(before - truth)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_very_high_arch_is_left_alone(seed: int) -> None:
    dark, found, truth = _case(seed, arch=0.0)
    # nothing was missed: the broken midfoot is the foot's own
    assert truth < midfoot.MAX_ARCH_INDEX
    assert abs(indices.arch_index(found) - truth) < 0.02
    gap = midfoot.gap_darkness(dark, found)
    assert gap is not None and gap.share < midfoot.MIN_GAP_DARKNESS


def test_a_faint_midfoot_on_concrete_is_traced_and_measured_when_asked() -> None:
    # development seed 3060: the midfoot was missed (arch index 0.056 against 0.307).
    # Traced, it is measured right; but a traced midfoot's edge is faint by
    # nature, and since the twenty-second session a sole whose outline follows
    # a clear edge over less than 85 % of it is refused (81 % here): on the
    # development sets 6 traced feet passed the other checks, 5 of them wrong,
    # and the edge test refuses 4 of those 5 (docs/accuracy.md). This right
    # one goes with them by default, and is measured when asked.
    photo = synth.render_photo(3060, scene="wet_concrete", reference="none", size=(2016, 1512))
    with pytest.raises(UnclearPrintError, match="outline follows a clear edge"):
        analyse_detailed(photo.jpeg)
    analysis = analyse_detailed(photo.jpeg, min_quality=0.0)
    res = analysis.result
    (foot,) = res.feet
    (truth,) = photo.feet
    assert foot.arch_index is not None
    assert abs(foot.arch_index - truth.arch_index) < 0.02
    assert any("midfoot printed faintly" in w for w in foot.warnings)
    # the traced part is in the result's geometry (and survives JSON), for the overlay
    assert foot.geometry.traced_outline_plane
    again = FootprintResult.from_dict(res.to_dict()).feet[0]
    assert again.geometry.traced_outline_plane == foot.geometry.traced_outline_plane
    # the overlay tints it orange: redder than blue there, unlike the grey floor
    plane = analysis.plane.image
    img = render.overlay(analysis, target_long_px=max(plane.shape[:2]), panel=False)
    scale = img.shape[1] / plane.shape[1]
    traced = np.zeros(img.shape[:2], np.uint8)
    for part in foot.geometry.traced_outline_plane:
        pts = np.round(np.asarray(part) * scale).astype(np.int32)
        cv2.fillPoly(traced, [pts], 1)
    traced = cv2.erode(traced, np.ones((7, 7), np.uint8)).astype(bool)  # clear of the lines
    red_minus_blue = img[..., 0].astype(float) - img[..., 2].astype(float)
    assert traced.sum() > 500
    assert red_minus_blue[traced].mean() > red_minus_blue[~traced].mean() + 30


@pytest.mark.parametrize(
    ("seed", "scene", "reference"),
    [(4032, "wet_kraft", "a4"), (5074, "wet_tile_dark", "letter")],
)
def test_a_printed_very_high_arch_stays_broken(seed: int, scene: str, reference: str) -> None:
    photo = synth.render_photo(seed, scene=scene, reference=reference, size=(2016, 1512))
    res = footprint.analyse(photo.jpeg)
    (foot,) = res.feet
    (truth,) = photo.feet
    assert truth.arch_index < 0.02
    assert foot.arch_index is not None and abs(foot.arch_index - truth.arch_index) < 0.02
    assert not any("midfoot printed faintly" in w for w in foot.warnings)
    assert foot.geometry.traced_outline_plane == ()


def test_a_result_written_before_the_traced_outline_existed_still_loads() -> None:
    """... and before the sole's further pieces were outlined."""
    photo = synth.render_photo(1, scene="ink_black", reference="a4", size=(1600, 1200))
    res = footprint.analyse(photo.jpeg)
    old = res.to_dict()
    for foot in old["feet"]:
        del foot["geometry"]["traced_outline_plane"]
        del foot["geometry"]["sole_pieces_plane"]
    again = FootprintResult.from_dict(old)
    assert [f.geometry.traced_outline_plane for f in again.feet] == [()] * len(res.feet)
    assert [f.geometry.sole_pieces_plane for f in again.feet] == [()] * len(res.feet)
    assert [f.arch_index for f in again.feet] == [f.arch_index for f in res.feet]


@pytest.mark.parametrize("either_polarity", [True, False])
def test_a_glossy_midfoot_lighter_than_the_floor_is_traced_on_its_contrast(
    either_polarity: bool,
) -> None:
    # heel and ball print darker than the floor; the midfoot catches the
    # light's sheen and is lighter: found on the contrast of either polarity,
    # it must be traced on that contrast too
    rng = np.random.default_rng(5)
    shape = synth.make_foot(rng, arch=0.7, mm_per_px=MM_PER_PX)
    pad = 150
    sole = np.pad(shape.sole > 0.5, pad)
    rows = np.flatnonzero(sole.any(axis=1))
    top, length = rows[0], rows[-1] - rows[0] + 1
    found = sole.copy()
    found[top + length // 3 : top + 2 * length // 3] = False  # the midfoot was missed
    noise = cv2.GaussianBlur(rng.normal(0.0, 0.02, sole.shape).astype(np.float32), (0, 0), 1.5)
    light = 0.6 * (1.0 + noise)
    light = np.where(found, 0.7 * light, np.where(sole, 1.15 * light, light))
    rgb = np.dstack([np.clip(255 * light, 0, 255).astype(np.uint8)] * 3)
    valid = np.ones(sole.shape, bool)
    params = SegmentParams()
    contrast, _ = background.darkness_map(rgb, 1 / MM_PER_PX, params, valid, either_polarity=True)
    (hr, hc), (tr, tc) = shape.heel_centre_rc, shape.toe_tip_rc
    ys, xs = np.nonzero(sole)
    extent = np.column_stack([xs, ys]).astype(np.float64)
    frame = make_frame((hc + pad, hr + pad), (tc + pad, tr + pad), "right", extent)
    found_f = np.clip(frame.warp(found.astype(np.float32)), 0.0, 1.0)
    truth = indices.arch_index(sole.astype(np.float32))
    assert indices.arch_index(found_f) < midfoot.MAX_ARCH_INDEX < truth
    rec = midfoot.recover(
        rgb,
        valid,
        found,
        frame,
        found_f,
        indices.arch_index(found_f),
        contrast,
        MM_PER_PX,
        params,
        either_polarity=either_polarity,
    )
    assert rec is not None  # the gap's contrast is plain either way
    after = indices.arch_index(np.clip(frame.warp((found | rec.added).astype(np.float32)), 0, 1))
    if either_polarity:
        assert abs(after - truth) < 0.02
    else:  # on darkness alone the lighter midfoot is floor
        assert after < midfoot.MAX_ARCH_INDEX

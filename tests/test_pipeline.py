"""End-to-end analysis on seeded synthetic photos with known answers."""

from __future__ import annotations

import functools
import json

import cv2
import numpy as np
import pytest

import footprint
from footprint import pipeline, synth
from footprint.errors import (
    FootprintError,
    ImageLoadError,
    NoFootprintError,
    UnclearPrintError,
)
from footprint.params import AnatomyParams
from footprint.result import RECORD_COLUMNS, FootprintResult

SIZE = (1600, 1200)


def _photo(
    seed: int,
    scene: str = "ink_black",
    reference: str = "a4",
    n_feet: int | None = 1,
    size: tuple[int, int] = SIZE,
) -> synth.SynthPhoto:
    """A rendered photo, cached (several tests look at the same one) and read-only."""
    return _render(seed, scene, reference, n_feet, tuple(size))


@functools.cache
def _render(
    seed: int, scene: str, reference: str, n_feet: int | None, size: tuple[int, int]
) -> synth.SynthPhoto:
    photo = synth.render_photo(seed, scene=scene, reference=reference, size=size, n_feet=n_feet)
    photo.rgb.setflags(write=False)
    return photo


def _nearest(result: FootprintResult, truth: synth.FootTruth):
    return min(
        result.feet,
        key=lambda f: np.hypot(
            f.centroid_x - truth.centroid_xy[0], f.centroid_y - truth.centroid_xy[1]
        ),
    )


def test_ink_prints_meet_the_arch_index_target() -> None:
    """Ink prints on a sheet: the issue's targets (MAE <= 0.010, >= 95 % within 0.02)
    are checked on the held-out benchmark; here a small batch must stay close to them."""
    errors, sides = [], []
    for k, seed in enumerate(range(3101, 3109)):
        photo = _photo(seed, ("ink_black", "ink_blue")[k % 2])
        result = footprint.analyse(photo.jpeg)
        for truth in photo.feet:
            foot = _nearest(result, truth)
            errors.append(abs(foot.arch_index - truth.arch_index))
            sides.append(foot.side == truth.side)
    errors_arr = np.array(errors)
    assert all(sides)
    assert errors_arr.mean() <= 0.012
    assert (errors_arr <= 0.02).mean() >= 0.75


def test_rotating_the_photo_keeps_the_measurements() -> None:
    photo = _photo(3104)
    rgb = cv2.cvtColor(
        cv2.imdecode(np.frombuffer(photo.jpeg, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB
    )
    a = footprint.analyse(rgb).feet[0]
    b = footprint.analyse(np.ascontiguousarray(np.rot90(rgb))).feet[0]
    assert b.side == a.side
    assert b.arch_index == pytest.approx(a.arch_index, abs=0.01)
    assert b.foot_length_mm == pytest.approx(a.foot_length_mm, rel=0.01)


def test_mirroring_the_photo_swaps_the_side() -> None:
    photo = _photo(3105)
    rgb = cv2.cvtColor(
        cv2.imdecode(np.frombuffer(photo.jpeg, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB
    )
    a = footprint.analyse(rgb).feet[0]
    b = footprint.analyse(np.ascontiguousarray(rgb[:, ::-1])).feet[0]
    assert {a.side, b.side} == {"left", "right"}
    assert b.arch_index == pytest.approx(a.arch_index, abs=0.01)


def test_two_feet_on_one_sheet_give_both_sides() -> None:
    photo = _photo(3106, n_feet=2)
    result = footprint.analyse(photo.jpeg)
    assert len(result.feet) == 2
    assert sorted(f.side for f in result.feet) == sorted(t.side for t in photo.feet)


@pytest.mark.parametrize("scene", ["ink_black", "wet_concrete", "wet_tile_light"])
def test_photos_without_a_print_are_rejected(scene: str) -> None:
    # either nothing print-like is found, or a floor mark is (on concrete two
    # blotches can pass for a heel and a forefoot) and is refused as unclear:
    # both are NoFootprintError, and no number is given (about a quarter of
    # the development no-print photos are refused the second way)
    photo = synth.no_print_photo(3200, scene=scene, reference="a4", size=SIZE)
    with pytest.raises(NoFootprintError, match="No footprint|too faint or unclear"):
        footprint.analyse(photo.jpeg)


def test_a_print_too_faint_to_measure_is_refused_not_guessed() -> None:
    """A faint wet print on tile of which only a fragment is found: no number is made up."""
    photo = synth.render_photo(18, scene="wet_tile_light", reference="card", n_feet=1, size=SIZE)
    with pytest.raises(UnclearPrintError, match="too faint or unclear") as info:
        footprint.analyse(photo.jpeg)
    assert isinstance(info.value, NoFootprintError)
    assert info.value.code == "unclear_print"
    # measured anyway, the mark is below the quality limit and far from the truth
    forced = footprint.analyse(photo.jpeg, min_quality=0.0)
    truth = photo.feet[0]
    assert [f.quality < AnatomyParams().min_quality for f in forced.feet] == [True]
    assert abs(forced.feet[0].foot_length_mm / truth.foot_length_mm - 1.0) > 0.2


def test_wood_grain_beside_a_sheet_is_not_taken_for_a_podograph_grid() -> None:
    """Measured or refused, never a number far from the truth at full quality.

    In this 900 x 675 photo the grain of the wood floor beside the A4 sheet
    reads as a 1.59 mm lattice; taken for a podograph grid, a very high-arched
    wet print was measured 0.292 for 0.100 at quality 1.0. Podograph mats have
    periods of 2 mm and more (``segment_grid.GRID_PERIOD_RANGE_MM``)."""
    photo = synth.render_photo(
        375, scene="wet_wood", reference="a4", size=(900, 675), max_tilt_deg=12, n_feet=1
    )
    try:
        result = footprint.analyse(photo.jpeg)
    except FootprintError:
        return  # refused: no number made up
    truth = photo.feet[0]
    assert [abs(f.arch_index - truth.arch_index) <= 0.02 for f in result.feet] == [True]


def test_a_photo_smaller_than_the_work_resolution_is_measured_with_a_warning() -> None:
    """Below ``work_long_side_px`` on the long side prints are outlined less reliably
    (docs/accuracy.md): the photo is still measured, and the result says why to
    prefer the original."""
    said = "The photo is small (800 x 600 pixels)"
    small = synth.render_photo(3, scene="ink_black", reference="a4", n_feet=1, size=(800, 600))
    result = footprint.analyse(small.jpeg)
    assert abs(result.feet[0].arch_index - small.feet[0].arch_index) <= 0.02
    assert any(w.startswith(said) for w in result.warnings)
    full = synth.render_photo(3, scene="ink_black", reference="a4", n_feet=1, size=(1600, 1200))
    assert not any("The photo is small" in w for w in footprint.analyse(full.jpeg).warnings)
    assert pipeline.small_photo_warning((1000, 750), 1000) is None
    assert "(999 x 750 pixels)" in pipeline.small_photo_warning((999, 750), 1000)


def test_a_small_photo_that_is_refused_says_it_is_small() -> None:
    """The refusal of a photo below the work resolution keeps its own reason and
    adds the small-photo note, so the user knows the original may do better;
    a refused photo at full size does not get the note."""
    for size, small in (((800, 600), True), ((1600, 1200), False)):
        blank = np.full((size[1], size[0], 3), 200, np.uint8)
        with pytest.raises(NoFootprintError) as info:
            footprint.analyse(blank)
        assert str(info.value).startswith("No footprint was found in this photo.")
        said = f"The photo is small ({size[0]} x {size[1]} pixels)"
        assert (said in str(info.value)) is small


def test_blank_and_noise_images_are_rejected() -> None:
    rng = np.random.default_rng(0)
    for img in (
        np.full((600, 800, 3), 200, np.uint8),
        rng.integers(0, 255, (600, 800, 3), dtype=np.uint8),
    ):
        with pytest.raises(FootprintError):
            footprint.analyse(img)


def test_bad_bytes_raise_a_typed_error() -> None:
    with pytest.raises(ImageLoadError):
        footprint.analyse(b"\xff\xd8\xff\xe0 truncated jpeg")


def test_result_is_json_with_provenance_and_round_trips() -> None:
    photo = _photo(3107)
    result = footprint.analyse(photo.jpeg, name="print.jpg")
    data = json.loads(result.to_json())
    assert data["provenance"]["input_sha256"] == result.provenance.input_sha256
    assert len(data["provenance"]["input_sha256"]) == 64
    assert data["provenance"]["params"]["cutoffs"] == "adult"
    again = FootprintResult.from_dict(data)
    assert again.feet[0].arch_index == result.feet[0].arch_index
    rows = result.to_records(file="print.jpg")
    assert set(rows[0]) == set(RECORD_COLUMNS)
    assert rows[0]["status"] == "ok" and rows[0]["file"] == "print.jpg"


def test_same_input_same_result() -> None:
    photo = _photo(3108)
    a = footprint.analyse(photo.jpeg).to_dict()
    b = footprint.analyse(photo.jpeg).to_dict()
    for d in (a, b):
        d["provenance"].pop("analysed_at")
        d["provenance"].pop("duration_ms")
    assert a == b


def test_without_a_reference_lengths_are_null() -> None:
    photo = _photo(3109, reference="none")
    result = footprint.analyse(photo.jpeg)
    assert result.scale_source == "none"
    assert all(f.foot_length_mm is None and f.foot_length_px > 0 for f in result.feet)
    assert any("No A4/Letter sheet" in w for w in result.warnings)


def test_two_high_arched_feet_side_by_side_are_paired_heel_to_forefoot() -> None:
    """Two very high arches (arch index < 0.03) print as two heels and two
    forefeet; the two heels side by side must not be taken for one foot, nor
    a heel joined to both forefeet (development seed 3029 once gave that).
    Both pieces of each sole are outlined, the heel's round the heel centre."""
    photo = synth.render_photo(3029, scene="ink_black", reference="none", size=(2016, 1512))
    assert len(photo.feet) == 2 and max(t.arch_index for t in photo.feet) < 0.03
    result = footprint.analyse(photo.jpeg)
    assert len(result.feet) == 2
    for truth in photo.feet:
        foot = _nearest(result, truth)
        assert foot.side == truth.side
        assert abs(foot.arch_index - truth.arch_index) < 0.02
        g = foot.geometry
        pieces = [np.array(p, np.float32) for p in (g.outline_plane, *g.sole_pieces_plane)]
        assert len(pieces) == 2
        heel = [cv2.pointPolygonTest(p, g.heel_centre_plane, False) > 0 for p in pieces]
        assert sum(heel) == 1


def test_child_preset_changes_only_the_classes() -> None:
    photo = _photo(3110)
    adult = footprint.analyse(photo.jpeg).feet[0]
    child = footprint.analyse(photo.jpeg, cutoffs="child_3_6").feet[0]
    assert child.arch_index == adult.arch_index
    assert child.staheli == adult.staheli


# Feet of scripts/bench_repeatability.py (seed 500 + k) that once failed: a
# high arch whose thin midfoot band broke into a heel and a forefoot piece
# (k = 4), and lesser toes further from the ball than the hallux (k = 0).
def _repeat_foot(k: int) -> synth.FootShape:
    rng = np.random.default_rng(500)
    for _ in range(k + 1):  # the script's draws: length, arch, then 5 x (rotation, tilt)
        length, arch = float(rng.uniform(230, 280)), float(rng.uniform(0.2, 0.9))
        rng.uniform(size=10)
    return synth.make_foot(
        np.random.default_rng(500 + k), side=("right", "left")[k % 2], length_mm=length, arch=arch
    )


@pytest.mark.parametrize(("k", "rotation_deg", "tilt_deg"), [(4, -11.2, 28.3), (0, 52.3, 12.3)])
def test_broken_midfoot_band_and_far_toes_stay_one_foot(
    k: int, rotation_deg: float, tilt_deg: float
) -> None:
    shape = _repeat_foot(k)
    truth = synth.foot_truth(shape)
    photo = synth.photo_of_foot(shape, 50000 + 10 * k, rotation_deg=rotation_deg, tilt_deg=tilt_deg)
    result = footprint.analyse(photo.jpeg)
    assert len(result.feet) == 1
    foot = result.feet[0]
    assert foot.axis_source == "second_toe", foot.warnings
    assert foot.side == shape.side
    assert abs(foot.foot_length_mm - truth["foot_length_mm"]) <= 0.01 * truth["foot_length_mm"]
    assert abs(foot.arch_index - truth["arch_index"]) <= 0.02


@pytest.mark.parametrize(
    ("seed", "scene"), [(4006, "ink_black"), (4057, "ink_black"), (5118, "ink_blue")]
)
def test_a_sheet_notched_by_a_print_at_its_edge_is_still_the_paper(seed: int, scene: str) -> None:
    """Ink on a sheet of unknown size with a card beside it: the print's heel runs
    to the sheet's edge and notches its outline; the sheet must still be found, so
    the paper's edge is not taken for the print's background. In 5118 the heel
    comes within the coarse blur of the edge and the whole print notches the
    outline (solidity 0.846, under the 0.85 allowed before)."""
    photo = synth.render_photo(seed, scene=scene, reference="card", size=(2016, 1512))
    result = footprint.analyse(photo.jpeg)
    assert len(result.feet) == len(photo.feet) == 1
    assert abs(result.feet[0].arch_index - photo.feet[0].arch_index) <= 0.02
    assert result.feet[0].side == photo.feet[0].side


@pytest.mark.parametrize("stretch", [0.6, 1.45], ids=["too_narrow", "too_wide"])
def test_a_print_no_foot_could_make_is_refused(stretch: float) -> None:
    """A print far narrower or wider for its length than any foot (the shared
    drawn prints squeezed or stretched across) has taken in something else or
    lost part of the foot: it is refused by default, and measured with a
    warning when the user asks for everything (``min_quality=0``)."""
    from conftest import drawn_print_rgb, encode

    from footprint.pipeline import FOOT_WIDTH_TO_LENGTH

    rgb = drawn_print_rgb(two_feet=False)
    h, w = rgb.shape[:2]
    rgb = cv2.resize(rgb, (round(w * stretch), h), interpolation=cv2.INTER_AREA)
    jpeg = encode(rgb)
    with pytest.raises(UnclearPrintError, match="as wide as it is long"):
        footprint.analyse(jpeg)
    foot = footprint.analyse(jpeg, min_quality=0.0).feet[0]
    ratio = foot.foot_width_px / foot.foot_length_px
    lo, hi = FOOT_WIDTH_TO_LENGTH
    assert not lo <= ratio <= hi
    assert any("as wide as it is long" in w for w in foot.warnings)
    # the same print with a foot's proportions is measured without that warning
    plain = footprint.analyse(encode(drawn_print_rgb(two_feet=False))).feet[0]
    assert not any("as wide as it is long" in w for w in plain.warnings)


def test_both_prints_of_a_two_foot_form_get_their_sides() -> None:
    """A two-foot form (development seed 5087). Until the twelfth session
    both prints read as left feet, one of them uncertain, and the pair rule
    (two prints in one photo are a person's pair) measured the uncertain one
    again as the right foot. With a phone's shadow on the form no longer
    taken for ink, both read right by their own shape, and the rule is left
    alone; no development photo of seeds 5000-5089 rendered as a two-foot
    form triggers it now; the rule is tested end to end below with its
    premise set at the anatomy step."""
    photo = _photo(5087, "podograph", "card", n_feet=None, size=(2016, 1512))
    assert sorted(t.side for t in photo.feet) == ["left", "right"]
    result = footprint.analyse(photo.jpeg)
    assert len(result.feet) == 2
    for truth in photo.feet:
        assert _nearest(result, truth).side == truth.side
    assert not any(f.side_source == "pair" for f in result.feet)


def test_a_print_read_as_the_same_side_as_its_pair_is_measured_again(monkeypatch) -> None:
    """The pair rule end to end, its premise set at the anatomy step: on the
    two-foot form of seed 5087 the right print is made to read as an
    uncertain left foot (as it did before the twelfth session). It is then
    measured again as the right foot, and says so."""
    from dataclasses import replace

    from footprint import anatomy

    real = anatomy.locate

    def misread(mask, params, *, side_override=None):  # noqa: ANN001, ANN202
        anat = real(mask, params, side_override=side_override)
        if side_override is None and anat.side == "right":
            return replace(anat, side="left", side_confidence=0.3)
        return anat

    monkeypatch.setattr(anatomy, "locate", misread)
    photo = _photo(5087, "podograph", "card", n_feet=None, size=(2016, 1512))
    result = footprint.analyse(photo.jpeg)
    assert len(result.feet) == 2
    for truth in photo.feet:
        assert _nearest(result, truth).side == truth.side
    paired = [f for f in result.feet if f.side_source == "pair"]
    assert len(paired) == 1
    assert any("taken as the right foot of the pair" in w for w in paired[0].warnings)


def test_the_pair_rule_leaves_sure_or_equally_unsure_sides_alone() -> None:
    """Only one uncertain print of two that read alike is changed: two sure
    ones (two prints of the same foot) or two unsure ones are left as found,
    and so is a side the user set."""
    from dataclasses import replace

    from footprint.anatomy import SIDE_SURE_CONFIDENCE
    from footprint.pipeline import _odd_one_of_a_pair

    foot = footprint.analyse(_photo(3110).jpeg).feet[0]
    sure = replace(foot, side="left", side_source="shape", side_confidence=1.0)
    unsure = replace(sure, side_confidence=SIDE_SURE_CONFIDENCE / 2)
    assert _odd_one_of_a_pair([sure, unsure]) == 1
    assert _odd_one_of_a_pair([unsure, sure]) == 0
    assert _odd_one_of_a_pair([sure, sure]) is None
    assert _odd_one_of_a_pair([unsure, unsure]) is None
    assert _odd_one_of_a_pair([sure, replace(unsure, side="right")]) is None
    assert _odd_one_of_a_pair([sure, replace(unsure, side_source="user")]) is None
    assert _odd_one_of_a_pair([unsure]) is None

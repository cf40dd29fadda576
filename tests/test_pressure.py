"""Contact-intensity map: plate parser, real-plate ground truth, region masks, summary figures."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from footprint import indices, pipeline, plates, pressure, synth
from footprint.frame import make_frame
from footprint.params import PressureParams
from footprint.result import REGIONS

PLATE = Path(__file__).parent / "data" / "pressure-plates" / "emed_test.lst"


# --------------------------------------------------------------------------- #
# parser
# --------------------------------------------------------------------------- #
@pytest.fixture(scope="module")
def plate() -> plates.PlateRecording:
    return plates.read_emed_lst(PLATE)


def test_parser_reads_the_emed_export(plate: plates.PlateRecording) -> None:
    assert plate.matrix == (64, 95)
    assert plate.frames.shape == (106, 54, 22)  # written window: rows 30-83, cols 26-47
    assert (plate.rows[0], plate.rows[-1], plate.cols[0], plate.cols[-1]) == (30, 83, 26, 47)
    assert plate.sensor_mm == pytest.approx((5.0, 5.0))
    assert plate.unit == "kPa"
    assert plate.frame_ms == pytest.approx(10.0)
    assert plate.pictures == tuple(range(1, 107))
    assert float(plate.frames.min()) >= 0.0


def test_parser_values_match_the_file(plate: plates.PlateRecording) -> None:
    # Pict-No. 1, sensor row 80: columns 28..34 read 15 45 50 55 50 45 35 kPa
    i = int(np.flatnonzero(plate.rows == 80)[0])
    j = int(np.flatnonzero(plate.cols == 28)[0])
    assert plate.frames[0, i, j : j + 7].tolist() == [15, 45, 50, 55, 50, 45, 35]


def test_peak_is_the_per_sensor_maximum(plate: plates.PlateRecording) -> None:
    peak = plate.peak
    assert peak.shape == (54, 22)
    np.testing.assert_array_equal(peak, plate.frames.max(axis=0))
    assert float(peak.max()) == pytest.approx(370.0)
    assert int((peak > 0).sum()) == 506
    # every picture is below or at the peak; the peak is reached in some picture
    assert (plate.frames <= peak[None]).all()
    # a walking step of an adult: peak force roughly 1-1.3 body weights of 50-100 kg
    assert 500.0 < float(plate.force_n().max()) < 1300.0


def test_parser_on_a_shifted_window_and_bad_input() -> None:
    text = (
        "\tMatrix: 4x4\n\tSensor size: 0.500x0.500 cm\n"
        "\tPict-No.: 1  Force[N]=sum*sensor_area in row/column\n"
        "\t1\t2\tForce\n1\t10.00\t0.00\t0.25\n2\t0.00\t20.00\t0.50\nForce\t0.25\t0.50\t0.75\n"
        "\tPict-No.: 2  Force[N]=sum*sensor_area in row/column\n"
        "\t2\t3\tForce\n2\t30.00\t40.00\t1.75\nForce\t0.75\t1.00\t1.75\n"
    ).encode("latin-1")
    p = plates.read_emed_lst(text)
    assert p.frames.shape == (2, 2, 3)
    assert p.unit == "kPa"
    np.testing.assert_array_equal(p.peak, [[10, 0, 0], [0, 30, 40]])
    with pytest.raises(plates.PlateFormatError, match="no picture"):
        plates.read_emed_lst(b"not a plate export\n1 2 3\n")


# --------------------------------------------------------------------------- #
# real plate as ground truth
# --------------------------------------------------------------------------- #
@pytest.fixture(scope="module")
def plate_photo(plate: plates.PlateRecording) -> plates.PlatePhoto:
    return plates.render_plate_photo(plate, seed=0)


@pytest.fixture(scope="module")
def plate_comparison(plate_photo: plates.PlatePhoto) -> plates.PlateComparison:
    analysis = pipeline.analyse_detailed(plate_photo.jpeg)
    assert len(analysis.feet) == 1
    return plates.compare_plate(analysis, plate_photo)


def test_plate_photo_darkness_follows_pressure(plate_photo: plates.PlatePhoto) -> None:
    # the print darkens where the plate recorded high pressure: compare image
    # lightness at the hottest sensor and at a light-contact sensor
    pk = plate_photo.pressure
    lab = cv2.cvtColor(plate_photo.rgb, cv2.COLOR_RGB2LAB)[..., 0].astype(float)

    def light_at(r: int, c: int) -> float:
        w = plate_photo.world_to_image @ plate_photo.sensor_to_world @ np.array([c, r, 1.0])
        x, y = (w[:2] / w[2]).round().astype(int)
        return float(lab[y - 2 : y + 3, x - 2 : x + 3].mean())

    hot = np.unravel_index(np.argmax(pk), pk.shape)
    light = np.argwhere((pk > 0) & (pk <= 30))[0]
    assert light_at(*hot) < light_at(*light) - 60


def test_plate_map_correlates_with_recorded_pressure(
    plate_comparison: plates.PlateComparison,
) -> None:
    assert plate_comparison.n_sensors == 506
    assert plate_comparison.pearson_r >= 0.85


def test_plate_faint_midfoot_is_inside_the_found_print(
    plate_comparison: plates.PlateComparison,
) -> None:
    # the real recording's midfoot prints at 5-10 % of the peak darkness: left
    # out by the segmentation (84.7 % of the load inside before the faint
    # midfoot was traced), added back by footprint.midfoot
    assert plate_comparison.load_inside_pct >= 90.0


def test_plate_region_shares_within_5_points(plate_comparison: plates.PlateComparison) -> None:
    c = plate_comparison
    assert sum(v for v in c.plate_shares.values() if v) == pytest.approx(100.0, abs=0.01)
    for k in REGIONS:
        assert abs(c.share_diff[k]) <= 5.0, (k, c.share_diff)
    assert abs(c.pipeline_cop_along - c.plate_cop_along) <= 0.03


def test_contact_level_option_unflattens_a_print_that_marks_any_contact(
    plate: plates.PlateRecording,
) -> None:
    # darkness 0.15 at the lightest contact, rising in proportion to pressure:
    # as found, the offset flattens the shares (3.2 points measured); with the
    # contact level removed they follow the plate's pressure again (0.8)
    photo = plates.render_plate_photo(plate, seed=0, contact_darkness=0.15)
    as_found = plates.compare_plate(pipeline.analyse_detailed(photo.jpeg), photo)
    levelled = plates.compare_plate(
        pipeline.analyse_detailed(photo.jpeg, contact_level_percentile=0.5), photo
    )
    worst = [max(abs(v) for v in c.share_diff.values()) for c in (as_found, levelled)]
    assert worst[0] > 2.5
    assert worst[1] < 1.5
    assert levelled.pearson_r >= 0.85


def test_contact_level_is_not_removed_from_grid_density(shape: synth.FootShape) -> None:
    # a podograph's density is near 0 under light contact: its map is kept as found
    frame = make_frame(
        np.array(shape.heel_centre_rc[::-1], float),
        np.array([shape.heel_centre_rc[1], 0.0]),
        "right",
        np.argwhere(shape.print_mask >= 0.5)[:, ::-1].astype(float),
    )
    params = PressureParams(contact_level_percentile=5.0)
    inten = (0.4 + 0.6 * shape.pressure) * (shape.print_mask >= 0.5)
    print_f = frame.warp(shape.print_mask.astype(np.float32))
    kept = pressure.intensity_in_frame(inten, print_f, frame, params, 0.5, contact_level=False)
    removed = pressure.intensity_in_frame(inten, print_f, frame, params, 0.5)
    inside = print_f >= 0.5
    assert np.percentile(kept[inside], 5) > 0.3  # the 0.4 offset stays
    assert np.percentile(removed[inside], 5) < 0.05  # the lightest contact is the zero


@pytest.mark.parametrize("smooth_mm", [2.0, 5.0])
def test_an_unscaled_map_is_smoothed_as_if_a_pixel_were_a_millimetre(
    shape: synth.FootShape, smooth_mm: float
) -> None:
    # without a scale, the smoothing and the contact level's inset both take a
    # 1 mm pixel (the smoothing was a fixed 2 px, deaf to smooth_mm)
    frame = make_frame(
        np.array(shape.heel_centre_rc[::-1], float),
        np.array([shape.heel_centre_rc[1], 0.0]),
        "right",
        np.argwhere(shape.print_mask >= 0.5)[:, ::-1].astype(float),
    )
    params = PressureParams(smooth_mm=smooth_mm, contact_level_percentile=0.5)
    inten = (0.4 + 0.6 * shape.pressure) * (shape.print_mask >= 0.5)
    print_f = frame.warp(shape.print_mask.astype(np.float32))
    unscaled = pressure.intensity_in_frame(inten, print_f, frame, params, None)
    one_mm = pressure.intensity_in_frame(inten, print_f, frame, params, 1.0)
    np.testing.assert_array_equal(unscaled, one_mm)


# --------------------------------------------------------------------------- #
# region masks and summary figures
# --------------------------------------------------------------------------- #
@pytest.fixture(scope="module")
def shape() -> synth.FootShape:
    return synth.make_foot(np.random.default_rng(7), mm_per_px=0.5)


@pytest.mark.parametrize("with_toes", [True, False])
def test_region_masks_partition_the_print(shape: synth.FootShape, with_toes: bool) -> None:
    toes = shape.toes if with_toes else np.zeros_like(shape.toes)
    reg = pressure.region_masks(shape.sole, toes, float(shape.heel_centre_rc[1]))
    stack = np.stack([reg.masks[k] for k in REGIONS]).astype(int)
    assert stack.sum(axis=0).max() == 1  # disjoint
    allp = (shape.sole >= 0.5) | ((toes >= 0.5) & (shape.sole < 0.5))
    np.testing.assert_array_equal(stack.sum(axis=0).astype(bool), allp)  # cover the print
    assert all(reg.masks[k].any() for k in REGIONS)
    heel = reg.masks["heel"]
    np.testing.assert_array_equal(reg.heel_medial | reg.heel_lateral, heel)
    assert not (reg.heel_medial & reg.heel_lateral).any()


def test_shares_sum_to_100_and_cop_is_inside_the_foot(shape: synth.FootShape) -> None:
    axis = float(shape.heel_centre_rc[1])
    reg = pressure.region_masks(shape.sole, shape.toes, axis)
    inten = shape.pressure * shape.print_mask
    stats, fig = pressure.summarise(inten, reg, shape.sole, axis, shape.mm_per_px)
    assert sum(stats[k].share_pct for k in REGIONS) == pytest.approx(100.0, abs=0.01)
    assert 0.0 < fig["cop_along"] < 1.0
    assert -0.5 < fig["cop_across"] < 0.5
    assert 0.0 < fig["balance_medial_lateral"] < 1.0
    hull = cv2.convexHull(np.argwhere(shape.print_mask >= 0.5)[:, ::-1].astype(np.float32))
    assert cv2.pointPolygonTest(hull, (fig["cop_col"], fig["cop_row"]), False) > 0


def test_weighted_arch_index_equals_plain_for_a_uniform_map(shape: synth.FootShape) -> None:
    sole = (shape.sole >= 0.5).astype(np.float32)
    axis = float(shape.heel_centre_rc[1])
    reg = pressure.region_masks(sole, shape.toes, axis)
    _, fig = pressure.summarise(np.ones_like(sole), reg, sole, axis, shape.mm_per_px)
    assert fig["arch_index_weighted"] == pytest.approx(indices.arch_index(sole), abs=1e-9)


# --------------------------------------------------------------------------- #
# synthetic photos (development seeds)
# --------------------------------------------------------------------------- #
@pytest.fixture(scope="module")
def synth_feet() -> list[plates.SynthFootComparison]:
    out = []
    for seed, scene in ((11, "ink_black"), (17, "wet_kraft"), (12, "ink_blue")):
        photo = synth.render_photo(seed, scene=scene, reference="a4", n_feet=1)
        out.extend(plates.compare_synth(photo, pipeline.analyse_detailed(photo.jpeg)))
    return out


def test_synthetic_geometry_chain(synth_feet: list[plates.SynthFootComparison]) -> None:
    # the truth's print warped world -> image -> plane -> foot frame lands on the
    # pipeline's print, and its centre of pressure lands where its own frame has it
    assert len(synth_feet) == 3
    for f in synth_feet:
        assert f.iou > 0.85, (f.scene, f.iou)
        assert abs(f.frame_cop_along - f.truth_cop_along) <= 0.03


def test_synthetic_cop_along_within_0_03(synth_feet: list[plates.SynthFootComparison]) -> None:
    for f in synth_feet:
        assert f.cop_error <= 0.03, (f.scene, f.cop_error)


@pytest.mark.xfail(
    strict=True,
    reason="measured max share error 3.4 (ink_black), 4.1 (wet_kraft), 6.7 (ink_blue) points "
    "(c3074de): the generator prints darkness a + b * pressure (ink also saturates), and its "
    "own darkness shares already differ from its pressure shares by 6.1 / 5.3 / 8.1 points; "
    "see docs/pressure.md",
)
def test_synthetic_region_shares_within_5_points(
    synth_feet: list[plates.SynthFootComparison],
) -> None:
    for f in synth_feet:
        assert f.share_error <= 5.0, (f.scene, f.share_error)

"""Comparing prints: alignment on generated photos of one foot, changes, symmetry, PDF.

``footprint.synth.render_photo`` draws the foot and the camera from one seed, so
it cannot photograph *the same* foot twice. :func:`footprint.synth.photo_of_foot`
does: it lays a :func:`footprint.synth.make_foot` print on an A4 sheet and renders
it through a pinhole camera of our choosing (rotation, tilt) with the seed's own
lighting and noise.
"""

from __future__ import annotations

import subprocess
import sys

import cv2
import numpy as np
import pytest

from footprint import compare, synth
from footprint.compare import (
    CompareError,
    FootView,
    Repeatability,
    compare_prints,
    index_changes,
    symmetry_index,
    symmetry_table,
)
from footprint.pipeline import Analysis, analyse_detailed

FOOT_SEED = 11


def photo_of(
    shape: synth.FootShape,
    seed: int,
    *,
    rotation_deg: float,
    tilt_deg: float,
    size: tuple[int, int] = (1200, 900),
) -> tuple[bytes, np.ndarray, np.ndarray]:
    """JPEG of ``shape`` inked on A4, and the true heel centre and toe tip in image (x, y)."""
    photo = synth.photo_of_foot(
        shape, seed, rotation_deg=rotation_deg, tilt_deg=tilt_deg, size=size
    )
    truth = photo.feet[0]
    return photo.jpeg, np.asarray(truth.heel_centre_xy), np.asarray(truth.toe_tip_xy)


def _image_to_plane(analysis: Analysis, pts_xy: np.ndarray) -> np.ndarray:
    work = (np.asarray(pts_xy, np.float64).reshape(-1, 1, 2) + 0.5) / analysis.image.scale - 0.5
    inv = np.linalg.inv(analysis.plane.plane_to_image)
    return cv2.perspectiveTransform(work, inv).reshape(-1, 2)


def _foot(arch: float) -> synth.FootShape:
    return synth.make_foot(
        np.random.default_rng(FOOT_SEED), side="right", length_mm=250.0, arch=arch
    )


def _truth_ai(arch: float) -> float:
    return float(synth.foot_truth(_foot(arch))["arch_index"])


SHOTS = {
    "straight": {"seed": 1, "rotation_deg": 8.0, "tilt_deg": 0.0},
    "turned_tilted": {"seed": 2, "rotation_deg": -25.0, "tilt_deg": 25.0},
    "turned_around": {"seed": 3, "rotation_deg": 150.0, "tilt_deg": 17.0},
}


@pytest.fixture(scope="module")
def same_foot() -> dict[str, tuple[Analysis, np.ndarray, np.ndarray]]:
    shape = _foot(0.5)
    out = {}
    for name, shot in SHOTS.items():
        jpeg, heel, toe = photo_of(shape, **shot)
        a = analyse_detailed(jpeg)
        assert a.result.scale_source == "a4"
        out[name] = (a, *_image_to_plane(a, np.vstack([heel, toe])))
    return out


@pytest.mark.parametrize("other", ["turned_tilted", "turned_around"])
def test_two_photos_of_the_same_foot_align_within_2_mm(same_foot, other: str) -> None:  # noqa: ANN001
    a, heel_a, toe_a = same_foot["straight"]
    b, heel_b, toe_b = same_foot[other]
    c = compare_prints(a, b)
    al = c.alignment
    mm = al.canvas_mm_per_px
    heel_err = float(np.hypot(*(al.to_canvas("a", heel_a) - al.to_canvas("b", heel_b))[0])) * mm
    toe_err = float(np.hypot(*(al.to_canvas("a", toe_a) - al.to_canvas("b", toe_b))[0])) * mm
    print(f"{other}: heel {heel_err:.2f} mm, toe {toe_err:.2f} mm, Dice {c.overlap_dice:.3f}")
    assert heel_err < 2.0
    assert toe_err < 2.0
    assert c.overlap_dice > 0.9
    assert c.overlay_rgb.shape == (*al.shape, 3) and c.overlay_rgb.dtype == np.uint8
    ai = next(x for x in c.changes if x.key == "arch_index")
    assert abs(ai.change) < 0.01 and ai.exceeds is False


@pytest.mark.slow
def test_an_arch_index_change_of_003_is_measured_within_001() -> None:
    ai0 = _truth_ai(0.5)
    lo, hi = 0.5, 0.8  # bisect the arch parameter for a true change of +0.03
    for _ in range(14):  # to 0.3 / 2**14 of the arch parameter: far below the 1e-3 checked
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if _truth_ai(mid) - ai0 < 0.03 else (lo, mid)
    arch1 = 0.5 * (lo + hi)
    truth_change = _truth_ai(arch1) - ai0
    assert truth_change == pytest.approx(0.03, abs=1e-3)
    before = analyse_detailed(photo_of(_foot(0.5), **SHOTS["straight"])[0])
    after = analyse_detailed(photo_of(_foot(arch1), **SHOTS["turned_tilted"])[0])
    c = compare_prints(before, after)
    ai = next(x for x in c.changes if x.key == "arch_index")
    print(f"true change {truth_change:+.4f}, measured {ai.change:+.4f}")
    assert ai.change == pytest.approx(truth_change, abs=0.01)
    assert ai.exceeds is True
    assert ai in c.exceeding
    # the midfoot gained contact: more red than blue pixels in the contact map
    diff = compare.contact_difference(c.alignment)
    assert (diff > 0.5).sum() > (diff < -0.5).sum()


def test_prints_of_different_feet_are_refused(analysis) -> None:  # noqa: ANN001
    sides = [f.side for f in analysis.result.feet]
    assert sorted(sides) == ["left", "right"]
    with pytest.raises(CompareError, match="different feet"):
        compare_prints(analysis, analysis, before_foot=0, after_foot=1)


def test_left_vs_right_mirrors_the_left_foot(analysis) -> None:  # noqa: ANN001
    views = {
        f.side: FootView.from_analysis(analysis, i) for i, f in enumerate(analysis.result.feet)
    }
    al, rows = compare.left_right(views["left"], views["right"])
    assert al.mirrored == (True, False)
    assert al.scale_source == "foot_axis" and al.warnings  # no scale in this photo
    by_key = {r.key: r for r in rows}
    left = next(f for f in analysis.result.feet if f.side == "left")
    right = next(f for f in analysis.result.feet if f.side == "right")
    assert by_key["arch_index"].symmetry_index_pct == pytest.approx(
        abs(left.arch_index - right.arch_index) / (0.5 * (left.arch_index + right.arch_index)) * 100
    )
    with pytest.raises(CompareError):
        compare.left_right(views["right"], views["left"])


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (0.24, 0.20, 18.181818),
        (10.0, 10.0, 0.0),
        (1.0, 3.0, 100.0),
        (None, 1.0, None),
        (0.0, 0.0, None),
        (-1.0, 0.5, None),
        (float("nan"), 1.0, None),
    ],
)
def test_symmetry_index_of_robinson(left, right, expected) -> None:  # noqa: ANN001
    got = symmetry_index(left, right)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected, rel=1e-6)


def test_changes_are_flagged_against_the_repeatability() -> None:
    rep = Repeatability(arch_index=0.01, chippaux_smirak=3.0, region_share_pct=3.0)
    rows = {
        r.key: r
        for r in index_changes(
            {"arch_index": 0.20, "chippaux_smirak": 40.0, "staheli": 0.5, "share_heel": 30.0},
            {"arch_index": 0.215, "chippaux_smirak": 42.0, "staheli": None, "share_heel": 36.0},
            repeatability=rep,
        )
    }
    assert rows["arch_index"].change == pytest.approx(0.015) and rows["arch_index"].exceeds
    assert rows["chippaux_smirak"].exceeds is False
    assert rows["staheli"].change is None and rows["staheli"].exceeds is None
    assert rows["share_heel"].repeatability == 3.0 and rows["share_heel"].exceeds
    assert "foot_length_mm" not in rows
    table = compare.changes_as_rows(list(rows.values()))
    assert table[0]["Change"] == "+0.015" and table[0]["Beyond noise"] == "yes"


def test_the_repeatability_fits_the_kind_of_print() -> None:
    ink = compare.repeatability_for("ink", "ink")
    assert ink == Repeatability() and ink.measured_on.startswith("ink")
    wet = compare.REPEATABILITY_BY_SCENE["wet"]
    assert compare.repeatability_for("wet", "wet") == wet
    assert wet.measured_on.startswith("wet")
    # the noisier measurement covers a mixed pair, measure by measure: wet
    # prints repeat worse in the indices, ink in length and width
    mixed_iw = compare.repeatability_for("ink", "wet")
    for key in ("arch_index", "chippaux_smirak", "staheli", "share_heel"):
        assert wet.threshold(key) > ink.threshold(key)
        assert mixed_iw.threshold(key) == wet.threshold(key)
    for key in ("foot_length_mm", "foot_width_mm"):
        assert wet.threshold(key) < ink.threshold(key)
        assert mixed_iw.threshold(key) == ink.threshold(key)
    assert mixed_iw.measured_on == "ink prints on an A4 sheet and wet prints on kraft paper"
    # a podograph is noisier than ink in every measure, and than wet prints
    podo = compare.REPEATABILITY_BY_SCENE["podograph"]
    assert compare.repeatability_for("podograph", "ink") == podo
    mixed = compare.repeatability_for("wet", "podograph")
    assert mixed.threshold("arch_index") == max(podo.arch_index, wet.arch_index)
    assert mixed.threshold("foot_length_mm") == max(podo.foot_length_mm, wet.foot_length_mm)
    assert mixed.threshold("foot_width_mm") == max(podo.foot_width_mm, wet.foot_width_mm)
    # podograph prints are noisier than wet ones in every measure: their values stand
    assert mixed == podo
    unmeasured = compare.repeatability_for("unknown", "ink")
    assert unmeasured.threshold("arch_index") is None
    rows = index_changes({"arch_index": 0.2}, {"arch_index": 0.3}, repeatability=unmeasured)
    assert rows[0].change == pytest.approx(0.1) and rows[0].exceeds is None


def test_a_comparison_of_unmeasured_prints_calls_nothing_beyond_noise(same_foot) -> None:  # noqa: ANN001
    import dataclasses

    a, b = same_foot["straight"][0], same_foot["turned_tilted"][0]
    before = dataclasses.replace(FootView.from_analysis(a), scene="unknown")
    after = FootView.from_analysis(b)
    assert after.scene == "ink"
    c = compare.compare_views(before, after)
    assert all(ch.exceeds is None for ch in c.changes)
    assert any("not measured" in w for w in c.warnings)
    assert (
        compare.compare_views(FootView.from_analysis(a), after).meta["repeatability_measured_on"]
        == "ink prints on an A4 sheet"
    )


def test_symmetry_table_reads_stored_results() -> None:
    left = {"arch_index": 0.22, "foot_length_mm": 250.0, "region_shares": {"heel": 40.0}}
    right = {"arch_index": 0.20, "foot_length_mm": 252.0, "region_shares": {"heel": 36.0}}
    rows = {r.key: r for r in symmetry_table(left, right)}
    assert rows["share_heel"].symmetry_index_pct == pytest.approx(4 / 38 * 100)
    assert rows["foot_length_mm"].difference == pytest.approx(-2.0)
    assert "staheli" not in rows


def test_comparison_pdf(same_foot) -> None:  # noqa: ANN001
    c = compare_prints(same_foot["straight"][0], same_foot["turned_tilted"][0])
    pdf = compare.comparison_pdf(
        c, before_label="2024-01-05", after_label="2024-03-01", patient_code="P-0001"
    )
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf) > 5_000
    assert b"Exif" not in pdf


def test_compare_imports_no_ui_or_database() -> None:
    code = (
        "import sys, footprint.compare; "
        "bad = {'streamlit', 'sqlalchemy', 'dask', 'typer', 'fpdf'} & set(sys.modules); "
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0

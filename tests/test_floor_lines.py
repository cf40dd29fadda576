"""Perspective from the floor's lines when there is no reference and no sheet.

A tiled floor's joints are two families of parallel lines at right angles:
their vanishing points give the camera's tilt (and its focal length), and the
photo is re-imaged as seen from straight above (``footprint.floorlines``,
``floor_lines_perspective``, on by default). Lengths stay in pixels.
"""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
from floor_photos import SIZE, floor_photo, tiled_print

import footprint
from footprint import floorlines, rectify
from footprint.errors import ParameterError
from footprint.params import RectifyParams
from footprint.result import FootprintResult

PARAMS = RectifyParams()


def _anisotropy(hom: np.ndarray, at_xy: tuple[float, float]) -> float:
    """Ratio - 1 of the singular values of the map's Jacobian at ``at_xy``:
    0 where the map is a similarity (no perspective left)."""
    x = np.array([at_xy[0], at_xy[1], 1.0])
    q = hom @ x
    jac = (hom[:2, :2] * q[2] - np.outer(q[:2], hom[2, :2])) / q[2] ** 2
    s = np.linalg.svd(jac, compute_uv=False)
    return float(s[0] / s[1] - 1.0)


@pytest.mark.parametrize(("tilt", "focal"), [(25.0, 0.9), (12.0, 0.8)])
def test_tile_joints_give_the_view_from_straight_above(tilt: float, focal: float) -> None:
    rgb, floor_to_photo = floor_photo(tilt, focal=focal)
    found = floorlines.find_floor_lines(rgb, PARAMS)
    assert found is not None
    assert found.tilt_deg == pytest.approx(tilt, abs=0.3)
    assert set(found.family.tolist()) == {0, 1}
    plane = rectify.rectify(rgb, PARAMS)
    assert plane.floor_lines is not None and plane.paper_xy is None
    assert plane.mm_per_px is None and plane.scale_source == "none"
    # the floor -> plane map is a similarity where the print would lie
    before = _anisotropy(floor_to_photo, (0.0, 0.0))
    after = _anisotropy(plane.image_to_plane @ floor_to_photo, (0.0, 0.0))
    assert before > 0.02 * tilt / 12.0
    assert after < 0.002  # measured 0.0001-0.0002 at 12-35 degrees
    # the photo's centre keeps its sampling
    centre = np.array([[[(SIZE[0] - 1) / 2, (SIZE[1] - 1) / 2]]])
    mapped = cv2.perspectiveTransform(centre, plane.image_to_plane)[0, 0]
    assert plane.valid[int(mapped[1]), int(mapped[0])]


def test_the_focal_length_comes_from_the_right_angle() -> None:
    rgb, _ = floor_photo(28.0, focal=1.0)
    found = floorlines.find_floor_lines(rgb, PARAMS)
    assert found is not None and found.focal_from_lines
    assert found.focal_px == pytest.approx(1.0 * SIZE[0], rel=0.02)


@pytest.mark.parametrize("families", [0, 1])
def test_planks_or_a_plain_floor_give_no_perspective(families: int) -> None:
    rgb, _ = floor_photo(25.0, families=families)
    assert floorlines.find_floor_lines(rgb, PARAMS) is None
    plane = rectify.rectify(rgb, PARAMS)
    assert plane.floor_lines is None and np.allclose(plane.image_to_plane, np.eye(3))


def test_the_option_turns_it_off() -> None:
    rgb, _ = floor_photo(25.0)
    plane = rectify.rectify(rgb, RectifyParams(floor_lines_perspective=False))
    assert plane.floor_lines is None and np.allclose(plane.image_to_plane, np.eye(3))


def test_focal_range_is_checked() -> None:
    with pytest.raises(ParameterError, match="floor_line_focal_range"):
        RectifyParams(floor_line_focal_range=(1.2, 0.6))
    assert RectifyParams(floor_line_focal_range=[0.7, 1.1]).floor_line_focal_range == (0.7, 1.1)


def test_a_photo_from_nearly_straight_above_is_measured_as_taken() -> None:
    rgb, _ = floor_photo(2.0)
    plane = rectify.rectify(rgb, PARAMS)
    assert plane.floor_lines is not None
    assert plane.floor_lines.tilt_deg < PARAMS.floor_line_min_tilt_deg
    assert np.allclose(plane.image_to_plane, np.eye(3)) and plane.image is rgb
    from footprint.pipeline import plane_warnings

    assert "nearly straight above (2 degree tilt)" in plane_warnings(plane)[0]


@pytest.fixture(scope="module", name="tiled_print")
def _tiled_print() -> tuple[bytes, float]:
    return tiled_print()


def test_a_print_on_a_tilted_tiled_floor_is_measured_from_straight_above(tiled_print) -> None:
    jpeg, truth = tiled_print
    flat = footprint.analyse(jpeg)
    seen = footprint.analyse(jpeg, floor_lines_perspective=False)
    assert len(flat.feet) == len(seen.feet) == 1
    err_flat = abs(flat.feet[0].arch_index - truth)
    err_seen = abs(seen.feet[0].arch_index - truth)
    # measured: 0.004 through the floor's lines, 0.013 as photographed
    assert err_flat < 0.006
    assert err_seen > 2 * err_flat
    assert flat.scale_source == "none" and flat.feet[0].foot_length_mm is None
    assert any(
        "(a 30 degree tilt) was taken from two sets of straight floor lines" in w
        for w in flat.warnings
    )
    assert any("perspective is not corrected" in w for w in seen.warnings)
    assert flat.floor_lines is not None and len(flat.floor_lines) >= 4
    assert seen.floor_lines is None
    again = FootprintResult.from_dict(flat.to_dict()).floor_lines
    assert again is not None and np.allclose(again, flat.floor_lines, atol=1e-6)
    old = flat.to_dict()
    del old["floor_lines"]  # a result stored before the field existed
    assert FootprintResult.from_dict(old).floor_lines is None


def test_the_lines_are_drawn_on_the_photo(tiled_print) -> None:
    from footprint import pipeline, render

    analysis = pipeline.analyse_detailed(tiled_print[0])
    drawn = render.overlay_on_photo(analysis, target_long_px=SIZE[0])
    plain = pipeline.analyse_detailed(tiled_print[0], floor_lines_perspective=False)
    undrawn = render.overlay_on_photo(plain, target_long_px=SIZE[0])
    segs = np.asarray(analysis.result.floor_lines)
    t = np.linspace(0.1, 0.9, 9)[None, :, None]
    pts = segs[:, None, :2] + t * (segs[:, None, 2:] - segs[:, None, :2])
    cols, rows = np.round(pts.reshape(-1, 2)).astype(int).T

    def drawn_share(img: np.ndarray) -> float:
        """Share of points on the segments that are violet (blue well above green)."""
        px = img[rows, cols].astype(int)
        return float((px[:, 2] - px[:, 1] > 40).mean())

    assert drawn_share(drawn) > 0.8
    assert drawn_share(undrawn) < 0.3


def test_cli_option(tiled_print, tmp_path) -> None:
    from typer.testing import CliRunner

    from footprint.cli import app

    photo = tmp_path / "tiled.jpg"
    photo.write_bytes(tiled_print[0])
    res = CliRunner().invoke(app, ["analyse", str(photo), "--json"])
    assert res.exit_code == 0, res.output
    assert len(json.loads(res.stdout)["floor_lines"]) >= 4
    off = CliRunner().invoke(app, ["analyse", str(photo), "--json", "--no-floor-lines"])
    assert off.exit_code == 0, off.output
    assert json.loads(off.stdout)["floor_lines"] is None
    table = CliRunner().invoke(app, ["analyse", str(photo)])
    assert table.exit_code == 0, table.output
    assert "perspective from the floor's lines" in " ".join(table.stdout.split())


def _vanishing_point_every_pair(segs: np.ndarray, spacing_px: float):  # noqa: ANN202
    """The plain search of ``floorlines._vanishing_point``: every pair scored
    exactly, then the same refinement."""
    lines = floorlines._homogeneous_lines(segs)
    length = np.hypot(segs[:, 2] - segs[:, 0], segs[:, 3] - segs[:, 1])
    tol = PARAMS.floor_line_angle_tolerance_deg
    best_score, best = 0.0, None
    for i in range(len(segs) - 1):
        for j in range(i + 1, len(segs)):
            v = np.cross(lines[i], lines[j])
            norm = np.linalg.norm(v)
            if norm < 1e-12:
                continue
            mask = floorlines._points_at(segs, v / norm, tol)
            score = float(length[mask].sum())
            if score > best_score and floorlines._distinct_lines(segs[mask], spacing_px) >= 2:
                best_score, best = score, (v / norm, mask)
    return None if best is None else floorlines._refined(segs, lines, length, *best, tol)


@pytest.mark.parametrize("seed", range(12))
def test_skipping_pairs_that_cannot_win_finds_the_same_point(seed: int) -> None:
    """The vanishing-point search skips the pairs whose score's upper bound is
    below the best so far; it must pick the very pair the full search picks:
    two families of floor lines with noise, clutter and a repeated segment."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(8, 60))
    segs = rng.uniform(0, 1000, (n, 4))  # clutter
    points = [np.array([3000.0, 400.0]), np.array([-200.0, -5000.0])]
    for r in range(int(0.7 * n)):
        a = rng.uniform(0, 1000, 2)
        vp = points[r % 2] + rng.normal(0, 3.0, 2)
        segs[r] = [*a, *(a + rng.uniform(0.05, 0.3) * (vp - a))]
    segs[-1] = segs[0]  # the two lines of one joint edge can coincide
    for spacing in (5.0, 40.0):
        want = _vanishing_point_every_pair(segs, spacing)
        got = floorlines._vanishing_point(segs, PARAMS, spacing)
        assert want is not None and got is not None
        assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])

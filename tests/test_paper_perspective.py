"""Perspective from a sheet of unknown size when no scale reference is in the photo.

A print made on paper that is neither A4, Letter nor a card gives no
millimetres, but its four corners still give the perspective: the plane is
rectified through them (``footprint.rectify.find_paper``), so shapes, and the
indices computed from them, are true while lengths stay in pixels
(``paper_perspective``, on by default; ``--no-paper-perspective`` turns it off).
"""

from __future__ import annotations

import json
import math

import cv2
import numpy as np
import pytest

import footprint
from footprint import rectify, synth
from footprint.params import RectifyParams
from footprint.result import FootprintResult

PARAMS = RectifyParams()


def _camera_homography(size: tuple[int, int], tilt_deg: float, yaw_deg: float) -> np.ndarray:
    """World (x, y, 0) in units -> image px for a camera tilted by ``tilt_deg``."""
    w, h = size
    f = 0.8 * max(w, h)
    k = np.array([[f, 0, (w - 1) / 2], [0, f, (h - 1) / 2], [0, 0, 1.0]])
    t, y = math.radians(tilt_deg), math.radians(yaw_deg)
    rx = np.array([[1, 0, 0], [0, math.cos(t), -math.sin(t)], [0, math.sin(t), math.cos(t)]])
    rz = np.array([[math.cos(y), -math.sin(y), 0], [math.sin(y), math.cos(y), 0], [0, 0, 1.0]])
    r = rx @ rz
    centre = np.array([0.0, 0.0, 650.0])  # the plane's origin 650 units ahead
    return k @ np.column_stack([r[:, 0], r[:, 1], centre])


def _paper_photo(paper_wh: tuple[float, float], tilt_deg: float, yaw_deg: float):
    """Grey textured floor with a white sheet of ``paper_wh`` units, seen tilted."""
    size = (1008, 756)
    hom = _camera_homography(size, tilt_deg, yaw_deg)
    pw, ph = paper_wh
    world = np.array([[-pw / 2, -ph / 2], [pw / 2, -ph / 2], [pw / 2, ph / 2], [-pw / 2, ph / 2]])
    corners = cv2.perspectiveTransform(world.reshape(-1, 1, 2), hom).reshape(-1, 2)
    rng = np.random.default_rng(5)
    img = np.full((size[1], size[0], 3), 95, np.float32)
    img += cv2.GaussianBlur(rng.normal(0, 12, (size[1], size[0])).astype(np.float32), (0, 0), 3)[
        ..., None
    ]
    mask = np.zeros((size[1], size[0]), np.uint8)
    cv2.fillConvexPoly(mask, np.round(corners * 16).astype(np.int32), 1, cv2.LINE_AA, 4)
    img[mask > 0] = (236, 233, 226)
    img += rng.normal(0, 2.0, img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8), corners


@pytest.mark.parametrize(("tilt", "yaw"), [(25.0, 20.0), (12.0, -35.0)])
def test_paper_plane_is_seen_from_straight_above(tilt: float, yaw: float) -> None:
    # 330 x 300: no reference's aspect ratio (A4 1.414, Letter 1.294, card 1.586)
    rgb, true_corners = _paper_photo((330.0, 300.0), tilt, yaw)
    plane = rectify.rectify(rgb, PARAMS)
    assert plane.reference is None
    assert plane.mm_per_px is None and plane.scale_source == "none"
    assert plane.paper_xy is not None
    assert np.abs(plane.paper_xy - true_corners).max() < 1.5  # refined, not coarse
    # the true corners land on a rectangle of the sheet's aspect ratio
    q = cv2.perspectiveTransform(true_corners.reshape(-1, 1, 2), plane.image_to_plane)
    q = q.reshape(-1, 2)
    sides = np.roll(q, -1, axis=0) - q
    lengths = np.linalg.norm(sides, axis=1)
    for i in range(4):
        cos = np.dot(sides[i], sides[(i + 1) % 4]) / (lengths[i] * lengths[(i + 1) % 4])
        assert abs(math.degrees(math.acos(abs(cos))) - 90.0) < 0.6
    ratio = max(lengths[0], lengths[1]) / min(lengths[0], lengths[1])
    assert ratio == pytest.approx(330.0 / 300.0, rel=0.015)
    # the sheet keeps its area (the photo's sampling where the print lies)
    area = cv2.contourArea(q.astype(np.float32))
    assert area == pytest.approx(cv2.contourArea(true_corners.astype(np.float32)), rel=0.03)
    assert plane.valid[int(q[:, 1].mean()), int(q[:, 0].mean())]


def test_no_paper_no_perspective_and_the_option_turns_it_off() -> None:
    rgb, _ = _paper_photo((330.0, 300.0), 25.0, 20.0)
    floor = np.full_like(rgb, 95)
    plane = rectify.rectify(floor, PARAMS)
    assert plane.paper_xy is None and np.allclose(plane.image_to_plane, np.eye(3))
    off = rectify.rectify(
        rgb, RectifyParams(paper_perspective=False, floor_lines_perspective=False)
    )
    assert off.paper_xy is None and np.allclose(off.image_to_plane, np.eye(3))
    # without the corners, the sheet's edges are still two sets of floor lines
    lines = rectify.rectify(rgb, RectifyParams(paper_perspective=False))
    assert lines.paper_xy is None and lines.floor_lines is not None


def test_a4_sheet_is_still_a_scale_reference() -> None:
    rgb, _ = _paper_photo((297.0, 210.0), 20.0, 10.0)
    plane = rectify.rectify(rgb, PARAMS)
    assert plane.scale_source == "a4" and plane.paper_xy is None


@pytest.fixture(scope="module")
def tilted_ink_photo() -> synth.SynthPhoto:
    # development seed: ink on a 254 x 300 mm sheet, no reference, camera tilted 16 degrees
    return synth.render_photo(9126, scene="ink_blue", reference="none", size=(2016, 1512))


def test_tilted_print_on_plain_paper_measures_true_arch_index(tilted_ink_photo) -> None:
    photo = tilted_ink_photo
    truth = sorted(f.arch_index for f in photo.feet)
    flat = footprint.analyse(photo.jpeg)
    # without the paper's corners, its edges would still give floor lines
    tilted = footprint.analyse(photo.jpeg, paper_perspective=False, floor_lines_perspective=False)
    found = sorted(f.arch_index for f in flat.feet)
    as_seen = sorted(f.arch_index for f in tilted.feet)
    assert len(found) == len(as_seen) == len(truth) == 2
    err_flat = max(abs(a - b) for a, b in zip(found, truth, strict=True))
    err_seen = max(abs(a - b) for a, b in zip(as_seen, truth, strict=True))
    # measured: 0.005 through the paper's perspective, 0.022 as photographed
    assert err_flat < 0.01
    assert err_flat < err_seen - 0.01
    assert flat.scale_source == "none" and flat.mm_per_px is None
    assert all(f.foot_length_mm is None for f in flat.feet)
    said = "perspective was taken from the corners of a rectangle on the floor"
    assert any(said in w for w in flat.warnings)
    assert any("perspective is not corrected" in w for w in tilted.warnings)
    assert flat.paper_corners is not None and tilted.paper_corners is None
    again = FootprintResult.from_dict(flat.to_dict()).paper_corners
    assert again is not None and np.allclose(again, flat.paper_corners, atol=1e-6)


def test_cli_option_and_overlay(tilted_ink_photo, tmp_path) -> None:
    from typer.testing import CliRunner

    from footprint.cli import app

    photo = tmp_path / "tilted.jpg"
    photo.write_bytes(tilted_ink_photo.jpeg)
    overlay = tmp_path / "overlay.png"
    args = ["analyse", str(photo), "--json", "--overlay", str(overlay)]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["paper_corners"] is not None and len(data["paper_corners"]) == 4
    assert data["scale_source"] == "none"
    assert overlay.stat().st_size > 0
    off = CliRunner().invoke(app, ["analyse", str(photo), "--json", "--no-paper-perspective"])
    assert off.exit_code == 0, off.output
    assert json.loads(off.stdout)["paper_corners"] is None
    table = CliRunner().invoke(app, ["analyse", str(photo)])
    assert table.exit_code == 0, table.output
    assert "perspective from a rectangle's corners" in " ".join(table.stdout.split())


def test_a_grid_foot_along_the_edge_of_the_lit_paper_counts_as_cut() -> None:
    """A podograph foot whose outline runs along the edge of the form's lit
    paper (where a phone's shadow or the sheet's edge cuts it) gets the
    cut-off quality; one well inside the paper keeps 1.0 (development form
    4031: a "foot" of both heels along a shadow's edge, 0.40 off)."""
    from footprint import segment

    h, w = 400, 600
    paper = np.zeros((h, w), bool)
    paper[20:380, 20:580] = True
    paper[200:, :200] = False  # a shaded corner left out of the lit paper
    inside = np.zeros((h, w), bool)
    cv2.ellipse(inside, (400, 150), (120, 50), 0, 0, 360, 1, -1)
    along = np.zeros((h, w), bool)
    along[206:370, 202:240] = True  # its left side runs down the shade's edge (x = 200)
    feet = [(m, m.astype(np.float32)) for m in (inside.astype(bool), along)]
    seg = segment._grid_segmentation(feet, h, w, paper, px_per_mm=1.0)
    assert seg.feet[0].quality == 1.0 and seg.feet[0].warnings == ()
    assert seg.feet[1].quality == segment.CUT_OFF_QUALITY
    assert seg.feet[1].warnings == (segment.CUT_OFF_WARNING,)

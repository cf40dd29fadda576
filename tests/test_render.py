"""Overlays and heat maps drawn from a real analysis."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from footprint import render


def test_overlay_draws_on_the_plane_and_adds_a_panel(analysis) -> None:
    img = render.overlay(analysis, target_long_px=800)
    plane = analysis.plane.image
    assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3
    s = 800 / max(plane.shape[:2])
    assert img.shape[0] == round(plane.shape[0] * s)
    assert img.shape[1] > round(plane.shape[1] * s)  # the numbers panel
    bare = render.overlay(analysis, target_long_px=800, panel=False)
    assert bare.shape[1] == round(plane.shape[1] * s)
    # the sole outline colour appears along the outline of foot 0
    outline = np.asarray(analysis.result.feet[0].geometry.outline_plane) * s
    x, y = np.round(outline[len(outline) // 3]).astype(int)
    patch = bare[max(0, y - 4) : y + 5, max(0, x - 4) : x + 5].reshape(-1, 3)
    assert np.any(np.all(np.abs(patch.astype(int) - render.SOLE) < 40, axis=1))
    # the axis colour is drawn
    assert np.all(np.abs(bare.astype(int) - render.AXIS) < 30, axis=2).sum() > 50


def test_overlay_on_photo_maps_back_to_the_input(analysis) -> None:
    img = render.overlay_on_photo(analysis)
    assert img.shape == analysis.image.rgb.shape
    assert not np.array_equal(img, analysis.image.rgb)
    # the heel centre of foot 0, mapped to the photo, is on the yellow axis dot
    import cv2

    g = analysis.result.feet[0].geometry
    p = cv2.perspectiveTransform(
        np.array([[g.heel_centre_plane]], np.float64), np.asarray(analysis.plane.plane_to_image)
    )[0, 0]
    x, y = np.round(p).astype(int)
    assert np.all(np.abs(img[y, x].astype(int) - render.AXIS) < 40)


@pytest.mark.parametrize("foot", [0, 1])
def test_heatmap_has_legend_and_regions(analysis, foot: int) -> None:
    hm = render.heatmap(analysis, foot, target_height_px=400)
    assert hm.dtype == np.uint8 and hm.shape[0] > 400
    # inferno colours appear (dark purple to yellow), not only grey
    sat = hm.max(axis=2).astype(int) - hm.min(axis=2)
    assert (sat > 80).sum() > 1000
    bare = render.heatmap(analysis, foot, target_height_px=400, legend=False)
    assert bare.shape[0] == 400 and bare.shape[1] < hm.shape[1]


def test_heatmap_without_pressure_degrades(analysis) -> None:
    import dataclasses

    feet = list(analysis.result.feet)
    feet[0] = dataclasses.replace(feet[0], pressure=None)
    result = dataclasses.replace(analysis.result, feet=tuple(feet))
    no_p = dataclasses.replace(analysis, result=result)
    hm = render.heatmap(no_p, 0, target_height_px=300)
    assert hm.shape[0] > 300


def test_heatmap_left_foot_is_shown_unmirrored(analysis) -> None:
    """A left foot's hallux (the biggest toe) is on the right of the upright map."""
    left = [f.index for f in analysis.result.feet if f.side == "left"]
    assert left, "the fixture has a left foot"
    bare = render.heatmap(analysis, left[0], target_height_px=400, legend=False)
    top = bare[: bare.shape[0] // 8]
    coloured = (top.max(axis=2).astype(int) - top.min(axis=2)) > 60
    cols = np.flatnonzero(coloured.any(axis=0))
    weights = coloured.sum(axis=0)[cols]
    centre = float((cols * weights).sum() / weights.sum())
    # the hallux is the largest toe: the coloured mass of the toe band leans right
    assert centre > bare.shape[1] * 0.5


def test_png_has_no_metadata(analysis) -> None:
    data = render.png_bytes(render.overlay(analysis, target_long_px=300))
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"eXIf" not in data and b"tEXt" not in data
    img = Image.open(io.BytesIO(data))
    assert not img.getexif()
    jpg = render.jpeg_bytes(analysis.image.rgb)
    assert not Image.open(io.BytesIO(jpg)).getexif()

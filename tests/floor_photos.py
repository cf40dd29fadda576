"""Synthetic photos of tiled floors seen tilted, with exact geometry.

Used by ``test_floor_lines.py`` and ``test_app.py``: a pinhole camera with the
principal point at the image centre (the assumption of
``footprint.floorlines``), so what those tests measure is the method itself.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from footprint import synth

SIZE = (1008, 756)


def floor_photo(
    tilt_deg: float,
    *,
    families: int = 2,
    period_mm: float = 110.0,
    focal: float = 0.9,
    foot: synth.FootShape | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """A grey tiled floor (``families`` = 2), planks (1) or plain (0), seen tilted,
    with the wet print of ``foot`` (its frame centred on the floor's origin).

    Returns the photo and the homography floor mm -> photo px.
    """
    w, h = SIZE
    f = focal * w
    k = np.array([[f, 0, (w - 1) / 2], [0, f, (h - 1) / 2], [0, 0, 1.0]])
    t, y = math.radians(tilt_deg), math.radians(35.0)
    rx = np.array([[1, 0, 0], [0, math.cos(t), -math.sin(t)], [0, math.sin(t), math.cos(t)]])
    rz = np.array([[math.cos(y), -math.sin(y), 0], [math.sin(y), math.cos(y), 0], [0, 0, 1.0]])
    r = rx @ rz
    # principal point at the image centre, the floor's origin 450 mm ahead
    hom = k @ np.column_stack([r[:, 0], r[:, 1], [0.0, 0.0, 450.0]])
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float64), np.arange(h, dtype=np.float64))
    pts = np.stack([xs, ys, np.ones_like(xs)], axis=-1) @ np.linalg.inv(hom).T
    wx, wy = pts[..., 0] / pts[..., 2], pts[..., 1] / pts[..., 2]
    # joints along the floor's own axes, turned 20 degrees from the camera's
    c, s = math.cos(math.radians(20.0)), math.sin(math.radians(20.0))
    u, v = c * wx + s * wy, -s * wx + c * wy
    dist = [np.abs((u + 0.5 * period_mm) % period_mm - 0.5 * period_mm)]
    if families == 2:
        dist.append(np.abs((v + 0.5 * period_mm) % period_mm - 0.5 * period_mm))
    joint = np.minimum.reduce(dist) < 1.5 if families else np.zeros_like(wx, bool)
    rng = np.random.default_rng(3)
    img = np.full((h, w), 205.0) + cv2.GaussianBlur(rng.normal(0, 6, (h, w)), (0, 0), 2)
    img[joint] = 120.0
    if foot is not None:
        rows, cols = foot.print_mask.shape
        fx = (wx / foot.mm_per_px + cols / 2).astype(np.float32)
        fy = (wy / foot.mm_per_px + rows / 2).astype(np.float32)
        wet = cv2.remap(foot.print_mask.astype(np.float32), fx, fy, cv2.INTER_LINEAR, borderValue=0)
        img *= 1.0 - 0.4 * wet
    img = cv2.GaussianBlur(img, (0, 0), 0.8) + rng.normal(0, 2.0, (h, w))
    grey = np.clip(img, 0, 255).astype(np.uint8)
    return np.repeat(grey[..., None], 3, axis=2), hom


def tiled_print() -> tuple[bytes, float]:
    """JPEG of a wet print on a tiled floor photographed 30 degrees from
    straight down, and the print's true arch index."""
    shape = synth.make_foot(np.random.default_rng(2), side="right", length_mm=250.0)
    rgb, _ = floor_photo(30.0, foot=shape)
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    assert ok
    return buf.tobytes(), float(synth.foot_truth(shape)["arch_index"])

"""Tests of footprint.rectify: reference detection, sub-pixel corners, metric plane.

Scenes are drawn in a world plane in millimetres (floor texture, a sheet with a
print or a card beside one), photographed with a known pinhole camera (tilt
0-30 deg about a random axis, any in-plane rotation, focal length ~0.9 x
width), then degraded with uneven light, a phone shadow, blur, noise and JPEG.
Every random choice comes from a seeded generator.
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass

import cv2
import numpy as np
import pytest

from footprint.errors import CalibrationError
from footprint.params import RectifyParams
from footprint.rectify import (
    REFERENCE_SIZES_MM,
    Plane,
    aspect_ratio_range,
    find_reference,
    quad_sides,
    rectangle_aspect_ratio,
    rectify,
)

PARAMS = RectifyParams()
WORLD_MM_PER_PX = 0.5  # world canvas sampling; edges are drawn with exact coverage


@dataclass(frozen=True)
class Scene:
    rgb: np.ndarray
    kind: str  # "a4" | "letter" | "card" | "none"
    corners_xy: np.ndarray | None  # true reference corners in the image (4, 2)
    world_to_image: np.ndarray  # homography world mm -> image px
    check_mm: np.ndarray  # (2, 2) two world points (mm) whose distance is checked


def _rotation(axis: np.ndarray, angle: float) -> np.ndarray:
    rvec = (np.asarray(axis, float) / np.linalg.norm(axis) * angle).reshape(3, 1)
    return cv2.Rodrigues(rvec)[0]


def _camera(
    rng: np.random.Generator,
    size: tuple[int, int],
    centre_mm: np.ndarray,
    extent_mm: float,
    fill: float,
    tilt_deg: float,
    keep_in_view_mm: np.ndarray,
) -> np.ndarray:
    """Homography world mm -> image px of a pinhole camera looking at centre_mm.

    The camera backs off until every point of ``keep_in_view_mm`` is at least
    4 % of the width inside the frame.
    """
    w, h = size
    f = rng.uniform(0.85, 0.95) * w
    k = np.array([[f, 0, (w - 1) / 2], [0, f, (h - 1) / 2], [0, 0, 1]])
    phi = rng.uniform(0, 2 * np.pi)
    rot = _rotation([math.cos(phi), math.sin(phi), 0.0], math.radians(tilt_deg)) @ _rotation(
        [0, 0, 1], rng.uniform(0, 2 * np.pi)
    )
    c = np.array([centre_mm[0], centre_mm[1], 0.0])
    dist = f * extent_mm / (fill * w)
    while True:
        t = -rot @ c + np.array([0, 0, dist])
        hmat = k @ np.c_[rot[:, 0], rot[:, 1], t]
        hmat /= hmat[2, 2]
        pts = _project(hmat, keep_in_view_mm)
        m = 0.04 * w
        if np.all((pts > m) & (pts < np.array([w, h]) - m)):
            return hmat
        dist *= 1.05


def _project(h: np.ndarray, pts: np.ndarray) -> np.ndarray:
    p = np.c_[pts, np.ones(len(pts))] @ h.T
    return p[:, :2] / p[:, 2:3]


def _smooth_noise(rng: np.random.Generator, shape: tuple[int, int], scale_px: float) -> np.ndarray:
    """Unit-variance noise correlated over ~scale_px (coarse grid, cubic upsampling)."""
    rows, cols = shape
    small = rng.normal(0, 1, (int(rows / scale_px) + 2, int(cols / scale_px) + 2))
    return cv2.resize(small.astype(np.float32), (cols, rows), interpolation=cv2.INTER_CUBIC)


def _floor(rng: np.random.Generator, shape: tuple[int, int], floor: str) -> np.ndarray:
    """Floor texture on the world canvas (float32 RGB 0..255)."""
    rows, cols = shape
    s = WORLD_MM_PER_PX
    noise = _smooth_noise(rng, shape, 3.0)
    # world px -> mm as a column and a row (broadcast: the same values as full grids)
    yy = np.arange(rows).astype(np.float32)[:, None] * s
    xx = np.arange(cols).astype(np.float32)[None, :] * s
    if floor == "tile":
        period = rng.uniform(150, 300)
        grout = rng.uniform(2, 5)
        base = np.array(rng.choice([[225, 222, 215], [200, 200, 205], [180, 170, 160]]), float)
        img = np.ones((rows, cols, 3), np.float32) * base
        off = rng.uniform(0, period, 2)
        on = (((xx + off[0]) % period) < grout) | (((yy + off[1]) % period) < grout)
        img[on] = base * 0.6
        img += 4 * noise[..., None]
    elif floor == "wood":
        plank = rng.uniform(90, 160)
        base = np.array([150, 105, 65], float) * rng.uniform(0.8, 1.15)
        grain = np.sin(yy / rng.uniform(2, 5) + 3 * noise) * 12
        img = np.ones((rows, cols, 3), np.float32) * base + grain[..., None]
        idx = ((yy + rng.uniform(0, plank)) // plank).astype(int)
        shade = rng.uniform(0.85, 1.15, idx.max() + 1)[idx]
        img *= shade[..., None]
        img[np.broadcast_to(((yy + 7) % plank) < 1.5, (rows, cols))] *= 0.55
    elif floor == "concrete":
        base = np.array([140, 138, 132], float) * rng.uniform(0.8, 1.2)
        coarse = 0.05 * _smooth_noise(rng, shape, 60.0)
        img = np.ones((rows, cols, 3), np.float32) * base
        img += (10 * noise + 150 * coarse)[..., None]
    elif floor == "dark":
        base = np.array([45, 42, 40], float) * rng.uniform(0.7, 1.3)
        img = np.ones((rows, cols, 3), np.float32) * base + 5 * noise[..., None]
    else:
        raise ValueError(floor)
    return img


def _paint(world: np.ndarray, signed_dist, bbox_px: np.ndarray, colour) -> None:
    """Blend ``colour`` into ``world`` with exact area coverage of a shape.

    ``signed_dist(x, y)`` is the distance in world px to the shape's border,
    positive inside; coverage = clip(0.5 + d, 0, 1) is exact for straight
    edges (OpenCV's anti-aliased polygons are about a pixel too large).
    """
    rows, cols = world.shape[:2]
    x0, y0 = np.maximum(np.floor(bbox_px.min(axis=0)).astype(int) - 2, 0)
    x1, y1 = np.minimum(np.ceil(bbox_px.max(axis=0)).astype(int) + 3, [cols, rows])
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    alpha = np.clip(0.5 + signed_dist(xx, yy), 0, 1).astype(np.float32)[..., None]
    region = world[y0:y1, x0:x1]
    region *= 1 - alpha
    region += alpha * np.asarray(colour, np.float32)


def _paint_polygon(world: np.ndarray, poly_px: np.ndarray, colour) -> None:
    """Paint a convex polygon (world px) with exact edge coverage."""
    poly = np.asarray(poly_px, np.float64)
    area2 = np.sum(poly[:, 0] * np.roll(poly[:, 1], -1) - poly[:, 1] * np.roll(poly[:, 0], -1))
    sign = 1.0 if area2 > 0 else -1.0
    edges = [(poly[i], poly[(i + 1) % len(poly)]) for i in range(len(poly))]

    def dist(xx: np.ndarray, yy: np.ndarray) -> np.ndarray:
        d = np.full(xx.shape, np.inf)
        for a, b in edges:
            e = (b - a) / np.linalg.norm(b - a)
            d = np.minimum(d, sign * (-(xx - a[0]) * e[1] + (yy - a[1]) * e[0]))
        return d

    _paint(world, dist, poly, colour)


def _paint_rounded_rect(
    world: np.ndarray, centre_px, half_px, radius_px: float, angle: float, colour
) -> None:
    """Paint a rotated rectangle with rounded corners (signed-distance coverage)."""
    ca, sa = math.cos(angle), math.sin(angle)
    hx, hy = half_px

    def dist(xx: np.ndarray, yy: np.ndarray) -> np.ndarray:
        u = np.abs(ca * (xx - centre_px[0]) + sa * (yy - centre_px[1])) - (hx - radius_px)
        v = np.abs(-sa * (xx - centre_px[0]) + ca * (yy - centre_px[1])) - (hy - radius_px)
        outside = np.hypot(np.maximum(u, 0), np.maximum(v, 0)) + np.minimum(np.maximum(u, v), 0)
        return -(outside - radius_px)

    r = math.hypot(hx, hy)
    bbox = np.array([[centre_px[0] - r, centre_px[1] - r], [centre_px[0] + r, centre_px[1] + r]])
    _paint(world, dist, bbox, colour)


def _foot_blob(
    img: np.ndarray, to_px, centre_mm: np.ndarray, angle: float, colour, length: float = 250
) -> None:
    """A rough foot print: heel, lateral band and forefoot ellipses plus toes."""
    ca, sa = math.cos(angle), math.sin(angle)

    def pt(u: float, v: float) -> np.ndarray:
        return centre_mm + np.array([ca * u - sa * v, sa * u + ca * v])

    parts = [
        (0.38, 0.0, 0.13, 0.1),  # heel (along-axis u, across v, half-length, half-width) x L
        (0.05, 0.07, 0.22, 0.06),
        (-0.2, 0.0, 0.12, 0.17),
    ]
    for u, v, a, b in parts:
        c = to_px(pt(u * length, v * length))
        axes = (int(a * length / WORLD_MM_PER_PX * 16), int(b * length / WORLD_MM_PER_PX * 16))
        cv2.ellipse(
            img,
            (int(c[0] * 16), int(c[1] * 16)),
            axes,
            math.degrees(angle),
            0,
            360,
            colour,
            -1,
            cv2.LINE_AA,
            4,
        )
    for k in range(5):
        c = to_px(pt(-0.42 * length + 0.03 * k * length, (-0.12 + 0.06 * k) * length))
        r = int((0.045 - 0.006 * k) * length / WORLD_MM_PER_PX * 16)
        cv2.circle(img, (int(c[0] * 16), int(c[1] * 16)), r, colour, -1, cv2.LINE_AA, 4)


@functools.lru_cache(maxsize=64)
def make_scene(
    seed: int,
    reference: str,
    floor: str = "tile",
    *,
    size: tuple[int, int] = (1000, 750),
    tilt_deg: float | None = None,
    paper: str | None = None,
    principal_shift: tuple[float, float] = (0.0, 0.0),
    card_across_edge: bool = False,
) -> Scene:
    """A synthetic photo of a print with a reference, with its ground truth.

    ``principal_shift`` moves the principal point off the image centre by
    these fractions of the width and height (a phone's is within ~2 %);
    ``card_across_edge`` lays the card across the edge of a large sheet of
    kraft paper that runs out of the frame. Scenes are cached (several tests
    look at the same ones) and read-only.
    """
    rng = np.random.default_rng(seed)
    tilt = rng.uniform(0, 30) if tilt_deg is None else tilt_deg
    if reference in ("a4", "letter"):
        w_mm, h_mm = REFERENCE_SIZES_MM[reference]
        centre = np.zeros(2)
        half = np.array([w_mm, h_mm]) / 2
        hmat = _camera(
            rng,
            size,
            centre,
            max(w_mm, h_mm),
            rng.uniform(0.6, 0.75),
            tilt,
            np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * half,
        )
        check = np.array([[-0.4 * w_mm, -0.4 * h_mm], [0.4 * w_mm, 0.4 * h_mm]])
    else:
        centre = np.array([60.0, 0.0])
        hmat = _camera(
            rng,
            size,
            centre,
            420.0,
            rng.uniform(0.85, 1.0),
            tilt,
            np.array([[-100.0, -130.0], [200.0, -130.0], [200.0, 130.0], [-100.0, 130.0]]),
        )
        check = np.array([[-90.0, -110.0], [-30.0, 120.0]])
    w, h = size
    shift = np.array([[1, 0, principal_shift[0] * w], [0, 1, principal_shift[1] * h], [0, 0, 1]])
    hmat = shift @ hmat
    # world canvas = bounding box of the image back-projected onto the floor
    box = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], float)
    world_box = _project(np.linalg.inv(hmat), box)
    lo = world_box.min(axis=0) - 10
    hi = world_box.max(axis=0) + 10
    shape = (int((hi[1] - lo[1]) / WORLD_MM_PER_PX) + 1, int((hi[0] - lo[0]) / WORLD_MM_PER_PX) + 1)

    def to_px(p_mm: np.ndarray) -> np.ndarray:
        return (np.asarray(p_mm) - lo) / WORLD_MM_PER_PX

    world = _floor(rng, shape, floor)
    corners_mm = None
    if reference in ("a4", "letter"):
        w_mm, h_mm = REFERENCE_SIZES_MM[reference]
        corners_mm = np.array(
            [
                [-w_mm / 2, -h_mm / 2],
                [w_mm / 2, -h_mm / 2],
                [w_mm / 2, h_mm / 2],
                [-w_mm / 2, h_mm / 2],
            ]
        )
        paper = paper or str(rng.choice(["white", "offwhite", "kraft", "form"]))
        colour = {
            "white": (245, 245, 242),
            "offwhite": (236, 230, 212),
            "kraft": (188, 148, 104),
            "form": (248, 248, 248),
        }[paper]
        _paint_polygon(world, to_px(corners_mm), colour)
        if paper == "form":  # panel border, header bar and grid of a podograph form
            for inset in (12.0, 14.0):
                panel = corners_mm * (1 - 2 * inset / np.array([w_mm, h_mm]))
                pp = np.round(to_px(panel) * 16).astype(np.int32)
                cv2.polylines(world, [pp], True, (60, 60, 60), 2, cv2.LINE_AA, 4)
            bar = np.array(
                [
                    [-80, -h_mm / 2 + 20],
                    [80, -h_mm / 2 + 20],
                    [80, -h_mm / 2 + 35],
                    [-80, -h_mm / 2 + 35],
                ]
            )
            cv2.fillConvexPoly(
                world, np.round(to_px(bar) * 16).astype(np.int32), (90, 90, 90), cv2.LINE_AA, 4
            )
        ink = {
            "white": (70, 70, 80),
            "offwhite": (40, 50, 120),
            "kraft": (120, 85, 55),
            "form": (30, 30, 35),
        }[paper]
        # the print breaks the interior and may overhang a long side, never a corner
        _foot_blob(
            world,
            to_px,
            np.array([rng.uniform(-15, 15), rng.uniform(-10, 10)]),
            math.pi / 2 + rng.uniform(-0.2, 0.2),
            ink,
            length=rng.uniform(230, 275),
        )
        if rng.random() < 0.5:
            e = to_px([w_mm / 2 + rng.uniform(-8, 5), rng.uniform(-60, 60)])
            cv2.ellipse(
                world,
                (int(e[0] * 16), int(e[1] * 16)),
                (int(20 / WORLD_MM_PER_PX * 16), int(12 / WORLD_MM_PER_PX * 16)),
                90,
                0,
                360,
                ink,
                -1,
                cv2.LINE_AA,
                4,
            )
    elif reference == "card":
        # a wet foot on the floor, the card beside it
        floor_ink = tuple(
            float(c) for c in np.clip(world[world.shape[0] // 2, world.shape[1] // 2] * 0.7, 0, 255)
        )
        _foot_blob(world, to_px, np.array([-60.0, 0.0]), math.pi / 2, floor_ink)
        cw, ch = REFERENCE_SIZES_MM["card"]
        ang = rng.uniform(0, 2 * np.pi)
        ccen = np.array([150.0, rng.uniform(-60, 60)])
        rmat = np.array([[math.cos(ang), -math.sin(ang)], [math.sin(ang), math.cos(ang)]])
        corners_local = np.array(
            [[-cw / 2, -ch / 2], [cw / 2, -ch / 2], [cw / 2, ch / 2], [-cw / 2, ch / 2]]
        )
        corners_mm = corners_local @ rmat.T + ccen
        if card_across_edge:
            # kraft paper over the half-plane beyond a line through the card,
            # slanted against its sides, running out of the frame
            normal = np.array([math.cos(ang + 0.5), math.sin(ang + 0.5)])
            along = np.array([-normal[1], normal[0]])
            big = 5000.0
            half = (
                np.array(
                    [
                        ccen + big * along,
                        ccen + big * along + big * normal,
                        ccen - big * along + big * normal,
                        ccen - big * along,
                    ]
                )
                + 0.25 * ch * normal
            )
            _paint_polygon(world, to_px(half), (188, 148, 104))
        colour = [(30, 60, 150), (220, 190, 80), (25, 25, 30), (200, 30, 40), (235, 235, 235)][
            int(rng.integers(0, 4 if floor == "tile" else 5))
        ]
        _paint_rounded_rect(
            world,
            to_px(ccen),
            (cw / 2 / WORLD_MM_PER_PX, ch / 2 / WORLD_MM_PER_PX),
            3.18 / WORLD_MM_PER_PX,
            ang,
            colour,
        )
        # chip and a stripe of text on the card
        chip = np.array([[-30, -5], [-20, -5], [-20, 3], [-30, 3]]) @ rmat.T + ccen
        cv2.fillConvexPoly(
            world, np.round(to_px(chip) * 16).astype(np.int32), (200, 170, 90), cv2.LINE_AA, 4
        )
        text = np.array([[-35, 12], [25, 12], [25, 16], [-35, 16]]) @ rmat.T + ccen
        light = tuple(255 - c for c in colour)
        cv2.fillConvexPoly(
            world, np.round(to_px(text) * 16).astype(np.int32), light, cv2.LINE_AA, 4
        )
        if card_across_edge:
            # a printed band from edge to edge splits the card's face in two
            # (green: unlike the card's own light text, it stands out from kraft and tile)
            band = np.array([[5, -ch / 2], [20, -ch / 2], [20, ch / 2], [5, ch / 2]]) @ rmat.T
            cv2.fillConvexPoly(
                world,
                np.round(to_px(band + ccen) * 16).astype(np.int32),
                (20, 120, 60),
                cv2.LINE_AA,
                4,
            )
    elif reference == "foot":
        floor_ink = tuple(
            float(c) for c in np.clip(world[world.shape[0] // 2, world.shape[1] // 2] * 0.6, 0, 255)
        )
        _foot_blob(world, to_px, np.array([0.0, 0.0]), rng.uniform(0, 2 * np.pi), floor_ink)
    # photograph: supersample x2 then area-average
    s = WORLD_MM_PER_PX
    world_px_to_mm = np.array([[s, 0, lo[0]], [0, s, lo[1]], [0, 0, 1]])
    lo_to_hi = np.array([[2, 0, 0.5], [0, 2, 0.5], [0, 0, 1]])
    hi = cv2.warpPerspective(
        world,
        lo_to_hi @ hmat @ world_px_to_mm,
        (2 * w, 2 * h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REFLECT,
    )
    img = cv2.resize(hi, (w, h), interpolation=cv2.INTER_AREA)
    # uneven light and a soft phone shadow
    yy = np.arange(h).astype(np.float32)[:, None]
    xx = np.arange(w).astype(np.float32)[None, :]
    ga = rng.uniform(0, 2 * np.pi)
    ramp = (
        1
        + rng.uniform(0.05, 0.25) * ((xx - w / 2) * math.cos(ga) + (yy - h / 2) * math.sin(ga)) / w
    )
    shadow = np.zeros((h, w), np.float32)
    sc = (int(rng.uniform(0, w)), int(rng.uniform(0, h)))
    cv2.ellipse(shadow, sc, (int(w * 0.15), int(h * 0.25)), rng.uniform(0, 180), 0, 360, 1, -1)
    shadow = cv2.resize(cv2.GaussianBlur(cv2.resize(shadow, (w // 8, h // 8)), (0, 0), 3), (w, h))
    img = img * (ramp * (1 - rng.uniform(0.15, 0.35) * shadow))[..., None]
    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.4, 1.0))
    img = img + rng.normal(0, rng.uniform(1.5, 4), img.shape)
    img = np.clip(img, 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(
        ".jpg", img[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(75, 93))]
    )
    assert ok
    img = cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1].copy()
    kind = reference if reference in REFERENCE_SIZES_MM else "none"
    corners_xy = _project(hmat, corners_mm) if corners_mm is not None else None
    for array in (img, corners_xy, hmat, check):  # shared by the tests of one scene
        if array is not None:
            array.setflags(write=False)
    return Scene(img, kind, corners_xy, hmat, check)


def _corner_error(found_xy: np.ndarray, true_xy: np.ndarray) -> float:
    """Largest distance from a true corner to the nearest found corner, px."""
    d = np.linalg.norm(true_xy[:, None, :] - found_xy[None, :, :], axis=2)
    return float(d.min(axis=1).max())


def _scale_error(plane: Plane, scene: Scene) -> float:
    """Relative error of a world distance measured in the rectified plane."""
    img_pts = _project(scene.world_to_image, scene.check_mm)
    plane_pts = _project(plane.image_to_plane, img_pts)
    measured = np.linalg.norm(plane_pts[1] - plane_pts[0]) * plane.mm_per_px
    true = np.linalg.norm(scene.check_mm[1] - scene.check_mm[0])
    return abs(measured - true) / true


def _card_scale_error(plane: Plane, scene: Scene) -> float:
    """Relative error of the card's diagonals measured in the rectified plane."""
    c = _project(plane.image_to_plane, scene.corners_xy)
    d = np.linalg.norm(c[[2, 3]] - c[[0, 1]], axis=1) * plane.mm_per_px
    true = math.hypot(*REFERENCE_SIZES_MM["card"])
    return float(np.abs(d - true).max() / true)


# ----------------------------------------------------------------------------- tests

GROUT_ALONG_EDGE = pytest.mark.xfail(
    strict=True,
    reason="known limitation: one sheet side lies exactly along a grout line, and the "
    "tile->grout step outside it is stronger than the grout->paper step (corner 4.6 px off)",
)
SHEET_CASES = [
    pytest.param(seed, kind, floor, marks=GROUT_ALONG_EDGE) if seed == 0 else (seed, kind, floor)
    for seed, (kind, floor) in enumerate(
        [
            ("a4", "tile"),
            ("a4", "wood"),
            ("a4", "concrete"),
            ("a4", "dark"),
            ("letter", "tile"),
            ("letter", "wood"),
            ("letter", "concrete"),
            ("letter", "dark"),
            ("a4", "tile"),
            ("letter", "wood"),
            ("a4", "dark"),
            ("letter", "concrete"),
        ]
    )
]
CARD_CASES = [
    (100 + seed, floor)
    for seed, floor in enumerate(["tile", "wood", "concrete", "dark", "wood", "concrete", "dark"])
]


def test_quad_sides_walk_round_the_quad() -> None:
    """Each side's start plus its unit direction times its length is the next corner."""
    quad = np.array([[10.0, 12.0], [310.5, 20.25], [298.0, 240.0], [5.0, 230.0]])
    sides = quad_sides(quad)
    for i, (start, unit, length) in enumerate(sides):
        assert np.allclose(start + unit * length, quad[(i + 1) % 4], atol=1e-9)
        assert math.hypot(*unit) == pytest.approx(1.0)
    assert sides[0][2] == pytest.approx(math.hypot(300.5, 8.25))
    assert quad_sides(quad, min_length_px=222.0) is None  # the shortest side is 218 px
    sides = quad_sides(np.array([[1.0, 1.0], [1.0, 1.0], [4.0, 5.0], [0.0, 5.0]]))
    assert sides[0][2] == 0.0 and not sides[0][1].any()  # zero length: no direction


@pytest.mark.parametrize("ratio", [1.0, 297 / 210, 279.4 / 215.9, 85.6 / 53.98, 0.5])
@pytest.mark.parametrize("tilt_deg", [0.0, 10.0, 25.0, 35.0])
def test_aspect_ratio_of_projected_rectangle(ratio: float, tilt_deg: float) -> None:
    """Zhang & He recover the true aspect ratio from the projected quad."""
    rng = np.random.default_rng(int(ratio * 1000 + tilt_deg))
    w_mm, h_mm = 200.0 * ratio, 200.0
    corners = np.array([[0, 0], [w_mm, 0], [w_mm, h_mm], [0, h_mm]]) - [w_mm / 2, h_mm / 2]
    for _ in range(5):
        state = rng.bit_generator.state
        f_true = rng.uniform(0.85, 0.95) * 1000  # the camera's first draw
        rng.bit_generator.state = state
        hmat = _camera(rng, (1000, 750), np.zeros(2), max(w_mm, h_mm), 0.6, tilt_deg, corners)
        quad = _project(hmat, corners)
        got, focal = rectangle_aspect_ratio(quad, (750, 1000), PARAMS)
        assert got == pytest.approx(ratio, rel=1e-6)
        if tilt_deg >= 10:  # the focal length is observable, and found
            assert focal == pytest.approx(f_true, rel=1e-6)


@pytest.mark.parametrize("kind", ["a4", "letter", "card"])
def test_aspect_ratio_range_holds_the_truth_when_the_principal_point_is_off_centre(
    kind: str,
) -> None:
    """A phone's principal point ~2 % off the centre throws the quad's focal
    estimate, and so its aspect ratio, off under a strong tilt; the range over
    the principal point's tolerance still holds the true ratio."""
    w_mm, h_mm = REFERENCE_SIZES_MM[kind]
    true = max(w_mm, h_mm) / min(w_mm, h_mm)
    corners = np.array([[0, 0], [w_mm, 0], [w_mm, h_mm], [0, h_mm]]) - [w_mm / 2, h_mm / 2]
    rng = np.random.default_rng(7)
    worst = 0.0
    for _ in range(20):
        hmat = _camera(rng, (1000, 750), np.zeros(2), max(w_mm, h_mm), 0.6, 28.0, corners)
        sx, sy = rng.uniform(-0.02, 0.02, 2)
        hmat = np.array([[1, 0, sx * 1000], [0, 1, sy * 750], [0, 0, 1]]) @ hmat
        quad = _project(hmat, corners)
        ratio, _ = rectangle_aspect_ratio(quad, (750, 1000), PARAMS)
        ratio = max(ratio, 1 / ratio)
        worst = max(worst, abs(ratio - true) / true)
        lo, hi = aspect_ratio_range(quad, (750, 1000), PARAMS)
        if hi < 1.0:  # the quad's first side is its short one
            lo, hi = 1 / hi, 1 / lo
        assert lo <= true * (1 + 1e-3) and hi >= true * (1 - 1e-3)
    assert worst > 0.02  # the single estimate really is thrown off


# card seed 314, a black card in the phone's shadow, gave no coarse candidate
# with the 5 x 5 median (its edge outline covered 56-58 % of the quad's
# sides, 60 % needed); the 3 x 3 median of the second search finds it
@pytest.mark.parametrize(
    ("kind", "seed"),
    [("a4", seed) for seed in range(300, 324)] + [("card", seed) for seed in range(300, 324)],
)
def test_kind_found_when_the_principal_point_is_off_centre(seed: int, kind: str) -> None:
    """Strong tilt, principal point 2 % off: an A4 sheet is not taken for a
    card, nor a card missed or taken for a sheet."""
    rng = np.random.default_rng(seed)
    shift = tuple(float(v) for v in rng.choice([-0.02, 0.02], 2))
    scene = make_scene(seed, kind, "concrete", tilt_deg=30.0, principal_shift=shift)
    plane = rectify(scene.rgb, PARAMS)
    assert plane.scale_source == kind
    assert _scale_error(plane, scene) < (0.005 if kind == "a4" else 0.02)


@pytest.mark.parametrize("kind", ["a4", "card"])
def test_manual_corners_kind_judged_like_the_automatic_finder(kind: str) -> None:
    """Exact corners of a strongly tilted sheet or card, principal point 2 %
    off, kind not given: the manual path judges the kind over the principal
    point's range as the automatic finder does, and finds the true one."""
    wrong = []
    for seed in range(300, 324):
        rng = np.random.default_rng(seed)
        shift = tuple(float(v) for v in rng.choice([-0.02, 0.02], 2))
        scene = make_scene(seed, kind, "concrete", tilt_deg=30.0, principal_shift=shift)
        plane = rectify(scene.rgb, RectifyParams(manual_refine=False), corners_xy=scene.corners_xy)
        if plane.reference.kind != kind:
            wrong.append(seed)
    assert wrong == []


@pytest.mark.parametrize(
    ("seed", "floor"),
    [
        (120, "concrete"),
        (121, "tile"),
        (122, "wood"),
        (123, "dark"),
        (124, "concrete"),
    ],
)
def test_card_lying_across_a_sheet_edge_is_found(seed: int, floor: str) -> None:
    """The card's outline joins the paper's edge in the edge map; the card is
    still found and measured."""
    scene = make_scene(seed, "card", floor, card_across_edge=True)
    plane = rectify(scene.rgb, PARAMS)
    assert plane.scale_source == "card"
    assert _corner_error(plane.reference.corners_xy, scene.corners_xy) < 0.5
    assert _card_scale_error(plane, scene) < 0.005


@pytest.mark.parametrize(("seed", "kind", "floor"), SHEET_CASES)
def test_sheet_found_with_subpixel_corners_and_scale(seed: int, kind: str, floor: str) -> None:
    scene = make_scene(seed, kind, floor)
    plane = rectify(scene.rgb, PARAMS)
    ref = plane.reference
    assert ref is not None, f"no reference found in {kind} on {floor}"
    assert ref.kind == kind
    assert plane.scale_source == kind
    assert 0.0 < ref.score <= 1.0
    # typically < 0.2 px; the worst case is a sheet edge along a dark floor seam
    assert _corner_error(ref.corners_xy, scene.corners_xy) < 1.2
    assert _scale_error(plane, scene) < 0.005
    # the plane covers the sheet plus the margin, and its mask has the sheet's area
    w_mm, h_mm = REFERENCE_SIZES_MM[kind]
    margin = 2 * PARAMS.plane_margin_mm
    assert sorted(plane.image.shape[:2]) == [
        math.ceil((w_mm + margin) / PARAMS.plane_mm_per_px),
        math.ceil((h_mm + margin) / PARAMS.plane_mm_per_px),
    ]
    assert plane.sheet is not None
    assert plane.sheet.sum() * PARAMS.plane_mm_per_px**2 == pytest.approx(w_mm * h_mm, rel=0.01)
    assert plane.valid[plane.sheet].all()


@pytest.mark.parametrize(("seed", "floor"), CARD_CASES)
def test_card_found_with_subpixel_corners_and_scale(seed: int, floor: str) -> None:
    scene = make_scene(seed, "card", floor)
    plane = rectify(scene.rgb, PARAMS)
    ref = plane.reference
    assert ref is not None, f"no card found on {floor}"
    assert ref.kind == "card"
    assert sorted(ref.size_mm) == [53.98, 85.60]
    assert _corner_error(ref.corners_xy, scene.corners_xy) < 0.5
    # across the card itself; extrapolated 100-250 mm away to the foot (the
    # homography of a small card is uncertain in its perspective terms: a
    # 0.05 px corner error gives ~0.5 %), looser
    assert _card_scale_error(plane, scene) < 0.005
    assert _scale_error(plane, scene) < 0.02
    assert plane.sheet is None
    # the plane shows the floor around the card: the foot's check points are in it
    pts = _project(plane.image_to_plane, _project(scene.world_to_image, scene.check_mm))
    rows, cols = plane.valid.shape
    assert np.all((pts >= 0) & (pts < [cols, rows]))
    assert plane.valid[tuple(np.round(pts[:, ::-1]).astype(int).T)].all()


@pytest.mark.parametrize(
    ("seed", "floor"), [(200, "tile"), (201, "wood"), (202, "concrete"), (203, "dark")]
)
@pytest.mark.parametrize("content", ["none", "foot"])
def test_no_reference_gives_no_scale(seed: int, floor: str, content: str) -> None:
    scene = make_scene(seed, content, floor)
    assert find_reference(scene.rgb, PARAMS) is None
    plane = rectify(scene.rgb, PARAMS)
    assert plane.mm_per_px is None
    assert plane.scale_source == "none"
    assert plane.reference is None and plane.sheet is None
    if floor == "tile":
        # its joints give the perspective (tests/test_floor_lines.py), never a scale
        assert plane.floor_lines is not None
        return
    assert plane.floor_lines is None
    assert plane.image is scene.rgb
    np.testing.assert_array_equal(plane.image_to_plane, np.eye(3))
    assert plane.valid.all()


def test_disabled_detection_gives_no_scale() -> None:
    scene = make_scene(0, "a4", "dark")
    plane = rectify(scene.rgb, RectifyParams(enabled=False))
    assert plane.mm_per_px is None and plane.scale_source == "none"


@pytest.mark.parametrize(
    ("seed", "kind", "floor"), [(300, "a4", "wood"), (301, "card", "tile"), (302, "letter", "dark")]
)
def test_manual_corners(seed: int, kind: str, floor: str) -> None:
    """Clicks a few px off, in any order, are refined and give the scale."""
    scene = make_scene(seed, kind, floor)
    rng = np.random.default_rng(seed)
    clicks = scene.corners_xy + rng.uniform(-2.5, 2.5, (4, 2))
    clicks = clicks[rng.permutation(4)]
    plane = rectify(scene.rgb, PARAMS, corners_xy=clicks, kind=kind)
    assert plane.scale_source == f"manual_{kind}"
    assert plane.reference is not None and plane.reference.kind == kind
    assert _corner_error(plane.reference.corners_xy, scene.corners_xy) < 0.5
    if kind == "card":  # see test_card_found_with_subpixel_corners_and_scale
        assert _card_scale_error(plane, scene) < 0.005
        assert _scale_error(plane, scene) < 0.02
    else:
        assert _scale_error(plane, scene) < 0.005
    # without the kind, it is inferred from the rectified aspect ratio
    assert rectify(scene.rgb, PARAMS, corners_xy=clicks).reference.kind == kind


def test_manual_corners_unrefined_are_used_as_given() -> None:
    scene = make_scene(303, "a4", "concrete")
    params = RectifyParams(manual_refine=False)
    plane = rectify(scene.rgb, params, corners_xy=scene.corners_xy, kind="a4")
    assert _corner_error(plane.reference.corners_xy, scene.corners_xy) < 1e-9
    assert _scale_error(plane, scene) < 1e-6


@pytest.mark.parametrize(
    ("corners", "kind", "match"),
    [
        ([[10, 10], [200, 10], [400, 10], [600, 10]], "a4", "convex"),  # collinear
        ([[10, 10], [10, 10], [300, 400], [10, 400]], "a4", "apart"),  # repeated click
        ([[10, 10], [300, 10], [40, 40], [10, 300]], "a4", "convex"),  # one inside
        ([[10, 10], [300, 10], [300, np.nan], [10, 300]], "a4", "finite"),
        ([[10, 10], [300, 10], [300, 300]], "a4", "exactly 4"),
        ([[10, 10], [300, 10], [300, 300], [10, 300]], "a3", "Unknown reference"),
        ([[10, 10], [5000, 10], [5000, 300], [10, 300]], "a4", "outside"),
        ([[100, 100], [700, 100], [700, 130], [100, 130]], "a4", "aspect ratio"),
        ([[100, 100], [700, 100], [700, 130], [100, 130]], None, "matches no known"),
        ([[100, 100], [700, 100], [110, 110], [100, 700]], "a4", "convex|sharp"),
    ],
)
def test_degenerate_manual_corners_raise(corners, kind, match) -> None:
    rgb = np.full((750, 1000, 3), 128, np.uint8)
    with pytest.raises(CalibrationError, match=match):
        rectify(rgb, PARAMS, corners_xy=np.array(corners, float), kind=kind)


def test_kind_without_corners_raises() -> None:
    rgb = np.full((750, 1000, 3), 128, np.uint8)
    with pytest.raises(CalibrationError, match="corners_xy"):
        rectify(rgb, PARAMS, kind="a4")


def test_plane_homographies_are_inverse_and_warp_matches() -> None:
    scene = make_scene(7, "a4", "wood")
    plane = rectify(scene.rgb, PARAMS)
    np.testing.assert_allclose(
        plane.image_to_plane
        @ plane.plane_to_image
        / (plane.image_to_plane @ plane.plane_to_image)[2, 2],
        np.eye(3),
        atol=1e-9,
    )
    # a plane pixel inside the sheet has the colour of its source pixel
    rows, cols = plane.image.shape[:2]
    pts = np.array([[cols / 2, rows / 2], [cols / 3, rows / 4]])
    src = _project(plane.plane_to_image, pts)
    for (px, py), (sx, sy) in zip(pts.astype(int), np.round(src).astype(int), strict=True):
        assert np.abs(plane.image[py, px].astype(int) - scene.rgb[sy, sx].astype(int)).max() < 40


def test_bad_input_raises() -> None:
    with pytest.raises(ValueError, match="RGB"):
        find_reference(np.zeros((10, 10), np.uint8), PARAMS)
    with pytest.raises(ValueError, match="uint8"):
        find_reference(np.zeros((10, 10, 3), np.float32), PARAMS)


def test_uniform_and_tiny_images_have_no_reference() -> None:
    for rgb in (np.zeros((750, 1000, 3), np.uint8), np.full((40, 30, 3), 200, np.uint8)):
        assert find_reference(rgb, PARAMS) is None


def test_speed() -> None:
    """find_reference + rectify budget: 25 ms at 1000x750 (generous bound here: CI noise)."""
    scene = make_scene(11, "a4", "tile")
    rectify(scene.rgb, PARAMS)
    t0 = time.perf_counter()
    for _ in range(3):
        rectify(scene.rgb, PARAMS)
    assert (time.perf_counter() - t0) / 3 < 0.1


def test_a_tiny_photo_gives_a_typed_error_not_a_crash() -> None:
    """A candidate quad on an image under ~400 px left a search band too narrow for
    the edge-peak search (ValueError from an empty argmax; found by scripts/fuzz.py)."""
    import footprint
    from footprint.errors import FootprintError

    rgb = np.random.default_rng(0).integers(0, 256, (200, 150, 3), dtype=np.uint8)
    with pytest.raises(FootprintError):
        footprint.analyse(rgb)

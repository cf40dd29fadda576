"""Tests of the synthetic ground-truth generator :mod:`footprint.synth`."""

from __future__ import annotations

import hashlib

import cv2
import numpy as np
import pytest

from footprint import indices, synth
from footprint.frame import make_frame

SMALL = (480, 360)


def _digest(photo: synth.SynthPhoto) -> str:
    return hashlib.sha256(photo.rgb.tobytes() + (photo.jpeg or b"")).hexdigest()


@pytest.fixture(scope="module")
def feet40() -> list[tuple[synth.FootShape, dict]]:
    out = []
    for s in range(40):
        shape = synth.make_foot(np.random.default_rng(s), mm_per_px=0.5)
        out.append((shape, synth.foot_truth(shape)))
    return out


# --------------------------------------------------------------------------- #
# the foot model
# --------------------------------------------------------------------------- #
def test_make_foot_is_deterministic() -> None:
    a = synth.make_foot(np.random.default_rng(3), mm_per_px=0.5)
    b = synth.make_foot(np.random.default_rng(3), mm_per_px=0.5)
    assert np.array_equal(a.sole, b.sole)
    assert np.array_equal(a.toes, b.toes)
    assert np.array_equal(a.pressure, b.pressure)
    c = synth.make_foot(np.random.default_rng(4), mm_per_px=0.5)
    assert a.sole.shape != c.sole.shape or not np.array_equal(a.sole, c.sole)


def test_foot_arrays_are_well_formed(feet40: list) -> None:
    for shape, _ in feet40:
        for arr in (shape.sole, shape.toes, shape.pressure):
            assert arr.dtype == np.float32
            assert arr.shape == shape.sole.shape
            assert float(arr.min()) >= 0.0 and float(arr.max()) <= 1.0
        contact = shape.print_mask > 0
        assert not np.any(shape.pressure[~contact])
        assert float(shape.pressure.max()) == pytest.approx(1.0)
        # heel centre and second-toe tip on one column, toes above the heel
        assert shape.heel_centre_rc[1] == shape.toe_tip_rc[1]
        assert shape.toe_tip_rc[0] < shape.heel_centre_rc[0]


def test_toes_never_touch_the_sole(feet40: list) -> None:
    for shape, _ in feet40:
        assert not np.any((shape.sole > 0) & (shape.toes > 0))
        # at least 3 mm of bare floor between them
        gap_px = int(2.9 / shape.mm_per_px)
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * gap_px + 1, 2 * gap_px + 1))
        grown = cv2.dilate((shape.sole > 0).astype(np.uint8), kernel)
        assert not np.any(grown.astype(bool) & (shape.toes > 0))
        n, _ = cv2.connectedComponents((shape.toes > 0.5).astype(np.uint8))
        assert 4 <= n - 1 <= 5  # four or five toe blobs (a fifth may be missing)


def test_sole_is_one_blob_unless_the_midfoot_breaks(feet40: list) -> None:
    for shape, truth in feet40:
        n, _ = cv2.connectedComponents((shape.sole > 0.5).astype(np.uint8))
        if truth["chippaux_smirak"] > 1.0:
            assert n - 1 == 1
        else:
            assert n - 1 in (1, 2)


def test_truth_is_sane_and_spans_the_classes(feet40: list) -> None:
    types = set()
    ais = []
    for _, t in feet40:
        assert 0.0 <= t["arch_index"] <= 0.5
        assert 210.0 <= t["foot_length_mm"] <= 300.0
        assert 0.3 <= t["foot_width_mm"] / t["foot_length_mm"] <= 0.5
        assert 0.0 <= t["chippaux_smirak"] <= 100.0
        assert t["staheli"] >= 0.0
        assert 0.0 <= t["clarke_angle_deg"] < 90.0
        types.add(t["arch_type"])
        ais.append(t["arch_index"])
    assert types == {"high", "normal", "flat"}
    assert min(ais) < 0.1 and max(ais) > 0.3


def test_arch_parameter_orders_the_arch_index() -> None:
    ai = [
        synth.foot_truth(synth.make_foot(np.random.default_rng(9), arch=a, mm_per_px=0.5))[
            "arch_index"
        ]
        for a in (0.0, 0.5, 1.0)
    ]
    assert ai[0] < ai[1] < ai[2]
    assert ai[0] < 0.1 and ai[2] >= 0.26


def test_left_truth_equals_its_mirror() -> None:
    for s in range(3):
        left = synth.make_foot(np.random.default_rng(s), side="left", mm_per_px=0.5)
        right = synth.make_foot(np.random.default_rng(s), side="right", mm_per_px=0.5)
        tl, tr = synth.foot_truth(left), synth.foot_truth(right)
        for key, value in tl.items():
            if isinstance(value, float):
                assert value == pytest.approx(tr[key], abs=1e-9)
            else:
                assert value == tr[key]


def test_truth_matches_a_reframed_print() -> None:
    """Resampling the shape with footprint.frame keeps the indices close."""
    shape = synth.make_foot(np.random.default_rng(11), mm_per_px=0.5)
    truth = synth.foot_truth(shape)
    rc = np.argwhere(shape.print_mask > 0)
    heel = shape.heel_centre_rc[::-1]
    toe = shape.toe_tip_rc[::-1]
    fr = make_frame(heel, toe, "right", rc[:, ::-1].astype(float))
    sole = fr.warp(shape.sole)
    assert indices.arch_index(sole) == pytest.approx(truth["arch_index"], abs=0.01)


def test_left_foot_reframes_like_footprint_frame() -> None:
    """A left foot seen from above is the mirror image; frame.make_frame undoes it."""
    shape = synth.make_foot(np.random.default_rng(5), side="left", mm_per_px=0.5)
    truth = synth.foot_truth(shape)
    seen = np.ascontiguousarray(shape.sole[:, ::-1])  # toes up, medial side on the right
    n_cols = seen.shape[1]
    heel = (n_cols - 1 - shape.heel_centre_rc[1], shape.heel_centre_rc[0])
    toe = (n_cols - 1 - shape.toe_tip_rc[1], shape.toe_tip_rc[0])
    rc = np.argwhere(seen > 0)
    fr = make_frame(heel, toe, "left", rc[:, ::-1].astype(float))
    sole = fr.warp(seen)
    assert indices.arch_index(sole) == pytest.approx(truth["arch_index"], abs=0.01)
    assert indices.chippaux_smirak(sole) == pytest.approx(truth["chippaux_smirak"], abs=2.0)


def test_make_foot_rejects_bad_arguments() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError):
        synth.make_foot(rng, side="middle")
    with pytest.raises(ValueError):
        synth.make_foot(rng, length_mm=5.0)
    with pytest.raises(ValueError):
        synth.make_foot(rng, mm_per_px=0.0)


# --------------------------------------------------------------------------- #
# photos
# --------------------------------------------------------------------------- #
def test_render_is_deterministic() -> None:
    a = synth.render_photo(5, size=SMALL)
    b = synth.render_photo(5, size=SMALL)
    assert a.jpeg == b.jpeg and np.array_equal(a.rgb, b.rgb)
    assert a.params == b.params
    c = synth.render_photo(6, size=SMALL)
    assert _digest(a) != _digest(c)


@pytest.mark.parametrize("scene", synth.SCENES)
def test_every_scene_renders(scene: str) -> None:
    for seed in (1, 2):
        ph = synth.render_photo(seed, scene=scene, size=SMALL)
        assert ph.rgb.shape == (SMALL[1], SMALL[0], 3) and ph.rgb.dtype == np.uint8
        assert ph.scene == scene
        assert ph.jpeg is not None and ph.jpeg[:2] == b"\xff\xd8"
        assert 1 <= len(ph.feet) <= 2
        assert float(ph.rgb.std()) > 3.0
        for foot in ph.feet:
            for x, y in (foot.centroid_xy, foot.heel_centre_xy, foot.toe_tip_xy):
                assert 0 <= x < SMALL[0] and 0 <= y < SMALL[1]


def _print_contrast(ph: synth.SynthPhoto, bare: synth.SynthPhoto) -> float:
    """Median relative grey change the print makes where the sole fully touched."""
    full = ph.rgb.astype(np.float32).mean(axis=2)
    base = bare.rgb.astype(np.float32).mean(axis=2)
    values = []
    for k, foot in enumerate(ph.feet):
        G = ph.world_to_image @ np.asarray(ph.params["frame_to_world"][k])
        rc = np.argwhere(foot.shape.print_mask > 0.99)[::5].astype(float)
        q = rc[:, ::-1] @ G[:2, :2].T + G[:2, 2]
        q = q / (rc[:, ::-1] @ G[2, :2] + G[2, 2])[:, None]
        xi = np.round(q).astype(int)
        values.append(np.abs(full - base)[xi[:, 1], xi[:, 0]] / base[xi[:, 1], xi[:, 0]])
    return float(np.median(np.concatenate(values)))


@pytest.mark.parametrize("scene", ["wet_tile_dark", "wet_concrete", "ink_black", "podograph"])
def test_print_is_visible(scene: str) -> None:
    for seed in (3, 4):
        kw = {"scene": scene, "size": (800, 600), "jpeg_quality": None, "n_feet": 1}
        ph = synth.render_photo(seed, **kw)
        assert (
            _print_contrast(ph, synth.no_print_photo(seed, **kw)) > 0.03
        )  # dark tile: hard but visible


def test_overrides_are_honoured() -> None:
    ph = synth.render_photo(
        7, scene="podograph", reference="letter", n_feet=2, size=SMALL, jpeg_quality=None
    )
    assert ph.scene == "podograph" and ph.reference == "letter"
    assert len(ph.feet) == 2 and ph.jpeg is None
    assert {f.side for f in ph.feet} == {"left", "right"}
    with pytest.raises(ValueError):
        synth.render_photo(1, scene="sand", size=SMALL)
    with pytest.raises(ValueError):
        synth.render_photo(1, reference="banana", size=SMALL)
    with pytest.raises(ValueError):
        synth.render_photo(1, n_feet=3, size=SMALL)


@pytest.mark.parametrize("reference", ["a4", "letter", "card"])
def test_reference_corners_are_the_true_size(reference: str) -> None:
    for seed in (1, 2, 3):
        ph = synth.render_photo(seed, reference=reference, size=SMALL)
        corners = ph.reference_corners_xy
        assert corners is not None and corners.shape == (4, 2)
        assert np.all((corners >= -0.5) & (corners <= np.array(SMALL) - 0.5))
        # back to the world plane: side lengths are the reference's size
        Hinv = np.linalg.inv(ph.world_to_image)
        q = np.column_stack([corners, np.ones(4)]) @ Hinv.T
        world = q[:, :2] / q[:, 2:3]
        w, h = synth.REFERENCE_SIZE_MM[reference]
        sides = np.linalg.norm(np.roll(world, -1, axis=0) - world, axis=1)
        assert sides == pytest.approx([w, h, w, h], abs=1e-6)
        # TL -> TR -> BR is clockwise in the upright reference (y down)
        e1, e2 = world[1] - world[0], world[2] - world[1]
        assert e1[0] * e2[1] - e1[1] * e2[0] > 0


def test_no_reference() -> None:
    ph = synth.render_photo(4, reference="none", size=SMALL)
    assert ph.reference_corners_xy is None


def test_image_truth_follows_the_homography() -> None:
    ph = synth.render_photo(12, size=SMALL, n_feet=1, max_tilt_deg=0.0)
    foot = ph.feet[0]
    axis = np.subtract(foot.toe_tip_xy, foot.heel_centre_xy)
    # without tilt the image scale is uniform: the axis is (tip row - heel row) px long
    frame_len_mm = (foot.shape.heel_centre_rc[0] - foot.shape.toe_tip_rc[0]) * foot.shape.mm_per_px
    H = ph.world_to_image
    scale = np.sqrt(abs(np.linalg.det(H[:2, :2])))
    assert np.hypot(*axis) == pytest.approx(frame_len_mm * scale, rel=1e-6)


def test_side_is_drawn_with_the_right_chirality() -> None:
    """Seen with toes up, a right foot has its hallux (medial side) on the left."""
    seen = set()
    for seed in range(8):
        ph = synth.render_photo(seed, size=SMALL, jpeg_quality=None)
        for k, foot in enumerate(ph.feet):
            shape = foot.shape
            G = ph.world_to_image @ np.asarray(ph.params["frame_to_world"][k])
            # a point on the medial side (low frame column) of the axis
            r, c = shape.heel_centre_rc
            q = G @ np.array([c - 40.0, r - 100.0, 1.0])
            u = np.subtract(foot.toe_tip_xy, foot.heel_centre_xy)
            v = q[:2] / q[2] - np.asarray(foot.heel_centre_xy)
            cross = u[0] * v[1] - u[1] * v[0]  # image y down: < 0 is left of the axis
            assert (cross < 0) == (foot.side == "right")
            seen.add(foot.side)
    assert seen == {"left", "right"}


@pytest.mark.parametrize("scene", ["ink_blue", "wet_tile_light"])
def test_no_print_photo_is_the_same_photo_without_the_print(scene: str) -> None:
    kw = {"scene": scene, "size": SMALL, "jpeg_quality": None}
    bare = synth.no_print_photo(5, **kw)
    full = synth.render_photo(5, **kw)
    assert bare.feet == () and len(full.feet) >= 1
    assert bare.scene == full.scene and bare.reference == full.reference
    assert np.array_equal(bare.world_to_image, full.world_to_image)
    # identical away from the feet, different on them
    far = np.ones(SMALL[::-1], bool)
    for k, foot in enumerate(full.feet):
        G = full.world_to_image @ np.asarray(full.params["frame_to_world"][k])
        fh, fw = foot.shape.sole.shape
        box = np.array([[0, 0], [fw, 0], [fw, fh], [0, fh]], float)
        q = box @ G[:2, :2].T + G[:2, 2]
        q = q / (box @ G[2, :2] + G[2, 2])[:, None]
        x0, y0 = np.floor(q.min(axis=0)).astype(int) - 12
        x1, y1 = np.ceil(q.max(axis=0)).astype(int) + 12
        far[max(y0, 0) : max(y1, 0), max(x0, 0) : max(x1, 0)] = False
    assert np.array_equal(bare.rgb[far], full.rgb[far])
    assert not np.array_equal(bare.rgb[~far], full.rgb[~far])


@pytest.mark.parametrize("scene", [s for s in synth.SCENES if s.startswith("wet_")])
def test_wet_print_changes_the_photo_only_near_the_foot(scene: str) -> None:
    """The water film's edge wanders by a fraction of a millimetre, no more:
    nothing is darkened 3 mm (plus the anti-aliasing blur) or further from
    the foot's outline (an earlier version speckled the whole rectangle
    around the foot)."""
    size = (800, 600)
    for seed in (11, 12):
        kw = {"scene": scene, "size": size, "jpeg_quality": None, "n_feet": 1}
        full = synth.render_photo(seed, **kw)
        bare = synth.no_print_photo(seed, **kw)
        foot = full.feet[0]
        G = full.world_to_image @ np.asarray(full.params["frame_to_world"][0])
        cover = cv2.warpPerspective(
            foot.shape.print_mask.astype(np.float32), G, size, flags=cv2.INTER_LINEAR
        )
        # image px per mm at the foot: the homography's local scale
        c = np.array([foot.shape.sole.shape[1] / 2, foot.shape.sole.shape[0] / 2, 1.0])
        w = G[2] @ c
        jac = (G[:2, :2] * w - np.outer(G[:2] @ c, G[2, :2])) / w**2
        px_per_mm = float(np.sqrt(abs(np.linalg.det(jac)))) / foot.shape.mm_per_px
        # 1.5: perspective across the foot; + 3 px: the anti-aliasing prefilter
        reach = int(np.ceil(3.0 * px_per_mm * 1.5)) + 3
        near = cv2.dilate((cover > 0.01).astype(np.uint8), np.ones((2 * reach + 1,) * 2, np.uint8))
        away = ~near.astype(bool)
        assert np.array_equal(bare.rgb[away], full.rgb[away])
        assert not np.array_equal(bare.rgb[~away], full.rgb[~away])


def test_dataset_yields_one_photo_per_seed() -> None:
    photos = list(synth.dataset([1, 2], size=(200, 150), jpeg_quality=None))
    assert [p.seed for p in photos] == [1, 2]


def test_twelve_megapixel_render() -> None:
    ph = synth.render_photo(21, size=(4032, 3024), jpeg_quality=85)
    assert ph.rgb.shape == (3024, 4032, 3)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [8, 64, 256])
def test_floor_mod_is_np_mod_bit_for_bit(dtype: type, n: int) -> None:
    """The fast periodic wrap of the texture sampler gives np.mod's very bits
    (so a seed renders the same photo as before it was made faster)."""
    from footprint.synth_scenes import floor_mod

    rng = np.random.default_rng(n)
    x = np.concatenate(
        [
            rng.normal(0, 3000, 200_000),  # world coordinates in texels
            np.arange(-4 * n, 4 * n + 1),  # exact multiples and integers
            rng.uniform(-1e-6, 1e-6, 1000),  # rounds up to n below zero
            [-0.0, 0.0, np.float32(-(2**-30)), 1e7 + 0.5],
        ]
    ).astype(dtype)
    got, want = floor_mod(x, dtype(n)), np.mod(x, dtype(n))
    assert got.dtype == want.dtype
    assert np.array_equal(got.view(np.uint8), want.view(np.uint8))
    with pytest.raises(ValueError, match="power of two"):
        floor_mod(x, dtype(6))

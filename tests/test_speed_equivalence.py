"""The fast paths of the grid test give exactly the results of the direct computations."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from footprint import segment_grid as sg
from footprint.params import SegmentParams


def _reference_tile_lattice(tile: np.ndarray) -> tuple[bool, float]:
    """The lattice test as first written: every annulus median, ``np.roll`` shifts."""
    n = tile.shape[0]
    t = tile.astype(np.float64) - float(tile.mean())
    win = np.outer(np.hanning(n), np.hanning(n))
    power = np.abs(np.fft.fft2(t * win)) ** 2
    box = sum(np.roll(power, (dy, dx), (0, 1)) for dy in (-1, 0, 1) for dx in (-1, 0, 1))
    f = np.fft.fftfreq(n)
    fy, fx = np.meshgrid(f, f, indexing="ij")
    rad = np.hypot(fx, fy)
    band = (rad >= 1.0 / sg.MAX_PERIOD_PX) & (rad <= 1.0 / sg.MIN_PERIOD_PX)
    rbin = np.minimum(np.round(rad * n).astype(np.int32), n // 2)
    ring = np.zeros(n // 2 + 1)
    for r in range(n // 2 + 1):
        sel = np.abs(rbin - r) <= 1
        ring[r] = np.median(power[sel]) if sel.any() else 0.0
    white = box / (9.0 * ring[rbin] + 1e-12)
    local_max = box >= np.maximum.reduce(
        [np.roll(box, (dy, dx), (0, 1)) for dy in range(-2, 3) for dx in range(-2, 3)]
    )
    cand = np.flatnonzero((band & local_max).ravel())
    cand = cand[np.argsort(box.ravel()[cand])[::-1][: sg.LATTICE_CANDIDATES]]
    peaks = [(int(i) // n, int(i) % n) for i in cand]
    for a, (ya, xa) in enumerate(peaks):
        if white[ya, xa] < sg.PEAK_PROMINENCE:
            break
        va = np.array([fx[ya, xa], fy[ya, xa]])
        ra = float(np.hypot(*va))
        for yb, xb in peaks[a + 1 :]:
            if white[yb, xb] < sg.PEAK_PROMINENCE:
                break
            vb = np.array([fx[yb, xb], fy[yb, xb]])
            rb = float(np.hypot(*vb))
            if not 1.0 / sg.SECOND_PEAK_RADIUS_TOL <= rb / ra <= sg.SECOND_PEAK_RADIUS_TOL:
                continue
            cos = abs(float(va @ vb)) / (ra * rb)
            if np.degrees(np.arccos(min(cos, 1.0))) < 90.0 - sg.SECOND_PEAK_ANGLE_TOL_DEG:
                continue
            diag = max(white[(ya + yb) % n, (xa + xb) % n], white[(ya - yb) % n, (xa - xb) % n])
            if diag >= sg.DIAGONAL_PROMINENCE:
                return True, 2.0 / (ra + rb)
    return False, 0.0


def _tiles(seed: int) -> list[np.ndarray]:
    """Noise, grain, grout and lattices (dense, sparse, sheared, near Nyquist)."""
    rng = np.random.default_rng(seed)
    n = sg.TILE_PX
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float64)
    out = [rng.normal(0, 0.02, (n, n)), np.zeros((n, n))]
    out.append(0.1 * np.sin(2 * np.pi * (xx + 0.1 * yy) / rng.uniform(3, 9)) ** 2)
    out.append(((yy % 40) < 2) * 0.3 + rng.normal(0, 0.01, (n, n)))
    for _ in range(6):
        period = rng.uniform(2.6, 12.0)
        shear = rng.uniform(-0.3, 0.3)
        dots = ((xx + shear * yy) % period < period / 2) & (yy % period < period / 2)
        keep = rng.uniform(size=(n, n)) < rng.uniform(0.3, 1.0)
        out.append(0.4 * (dots & keep) + rng.normal(0, 0.02, (n, n)))
    return [np.clip(t, 0, 1).astype(np.float32) for t in out]


@pytest.mark.parametrize("seed", range(8))
def test_tile_lattice_matches_the_direct_computation(seed: int) -> None:
    for tile in _tiles(seed):
        assert sg._tile_lattice(tile) == _reference_tile_lattice(tile)


def test_wrapped_neighbourhoods_equal_roll_sums_and_maxima() -> None:
    rng = np.random.default_rng(3)
    values = rng.random((96, 96)) ** 4
    rolled_sum = sum(np.roll(values, (dy, dx), (0, 1)) for dy in (-1, 0, 1) for dx in (-1, 0, 1))
    assert np.array_equal(sg._wrapped_box_sum(values), rolled_sum)  # bit for bit
    rolled_max = np.maximum.reduce(
        [np.roll(values, (dy, dx), (0, 1)) for dy in range(-2, 3) for dx in range(-2, 3)]
    )
    assert np.array_equal(sg._wrapped_max(values, 2), rolled_max)


def _masks() -> list[np.ndarray]:
    rng = np.random.default_rng(5)
    out = []
    for _ in range(20):
        m = np.zeros((120, 160), np.uint8)
        for _ in range(rng.integers(1, 4)):
            centre = (int(rng.integers(0, 160)), int(rng.integers(0, 120)))
            axes = (int(rng.integers(1, 60)), int(rng.integers(1, 50)))
            cv2.ellipse(m, centre, axes, float(rng.uniform(0, 180)), 0, 360, 1, -1)
        m[rng.uniform(size=m.shape) < 0.02] = 1  # stray pixels
        m[rng.uniform(size=m.shape) < 0.05] = 0  # holes
        out.append(m.astype(bool))
    line = np.zeros((30, 40), bool)
    line[7, 3:30] = True
    pixel = np.zeros((30, 40), bool)
    pixel[4, 5] = True
    rect = np.zeros((30, 40), bool)
    rect[3:20, 5:31] = True
    return [*out, line, pixel, rect, np.ones((30, 40), bool)]


def test_hull_of_row_extremes_is_the_hull_of_all_pixels() -> None:
    for mask in _masks():
        every = np.column_stack(np.nonzero(mask)[::-1]).astype(np.int32)
        assert np.array_equal(cv2.convexHull(sg._hull_points(mask)), cv2.convexHull(every))


def _grid_photo() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2)
    img = np.full((400, 300), 235.0)
    yy, xx = np.mgrid[0:400, 0:300]
    sole = ((yy - 210) / 150.0) ** 2 + ((xx - 150) / 70.0) ** 2 < 1
    img[sole & (yy % 8 < 4) & (xx % 8 < 4)] = 50
    img += rng.normal(0, 2.0, img.shape)
    rgb = np.repeat(np.clip(img, 0, 255).astype(np.uint8)[:, :, None], 3, axis=2)
    return rgb, np.ones(img.shape, bool)


def _same(a: list[tuple[np.ndarray, np.ndarray]], b: list[tuple[np.ndarray, np.ndarray]]) -> bool:
    if len(a) != len(b):
        return False
    pairs = zip(a, b, strict=True)
    return all(np.array_equal(ma, mb) and np.array_equal(ia, ib) for (ma, ia), (mb, ib) in pairs)


def test_segment_grid_with_the_grid_scan_equals_a_fresh_run() -> None:
    rgb, roi = _grid_photo()
    params = SegmentParams()
    fresh = sg.segment_grid(rgb, params, mm_per_px=0.5, roi=roi)
    assert fresh
    scan = sg.grid_scan(rgb, roi, 0.5)
    assert scan is not None
    assert _same(sg.segment_grid(rgb, params, mm_per_px=0.5, roi=roi, scan=scan), fresh)


def test_grid_scan_is_none_without_a_grid_and_leaves_no_state() -> None:
    rgb, roi = _grid_photo()
    params = SegmentParams()
    expected = sg.segment_grid(rgb, params, mm_per_px=0.5, roi=roi)
    plain = np.full_like(rgb, 235)
    assert sg.grid_scan(plain, roi, 0.5) is None
    assert not sg.is_grid_print(plain, roi, 0.5)
    # a scan of another image changes nothing for the next call without one
    assert sg.grid_scan(rgb, roi, 0.5) is not None
    assert _same(sg.segment_grid(rgb, params, mm_per_px=0.5, roi=roi), expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_rectify_median_equals_numpy_bit_for_bit(dtype: type) -> None:
    from footprint.rectify import _median

    rng = np.random.default_rng(7)
    for n in [*range(1, 30), 100, 101, 257]:
        for shape in ((n,), (n, 3)):
            values = (rng.normal(size=shape) * 50).astype(dtype)
            values[::3] = np.round(values[::3])  # ties
            expected = np.median(values, axis=0)
            got = _median(values)
            assert np.array_equal(got, expected)
            assert np.asarray(got).dtype == np.asarray(expected).dtype


@pytest.mark.parametrize("sigma", [4.0, 6.7, 8.1, 12.0])
def test_wide_blur_is_close_to_the_exact_gaussian(sigma: float) -> None:
    """The coarse-grid blur (:func:`footprint.background.wide_blur`) of a print-like
    image (a dark ellipse with a soft edge, grid dots and noise on a gradient)
    stays within 1.5 % of the image's range of the exact Gaussian blur."""
    from footprint import background

    rng = np.random.default_rng(4)
    h, w = 600, 800
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = 0.1 * xx / w
    blob = np.zeros((h, w), np.float32)
    cv2.ellipse(blob, (400, 300), (150, 220), 20, 0, 360, 1.0, -1)
    img += 0.5 * cv2.GaussianBlur(blob, (0, 0), 2.0)
    img += 0.2 * ((xx % 7 < 3) & (yy % 7 < 3)).astype(np.float32) * blob
    img += rng.normal(0, 0.02, (h, w)).astype(np.float32)
    exact = cv2.GaussianBlur(img, (0, 0), sigma, borderType=cv2.BORDER_REPLICATE)
    fast = background.wide_blur(img, sigma)
    assert fast.shape == exact.shape
    assert float(np.abs(fast - exact).max()) < 0.015 * float(np.ptp(img))


@pytest.mark.parametrize("h", [2.0, np.float64(3.7), 6.25])
def test_reconstruction_by_dilation_equals_skimage_bit_for_bit(h: float) -> None:
    """:func:`footprint.anatomy._reconstruct_by_dilation` against skimage, on
    distance transforms of blobs (ties everywhere) and on noise."""
    from skimage.morphology import reconstruction

    from footprint import anatomy

    rng = np.random.default_rng(11)
    images = [
        cv2.distanceTransform(np.pad(m, 1).astype(np.uint8), cv2.DIST_L2, 5) for m in _masks()
    ]
    images += [rng.random((50, 70)).astype(np.float32) * 10, np.zeros((5, 5), np.float32)]
    for dt in images:
        seed = np.maximum(dt - h, 0.0)
        expected = reconstruction(seed, dt, method="dilation")
        got = anatomy._reconstruct_by_dilation(seed, dt)
        assert got.dtype == expected.dtype
        assert np.array_equal(got, expected)


def test_label_maxima_equal_ndimage_maximum() -> None:
    from scipy import ndimage

    from footprint import anatomy

    rng = np.random.default_rng(12)
    for mask in _masks():
        n, lab = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
        values = rng.normal(size=mask.shape).astype(np.float32)
        expected = np.asarray(ndimage.maximum(values, lab, np.arange(1, n)), dtype=np.float64)
        assert np.array_equal(anatomy._label_maxima(values, lab, n), expected)


def _reference_fill_small_holes(m8: np.ndarray, max_area_px: float) -> np.ndarray:
    """Hole filling as first written: background labelled over the whole image."""
    inv = (m8 == 0).astype(np.uint8)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(inv, connectivity=4)
    out = m8.copy()
    h, w = m8.shape
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        touches = x == 0 or y == 0 or x + bw >= w or y + bh >= h
        if not touches and area <= max_area_px:
            out[lab == i] = 1
    return out


@pytest.mark.parametrize("max_area", [0.0, 3.0, 40.0, 1e9])
def test_fill_small_holes_in_the_bounding_box_equals_the_whole_image(max_area: float) -> None:
    from footprint import segment

    masks = [m.astype(np.uint8) for m in _masks()] + [np.zeros((20, 30), np.uint8)]
    ring = np.zeros((40, 50), np.uint8)
    cv2.rectangle(ring, (0, 0), (20, 15), 1, 2)  # a hole against the image's corner
    cv2.circle(ring, (35, 30), 8, 1, 2)
    masks.append(ring)
    for m8 in masks + [np.ascontiguousarray(m[::-1, ::-1]) for m in masks]:
        expected = _reference_fill_small_holes(m8, max_area)
        assert np.array_equal(segment._fill_small_holes(m8, max_area), expected)


def test_shape_measures_on_a_mask_box_equal_the_whole_image() -> None:
    """Elongation (crop + origin), moments (crop to the corner) and the
    outline test on a mask's box give the whole image's numbers bit for bit."""
    from footprint import segment

    rng = np.random.default_rng(14)
    for small in _masks():
        if not small.any():
            continue
        h, w = small.shape
        for oy, ox in ((0, 0), (int(rng.integers(1, 90)), int(rng.integers(1, 120)))):
            full = np.zeros((h + oy + int(rng.integers(0, 50)), w + ox + 40), bool)
            full[oy : oy + h, ox : ox + w] = small
            border = rng.uniform(size=full.shape) < 0.3
            sl = segment._mask_box(full)
            crop = full[sl].astype(np.uint8)
            whole = segment._elongation(full.astype(np.uint8))
            assert segment._elongation(crop, (sl[1].start, sl[0].start)) == whole
            top = segment._to_corner(sl)
            expected = cv2.moments(full.astype(np.uint8), binaryImage=True)
            assert cv2.moments(full[top].astype(np.uint8), binaryImage=True) == expected
            assert segment._hugs(full[sl], border[sl]) == segment._hugs(full, border)


def test_mask_pixels_equal_numpy_nonzero() -> None:
    from footprint.anatomy import mask_pixels

    for mask in [*_masks(), np.zeros((7, 9), bool)]:
        for m in (mask, mask.T, mask[::-1]):
            expected = np.nonzero(m)
            got = mask_pixels(m)
            assert all(
                np.array_equal(a, b) and a.dtype == b.dtype
                for a, b in zip(got, expected, strict=True)
            )


def test_components_in_the_bounding_box_equal_the_whole_image() -> None:
    """:func:`footprint.segment._components_in_box`: the same components, with
    the same areas and boxes (in image coordinates), as labelling the whole image."""
    from footprint import segment

    masks = [m.astype(np.uint8) for m in _masks()] + [np.zeros((20, 30), np.uint8)]
    for m8 in masks + [np.ascontiguousarray(m[::-1, ::-1]) for m in masks]:
        n, lab, stats, _ = cv2.connectedComponentsWithStats(m8, connectivity=8)
        nb, lab_b, stats_b, box = segment._components_in_box(m8)
        assert nb == n
        whole = {tuple(stats[i]): lab == i for i in range(1, n)}
        assert len(whole) == n - 1
        for i in range(1, nb):
            comp = np.zeros(m8.shape, bool)
            comp[box] = lab_b == i
            assert np.array_equal(whole[tuple(stats_b[i])], comp)


def test_dilation_in_the_bounding_box_equals_the_whole_image() -> None:
    from footprint import background, segment

    masks = [m.astype(np.uint8) for m in _masks()] + [np.zeros((20, 30), np.uint8)]
    for m8 in masks + [np.ascontiguousarray(m[::-1, ::-1]) for m in masks]:
        for diameter in (1.0, 3.0, 7.4, 25.0, 90.0):
            kernel = background.disk(diameter)
            assert np.array_equal(segment._dilate_in_box(m8, kernel), cv2.dilate(m8, kernel))


def _reference_hysteresis(signal: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Hysteresis as first written: the weak pixels labelled over the whole image."""
    weak = (signal > low).astype(np.uint8)
    n, lab = cv2.connectedComponents(weak, connectivity=8)
    keep = np.zeros(n, bool)
    keep[np.unique(lab[(signal > high) & (weak > 0)])] = True
    keep[0] = False
    return keep[lab]


def test_hysteresis_in_the_bounding_box_equals_the_whole_image() -> None:
    from footprint import segment

    rng = np.random.default_rng(15)
    for mask in _masks():
        signal = cv2.GaussianBlur(rng.random(mask.shape).astype(np.float32), (0, 0), 2.0)
        signal += mask.astype(np.float32)
        windows = np.full(mask.shape, np.inf, np.float32)
        y, x = int(rng.integers(0, 60)), int(rng.integers(0, 80))
        windows[y : y + 60, x : x + 80] = 0.0
        for low, high in ((0.4, 1.2), (0.5, 0.55), (2.0, 3.0)):
            lo, hi = windows + low, windows + high
            expected = _reference_hysteresis(signal, lo, hi)
            assert np.array_equal(segment._hysteresis(signal, lo, hi), expected)
            plain = np.full(mask.shape, low, np.float32), np.full(mask.shape, high, np.float32)
            assert np.array_equal(
                segment._hysteresis(signal, *plain), _reference_hysteresis(signal, *plain)
            )


def test_normalised_convolution_equals_the_direct_formula() -> None:
    from footprint import background

    rng = np.random.default_rng(16)
    values = rng.random((80, 120)).astype(np.float32)
    for weights in (
        (rng.random((80, 120)) < 0.3).astype(np.float32),
        np.zeros((80, 120), np.float32),
        np.pad(np.ones((4, 4), np.float32), ((0, 76), (0, 116))),  # far corners uncovered
    ):
        for sigma in (1.5, 3.0, 20.0):
            num = background.wide_blur(values * weights, sigma)
            den = background.wide_blur(weights, sigma)
            fallback = float((values * weights).sum() / max(float(weights.sum()), 1e-9))
            expected = np.where(den > 1e-4, num / np.maximum(den, 1e-12), fallback)
            got = background.nconv(values, weights, sigma)
            assert np.array_equal(got, expected.astype(np.float32))
            # exact: full-resolution blurs, as the grid search's own copy had them
            num = cv2.GaussianBlur(values * weights, (0, 0), sigma, borderType=cv2.BORDER_REPLICATE)
            den = cv2.GaussianBlur(weights, (0, 0), sigma, borderType=cv2.BORDER_REPLICATE)
            total = float(weights.sum())
            fallback = float((values * weights).sum() / total) if total > 0 else 0.0
            expected = np.where(den > 1e-4, num / np.maximum(den, 1e-12), fallback)
            got = background.nconv(values, weights, sigma, exact=True)
            assert np.array_equal(got, expected.astype(np.float32))


def test_cross3_equals_numpy_cross_bit_for_bit() -> None:
    from footprint.rectify import _cross3

    rng = np.random.default_rng(17)
    for _ in range(2000):
        scale = 10.0 ** rng.integers(-6, 7, size=2)
        a = np.r_[rng.normal(size=2) * scale[0], 1.0]
        b = np.r_[rng.normal(size=2) * scale[1], rng.choice([1.0, rng.normal()])]
        expected = np.cross(a, b)
        got = _cross3(a, b)
        assert got.dtype == expected.dtype
        assert np.array_equal(got, expected)
        assert np.array_equal(np.signbit(got), np.signbit(expected))


def test_block_share_equals_the_numpy_block_mean_bit_for_bit() -> None:
    """``poly_alpha``'s 8 x 8 block mean (the rest of it is as first written)."""
    from footprint import synth_scenes

    rng = np.random.default_rng(23)
    for k in range(40):
        hb, wb = int(rng.integers(1, 120)), int(rng.integers(1, 160))
        if k % 2 == 0:  # random samples
            big = (rng.random((8 * hb, 8 * wb)) < rng.uniform(0.05, 0.95)).astype(np.uint8)
        else:  # a filled polygon, as poly_alpha draws a sheet
            big = np.zeros((8 * hb, 8 * wb), np.uint8)
            pts = rng.uniform(-40, [8 * wb + 40, 8 * hb + 40], (int(rng.integers(3, 9)), 2))
            cv2.fillPoly(big, [pts.astype(np.int32).reshape(-1, 1, 2)], 1)
        before = big.copy()
        expected = big.reshape(hb, 8, wb, 8).mean(axis=(1, 3), dtype=np.float32)
        assert np.array_equal(synth_scenes._block_share(big, 8), expected)
        assert np.array_equal(big, before)  # its input is left as it was
    # a sheet of a 2016 x 1512 photo: more block rows than one pass takes
    big = np.zeros((8 * 700, 8 * 900), np.uint8)
    cv2.fillPoly(big, [np.int32([[100, 80], [7000, 300], [6800, 5500], [200, 5000]])], 1)
    expected = big.reshape(700, 8, 900, 8).mean(axis=(1, 3), dtype=np.float32)
    assert np.array_equal(synth_scenes._block_share(big, 8), expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_channel_by_channel_products_equal_numpy_broadcasting(dtype: type) -> None:
    from footprint import synth_scenes

    rng = np.random.default_rng(29)
    field = rng.random((31, 47)).astype(np.float32)
    rgb = rng.random(3).astype(dtype)
    expected = rgb[None, None, :] * field[..., None]
    got = synth_scenes.colour_times(rgb, field)
    assert got.dtype == expected.dtype
    assert np.array_equal(got, expected)
    img = rng.random((31, 47, 3)).astype(np.float32)
    a, b = img.copy(), img.copy()
    a *= field[..., None]
    synth_scenes.scale_channels(b, field)
    assert np.array_equal(a, b)
    a += field[..., None]
    synth_scenes.add_channels(b, field)
    assert np.array_equal(a, b)

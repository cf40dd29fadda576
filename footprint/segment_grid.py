"""Segmentation of podograph (Harris-mat) grid prints.

A podograph prints a square lattice of ink squares (period 2-4 mm) whose size
grows with the contact pressure; where the contact is light only a sparse
random subset of small dots prints. The contact region therefore is *not* the
dark region: it is the region where the lattice prints at all, at any density.
The method works in units of the measured grid period ``p`` (pixels), so it
needs no scale and is the same with or without a reference:

1. Darkness ``D = 1 - L / B`` of the CIE lightness ``L`` over an illumination
   estimate ``B`` (normalised convolution of the paper, iterated to exclude
   ink).
2. Grid period and lattice test from the power spectrum of tiles of ``D``:
   a grid gives two sharp, roughly perpendicular peaks at the same radius
   (:func:`is_grid_print`). Where the dots are resolved, ``D`` is then taken
   above the shade around them (an opening two periods wide keeps a smooth
   shadow across the form but not the dots), except solid print.
3. Long thin straight ink (panel borders) is found by openings with line
   kernels in many directions and removed from ``D``.
4. Cell occupancy: the ink above the paper's noise, each ink pixel grown by a
   disk one period across (a dot anywhere in its cell then covers the cell,
   whatever its size), averaged by a Gaussian of one period, so sparse dots
   merge into a continuous region (``CELL_DILATION_PERIODS``,
   ``DENSITY_SIGMA_PERIODS``).
5. The contact region: occupancy above ``OCCUPANCY_LEVEL`` (light contact
   prints about half the cells), moved back in by the half period the cells
   grew (``EDGE_INSET_PERIODS``), and opened by a disk of ``OPEN_WIDTH_MM``
   (pen strokes, rules and thin bridges go). A level relative to the local
   occupancy instead was measured and not kept (docs/accuracy.md).
6. Ink density ``rho``: the Gaussian mean of ``D`` over one period, the
   relative contact intensity inside the region.
7. Components: soles are thick, large and elongated; a high arch can split
   one sole into heel and forefoot, which are regrouped; toes are small
   blobs distal of a sole. Headings, text, logo and pen strokes are thin or
   small and far from any sole.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

import cv2
import numpy as np

from footprint import pairing
from footprint.background import disk, lightness_u8, nconv, odd_px
from footprint.params import SegmentParams

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------- constants
#: [mm] Nominal size of the scene's long side when no scale reference is known;
#: only used to size filters, never to report lengths.
NOMINAL_SCENE_MM = 500.0
#: [mm] Grid periods of podograph mats in use (Harris mat ~ 2.5-4 mm; the
#: generator's 2-4 mm), with slack for the measured period: on 30 development
#: podograph photos (seeds 21000-21039) it was 0.977-1.05 x the true one. The
#: lower bound was 1.5 mm: at 900 x 675 px the grain of a wood floor read as
#: a 1.59 mm lattice and a wet print beside a sheet was outlined as a grid
#: print, 0.19 off at full quality (tests/test_pipeline.py, seed 375).
GRID_PERIOD_RANGE_MM = (1.8, 6.0)
#: [px] Shortest period the spectrum is searched for (2 px is Nyquist; JPEG and
#: demosaicing remove most power below ~2.5 px).
MIN_PERIOD_PX = 2.5
#: [px] Longest period searched for (tile grout, plank widths are far longer).
MAX_PERIOD_PX = 24.0
#: [px] Side of the square tiles whose spectra are inspected.
TILE_PX = 96
#: [1] Number of the most textured tiles that are inspected.
TILES_INSPECTED = 16
#: [1] Smallest share of a tile inside the region of interest.
TILE_MIN_ROI = 0.95
#: [1] A spectral peak counts when its power (3x3 bins) exceeds the band's
#: median power this many times.
PEAK_PROMINENCE = 25.0
#: [1] The diagonal (v1 +- v2) harmonic of a lattice must stand this far above
#: the median power of the band.
DIAGONAL_PROMINENCE = 8.0
#: Strongest spectral peaks of a tile tried as lattice vectors.
LATTICE_CANDIDATES = 8
#: [frequency bins] A spectral peak is the largest power within this many bins
#: (wrapping round the spectrum's edges).
PEAK_REACH_BINS = 2
#: [1] ... and its radius must be within this factor of the first's.
SECOND_PEAK_RADIUS_TOL = 1.35
#: [deg] ... and its direction this far from perpendicular at most (perspective
#: shears the lattice of an unrectified photo).
SECOND_PEAK_ANGLE_TOL_DEG = 25.0
#: [1] Tiles that must show a lattice for the photo to be a grid print.
MIN_LATTICE_TILES = 2
#: [mm] Nominal grid period used to convert mm-constants when no scale is known.
NOMINAL_PERIOD_MM = 3.0
#: [1] Smallest sheet, as a share of the region of interest.
PAPER_MIN_FRACTION = 0.08
#: [px] Rim of the sheet left out (its edge shadow and the floor's blur).
PAPER_RIM_PX = 3
#: [mm] Gaussian sigma of the illumination estimate (shadows, vignetting vary
#: over centimetres; the print is bridged by interpolation).
BACKGROUND_SIGMA_MM = 25.0
#: [1] Downscale factor for the illumination estimate (speed; it is smooth).
BACKGROUND_DOWNSCALE = 4
#: Iterations of the illumination estimate that exclude ink.
BACKGROUND_ITERATIONS = 3
#: [noise sigmas] Pixels this much darker than the estimate are excluded from it.
BACKGROUND_OUTLIER_SIGMAS = 2.5
#: [1] Darkness above which a pixel is ink for the line search (dots print at
#: > 0.2 darkness; paper noise is ~ 0.02).
INK_DARKNESS = 0.12
#: [periods] A straight ink run this long is a line (panel border), not a
#: chain of grid dots, which are separated by gaps ...
LINE_LENGTH_PERIODS = 5.0
#: [mm] ... of more than this (a printed rule's ink may break for a pixel;
#: light contact prints dots 0.2 periods wide, 1.6 mm apart on a 2 mm grid).
LINE_MAX_GAP_MM = 0.5
#: [deg] Angle step of the Hough transform that finds the lines.
LINE_ANGLE_STEP_DEG = 0.25
#: [mm] Ink this far from a found line's centre belongs to it (a rule's width).
LINE_REACH_MM = 1.0
#: [periods] A line's sides, this far out from its centre, judged piece by
#: piece of LINE_CHUNK_MM along it, ...
LINE_SIDE_PERIODS = 2.0
#: [mm] Length of those pieces: a rule crossing a print is print where it
#: crosses it, and a rule everywhere else.
LINE_CHUNK_MM = 10.0
#: [1] ... one of them at least is paper, with at most this share of ink (text,
#: or a print the rule touches along part of its length); a row of merged grid
#: dots inside a print has the neighbouring rows on both sides (about half ink
#: or more).
LINE_MAX_SIDE_INK = 0.25
#: [periods] Blurred rim of a line removed with it.
LINE_HALO_PERIODS = 0.5
#: [mm] ... and at least this long (tuned on dev seeds): rows of merged squares in a print are
#: shorter, the form's rules run across the whole sheet.
LINE_LENGTH_MM = 120.0
#: [line widths] A rule crossing a found line is bridged across it where ink lies on both
#: sides within this many line widths (along the found line's normal).
CROSSING_BRIDGE_WIDTHS = 3.0
#: [periods] Ink that survives an opening with a disk this wide is solid print
#: (merged squares at high pressure), never a line.
SOLID_WIDTH_PERIODS = 0.8
#: [periods] ... and lies within SOLID_REACH_PERIODS of a core this wide; a
#: double panel border (two rules 2 mm apart) has no such core.
SOLID_CORE_PERIODS = 2.5
SOLID_REACH_PERIODS = 1.0
#: [periods] Width of the opening that keeps a smooth shade (the phone's
#: shadow across the form) and removes the dots: the darkness of a dot is
#: taken above the shade around it, so shaded paper is not ink.
SHADE_OPEN_PERIODS = 2.0
#: [1] Darkness at or above which a pixel is ink whatever its surroundings
#: (solid print where dense dots merge; a phone's shadow darkens paper by at
#: most ~0.35).
SOLID_INK_DARKNESS = 0.5
#: [px] The shade is told from dots only where the dots are resolved (a dot
#: and its gap >= 2 px each); a coarser grid's light contact is as smooth as
#: a shade (development seed 4031, period 2.8 px: the print broke up).
SHADE_MIN_PERIOD_PX = 4.0
#: [1] Darkness above which a pixel is a grid dot, at least ...
INK_MIN_DARKNESS = 0.06
#: [paper sigmas] ... and this far above the paper's noise.
INK_SIGMAS = 5.0
#: [periods] Diameter of the disk every dot pixel is grown by: a dot anywhere in
#: its cell then covers the whole cell.
CELL_DILATION_PERIODS = 1.0
#: [periods] Gaussian sigma of the cell occupancy (cells without a dot inside
#: light-contact areas are filled; toe gaps of 3 mm stay open).
DENSITY_SIGMA_PERIODS = 1.0
#: [1] Occupancy at the contact edge (tuned on dev seeds 1-24, 101-106: light
#: contact prints only ~ half the cells, so half of that, not of full print).
OCCUPANCY_LEVEL = 0.3
#: [periods] The grown cells reach this far beyond the outermost dots; the edge
#: is moved back in by it.
EDGE_INSET_PERIODS = 0.5
#: [mm] Width of the opening of the final mask: pen strokes, rules and thin
#: bridges go, toes (>= 5 mm wide) and narrow lateral midfoot bands stay.
OPEN_WIDTH_MM = 4.5
#: [1] A sole piece elongated beyond this has a direction ...
PIECE_ELONGATED = 1.3
#: [deg] ... which must lie at least this far from the merged sole's axis: a
#: ball is wide across the foot; two forefeet side by side lie along their union.
PIECE_CROSS_ANGLE_DEG = 30.0
#: [1] A ball lying across the merged sole that is at least this much wider
#: (across the sole's axis) than the other piece marks a heel + ball pair even
#: when neither piece is elongated, or the heel, with the stub of its lateral
#: band, lies along the axis: an adult's ball is about 1.4-1.5 x as broad as
#: the heel (e.g. Hawes & Sovak 1994, Ergonomics 37:1213), while two heels or
#: two balls side by side have about equal breadths.
BALL_TO_HEEL_BREADTH = 1.3
#: [1] ... provided that piece, when it lies along the axis, is no more than
#: this much longer than broad: a heel with the stub of its band is ~ 1.3-1.5
#: x its breadth long; a longer piece along the foot is a band or a sole.
HEEL_MAX_ELONGATION = 1.6
#: [mm] Band along the border of the search region (the sheet's shaded edge)
#: that is never print; forms keep a 3 mm margin free.
RIM_MM = 3.0
#: [1] Holes inside a print up to this share of its area are filled.
MAX_HOLE_SHARE = 0.2
#: [mm] A sole is at least this thick (largest inscribed radius); text, pen
#: strokes and borders are thinner.
MIN_SOLE_THICKNESS_MM = 10.0
#: [1] Sole pieces (heel, forefoot) have at least this share of the largest one.
SOLE_PIECE_MIN_SHARE = 0.25
#: [1] Second foot must have at least this share of the first foot's area.
SECOND_FOOT_AREA_RATIO = 0.35
#: [mm] Largest gap between heel and forefoot pieces of one sole (high arch).
MAX_ARCH_GAP_MM = 110.0
#: [mm] Longest plausible sole (toes excluded), ~ EU 52.
MAX_SOLE_LENGTH_MM = 340.0
#: [1] Smallest long/short ratio of a whole sole (heel + forefoot).
MIN_SOLE_ELONGATION = 1.6
#: [1] A merged sole may be at most this much wider (across its axis) than its
#: widest piece measured the same way (a forefoot is the foot's width).
SOLE_WIDTH_SLACK = 1.3
#: [mm^2] Smallest toe blob (a child's little toe prints ~ 15 mm^2).
MIN_TOE_AREA_MM2 = 8.0
#: [1] Largest toe blob as a share of its sole (a broad hallux prints up to ~ 15 %).
MAX_TOE_SHARE = 0.2
#: [1] Largest long/short ratio of a toe blob, or of a row of toes run together
#: (a row of five toes is ~3:1; a form's printed rule or a line of text is far
#: longer).
TOE_MAX_ELONGATION = 4.0
#: [mm] Toes lie within this distance of their sole (toe gaps are 3-10 mm, the
#: little toe may be further from the ball).
TOE_LINK_MM = 25.0
#: [percentile] Density percentile inside a print that maps to intensity 1.
INTENSITY_PERCENTILE = 99.0


# --------------------------------------------------------------------------- helpers
def _darkness(light_u8: np.ndarray, roi: np.ndarray, px_per_mm: float) -> np.ndarray:
    """Illumination-corrected darkness ``1 - L / B`` (float32, 0 on paper).

    ``light_u8`` is the lightness from :func:`footprint.background.lightness_u8`.
    """
    light = light_u8.astype(np.float32) / 255.0
    h, w = light.shape
    k = BACKGROUND_DOWNSCALE
    size = (max(1, w // k), max(1, h // k))
    small = cv2.resize(light, size, interpolation=cv2.INTER_AREA)
    small_roi = cv2.resize(roi.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0.99
    if small_roi.sum() < 4:
        small_roi = np.ones_like(small_roi)
    weight = small_roi.astype(np.float32)
    sigma = max(1.0, BACKGROUND_SIGMA_MM * px_per_mm / k)
    bg = nconv(small, weight, sigma, exact=True)
    for _ in range(BACKGROUND_ITERATIONS):
        d = 1.0 - small / np.maximum(bg, 1e-3)
        sel = d[small_roi & (weight > 0)]
        if sel.size < 16:
            break
        med = float(np.median(sel))
        noise = 1.4826 * float(np.median(np.abs(sel - med))) + 1e-4
        weight = (small_roi & (d < med + BACKGROUND_OUTLIER_SIGMAS * noise)).astype(np.float32)
        bg = nconv(small, weight, sigma, exact=True)
    big = cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)
    dark = 1.0 - light / np.maximum(big, 1e-3)
    return np.where(roi, np.clip(dark, 0.0, 1.0), 0.0).astype(np.float32)


def _hull_points(region: np.ndarray) -> np.ndarray:
    """(x, y) int32 points of ``region`` that include every point on its convex hull.

    The hull's boundary crosses each row at its leftmost and rightmost pixel,
    except along the top and bottom rows, which are kept whole; the hull of
    these few points is the hull of all pixels (a 1 MP sheet has ~3000).
    """
    rows = np.flatnonzero(region.any(axis=1))
    width = region.shape[1]
    inner = region[rows]
    left = np.argmax(inner, axis=1)
    right = width - 1 - np.argmax(inner[:, ::-1], axis=1)
    top = np.flatnonzero(region[rows[0]])
    bottom = np.flatnonzero(region[rows[-1]])
    xs = np.concatenate([left, right, top, bottom])
    ys = np.concatenate([rows, rows, np.full(top.size, rows[0]), np.full(bottom.size, rows[-1])])
    # each point once, in row-major order (as np.nonzero lists all pixels)
    flat = np.unique(ys.astype(np.int64) * width + xs)
    return np.column_stack([flat % width, flat // width]).astype(np.int32)


def _paper(light: np.ndarray, roi: np.ndarray) -> np.ndarray:
    """The light sheet the grid is printed on, within ``roi``.

    Without a sheet reference the plane holds the floor too, whose texture
    would pass for dots. The sheet is the convex hull of the largest region
    lighter than the Otsu level (a print reaching the sheet's edge only
    notches it); ``roi`` itself when no clear sheet stands out. ``light`` is
    the lightness from :func:`footprint.background.lightness_u8`.
    """
    vals = light[roi]
    if vals.size < 100:
        return roi
    level, _ = cv2.threshold(vals.reshape(-1, 1), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = (roi & (light > level)).astype(np.uint8)
    # printed rules (panel borders) must not cut the sheet into pieces
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, disk(2 * PAPER_RIM_PX + 1))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(bright, connectivity=8)
    if n <= 1:
        return roi
    k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    if stats[k, cv2.CC_STAT_AREA] < PAPER_MIN_FRACTION * roi.sum():
        return roi
    x, y, w, h = stats[k, :4]
    box = (slice(y, y + h), slice(x, x + w))
    pts = _hull_points(labels[box] == k) + np.array([x, y], np.int32)
    hull = np.zeros_like(bright)
    cv2.fillConvexPoly(hull, cv2.convexHull(pts), 1)
    hull = cv2.erode(hull, disk(2 * PAPER_RIM_PX + 1))
    return roi & hull.astype(bool)


# --------------------------------------------------------------------------- grid spectrum
@dataclass(frozen=True)
class _TileGeometry:
    """Frequency layout of an ``n`` x ``n`` tile spectrum (shared, read-only)."""

    window: np.ndarray  # (n, n) 2-D Hann window
    fx: np.ndarray  # (n, n) horizontal frequency [cycles/px]
    fy: np.ndarray  # (n, n) vertical frequency [cycles/px]
    band: np.ndarray  # (n, n) bool, inside the searched period range
    rbin: np.ndarray  # (n, n) int32, radius in frequency bins (clipped to n // 2)
    rings: tuple[np.ndarray, ...]  # flat indices of the annulus |rbin - r| <= 1, per r


@functools.lru_cache(maxsize=4)
def _tile_geometry(n: int) -> _TileGeometry:
    """The :class:`_TileGeometry` of ``n`` x ``n`` tiles (computed once per size)."""
    window = np.outer(np.hanning(n), np.hanning(n))
    f = np.fft.fftfreq(n)
    fy, fx = np.meshgrid(f, f, indexing="ij")
    rad = np.hypot(fx, fy)
    band = (rad >= 1.0 / MAX_PERIOD_PX) & (rad <= 1.0 / MIN_PERIOD_PX)
    rbin = np.minimum(np.round(rad * n).astype(np.int32), n // 2)
    rings = tuple(np.flatnonzero(np.abs(rbin - r) <= 1) for r in range(n // 2 + 1))
    for a in (window, fx, fy, band, rbin, *rings):
        a.flags.writeable = False
    return _TileGeometry(window, fx, fy, band, rbin, rings)


def _wrapped(values: np.ndarray, reach: int) -> np.ndarray:
    """A square array extended by ``reach`` on every side, wrapping round (one copy)."""
    n = values.shape[0]
    idx = np.arange(-reach, n + reach) % n
    return values[np.ix_(idx, idx)]


def _wrapped_box_sum(values: np.ndarray) -> np.ndarray:
    """Sum over each 3x3 neighbourhood, wrapping round the edges.

    The same sum, term by term in the same order, as adding the nine
    ``np.roll`` shifts of ``values``; slices of one wrapped copy are cheaper.
    """
    n = values.shape[0]
    ext = _wrapped(values, 1)
    shifts = (-1, 0, 1)
    return sum(ext[1 - dy : 1 - dy + n, 1 - dx : 1 - dx + n] for dy in shifts for dx in shifts)


def _wrapped_max(values: np.ndarray, reach: int) -> np.ndarray:
    """Maximum over the (2 reach + 1)^2 neighbourhood, wrapping round the edges."""
    n = values.shape[0]
    ext = _wrapped(values, reach)
    width = 2 * reach + 1
    rows = np.maximum.reduce([ext[:, d : d + n] for d in range(width)])
    return np.maximum.reduce([rows[d : d + n] for d in range(width)])


def _tile_lattice(tile: np.ndarray) -> tuple[bool, float]:
    """Lattice test of one tile: (lattice found?, period px).

    A lattice of squares has spectral peaks at two about perpendicular
    frequency vectors ``v1``, ``v2`` of about equal length *and* at their sum
    or difference (the diagonal harmonic of a product pattern); a texture
    that is merely anisotropic (grain, grout) or noisy has no such triple.
    Frequencies wrap modulo the tile size, so near-Nyquist grids alias but
    keep the relation.
    """
    n = tile.shape[0]
    geo = _tile_geometry(n)
    if not geo.band.any():
        return False, 0.0
    t = tile.astype(np.float64) - float(tile.mean())
    power = np.abs(np.fft.fft2(t * geo.window)) ** 2
    # peak power: 3x3 sum (a peak off the bin centres leaks into neighbours)
    box = _wrapped_box_sum(power)
    # whitening: the median power of each frequency annulus (textures have
    # smooth, roughly isotropic spectra; a lattice has isolated peaks); only
    # the annuli of the peaks looked at are needed, most tiles fail at the first
    flat_power = power.ravel()
    ring: dict[int, float] = {}

    def prom(iy: int, ix: int) -> float:
        iy, ix = iy % n, ix % n
        r = int(geo.rbin[iy, ix])
        if r not in ring:
            members = geo.rings[r]
            ring[r] = np.median(flat_power[members]) if members.size else 0.0
        return float(box[iy, ix] / (9.0 * ring[r] + 1e-12))

    local_max = box >= _wrapped_max(box, PEAK_REACH_BINS)
    cand = np.flatnonzero((geo.band & local_max).ravel())
    cand = cand[np.argsort(box.ravel()[cand])[::-1][:LATTICE_CANDIDATES]]
    peaks = [(int(i) // n, int(i) % n) for i in cand]
    fx, fy = geo.fx, geo.fy
    for a in range(len(peaks)):
        ya, xa = peaks[a]
        if prom(ya, xa) < PEAK_PROMINENCE:
            break
        va = np.array([fx[ya, xa], fy[ya, xa]])
        ra = float(np.hypot(*va))
        for b in range(a + 1, len(peaks)):
            yb, xb = peaks[b]
            if prom(yb, xb) < PEAK_PROMINENCE:
                break
            vb = np.array([fx[yb, xb], fy[yb, xb]])
            rb = float(np.hypot(*vb))
            if not 1.0 / SECOND_PEAK_RADIUS_TOL <= rb / ra <= SECOND_PEAK_RADIUS_TOL:
                continue
            cos = abs(float(va @ vb)) / (ra * rb)
            if np.degrees(np.arccos(min(cos, 1.0))) < 90.0 - SECOND_PEAK_ANGLE_TOL_DEG:
                continue
            diag = max(prom(ya + yb, xa + xb), prom(ya - yb, xa - xb))
            if diag >= DIAGONAL_PROMINENCE:
                return True, 2.0 / (ra + rb)
    return False, 0.0


def _grid_tiles(dark: np.ndarray, roi: np.ndarray) -> tuple[int, int, float]:
    """(tiles inspected, tiles with a lattice, median lattice period px)."""
    h, w = dark.shape
    step = TILE_PX // 2
    if h < TILE_PX or w < TILE_PX:
        return 0, 0, 0.0
    # band-pass energy picks the textured tiles (grid, text, grain), not flat paper
    band = cv2.GaussianBlur(dark, (0, 0), 0.7) - cv2.GaussianBlur(dark, (0, 0), 4.0)
    energy = cv2.integral(band.astype(np.float64) ** 2)
    inside = cv2.integral(roi.astype(np.uint8))
    cands = []
    for y in range(0, h - TILE_PX + 1, step):
        for x in range(0, w - TILE_PX + 1, step):
            y1, x1 = y + TILE_PX, x + TILE_PX
            share = (inside[y1, x1] - inside[y, x1] - inside[y1, x] + inside[y, x]) / TILE_PX**2
            if share < TILE_MIN_ROI:
                continue
            e = energy[y1, x1] - energy[y, x1] - energy[y1, x] + energy[y, x]
            cands.append((float(e), y, x))
    cands.sort(reverse=True)
    periods = []
    n = 0
    for _, y, x in cands[:TILES_INSPECTED]:
        n += 1
        ok, period = _tile_lattice(dark[y : y + TILE_PX, x : x + TILE_PX])
        if ok:
            periods.append(period)
    return n, len(periods), float(np.median(periods)) if periods else 0.0


@dataclass(frozen=True)
class GridScan:
    """The grid analysis of one plane image within one search region.

    :func:`grid_scan` returns it when the image shows a grid; handing it to
    :func:`segment_grid` for the same image, region and scale saves scanning
    again.
    """

    px_per_mm: float  # scale the darkness was estimated at
    roi: np.ndarray  # the sheet within the search region (:func:`_paper`)
    dark: np.ndarray  # darkness (:func:`_darkness`)
    tiles: tuple[int, int, float]  # (inspected, lattice, period px) (:func:`_grid_tiles`)


def nominal_px_per_mm(shape: tuple[int, ...], mm_per_px: float | None) -> float:
    """Plane scale [px/mm], or a nominal one when unknown (the long side spans
    ``NOMINAL_SCENE_MM``); the one rule for every step that sizes filters."""
    return 1.0 / mm_per_px if mm_per_px else max(shape[:2]) / NOMINAL_SCENE_MM


def _scan(
    rgb: np.ndarray,
    search: np.ndarray,
    px_per_mm: float,
    light: np.ndarray | None = None,
    *,
    on_sheet: bool = False,
) -> GridScan:
    """Sheet, darkness and lattice tiles of ``rgb`` within ``search``.

    ``light`` is :func:`footprint.background.lightness_u8` of ``rgb`` when the caller
    has it already.
    ``on_sheet``: ``search`` is the sheet already (found by its edges), kept
    whole; otherwise the sheet is looked for in it (:func:`_paper`).
    """
    if light is None:
        light = lightness_u8(rgb)
    roi = search if on_sheet else _paper(light, search)
    dark = _darkness(light, roi, px_per_mm)
    return GridScan(px_per_mm, roi, dark, _grid_tiles(dark, roi))


def grid_scan(
    rgb: np.ndarray,
    roi: np.ndarray,
    mm_per_px: float | None,
    *,
    light: np.ndarray | None = None,
    on_sheet: bool = False,
) -> GridScan | None:
    """The grid scan of the photo when it shows a podograph grid print, else None.

    See :func:`is_grid_print` for the test; the scan can be handed on to
    :func:`segment_grid`. ``light`` is the CIE lightness of ``rgb`` as
    OpenCV scales it (uint8, :func:`footprint.background.lightness_u8`) when the caller has it.
    ``on_sheet``: ``roi`` is the sheet, found by its edges (a reference sheet
    or paper of unknown size), and is kept whole. Otherwise the sheet is
    the light region's hull (:func:`_paper`), which a form's shaded margin
    beyond a print near its edge can cut short.
    """
    search = np.asarray(roi, bool)
    nominal = nominal_px_per_mm(search.shape, mm_per_px)
    scan = _scan(rgb, search, nominal, light, on_sheet=on_sheet)
    return scan if _grid_period(scan.tiles, mm_per_px) is not None else None


def is_grid_print(rgb: np.ndarray, roi: np.ndarray, mm_per_px: float | None) -> bool:
    """Whether the photo shows a podograph (Harris-mat) grid print.

    Parameters
    ----------
    rgb : (H, W, 3) uint8 ndarray
        Plane image.
    roi : (H, W) bool ndarray
        Where to look (valid plane pixels, the sheet when known).
    mm_per_px : float or None
        Plane scale; when known the period must be a podograph's.

    Returns
    -------
    bool
        True when at least :data:`MIN_LATTICE_TILES` of the most textured
        tiles show a lattice: two sharp spectral peaks at about the same
        radius, about perpendicular. Continuous wet and ink prints, kraft
        fibre, tile grout (period far beyond a tile) and wood grain (one
        direction only) do not.
    """
    return grid_scan(rgb, roi, mm_per_px) is not None


def _grid_period(tiles: tuple[int, int, float], mm_per_px: float | None) -> float | None:
    """The lattice period [px] from :func:`_grid_tiles`' result, None when no grid."""
    n, hits, period = tiles
    log.debug("grid tiles: %d inspected, %d lattice, period %.2f px", n, hits, period)
    if hits < MIN_LATTICE_TILES:
        return None
    if mm_per_px and not (GRID_PERIOD_RANGE_MM[0] <= period * mm_per_px <= GRID_PERIOD_RANGE_MM[1]):
        return None
    return period


# --------------------------------------------------------------------------- segmentation
def _px(p: np.ndarray) -> tuple[int, int]:
    """(x, y) rounded to a pixel, as OpenCV's drawing functions take it."""
    return int(round(float(p[0]))), int(round(float(p[1])))


def _band_ink(ink: np.ndarray, p0: np.ndarray, p1: np.ndarray, thickness: int) -> float:
    """Share of ``ink`` under the band of ``thickness`` px from ``p0`` to ``p1`` (x, y)."""
    band = np.zeros(ink.shape, np.uint8)
    cv2.line(band, _px(p0), _px(p1), 1, thickness)
    return float(ink[band > 0].mean()) if band.any() else 0.0


def _hough(ink: np.ndarray, length: float, gap: float) -> np.ndarray:
    """``cv2.HoughLinesP`` segments (N, 4) float64 of ``ink``, at least ``length`` long."""
    segs = cv2.HoughLinesP(
        ink,
        rho=1.0,
        theta=np.radians(LINE_ANGLE_STEP_DEG),
        threshold=max(10, int(0.8 * length)),
        minLineLength=length,
        maxLineGap=gap,
    )
    return np.zeros((0, 4)) if segs is None else segs.reshape(-1, 4).astype(np.float64)


def _long_lines(ink: np.ndarray, length: float, gap: float, width: int) -> np.ndarray:
    """Straight runs of ``ink`` (uint8 0/1) at least ``length`` px long, at any angle.

    The progressive probabilistic Hough transform (``cv2.HoughLinesP``)
    takes each line's pixels out of the image as it finds the line, so a
    rule crossing a longer one (a form's border where a panel rule meets
    it) is left in pieces broken by more than ``gap``, each maybe shorter
    than ``length``. A second pass looks at ``ink`` without the lines found
    (drawn ``width`` + 2 px wide), where each crossing is put back: the
    found line's pixels that a closing along its normal, over
    :data:`CROSSING_BRIDGE_WIDTHS` line widths, fills from the ink on
    either side. It looks only at the ink connected to such a crossing (the
    grid's loose dots are most of the ink, and the transform's time grows
    with it).
    """
    segs = _hough(ink, length, gap)
    if not len(segs):
        return segs
    thick = width + 2
    found = np.zeros_like(ink)
    for x0, y0, x1, y1 in segs:
        cv2.line(found, (int(x0), int(y0)), (int(x1), int(y1)), 1, thick)
    rest = ink & (1 - found)
    span = odd_px(CROSSING_BRIDGE_WIDTHS * thick)
    half = span // 2
    h, w = ink.shape
    bridged = rest.copy()
    for x0, y0, x1, y1 in segs:
        normal = np.array([y0 - y1, x1 - x0])
        normal /= max(float(np.hypot(*normal)), 1e-9)
        kernel = np.zeros((span, span), np.uint8)
        cv2.line(kernel, _px(half - half * normal), _px(half + half * normal), 1, 1)
        bx0, bx1 = max(0, int(min(x0, x1)) - span), min(w, int(max(x0, x1)) + span + 1)
        by0, by1 = max(0, int(min(y0, y1)) - span), min(h, int(max(y0, y1)) + span + 1)
        band = np.zeros((by1 - by0, bx1 - bx0), np.uint8)
        cv2.line(
            band, _px(np.array([x0 - bx0, y0 - by0])), _px(np.array([x1 - bx0, y1 - by0])), 1, thick
        )
        closed = cv2.morphologyEx(rest[by0:by1, bx0:bx1], cv2.MORPH_CLOSE, kernel)
        bridged[by0:by1, bx0:bx1] |= closed & band
    # only ink joined to a crossing put back can hold a line the first pass broke
    crossing = bridged & found
    if not crossing.any():
        return segs
    n, labels = cv2.connectedComponents(bridged, connectivity=8)
    joined = np.zeros(n, np.uint8)
    joined[np.unique(labels[crossing > 0])] = 1
    joined[0] = 0
    again = _hough(joined[labels], length, gap)
    return np.vstack([segs, again])


def _remove_lines(
    dark: np.ndarray, ink: np.ndarray, period_px: float, px_per_mm: float
) -> tuple[np.ndarray, np.ndarray]:
    """``dark`` with long straight thin ink (panel borders, rules) set to 0, and where.

    Returns the cleaned darkness and the bool mask of the lines removed (with
    their halo).

    Straight runs of ``ink`` (uint8 0/1) at least :data:`LINE_LENGTH_PERIODS`
    periods and :data:`LINE_LENGTH_MM` long, broken by no more than
    :data:`LINE_MAX_GAP_MM`, are found at any angle by the probabilistic Hough
    transform (Matas, Galambos & Kittler 2000, *CVIU* 78:119, as
    ``cv2.HoughLinesP``, angle step :data:`LINE_ANGLE_STEP_DEG`, again
    across the crossings of the lines found, :func:`_long_lines`); the ink
    within :data:`LINE_REACH_MM` of them, minus solid print, is a line, except
    where ink covers more than :data:`LINE_MAX_SIDE_INK` of each of its sides
    (out to :data:`LINE_SIDE_PERIODS` periods, judged every
    :data:`LINE_CHUNK_MM`): there it is a row of grid dots inside a print,
    merged into a run where the print is dense or the photo coarse, or a rule
    crossing the print (a rule along a print's edge has paper on one side). Its
    blurred halo (:data:`LINE_HALO_PERIODS`) goes with it. Line openings in a
    few fixed directions, used before, kept a rule a few degrees off them:
    a 120 mm kernel no longer fits a 1 mm rule 1 degree away.
    """
    length = max(LINE_LENGTH_PERIODS * period_px, LINE_LENGTH_MM * px_per_mm)
    reach = max(1, int(round(2.0 * LINE_REACH_MM * px_per_mm + 1.0)))
    segs = _long_lines(ink, length, max(1.0, LINE_MAX_GAP_MM * px_per_mm), reach)
    lines = np.zeros_like(ink)
    side = max(reach + 2, int(round(2.0 * LINE_SIDE_PERIODS * period_px + 1.0)))
    chunk = max(2.0, LINE_CHUNK_MM * px_per_mm)
    thick = max(1, (side - reach - 2) // 2)
    offset = (reach + 2 + thick) / 2.0
    pad = side // 2 + 2
    h, w = ink.shape
    for seg in segs:
        a, b = seg[:2], seg[2:]
        n = max(1, int(np.ceil(np.hypot(*(b - a)) / chunk)))
        normal = np.array([a[1] - b[1], b[0] - a[0]])
        normal /= max(float(np.hypot(*normal)), 1e-9)
        for k in range(n):
            # piece by piece: a rule has paper beside it on at least one side;
            # a row of grid dots inside a print (chained into a run where the
            # dots merge), or a rule's stretch across a print, has ink on both
            c0, c1 = a + (b - a) * (k / n), a + (b - a) * ((k + 1) / n)
            bx0 = max(0, int(min(c0[0], c1[0])) - pad)
            by0 = max(0, int(min(c0[1], c1[1])) - pad)
            bx1 = min(w, int(max(c0[0], c1[0])) + pad + 1)
            by1 = min(h, int(max(c0[1], c1[1])) + pad + 1)
            if bx1 <= bx0 or by1 <= by0:
                continue
            crop = ink[by0:by1, bx0:bx1]
            c0, c1 = c0 - (bx0, by0), c1 - (bx0, by0)
            sides = [
                _band_ink(crop, c0 + d * normal, c1 + d * normal, thick) for d in (-offset, offset)
            ]
            if min(sides) > LINE_MAX_SIDE_INK:
                continue
            own = np.zeros(crop.shape, np.uint8)
            cv2.line(own, _px(c0), _px(c1), 1, reach)
            lines[by0:by1, bx0:bx1] |= own
    lines &= ink
    # solid print (merged squares) survives a narrow disk opening, and lies near a
    # core that survives a wide one; a double rule survives only the narrow one
    solid = cv2.morphologyEx(ink, cv2.MORPH_OPEN, disk(SOLID_WIDTH_PERIODS * period_px))
    core = cv2.morphologyEx(solid, cv2.MORPH_OPEN, disk(SOLID_CORE_PERIODS * period_px))
    solid &= cv2.dilate(core, disk(2 * SOLID_REACH_PERIODS * period_px + 1))
    solid = cv2.dilate(solid, disk(3))
    halo = max(3.0, 2.0 * LINE_HALO_PERIODS * period_px + 1.0)
    lines = cv2.dilate(lines & (1 - solid), disk(halo)).astype(bool)
    return np.where(lines, 0.0, dark).astype(np.float32), lines


def _thickness(mask: np.ndarray) -> float:
    """Largest inscribed radius [px]."""
    dist = cv2.distanceTransform(mask.astype(np.uint8), cv2.DIST_L2, 5)
    return float(dist.max())


def _axes(mask: np.ndarray) -> tuple[float, float, np.ndarray]:
    """(long, short) extents [px] along the principal axes, and the long axis (x, y)."""
    ys, xs = np.nonzero(mask)
    if xs.size < 3:
        return 0.0, 0.0, np.array([1.0, 0.0])
    pts = np.column_stack([xs, ys]).astype(np.float64)
    pts -= pts.mean(axis=0)
    _, vecs = np.linalg.eigh(pts.T @ pts)
    proj = pts @ vecs
    ext = np.ptp(proj, axis=0)
    k = int(np.argmax(ext))
    return float(ext[k]), float(ext[1 - k]), vecs[:, k]


def _extent(mask: np.ndarray, direction: np.ndarray) -> float:
    """Extent (px) of ``mask``'s pixels along the unit vector ``direction``."""
    ys, xs = np.nonzero(mask)
    if xs.size == 0:
        return 0.0
    return float(np.ptp(xs * direction[0] + ys * direction[1]))


def _crosswise(piece: tuple[float, float, np.ndarray], axis: np.ndarray) -> bool:
    """A roundish piece, or an elongated one lying across ``axis``."""
    long_, short, u = piece
    if long_ < PIECE_ELONGATED * max(short, 1e-9):
        return True
    cos = min(1.0, abs(float(u @ axis)))
    return np.degrees(np.arccos(cos)) >= PIECE_CROSS_ANGLE_DEG


def _ball_like(piece: tuple[float, float, np.ndarray]) -> bool:
    """An elongated piece (a forefoot is wider than long once the arch is gone)."""
    return piece[0] >= PIECE_ELONGATED * max(piece[1], 1e-9)


def _heel_and_ball(
    a: np.ndarray,
    b: np.ndarray,
    axes_a: tuple[float, float, np.ndarray],
    axes_b: tuple[float, float, np.ndarray],
    axis: np.ndarray,
) -> bool:
    """Whether pieces ``a`` and ``b`` can be one sole's heel and ball.

    The ball lies across the union's ``axis`` (:func:`_crosswise`), and either
    it is elongated and the other piece lies across too (a heel's print is
    roundish or elongated along its own foot), or it is at least
    :data:`BALL_TO_HEEL_BREADTH` times as broad across ``axis`` as the other
    piece, which lies across too or is at most :data:`HEEL_MAX_ELONGATION`
    times longer than broad (a heel along the foot). Two forefeet side by
    side lie along their union; two heels side by side are about equally
    broad.
    """
    lat = np.array([-axis[1], axis[0]])
    pieces = ((a, axes_a, b, axes_b), (b, axes_b, a, axes_a))
    for ball, ball_axes, other, other_axes in pieces:
        if not _crosswise(ball_axes, axis):
            continue
        other_across = _crosswise(other_axes, axis)
        if _ball_like(ball_axes) and other_across:
            return True
        heel_like = other_across or other_axes[0] <= HEEL_MAX_ELONGATION * max(other_axes[1], 1e-9)
        if heel_like and _extent(ball, lat) >= BALL_TO_HEEL_BREADTH * _extent(other, lat):
            return True
    return False


def _fill_holes(mask: np.ndarray) -> np.ndarray:
    """``mask`` with enclosed holes below :data:`MAX_HOLE_SHARE` of it filled.

    A print has no holes (a dense heel can leave one where its merged squares
    were taken for a rule); a rule looping round the print must not fill.
    """
    holes = ~mask
    n, labels, stats, _ = cv2.connectedComponentsWithStats(holes.astype(np.uint8), connectivity=4)
    h, w = mask.shape
    limit = MAX_HOLE_SHARE * float(mask.sum())
    out = mask.copy()
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        if x == 0 or y == 0 or x + bw == w or y + bh == h or area > limit:
            continue
        out |= labels == i
    return out


def _across_rule(p: np.ndarray, q: np.ndarray, rules: np.ndarray | None) -> bool:
    """True when the line between two pieces' centroids ``p`` and ``q`` (x, y) crosses a rule.

    A form's panels hold one foot each: a heel and a ball on either side of
    a printed rule (:func:`_remove_lines`, where it runs over paper) are two
    feet's. Sampled every pixel along the centroid line.
    """
    if rules is None or not rules.any():
        return False
    n = int(np.ceil(np.hypot(*(q - p)))) + 1
    t = np.linspace(0.0, 1.0, n)[:, None]
    pts = np.rint(p + t * (q - p)).astype(int)
    h, w = rules.shape
    pts = pts[(pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & (pts[:, 1] < h)]
    return bool(rules[pts[:, 1], pts[:, 0]].any())


def _group_soles(
    pieces: list[np.ndarray], px_per_mm: float, rules: np.ndarray | None = None
) -> list[np.ndarray]:
    """Merge heel and forefoot pieces of high-arched soles into whole soles.

    Two pieces join when the gap between them is below :data:`MAX_ARCH_GAP_MM`,
    they can be a heel and a ball (:func:`_heel_and_ball`), their union is
    elongated (>= :data:`MIN_SOLE_ELONGATION`) and not longer than a foot, and
    it is not much wider than its widest piece; two feet side by side give a
    squat or too wide union instead. Pieces on either side of a printed
    ``rules`` line (a form's panel border) do not join. The closest pair
    joins first among those that leave the most pieces paired and that no
    possible join of two other pieces crosses
    (:func:`footprint.pairing.best_uncrossed`).
    """
    groups = [p.copy() for p in pieces]
    while len(groups) > 1:
        candidates: list[pairing.Candidate] = []
        centres = [pairing.centroid(g) for g in groups]
        for i in range(len(groups)):
            dist_i = cv2.distanceTransform((~groups[i]).astype(np.uint8), cv2.DIST_L2, 3)
            for j in range(i + 1, len(groups)):
                gap = float(dist_i[groups[j]].min()) / px_per_mm
                if gap > MAX_ARCH_GAP_MM:
                    continue
                long_u, short_u, axis_u = _axes(groups[i] | groups[j])
                ai, aj = _axes(groups[i]), _axes(groups[j])
                if not _heel_and_ball(groups[i], groups[j], ai, aj, axis_u):
                    continue
                if _across_rule(centres[i], centres[j], rules):
                    continue
                if long_u > MAX_SOLE_LENGTH_MM * px_per_mm:
                    continue
                if long_u < MIN_SOLE_ELONGATION * short_u:
                    continue
                # a foot's width is about that of its widest piece, both
                # measured across the union's axis
                lat = np.array([-axis_u[1], axis_u[0]])
                widest = max(_extent(groups[i], lat), _extent(groups[j], lat))
                if short_u > SOLE_WIDTH_SLACK * widest:
                    continue
                candidates.append((-gap, i, j))
        # the closest pieces join first, unless taking their join leaves fewer
        # pieces paired, or a possible join of two other pieces crosses it
        # (two heels side by side; one foot's heel with the other's ball)
        best = pairing.best_uncrossed(candidates, centres)
        if best is None:
            break
        _, i, j = best
        groups[i] = groups[i] | groups[j]
        del groups[j]
    return groups


def segment_grid(
    rgb: np.ndarray,
    params: SegmentParams,
    *,
    mm_per_px: float | None,
    roi: np.ndarray,
    scan: GridScan | None = None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Find the feet of a podograph grid print.

    Parameters
    ----------
    rgb : (H, W, 3) uint8 ndarray
        Plane image.
    params : SegmentParams
        ``max_feet``, ``min_foot_area_mm2`` / ``min_foot_area_fraction`` and
        ``grid_period_mm`` (used only when the period cannot be measured)
        are used.
    mm_per_px : float or None
        Plane scale; None without a reference.
    roi : (H, W) bool ndarray
        Where the print may be (valid plane pixels, the sheet when known).
    scan : GridScan, optional
        :func:`grid_scan` of the same ``rgb``, ``roi`` and ``mm_per_px``;
        scanned here when omitted.

    Returns
    -------
    list of (mask, intensity)
        One pair per foot, largest first, at most ``params.max_feet``:
        ``mask`` (H, W) bool, the whole print (sole and toes); ``intensity``
        (H, W) float32, the grid's ink density normalised to 0..1 inside
        ``mask`` (relative contact intensity), 0 outside. Empty when nothing
        foot-like is found.
    """
    search = np.asarray(roi, bool)
    nominal = nominal_px_per_mm(search.shape, mm_per_px)
    if scan is None:
        scan = _scan(rgb, search, nominal)
    roi, dark = scan.roi, scan.dark
    n_tiles, hits, period = scan.tiles
    if hits < MIN_LATTICE_TILES or period <= 0:
        period = params.grid_period_mm * nominal
        log.info("grid period not measurable; using %.1f px", period)
    px_per_mm = 1.0 / mm_per_px if mm_per_px else period / NOMINAL_PERIOD_MM
    vals = dark[roi]
    paper = float(np.median(vals))
    noise = 1.4826 * float(np.median(np.abs(vals - paper))) + 1e-6
    if period >= SHADE_MIN_PERIOD_PX:
        # a shadow across the form is smooth; dots stand out from the paper
        # between them: the opening keeps the shade (and the solid print)
        shade = cv2.morphologyEx(dark, cv2.MORPH_OPEN, disk(SHADE_OPEN_PERIODS * period))
        above = paper + np.maximum(dark - np.maximum(shade, paper), 0.0)
        dark = np.where(dark >= SOLID_INK_DARKNESS, dark, above).astype(np.float32)
    ink_level = max(INK_MIN_DARKNESS, paper + INK_SIGMAS * noise)
    clean, rules = _remove_lines(
        dark, (roi & (dark > ink_level)).astype(np.uint8), period, px_per_mm
    )
    ink = (roi & (clean > ink_level)).astype(np.uint8)
    # every printed cell, whatever its dot size, becomes a full cell: occupancy
    # does not depend on pressure, so sparse dots and solid print look alike
    cells = cv2.dilate(ink, disk(CELL_DILATION_PERIODS * period)).astype(np.float32)
    weight = roi.astype(np.float32)
    occ = nconv(cells, weight, DENSITY_SIGMA_PERIODS * period, exact=True)
    mask = (occ > OCCUPANCY_LEVEL).astype(np.uint8)
    inset = EDGE_INSET_PERIODS * period
    if inset >= 0.5:
        mask = cv2.erode(mask, disk(2 * inset + 1))
    # text, pen strokes and bridges to them are narrower than any toe
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, disk(OPEN_WIDTH_MM * px_per_mm))
    mask = roi & mask.astype(bool)
    rho = nconv(clean, weight, DENSITY_SIGMA_PERIODS * period, exact=True)
    return _assemble(
        mask, np.maximum(rho - paper, 0.0), params, px_per_mm, mm_per_px, roi, rules=rules
    )


def _assemble(
    mask: np.ndarray,
    rho: np.ndarray,
    params: SegmentParams,
    px_per_mm: float,
    mm_per_px: float | None,
    roi: np.ndarray,
    rules: np.ndarray | None = None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Soles (grouped), their toes, intensity; largest first."""
    # the sheet's shaded rim: pieces lying mostly along the search border
    rim = ~cv2.erode(roi.astype(np.uint8), disk(2 * RIM_MM * px_per_mm + 1)).astype(bool)
    mask = mask & ~rim
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if n <= 1:
        return []
    areas = stats[1:, cv2.CC_STAT_AREA].astype(np.float64)
    if mm_per_px:
        min_area = params.min_foot_area_mm2 / mm_per_px**2
    else:
        min_area = params.min_foot_area_fraction * mask.size
    min_thick = 0.5 * MIN_SOLE_THICKNESS_MM * px_per_mm
    order = np.argsort(areas)[::-1]
    big = areas[order[0]]
    pieces = []
    used = set()
    for i in order:
        if areas[i] < SOLE_PIECE_MIN_SHARE * big:
            break
        comp = labels == i + 1
        if _thickness(comp) < min_thick:
            continue
        pieces.append(comp)
        used.add(int(i))
    groups = _group_soles(pieces, px_per_mm, rules)
    soles = [g for g in groups if g.sum() >= min_area]
    # a piece left alone and too small for a foot (a hallux) may still be a toe
    for g in groups:
        if g.sum() < min_area:
            used.difference_update(int(v) - 1 for v in np.unique(labels[g]))
    soles.sort(key=lambda g: int(g.sum()), reverse=True)
    if not soles:
        return []
    soles = [soles[0]] + [
        g for g in soles[1:] if g.sum() >= SECOND_FOOT_AREA_RATIO * soles[0].sum()
    ]
    soles = soles[: params.max_feet]
    # toes: small blobs near a sole, assigned to the nearest one
    dists = [cv2.distanceTransform((~g).astype(np.uint8), cv2.DIST_L2, 3) for g in soles]
    feet = [g.copy() for g in soles]
    min_toe = MIN_TOE_AREA_MM2 * px_per_mm**2
    for i in range(n - 1):
        if int(i) in used or areas[i] < min_toe:
            continue
        comp = labels == i + 1
        d = [float(dm[comp].min()) for dm in dists]
        k = int(np.argmin(d))
        if d[k] > TOE_LINK_MM * px_per_mm or areas[i] > MAX_TOE_SHARE * soles[k].sum():
            continue
        long_, short, _ = _axes(comp)
        if long_ > TOE_MAX_ELONGATION * max(short, 1.0):
            continue  # a printed rule or a line of text near the print, not a toe
        feet[k] |= comp
    out = []
    for m in feet:
        m = _fill_holes(m)
        vals = rho[m]
        top = float(np.percentile(vals, INTENSITY_PERCENTILE)) if vals.size else 1.0
        inten = np.where(m, np.clip(rho / max(top, 1e-6), 0.0, 1.0), 0.0).astype(np.float32)
        out.append((m, inten))
    return out

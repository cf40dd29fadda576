"""Ground truth for the contact-intensity map: a real pressure plate and the generator.

A static print gives relative contact intensity, not pressure in kPa. To test
how faithfully :mod:`footprint.pressure` recovers the *distribution* of load,
this module provides two kinds of ground truth and the geometry that puts them
in the same grid as the pipeline's map.

Real plate (novel emed ASCII export)
------------------------------------
:func:`read_emed_lst` parses a novel emed ``.lst`` export. Its layout (one page
per recorded picture)::

    Page 1
    File: ...2.dat   Matrix: 64x95
    Sensor area: 0.25 cm2   Time/picture:10.0 ms
    MV over frames
    Sensor size: 0.500x0.500 cm
    Pict-No.: 1  Force[N]=sum*sensor_area in row/column
        26  27  ...  47  Force        <- sensor column indices
    30  0.00  0.00 ... 0.00  0.00     <- sensor row index, values, row force
    ...
    Force  0.00 ... 39.63             <- column forces

Only a window of the plate's sensors (rows 30-83, columns 26-47 of the
64 x 95 matrix in the test file) is written; the window may differ between
pages, so every page is placed on the union of the windows. The unit is not
written out; it is inferred from the row forces the file does write: ``Force
[N] = sum x sensor area`` holds with values in kPa when the factor is 0.1 N per
kPa cm^2 and in N/cm^2 when it is 1 (the test file: kPa, factor 0.100).

The *peak-pressure map* (novel's "maximum pressure picture", MPP) is the
per-sensor maximum over all pictures, :attr:`PlateRecording.peak`. It is what
a static print integrates most closely: every sensor's highest load during the
step. (The header line "MV over frames" is the export's label; every page holds
one picture, so the maximum over pictures is computed here.)

Plate print photo
-----------------
:func:`render_plate_photo` turns a peak map into a phone photo of an ink print
on a white A4 sheet lying on a grey floor: the sensor map is upsampled to
``print_mm_per_px`` (0.25 mm) by bicubic interpolation, contact is where the
(smoothly upsampled) recorded pressure is above zero, and the print's darkness
``1 - L*/L*_paper`` is proportional to pressure (the quantity
:func:`footprint.background.darkness_map` measures). A mild light gradient, lens
blur, sensor noise and a JPEG round trip follow; the camera is tilted a few
degrees. The exact plate -> world -> image maps are kept, so the pipeline's map
can be taken back to the 5 mm sensor grid by area averaging
(:func:`recovered_on_plate`) and the plate's pressure put into the pipeline's
foot frame (:func:`world_to_frame`) to be summarised with the *same* region
masks (:func:`plate_region_summary`).

Synthetic truth
---------------
:func:`synth_truth_summary` summarises a :class:`footprint.synth.FootShape`'s
known pressure field (times its contact coverage) in the truth's own frame
(heel centre -> second-toe tip, from the generator) with the truth's own
sole/toe masks; :func:`synth_truth_in_frame` warps that field into the
pipeline's foot frame instead, which separates the intensity error from the
error of the located anatomy.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from footprint import pressure
from footprint.result import REGIONS

log = logging.getLogger(__name__)

#: [N / (kPa cm^2)] Row force per (value sum x sensor area) when values are in kPa.
KPA_FORCE_FACTOR = 0.1
#: [mm/px] Sampling of the rendered plate print on the world plane.
PRINT_MM_PER_PX = 0.25
#: [mm] A4 sheet (width, height).
A4_MM = (210.0, 297.0)
#: Darkness ``1 - L*/L*_paper`` of the print at the plate's peak pressure.
PEAK_DARKNESS = 0.85
#: [mm] Gaussian smoothing of the 0/1 contact map before thresholding (rounds sensor steps).
CONTACT_SMOOTH_MM = 2.0


class PlateFormatError(ValueError):
    """The file is not a pressure-plate export this module can read."""


@dataclass(frozen=True)
class PlateRecording:
    """Frames of a pressure-plate recording on a regular sensor grid.

    Attributes
    ----------
    frames : (T, R, C) float32 ndarray
        Sensor values per picture, in :attr:`unit`; rows and columns as in the
        file (row index increasing down the page).
    rows, cols : (R,), (C,) int ndarray
        Sensor row and column indices of the grid, as written in the file.
    sensor_mm : (float, float)
        Sensor pitch (across columns, along rows) [mm].
    matrix : (int, int) or None
        Full plate matrix (columns, rows) from the header, e.g. (64, 95).
    unit : {'kPa', 'N/cm2', 'unknown'}
        Unit of :attr:`frames`, inferred from the written row forces.
    frame_ms : float or None
        Time per picture [ms].
    pictures : tuple of int
        Picture numbers ("Pict-No.") of the frames.
    source : str
        File name or label.
    """

    frames: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    sensor_mm: tuple[float, float]
    matrix: tuple[int, int] | None
    unit: str
    frame_ms: float | None
    pictures: tuple[int, ...]
    source: str = ""

    @property
    def peak(self) -> np.ndarray:
        """(R, C) per-sensor maximum over all pictures (peak-pressure map, MPP)."""
        return self.frames.max(axis=0)

    @property
    def sensor_area_mm2(self) -> float:
        """Area of one sensor [mm^2]."""
        return float(self.sensor_mm[0] * self.sensor_mm[1])

    def force_n(self) -> np.ndarray:
        """(T,) total force per picture [N] (needs a known unit)."""
        per_kpa = {"kPa": 1e-3, "N/cm2": 1e-2}.get(self.unit)
        if per_kpa is None:
            raise PlateFormatError("the unit of the recording is unknown; force cannot be computed")
        # kPa x mm^2 = 1e-3 N; N/cm^2 x mm^2 = 1e-2 N
        return (
            self.frames.reshape(len(self.frames), -1).sum(axis=1) * self.sensor_area_mm2 * per_kpa
        )


# --------------------------------------------------------------------------- #
# parsing
# --------------------------------------------------------------------------- #
_NUM = re.compile(r"^[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?$")


def _num(tok: str) -> float:
    return float(tok.replace(",", "."))


def _is_num(tok: str) -> bool:
    return bool(_NUM.match(tok))


def read_emed_lst(source: str | PathLike[str] | bytes) -> PlateRecording:
    """Parse a novel emed ``.lst`` ASCII export.

    Parameters
    ----------
    source : path or bytes
        The file, or its content (Latin-1, as novel writes it).

    Returns
    -------
    PlateRecording

    Raises
    ------
    PlateFormatError
        When no picture with a sensor table is found.
    """
    if isinstance(source, bytes):
        text, name = source.decode("latin-1"), "<bytes>"
    else:
        p = Path(source)
        text, name = p.read_text(encoding="latin-1"), p.name
    header: dict[str, Any] = {}
    pages: list[dict[str, Any]] = []
    page: dict[str, Any] | None = None
    cols: list[int] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if m := re.search(r"Matrix:\s*(\d+)\s*[xX]\s*(\d+)", line):
            header["matrix"] = (int(m[1]), int(m[2]))
        if m := re.search(r"Time/picture:\s*([\d.,]+)\s*ms", line):
            header["frame_ms"] = _num(m[1])
        if m := re.search(r"Sensor area:\s*([\d.,]+)\s*cm", line):
            header["area_cm2"] = _num(m[1])
        if m := re.search(r"Sensor size:\s*([\d.,]+)\s*[xX]\s*([\d.,]+)\s*(mm|cm)", line):
            k = 10.0 if m[3] == "cm" else 1.0
            header["sensor_mm"] = (_num(m[1]) * k, _num(m[2]) * k)
        if m := re.search(r"Pict-No\.?:\s*(\d+)", line):
            page = {"picture": int(m[1]), "rows": {}, "row_force": {}}
            pages.append(page)
            cols = None
            continue
        if page is None:
            continue
        toks = line.split()
        if cols is None:
            # the column header: sensor column indices, optionally a trailing 'Force'
            body = toks[:-1] if toks and toks[-1].lower() == "force" else toks
            if body and all(t.isdigit() for t in body):
                cols = [int(t) for t in body]
                page["cols"] = cols
            continue
        if not toks or not toks[0].isdigit():
            continue  # the 'Force' line of column totals, page breaks
        vals = toks[1:]
        if not all(_is_num(t) for t in vals) or len(vals) < len(cols):
            continue
        r = int(toks[0])
        page["rows"][r] = [_num(t) for t in vals[: len(cols)]]
        if len(vals) > len(cols):
            page["row_force"][r] = _num(vals[len(cols)])
    pages = [pg for pg in pages if pg.get("rows") and pg.get("cols")]
    if not pages:
        raise PlateFormatError(
            f"{name}: no picture with a sensor table was found; export the recording from "
            "novel's software as an ASCII .lst file with one table per picture."
        )
    all_rows = sorted({r for pg in pages for r in pg["rows"]})
    all_cols = sorted({c for pg in pages for c in pg["cols"]})
    r_idx = {r: i for i, r in enumerate(all_rows)}
    c_idx = {c: i for i, c in enumerate(all_cols)}
    frames = np.zeros((len(pages), len(all_rows), len(all_cols)), np.float32)
    for t, pg in enumerate(pages):
        ci = [c_idx[c] for c in pg["cols"]]
        for r, v in pg["rows"].items():
            frames[t, r_idx[r], ci] = v
    if (frames < 0).any():
        log.warning("%s: %d negative sensor values set to 0", name, int((frames < 0).sum()))
        frames = np.clip(frames, 0.0, None)
    sensor_mm = header.get("sensor_mm")
    if sensor_mm is None and "area_cm2" in header:
        side = float(np.sqrt(header["area_cm2"])) * 10.0
        sensor_mm = (side, side)
    if sensor_mm is None:
        raise PlateFormatError(f"{name}: the sensor size is missing from the header.")
    unit = _infer_unit(pages, sensor_mm)
    return PlateRecording(
        frames=frames,
        rows=np.asarray(all_rows, np.int64),
        cols=np.asarray(all_cols, np.int64),
        sensor_mm=(float(sensor_mm[0]), float(sensor_mm[1])),
        matrix=header.get("matrix"),
        unit=unit,
        frame_ms=header.get("frame_ms"),
        pictures=tuple(int(pg["picture"]) for pg in pages),
        source=name,
    )


def _infer_unit(pages: list[dict[str, Any]], sensor_mm: tuple[float, float]) -> str:
    """kPa or N/cm^2 from the written row forces (``Force[N] = sum x sensor area``)."""
    area_cm2 = sensor_mm[0] * sensor_mm[1] / 100.0
    ratios = []
    for pg in pages:
        for r, f in pg["row_force"].items():
            s = float(np.sum(pg["rows"][r])) * area_cm2
            if s > 0 and f > 0:
                ratios.append(f / s)
    if not ratios:
        log.warning("no row forces in the file; the unit of the values is unknown")
        return "unknown"
    k = float(np.median(ratios))
    if abs(k - KPA_FORCE_FACTOR) < 0.01:
        return "kPa"
    if abs(k - 1.0) < 0.1:
        return "N/cm2"
    log.warning("row forces / (sum x area) = %.4f matches neither kPa nor N/cm2", k)
    return "unknown"


# --------------------------------------------------------------------------- #
# rendering a plate print photo
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class PlatePhoto:
    """A rendered photo of a plate's peak map printed on A4, with its exact geometry.

    Attributes
    ----------
    rgb : (H, W, 3) uint8 ndarray
        The photo after the JPEG round trip.
    jpeg : bytes
    pressure : (R, C) float ndarray
        The sensor map that was printed (plate units).
    sensor_to_world : (3, 3) ndarray
        Affine: sensor grid (col, row) index coordinates (sensor centres at
        integers, 0 = first column/row of :attr:`pressure`) -> world mm.
    world_to_image : (3, 3) ndarray
        Homography world mm -> photo pixels.
    fine : (h, w) float32 ndarray
        The upsampled pressure actually printed (plate units, 0 outside contact).
    fine_to_world : (3, 3) ndarray
        Affine: :attr:`fine` (col, row) pixels -> world mm.
    params : dict
        Every rendering choice.
    """

    rgb: np.ndarray
    jpeg: bytes
    pressure: np.ndarray
    sensor_to_world: np.ndarray
    world_to_image: np.ndarray
    fine: np.ndarray
    fine_to_world: np.ndarray
    params: dict = field(default_factory=dict)


def _srgb_encode(lin: np.ndarray) -> np.ndarray:
    lin = np.clip(lin, 0.0, 1.0)
    return np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * np.power(lin, 1 / 2.4) - 0.055)


def _lstar_to_y(lstar: np.ndarray) -> np.ndarray:
    """CIE L* (0..100) -> relative luminance Y (0..1)."""
    f = (np.asarray(lstar, np.float64) + 16.0) / 116.0
    return np.where(f > 6 / 29, f**3, 3 * (6 / 29) ** 2 * (f - 4 / 29))


def _y_to_lstar(y: float) -> float:
    f = y ** (1 / 3) if y > (6 / 29) ** 3 else y / (3 * (6 / 29) ** 2) + 4 / 29
    return 116.0 * f - 16.0


def upsample_pressure(
    peak: np.ndarray, sensor_mm: float, mm_per_px: float = PRINT_MM_PER_PX
) -> tuple[np.ndarray, np.ndarray]:
    """Smooth the sensor map onto a fine grid.

    Parameters
    ----------
    peak : (R, C) ndarray
        Sensor values (>= 0); contact where > 0.
    sensor_mm : float
        Sensor pitch [mm].
    mm_per_px : float
        Output sampling [mm].

    Returns
    -------
    fine : (h, w) float32 ndarray
        Bicubic-upsampled values (>= 0) inside the smoothed contact outline, 0 outside.
    fine_to_sensor : (3, 3) ndarray
        Affine: fine (col, row) -> sensor (col, row) index coordinates.

    Notes
    -----
    One zero sensor is padded on every side. The contact outline is the 0.5
    level of the bilinear-upsampled 0/1 contact map smoothed over
    :data:`CONTACT_SMOOTH_MM`, so it follows the sensor boundary without steps.
    """
    pad = np.pad(np.asarray(peak, np.float32), 1)
    k = sensor_mm / mm_per_px
    h, w = int(round(pad.shape[0] * k)), int(round(pad.shape[1] * k))
    fine = cv2.resize(pad, (w, h), interpolation=cv2.INTER_CUBIC)
    contact = cv2.resize((pad > 0).astype(np.float32), (w, h), interpolation=cv2.INTER_NEAREST)
    contact = cv2.GaussianBlur(contact, (0, 0), CONTACT_SMOOTH_MM / mm_per_px)
    fine = np.where(contact >= 0.5, np.clip(fine, 0.0, None), 0.0).astype(np.float32)
    # fine pixel centre x_f -> padded sensor coordinate (x_f + 0.5) / k - 0.5 -> minus the pad
    s = 1.0 / k
    fine_to_sensor = np.array([[s, 0, 0.5 * s - 1.5], [0, s, 0.5 * s - 1.5], [0, 0, 1.0]])
    return fine, fine_to_sensor


def render_plate_photo(
    plate: PlateRecording,
    *,
    seed: int = 0,
    size: tuple[int, int] = (1200, 1600),
    rotation_deg: float | None = None,
    jpeg_quality: int = 90,
    peak: np.ndarray | None = None,
    contact_darkness: float = 0.0,
) -> PlatePhoto:
    """Render a plate's peak-pressure map as a phone photo of an ink print on A4.

    Parameters
    ----------
    plate : PlateRecording
    seed : int
        Seed of every random choice (camera, light, noise).
    size : (int, int)
        (width, height) of the photo [px].
    rotation_deg : float, optional
        In-plane rotation of the print on the sheet; drawn in -6..6 when omitted.
    jpeg_quality : int
    peak : (R, C) ndarray, optional
        The map to print; :attr:`PlateRecording.peak` by default.
    contact_darkness : float
        Darkness of the lightest contact (0..PEAK_DARKNESS). 0 (default) makes
        darkness proportional to pressure; a positive value adds the offset of a
        real ink or wet print (any contact marks the paper), darkness =
        ``c + (PEAK_DARKNESS - c) * p / p_max`` inside the contact outline.

    Returns
    -------
    PlatePhoto
    """
    rng = np.random.default_rng(seed)
    pk = plate.peak if peak is None else np.asarray(peak, np.float32)
    if not (pk > 0).any():
        raise PlateFormatError("the pressure map is empty: nothing to print")
    sx, sy = plate.sensor_mm
    mm = PRINT_MM_PER_PX
    fine, fine_to_sensor = upsample_pressure(pk, sx, mm)
    # place the print's contact centroid at the sheet centre, rotated in-plane
    ang = np.deg2rad(float(rng.uniform(-6, 6)) if rotation_deg is None else float(rotation_deg))
    c, s = np.cos(ang), np.sin(ang)
    rr, cc = np.nonzero(pk > 0)
    centre_sensor = np.array([cc.mean(), rr.mean()])
    rot = np.array([[c * sx, -s * sy], [s * sx, c * sy]])
    sheet_centre = np.array(A4_MM) / 2.0
    t = sheet_centre - rot @ centre_sensor
    sensor_to_world = np.array(
        [[rot[0, 0], rot[0, 1], t[0]], [rot[1, 0], rot[1, 1], t[1]], [0, 0, 1.0]]
    )
    fine_to_world = sensor_to_world @ fine_to_sensor

    # world canvas (linear RGB): floor around the sheet, sheet, ink
    margin = 45.0
    x0, y0 = -margin, -margin
    cw = int(round((A4_MM[0] + 2 * margin) / mm))
    ch = int(round((A4_MM[1] + 2 * margin) / mm))
    canvas_to_world = np.array([[mm, 0, x0 + 0.5 * mm], [0, mm, y0 + 0.5 * mm], [0, 0, 1.0]])
    floor_rgb = float(rng.uniform(0.08, 0.2)) * rng.uniform([0.95, 0.95, 0.9], [1.05, 1.0, 1.0])
    tex = cv2.GaussianBlur(rng.standard_normal((ch, cw)).astype(np.float32), (0, 0), 3.0)
    tex /= float(tex.std()) + 1e-6
    canvas = (floor_rgb[None, None, :] * (1.0 + 0.08 * tex[..., None])).astype(np.float32)
    yy, xx = np.mgrid[0:ch, 0:cw].astype(np.float32)
    wx, wy = xx * mm + x0 + 0.5 * mm, yy * mm + y0 + 0.5 * mm
    sheet = (wx >= 0) & (wx <= A4_MM[0]) & (wy >= 0) & (wy <= A4_MM[1])
    paper_y = float(rng.uniform(0.78, 0.88))
    paper_rgb = paper_y * np.array([1.0, 1.0, float(rng.uniform(0.96, 1.0))])
    fibre = cv2.GaussianBlur(rng.standard_normal((ch, cw)).astype(np.float32), (0, 0), 1.0)
    fibre /= float(fibre.std()) + 1e-6
    # ink: darkness 1 - L*/L*_paper proportional to pressure, neutral colour
    canvas_to_fine = np.linalg.inv(fine_to_world) @ canvas_to_world
    p_c = cv2.warpAffine(
        fine,
        canvas_to_fine[:2],
        (cw, ch),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )
    if not 0.0 <= contact_darkness < PEAK_DARKNESS:
        raise ValueError(f"contact_darkness must be within 0..{PEAK_DARKNESS}")
    c_in = cv2.warpAffine(
        (fine > 0).astype(np.float32),
        canvas_to_fine[:2],
        (cw, ch),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )
    rel = np.clip(p_c / float(pk.max()), 0.0, 1.0)
    dark = c_in * contact_darkness + (PEAK_DARKNESS - contact_darkness) * rel
    l_paper = _y_to_lstar(paper_y)
    ink_ratio = (_lstar_to_y(l_paper * (1.0 - dark)) / paper_y).astype(np.float32)
    sheet_rgb = paper_rgb[None, None, :].astype(np.float32) * (1.0 + 0.01 * fibre[..., None])
    sheet_rgb = sheet_rgb * ink_ratio[..., None]
    canvas = np.where(sheet[..., None], sheet_rgb, canvas).astype(np.float32)

    # camera: a few degrees of tilt, sheet filling ~80 % of the frame
    w, h = int(size[0]), int(size[1])
    world_corners = np.array(
        [[x0, y0], [x0 + cw * mm, y0], [x0 + cw * mm, y0 + ch * mm], [x0, y0 + ch * mm]]
    )
    fill = float(rng.uniform(0.78, 0.9))
    scale = (
        fill * min(w / A4_MM[0], h / A4_MM[1]) if w < h else fill * min(w / A4_MM[1], h / A4_MM[0])
    )
    turn = 0.0 if w < h else np.pi / 2
    turn += np.deg2rad(float(rng.uniform(-8, 8)))
    ct, st = np.cos(turn), np.sin(turn)
    centre_img = np.array([w / 2, h / 2]) + rng.uniform(-0.03, 0.03, 2) * np.array([w, h])
    sim = np.array([[ct, -st], [st, ct]]) * scale
    img_pts = (world_corners - sheet_centre) @ sim.T + centre_img
    # perspective: pull two adjacent corners in by a few per cent (keystone)
    k = float(rng.uniform(0.02, 0.06))
    edge = int(rng.integers(4))
    a, b = edge, (edge + 1) % 4
    mid = img_pts.mean(axis=0)
    img_pts[a] += k * (mid - img_pts[a])
    img_pts[b] += k * (mid - img_pts[b])
    world_to_image = cv2.getPerspectiveTransform(
        world_corners.astype(np.float32), img_pts.astype(np.float32)
    ).astype(np.float64)
    canvas_to_image = world_to_image @ canvas_to_world
    img = cv2.warpPerspective(
        canvas, canvas_to_image, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    # light gradient and vignetting (multiplicative, linear light)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    xn, yn = xx / w - 0.5, yy / h - 0.5
    g_amp = float(rng.uniform(0.08, 0.2))
    g_dir = float(rng.uniform(0, 2 * np.pi))
    light = (1.0 + g_amp * (xn * np.cos(g_dir) + yn * np.sin(g_dir))) * (
        1.0 - 0.15 * (xn**2 + yn**2) / 0.5
    )
    img *= light[..., None]
    img = cv2.GaussianBlur(img, (0, 0), float(rng.uniform(0.5, 0.9)))
    srgb = _srgb_encode(img).astype(np.float32)
    srgb += rng.normal(0.0, 0.008, srgb.shape).astype(np.float32)
    out = np.clip(srgb * 255.0 + 0.5, 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(
        ".jpg", cv2.cvtColor(out, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, int(jpeg_quality)]
    )
    if not ok:  # pragma: no cover
        raise RuntimeError("JPEG encoding failed")
    rgb = cv2.cvtColor(cv2.imdecode(buf, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    params = {
        "seed": seed,
        "rotation_deg": float(np.rad2deg(ang)),
        "paper_Y": paper_y,
        "light_gradient": g_amp,
        "keystone": k,
        "jpeg_quality": int(jpeg_quality),
        "peak_darkness": PEAK_DARKNESS,
        "contact_darkness": float(contact_darkness),
    }
    return PlatePhoto(
        rgb=rgb,
        jpeg=buf.tobytes(),
        pressure=pk,
        sensor_to_world=sensor_to_world,
        world_to_image=world_to_image,
        fine=fine,
        fine_to_world=fine_to_world,
        params=params,
    )


# --------------------------------------------------------------------------- #
# geometry between the world and the pipeline's foot frame
# --------------------------------------------------------------------------- #
def world_to_frame(analysis: Any, foot: int, world_to_image: np.ndarray) -> np.ndarray:
    """Homography world (mm) -> the analysed foot's frame (col, row).

    Parameters
    ----------
    analysis : footprint.pipeline.Analysis
    foot : int
        Index into ``analysis.feet``.
    world_to_image : (3, 3) ndarray
        World -> full-resolution photo pixels.

    Returns
    -------
    (3, 3) ndarray
        World -> photo -> work image (``analysis.image.scale``) -> rectified
        plane (``analysis.plane.image_to_plane``) -> foot frame.
    """
    s = float(analysis.image.scale)
    full_to_work = np.array([[1 / s, 0, 0.5 / s - 0.5], [0, 1 / s, 0.5 / s - 0.5], [0, 0, 1.0]])
    frame = analysis.feet[foot].frame
    plane_to_frame = np.vstack([frame.matrix, [0.0, 0.0, 1.0]])
    m = plane_to_frame @ np.asarray(analysis.plane.image_to_plane) @ full_to_work @ world_to_image
    return m / m[2, 2]


def _warp_into_frame(
    values: np.ndarray, src_to_frame: np.ndarray, shape: tuple[int, int]
) -> np.ndarray:
    """Resample ``values`` into the frame, prefiltered when the frame is coarser."""
    # frame pixels per source pixel, from the local Jacobian at the source centre
    h, w = values.shape
    pts = np.array([[w / 2, h / 2], [w / 2 + 1, h / 2], [w / 2, h / 2 + 1]], np.float64)
    q = cv2.perspectiveTransform(pts.reshape(-1, 1, 2), src_to_frame).reshape(-1, 2)
    e1, e2 = q[1] - q[0], q[2] - q[0]
    ratio = float(np.sqrt(abs(e1[0] * e2[1] - e1[1] * e2[0])))  # frame px per source px
    src = values.astype(np.float32)
    if ratio < 0.75:
        src = cv2.GaussianBlur(src, (0, 0), 0.45 / ratio)
    return cv2.warpPerspective(
        src,
        src_to_frame,
        (shape[1], shape[0]),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )


def frame_regions(analysis: Any, foot: int) -> pressure.RegionMasks:
    """The region masks the pipeline used for ``foot`` (same inputs as analyse_pressure)."""
    arr = analysis.feet[foot]
    toes_f = np.clip(arr.frame.warp(arr.toes.astype(np.float32)), 0, 1)
    return pressure.region_masks(arr.sole_frame, toes_f, arr.frame.axis_col)


def summary_in_frame(
    values_f: np.ndarray, analysis: Any, foot: int
) -> tuple[dict[str, float | None], dict[str, float | None]]:
    """Region shares (%) and summary figures of a map in the pipeline's frame, same masks.

    Returns
    -------
    shares : dict
        ``{region: share_pct}``.
    figures : dict
        As :func:`footprint.pressure.summarise` returns them.
    """
    arr = analysis.feet[foot]
    regions = frame_regions(analysis, foot)
    mm = analysis.plane.mm_per_px
    stats, fig = pressure.summarise(values_f, regions, arr.sole_frame, arr.frame.axis_col, mm)
    return {k: stats[k].share_pct for k in REGIONS}, fig


def pipeline_shares(analysis: Any, foot: int) -> dict[str, float | None]:
    """The region shares (%) the pipeline reports for ``foot``."""
    p = analysis.result.feet[foot].pressure
    return {k: p.regions[k].share_pct for k in REGIONS}


# --------------------------------------------------------------------------- #
# plate comparison
# --------------------------------------------------------------------------- #
def recovered_on_plate(analysis: Any, foot: int, photo: PlatePhoto, *, sub: int = 10) -> np.ndarray:
    """The pipeline's intensity map area-averaged onto the plate's sensor grid.

    Parameters
    ----------
    analysis : footprint.pipeline.Analysis
    foot : int
    photo : PlatePhoto
    sub : int
        Sub-samples per sensor side (``sub`` x ``sub`` points averaged).

    Returns
    -------
    (R, C) float32 ndarray
        Mean of ``intensity_frame`` over each sensor's square (0 outside the map).
    """
    arr = analysis.feet[foot]
    inten = arr.intensity_frame
    if inten is None:
        raise ValueError("the analysis has no intensity map for this foot")
    R, C = photo.pressure.shape
    # sub-sample centres of every sensor square, sensor coordinates
    off = (np.arange(sub) + 0.5) / sub - 0.5
    gx = (np.arange(C)[:, None] + off[None, :]).ravel()
    gy = (np.arange(R)[:, None] + off[None, :]).ravel()
    X, Y = np.meshgrid(gx, gy)
    m = world_to_frame(analysis, foot, photo.world_to_image) @ photo.sensor_to_world
    q = cv2.perspectiveTransform(
        np.column_stack([X.ravel(), Y.ravel()]).reshape(-1, 1, 2).astype(np.float64), m
    ).reshape(X.shape + (2,))
    vals = cv2.remap(
        np.asarray(inten, np.float32),
        q[..., 0].astype(np.float32),
        q[..., 1].astype(np.float32),
        interpolation=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )
    return vals.reshape(R, sub, C, sub).mean(axis=(1, 3)).astype(np.float32)


@dataclass(frozen=True)
class PlateComparison:
    """The pipeline's map of a plate print against the plate's own pressure.

    Attributes
    ----------
    pearson_r : float
        Pearson correlation over sensors with recorded pressure > 0, between
        the recorded peak pressure and the recovered intensity area-averaged
        onto the sensor grid.
    n_sensors : int
        Sensors in contact.
    plate_shares, pipeline_shares : dict
        Region shares (%) of the plate's pressure (warped into the pipeline's
        foot frame, the pipeline's own region masks) and as the pipeline reports.
    share_diff : dict
        ``pipeline - plate`` per region [percentage points].
    plate_cop_along, pipeline_cop_along : float
    load_inside_pct : float
        Share of the plate's pressure (in the frame) that falls inside the
        pipeline's region masks [%]; the rest is outside the located print.
    toes_found : bool
        Whether the pipeline found separate toe blobs (else the region masks'
        fallback toe zone applies, to the plate and the pipeline alike).
    recovered : (R, C) ndarray
        The recovered map on the sensor grid.
    """

    pearson_r: float
    n_sensors: int
    plate_shares: dict[str, float | None]
    pipeline_shares: dict[str, float | None]
    share_diff: dict[str, float]
    plate_cop_along: float | None
    pipeline_cop_along: float | None
    load_inside_pct: float
    toes_found: bool
    recovered: np.ndarray = field(repr=False)

    @property
    def max_share_diff(self) -> float:
        """Largest absolute share difference [percentage points]."""
        return max(abs(v) for v in self.share_diff.values())


def compare_plate(analysis: Any, photo: PlatePhoto, *, foot: int = 0) -> PlateComparison:
    """Compare the analysis of a :func:`render_plate_photo` photo with the plate.

    The plate's share of each region is computed from the printed (upsampled)
    pressure, warped into the pipeline's foot frame with the pipeline's own
    plane and frame transforms, and summarised by
    :func:`footprint.pressure.summarise` with the region masks the pipeline
    used (:func:`frame_regions`).
    """
    rec = recovered_on_plate(analysis, foot, photo)
    contact = photo.pressure > 0
    r = float(np.corrcoef(photo.pressure[contact], rec[contact])[0, 1])
    arr = analysis.feet[foot]
    m = world_to_frame(analysis, foot, photo.world_to_image) @ photo.fine_to_world
    plate_f = _warp_into_frame(photo.fine, m, arr.sole_frame.shape)
    plate_sh, plate_fig = summary_in_frame(plate_f, analysis, foot)
    regions = frame_regions(analysis, foot)
    union = np.zeros(plate_f.shape, bool)
    for mk in regions.masks.values():
        union |= mk
    total = float(plate_f.sum())
    inside = 100.0 * float(plate_f[union].sum()) / total if total > 0 else 0.0
    pipe_sh = pipeline_shares(analysis, foot)
    diff = {k: float((pipe_sh[k] or 0.0) - (plate_sh[k] or 0.0)) for k in REGIONS}
    return PlateComparison(
        pearson_r=r,
        n_sensors=int(contact.sum()),
        plate_shares=plate_sh,
        pipeline_shares=pipe_sh,
        share_diff=diff,
        plate_cop_along=plate_fig["cop_along"],
        pipeline_cop_along=analysis.result.feet[foot].pressure.cop_along,
        load_inside_pct=inside,
        toes_found=bool(arr.toes.any()),
        recovered=rec,
    )


# --------------------------------------------------------------------------- #
# synthetic truth
# --------------------------------------------------------------------------- #
def synth_truth_summary(
    shape: Any,
) -> tuple[dict[str, float | None], dict[str, float | None]]:
    """Region shares and figures of a generated foot's known pressure, in its own frame.

    Parameters
    ----------
    shape : footprint.synth.FootShape

    Returns
    -------
    shares, figures
        As :func:`summary_in_frame`; the regions come from the truth's sole and
        toe masks and its axis (heel centre -> second-toe tip).

    Notes
    -----
    The intensity is ``pressure x coverage`` (contact coverage of sole + toes),
    the amount of load per frame pixel.
    """
    inten = shape.pressure * shape.print_mask
    axis_col = float(shape.heel_centre_rc[1])
    regions = pressure.region_masks(shape.sole, shape.toes, axis_col)
    stats, fig = pressure.summarise(inten, regions, shape.sole, axis_col, shape.mm_per_px)
    return {k: stats[k].share_pct for k in REGIONS}, fig


def synth_truth_in_frame(photo: Any, truth_index: int, analysis: Any, foot: int) -> np.ndarray:
    """A generated foot's ``pressure x coverage`` warped into the pipeline's foot frame.

    Parameters
    ----------
    photo : footprint.synth.SynthPhoto
    truth_index : int
        Index into ``photo.feet`` (and ``photo.params['frame_to_world']``).
    analysis : footprint.pipeline.Analysis
    foot : int
        Index into ``analysis.feet``.
    """
    shape = photo.feet[truth_index].shape
    a = np.asarray(photo.params["frame_to_world"][truth_index], np.float64)
    m = world_to_frame(analysis, foot, photo.world_to_image) @ a
    return _warp_into_frame(
        shape.pressure * shape.print_mask, m, analysis.feet[foot].sole_frame.shape
    )


def nearest_pairs(
    a_xy: Sequence[tuple[float, float]],
    b_xy: Sequence[tuple[float, float]],
    max_distance: Sequence[float] | None = None,
) -> dict[int, int]:
    """Match points of ``a`` to points of ``b``, nearest pairs first.

    All pairs are taken in order of distance, each point used once; a greedy
    loop over ``a`` instead could give the only ``b`` near two ``a`` points to
    whichever came first. ``max_distance[i]`` (optional) is the farthest a
    match of ``a[i]`` may lie.

    Returns
    -------
    dict
        ``{index in a: index in b}`` for the matched points.
    """
    pairs = sorted(
        (float(np.hypot(ax - bx, ay - by)), i, j)
        for i, (ax, ay) in enumerate(a_xy)
        for j, (bx, by) in enumerate(b_xy)
    )
    match: dict[int, int] = {}
    used: set[int] = set()
    for d, i, j in pairs:
        if i in match or j in used:
            continue
        if max_distance is not None and d >= max_distance[i]:
            continue
        match[i] = j
        used.add(j)
    return match


def match_feet(photo: Any, analysis: Any) -> list[tuple[int, int]]:
    """Pairs (truth index, analysed foot index) matched by nearest centroid (full-res px)."""
    match = nearest_pairs(
        [ft.centroid_xy for ft in photo.feet],
        [(fr.centroid_x, fr.centroid_y) for fr in analysis.result.feet],
    )
    return sorted(match.items())


@dataclass(frozen=True)
class SynthFootComparison:
    """One generated foot: the pipeline against the generator's known pressure.

    Attributes
    ----------
    scene : str
    truth_cop_along, pipeline_cop_along, frame_cop_along : float or None
        Centre of pressure along the foot: truth in its own frame with its own
        anatomy; as the pipeline reports it; truth warped into the pipeline's
        frame and summarised with the pipeline's masks.
    truth_shares, pipeline_shares, frame_shares : dict
        Region shares (%), same three sources.
    iou : float
        Overlap of the truth's print and the pipeline's print mask in the
        pipeline's frame (segmentation quality).
    darkness_shares : dict
        Region shares of the generator's expected darkness (not pressure) in
        the truth's frame, :func:`synth_darkness_shares`.
    """

    scene: str
    truth_cop_along: float | None
    pipeline_cop_along: float | None
    frame_cop_along: float | None
    truth_shares: dict[str, float | None]
    pipeline_shares: dict[str, float | None]
    frame_shares: dict[str, float | None]
    iou: float
    darkness_shares: dict[str, float | None] = field(default_factory=dict)

    @property
    def darkness_share_error(self) -> float:
        """Largest |pipeline - generator's expected darkness| share [points]."""
        return _max_diff(self.pipeline_shares, self.darkness_shares)

    @property
    def model_share_error(self) -> float:
        """Largest |darkness - pressure| share of the truth itself [points]."""
        return _max_diff(self.darkness_shares, self.truth_shares)

    @property
    def cop_error(self) -> float:
        """|pipeline - truth| ``cop_along`` (inf when either is missing)."""
        if self.truth_cop_along is None or self.pipeline_cop_along is None:
            return float("inf")
        return abs(self.pipeline_cop_along - self.truth_cop_along)

    @property
    def share_error(self) -> float:
        """Largest |pipeline - truth| region share [percentage points]."""
        return _max_diff(self.pipeline_shares, self.truth_shares)

    @property
    def frame_share_error(self) -> float:
        """Largest |pipeline - truth in the pipeline's frame| share [points]."""
        return _max_diff(self.pipeline_shares, self.frame_shares)

    @property
    def frame_cop_error(self) -> float:
        """|pipeline - truth in the pipeline's frame| ``cop_along``."""
        if self.frame_cop_along is None or self.pipeline_cop_along is None:
            return float("inf")
        return abs(self.pipeline_cop_along - self.frame_cop_along)


def _max_diff(a: dict[str, float | None], b: dict[str, float | None]) -> float:
    if any(a[k] is None or b[k] is None for k in REGIONS):
        return float("inf")
    return max(abs(float(a[k]) - float(b[k])) for k in REGIONS)  # type: ignore[arg-type]


def compare_synth(photo: Any, analysis: Any) -> list[SynthFootComparison]:
    """Compare every matched foot of a synthetic photo with its known pressure.

    Parameters
    ----------
    photo : footprint.synth.SynthPhoto
    analysis : footprint.pipeline.Analysis

    Returns
    -------
    list of SynthFootComparison
        One per truth foot the pipeline found (matched by centroid); feet the
        pipeline missed are absent (count them against the pipeline).
    """
    out = []
    for ti, fi in match_feet(photo, analysis):
        shape = photo.feet[ti].shape
        t_sh, t_fig = synth_truth_summary(shape)
        truth_f = synth_truth_in_frame(photo, ti, analysis, fi)
        f_sh, f_fig = summary_in_frame(truth_f, analysis, fi)
        arr = analysis.feet[fi]
        a = np.asarray(photo.params["frame_to_world"][ti], np.float64)
        m = world_to_frame(analysis, fi, photo.world_to_image) @ a
        t_mask = _warp_into_frame(shape.print_mask, m, arr.sole_frame.shape) >= 0.5
        p_mask = arr.frame.warp(arr.mask.astype(np.float32)) >= 0.5
        union = float((t_mask | p_mask).sum())
        res = analysis.result.feet[fi].pressure
        out.append(
            SynthFootComparison(
                scene=photo.scene,
                truth_cop_along=t_fig["cop_along"],
                pipeline_cop_along=None if res is None else res.cop_along,
                frame_cop_along=f_fig["cop_along"],
                truth_shares=t_sh,
                pipeline_shares=pipeline_shares(analysis, fi),
                frame_shares=f_sh,
                iou=float((t_mask & p_mask).sum()) / union if union else 0.0,
                darkness_shares=synth_darkness_shares(photo, shape),
            )
        )
    return out


def synth_darkness_model(photo: Any, shape: Any) -> np.ndarray:
    """The generator's expected print darkness for ``shape`` (no noise, no light), frame px.

    Mirrors the print models of :func:`footprint.synth_scenes._draw_print`
    with the noise terms at their mean: wet ``a + b p``; ink
    ``clip(2 (1.3 (a + b p) - 0.3), 0, 1)``; podograph the mean ink cover of
    the grid squares ``(2 hs)^2 keep (0.65 + 0.35 p)`` with
    ``hs = 0.1 + 0.38 p^0.8`` and ``keep`` the mean of its random thinning.
    Each is multiplied by the contact coverage. Used to tell the generator's
    darkness-vs-pressure model apart from the pipeline's measurement error.
    """
    p = np.clip(shape.pressure, 0.0, 1.0).astype(np.float64)
    cov = shape.print_mask.astype(np.float64)
    prm = photo.params
    if "ink" in prm:
        st = prm["ink"]
        d = np.clip((1.3 * (st["a"] + st["b"] * p) - 0.3) * 2.0, 0.0, 1.0)
    elif "grid" in prm:
        hs = 0.1 + 0.38 * p**0.8
        x = 1.6 * p + 0.35  # keep = clip((x - q) * 6, 0, 1), q ~ U(0, 1): its mean
        q = np.linspace(0.0, 1.0, 101)[:, None, None]
        keep = np.clip((x[None] - q) * 6.0, 0.0, 1.0).mean(axis=0)
        d = np.minimum(2 * hs, 1.0) ** 2 * keep * (0.65 + 0.35 * p)
        cov = np.clip(cov * 1.5 - 0.25, 0.0, 1.0)
    else:
        st = prm["wet"]
        d = np.clip(st["a"] + st["b"] * p, 0.0, 1.2)
    return (d * cov).astype(np.float32)


def synth_darkness_shares(photo: Any, shape: Any) -> dict[str, float | None]:
    """Region shares of :func:`synth_darkness_model` in the truth's own frame and masks."""
    axis_col = float(shape.heel_centre_rc[1])
    regions = pressure.region_masks(shape.sole, shape.toes, axis_col)
    stats, _ = pressure.summarise(
        synth_darkness_model(photo, shape), regions, shape.sole, axis_col, shape.mm_per_px
    )
    return {k: stats[k].share_pct for k in REGIONS}

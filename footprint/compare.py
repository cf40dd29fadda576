"""Compare two analysed prints: the same foot over time, or left against right.

Alignment
---------
Both prints are mapped onto one metric *canvas* by a rigid transform (plus the
scale each print's rectification measured): the heel centre goes to the same
canvas point and the foot axis (heel centre -> second-toe tip) points straight
up. Prints of the same foot then coincide at the heel and along the axis; what
remains at the toe is a real change of length (growth) plus landmark noise.
For left against right the left foot is mirrored, so medial is on the same side
of the canvas for both.

Without a scale reference in both photos the second print is scaled so its
heel-to-toe distance matches the first; lengths cannot be compared then and the
alignment says so in its ``warnings``.

Canvas conventions: (row, col) arrays, points (x, y) in canvas pixels, toes up,
the heel centre at ``heel_canvas_xy``; ``canvas_mm_per_px`` converts to mm.

Changes and repeatability
-------------------------
A change only means something when it exceeds the method's test-retest noise.
:class:`Repeatability` holds these thresholds, one per index, with units, as
measured on repeated photos of the same print (``docs/accuracy.md``);
:func:`repeatability_for` picks the measurement that fits the kind of print.

Symmetry
--------
:func:`symmetry_index` is the symmetry index of Robinson et al. [1]_,
``SI = |L - R| / (0.5 (L + R)) x 100 %`` (0 % is perfect symmetry).

References
----------
.. [1] Robinson RO, Herzog W, Nigg BM. Use of force platform variables to
   quantify the effects of chiropractic manipulation on gait symmetry.
   J Manipulative Physiol Ther. 1987;10(4):172-176.

This module uses numpy and OpenCV only (fpdf2 for the PDF, imported lazily).
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from footprint.errors import FootprintError
from footprint.result import REGIONS, FootResult

if TYPE_CHECKING:  # pragma: no cover - typing only
    from footprint.pipeline import Analysis

log = logging.getLogger(__name__)


class CompareError(FootprintError):
    """Two prints cannot be compared as asked."""

    code = "compare"


# --------------------------------------------------------------------------- #
# parameters
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Repeatability:
    """Smallest change of each measure that exceeds the method's repeatability.

    Each value is a repeatability coefficient, :math:`RC = 1.96 \\sqrt{2}\\,s_w`
    with :math:`s_w` the within-foot standard deviation of repeated photos of
    the same print (Bland & Altman 1986, Lancet 327:307-310): two measurements
    of an unchanged foot differ by less than RC in 95 % of cases, so a larger
    change is beyond measurement noise. The defaults were measured by
    ``scripts/bench_repeatability.py --feet 20 --photos 5`` on ink prints
    (black ink on A4, 100 photos: rotation -180..180 deg, tilt 0..30 deg,
    other light and noise each time); see ``docs/accuracy.md``.
    """

    arch_index: float | None = 0.010
    """Arch index [dimensionless, 0..1]."""
    chippaux_smirak: float | None = 9.1
    """Chippaux-Smirak index [percentage points]."""
    staheli: float | None = 0.14
    """Staheli index [dimensionless]."""
    clarke_angle_deg: float | None = 12.0
    """Clarke's angle [degrees]."""
    foot_length_mm: float | None = 4.4
    """Foot length [mm]."""
    foot_width_mm: float | None = 2.6
    """Foot width [mm]."""
    region_share_pct: float | None = 2.4
    """Share of contact intensity in one region, pooled over regions [percentage points]."""
    measured_on: str = "ink prints on an A4 sheet"
    """What the values were measured on, shown next to them."""

    def threshold(self, key: str) -> float | None:
        """Threshold of a measure key (``share_*`` keys use ``region_share_pct``)."""
        if key.startswith("share_"):
            return self.region_share_pct
        return getattr(self, key, None)


#: Measured repeatability per kind of print (``FootprintResult.scene``), each by
#: ``scripts/bench_repeatability.py --feet 20 --photos 5 --scene S`` (100
#: photos). Wet prints were measured on kraft paper (6 of 100 photos not
#: scored; generator with the edge-wander fix) and podograph grid prints on
#: plain form paper (26 of 100 not scored): their index noise is several times
#: ink's.
REPEATABILITY_BY_SCENE: dict[str, Repeatability] = {
    "ink": Repeatability(),
    "wet": Repeatability(
        arch_index=0.045,
        chippaux_smirak=19.8,
        staheli=0.31,
        clarke_angle_deg=19.1,
        foot_length_mm=2.2,
        foot_width_mm=1.5,
        region_share_pct=6.7,
        measured_on="wet prints on kraft paper",
    ),
    "podograph": Repeatability(
        arch_index=0.24,
        chippaux_smirak=59.4,
        staheli=0.55,
        clarke_angle_deg=39.6,
        foot_length_mm=72.1,
        foot_width_mm=89.1,
        region_share_pct=16.8,
        measured_on="podograph grid prints",
    ),
}
UNMEASURED = Repeatability(
    arch_index=None,
    chippaux_smirak=None,
    staheli=None,
    clarke_angle_deg=None,
    foot_length_mm=None,
    foot_width_mm=None,
    region_share_pct=None,
    measured_on="not measured for this kind of print",
)


def repeatability_for(*scenes: str) -> Repeatability:
    """The measured repeatability that covers prints of all ``scenes``.

    Measure by measure, the noisiest of them wins (a wet or podograph print
    compared with an ink print gets the larger threshold); a scene without a
    measurement (``unknown``) gives :data:`UNMEASURED`.
    """
    if any(s not in REPEATABILITY_BY_SCENE for s in scenes):
        return UNMEASURED
    reps = [REPEATABILITY_BY_SCENE[s] for s in dict.fromkeys(scenes)]
    if not reps:
        return REPEATABILITY_BY_SCENE["ink"]
    names = [f.name for f in fields(Repeatability) if f.name != "measured_on"]
    values = {n: max(getattr(r, n) for r in reps) for n in names}
    for r in reps:  # one of them is the noisiest in every measure: it, as it is
        if all(getattr(r, n) == values[n] for n in names):
            return r
    return Repeatability(**values, measured_on=" and ".join(r.measured_on for r in reps))


@dataclass(frozen=True)
class CompareParams:
    """Sampling of the comparison canvas."""

    canvas_mm_per_px: float = 0.5
    """Canvas pixel size [mm/px] when both prints have a scale."""
    margin_mm: float = 8.0
    """Border kept around both prints on the canvas [mm]."""
    contact_threshold: float = 0.5
    """Mask coverage (0..1) that counts as contact on the canvas."""
    intensity_percentile: float = 95.0
    """Each print's intensity is divided by this percentile inside its contact [%],
    so two photos under different light are on one relative scale."""
    refine_rotation: bool = True
    """Refine the rotation about the heel centre by registering the two contact
    masks (ECC, Euclidean); protects against a toe tip found on a different toe."""
    refine_mm_per_px: float = 1.0
    """Sampling of the masks for the refinement [mm/px]."""
    refine_blur_mm: float = 3.0
    """Gaussian blur of the masks before the refinement [mm]."""
    refine_max_deg: float = 15.0
    """Larger refinements are rejected as failures [deg]."""


#: (key, label, unit, format) of the measures compared, in display order.
MEASURES: tuple[tuple[str, str, str, str], ...] = (
    ("arch_index", "Arch index", "", ".3f"),
    ("chippaux_smirak", "Chippaux-Smirak index", "%", ".1f"),
    ("staheli", "Staheli index", "", ".2f"),
    ("clarke_angle_deg", "Clarke's angle", "deg", ".1f"),
    ("foot_length_mm", "Foot length", "mm", ".1f"),
    ("foot_width_mm", "Foot width", "mm", ".1f"),
    *((f"share_{r}", f"Share {r.replace('_', ' ')}", "%", ".1f") for r in REGIONS),
)
_LABELS = {k: (label, unit, fmt) for k, label, unit, fmt in MEASURES}


# --------------------------------------------------------------------------- #
# values of one foot
# --------------------------------------------------------------------------- #
def foot_values(foot: FootResult | Mapping[str, Any]) -> dict[str, float | None]:
    """The compared measures of one foot, from a :class:`FootResult` or a flat mapping.

    A mapping may be a batch row (``share_*`` keys) or a stored result with a
    ``region_shares`` dict.
    """
    out: dict[str, float | None] = {}
    if isinstance(foot, FootResult):
        for key, *_ in MEASURES:
            if key.startswith("share_"):
                stats = None if foot.pressure is None else foot.pressure.regions.get(key[6:])
                out[key] = None if stats is None else stats.share_pct
            else:
                out[key] = getattr(foot, key)
    else:
        shares = foot.get("region_shares") or {}
        for key, *_ in MEASURES:
            v = foot.get(key)
            if v is None and key.startswith("share_"):
                v = shares.get(key[6:])
            out[key] = v
    return {k: _finite(v) for k, v in out.items()}


def _finite(v: Any) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


# --------------------------------------------------------------------------- #
# change table and symmetry
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class IndexChange:
    """Change of one measure between two prints."""

    key: str
    label: str
    unit: str
    before: float | None
    after: float | None
    change: float | None
    repeatability: float | None
    exceeds: bool | None
    """True when ``|change| > repeatability``; None when it cannot be said."""


def index_changes(
    before: Mapping[str, float | None],
    after: Mapping[str, float | None],
    *,
    repeatability: Repeatability | None = None,
) -> list[IndexChange]:
    """One :class:`IndexChange` per measure of :data:`MEASURES` present in either."""
    rep = repeatability or Repeatability()
    rows = []
    for key, label, unit, _fmt in MEASURES:
        b, a = _finite(before.get(key)), _finite(after.get(key))
        if b is None and a is None:
            continue
        change = None if a is None or b is None else a - b
        thr = rep.threshold(key)
        exceeds = None if change is None or thr is None else bool(abs(change) > thr)
        rows.append(IndexChange(key, label, unit, b, a, change, thr, exceeds))
    return rows


def symmetry_index(left: float | None, right: float | None) -> float | None:
    """Symmetry index of Robinson et al. (1987) [%].

    ``SI = |L - R| / (0.5 (L + R)) x 100``; 0 % is perfect symmetry.

    Returns None when a value is missing or ``L + R <= 0`` (the index is meant
    for positive quantities).

    Examples
    --------
    >>> symmetry_index(0.24, 0.20)
    18.18181818181818
    """
    left_, right_ = _finite(left), _finite(right)
    if left_ is None or right_ is None or left_ + right_ <= 0:
        return None
    return abs(left_ - right_) / (0.5 * (left_ + right_)) * 100.0


@dataclass(frozen=True)
class SymmetryRow:
    """Left and right values of one measure and their symmetry index."""

    key: str
    label: str
    unit: str
    left: float | None
    right: float | None
    difference: float | None
    """Left minus right."""
    symmetry_index_pct: float | None


def symmetry_table(
    left: FootResult | Mapping[str, Any], right: FootResult | Mapping[str, Any]
) -> list[SymmetryRow]:
    """Left-vs-right rows for every measure present on either foot."""
    lv, rv = foot_values(left), foot_values(right)
    rows = []
    for key, label, unit, _fmt in MEASURES:
        lft, rgt = lv.get(key), rv.get(key)
        if lft is None and rgt is None:
            continue
        diff = None if lft is None or rgt is None else lft - rgt
        rows.append(SymmetryRow(key, label, unit, lft, rgt, diff, symmetry_index(lft, rgt)))
    return rows


# --------------------------------------------------------------------------- #
# alignment
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class FootView:
    """What the alignment needs of one analysed foot (plane pixels)."""

    side: str
    mm_per_px: float | None
    heel_xy: tuple[float, float]
    toe_xy: tuple[float, float]
    mask: np.ndarray
    intensity: np.ndarray
    foot: FootResult
    scene: str = "unknown"
    """Kind of print (``FootprintResult.scene``: ink, wet, podograph)."""

    @classmethod
    def from_analysis(cls, analysis: Analysis, foot: int = 0) -> FootView:
        """Foot ``foot`` (position in ``analysis.result.feet``) of an analysis."""
        try:
            res = analysis.result.feet[foot]
            arr = analysis.feet[foot]
        except IndexError as exc:
            raise CompareError(
                f"The print has {len(analysis.result.feet)} feet; there is no foot {foot}."
            ) from exc
        g = res.geometry
        return cls(
            side=res.side,
            mm_per_px=analysis.plane.mm_per_px,
            heel_xy=(float(g.heel_centre_plane[0]), float(g.heel_centre_plane[1])),
            toe_xy=(float(g.toe_tip_plane[0]), float(g.toe_tip_plane[1])),
            mask=np.asarray(arr.mask, dtype=np.float32),
            intensity=np.asarray(arr.intensity, dtype=np.float32),
            foot=res,
            scene=analysis.result.scene,
        )


@dataclass(frozen=True)
class Alignment:
    """Two prints on one canvas (see the module docstring for conventions)."""

    canvas_mm_per_px: float | None
    """Canvas pixel size [mm]; None when the canvas is in the first print's pixels."""
    shape: tuple[int, int]
    matrix_a: np.ndarray
    """(2, 3) affine, first print's plane (x, y) -> canvas (x, y)."""
    matrix_b: np.ndarray
    mask_a: np.ndarray
    mask_b: np.ndarray
    intensity_a: np.ndarray
    intensity_b: np.ndarray
    heel_canvas_xy: tuple[float, float]
    toe_a_canvas_xy: tuple[float, float]
    toe_b_canvas_xy: tuple[float, float]
    mirrored: tuple[bool, bool]
    scale_source: str
    """'rectified' (both prints have mm) or 'foot_axis' (matched heel-toe length)."""
    warnings: tuple[str, ...] = ()

    def to_canvas(self, which: str, pts_xy: Any) -> np.ndarray:
        """Map (K, 2) plane (x, y) points of print ``'a'`` or ``'b'`` to the canvas."""
        m = self.matrix_a if which == "a" else self.matrix_b
        pts = np.asarray(pts_xy, dtype=np.float64).reshape(-1, 2)
        return pts @ m[:, :2].T + m[:, 2]

    @property
    def toe_offset_mm(self) -> float | None:
        """Distance between the two toe tips on the canvas [mm] (length change + noise)."""
        if self.canvas_mm_per_px is None:
            return None
        d = np.subtract(self.toe_b_canvas_xy, self.toe_a_canvas_xy)
        return float(np.hypot(*d) * self.canvas_mm_per_px)


def _canonical(view: FootView, scale: float, mirror: bool) -> np.ndarray:
    """(2, 3) affine: plane (x, y) -> canonical units (x lateral/right, y down), heel at 0."""
    h = np.asarray(view.heel_xy, dtype=np.float64)
    d = np.asarray(view.toe_xy, dtype=np.float64) - h
    n = float(np.hypot(*d))
    if n <= 0:
        raise CompareError("The heel centre and toe tip of a print coincide; re-analyse it.")
    u = d / n
    right = np.array([-u[1], u[0]])
    # canonical x = (p - h) . right, y = -(p - h) . u: a proper rotation taking the
    # axis to (0, -1), i.e. toes up
    rot = np.vstack([right, -u])
    if mirror:
        rot[0] *= -1.0
    lin = rot * scale
    return np.hstack([lin, (-lin @ h).reshape(2, 1)])


def _mask_points(mask: np.ndarray) -> np.ndarray:
    cs, _ = cv2.findContours(
        (mask > 0.02).astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
    )
    if not cs:
        raise CompareError("A print has no contact area; re-analyse it.")
    return np.vstack([c.reshape(-1, 2) for c in cs]).astype(np.float64)


def _refine_rotation(
    mask_a: np.ndarray, mask_b: np.ndarray, unit_mm: float, p: CompareParams
) -> float | None:
    """Angle (radians) by which print b is rotated relative to print a, from ECC.

    Returns None when the registration fails or exceeds ``p.refine_max_deg``.
    """
    f = min(1.0, unit_mm / p.refine_mm_per_px)
    size = (max(8, round(mask_a.shape[1] * f)), max(8, round(mask_a.shape[0] * f)))
    sigma = max(p.refine_blur_mm / p.refine_mm_per_px, 0.5)
    ta = cv2.GaussianBlur(cv2.resize(mask_a, size, interpolation=cv2.INTER_AREA), (0, 0), sigma)
    tb = cv2.GaussianBlur(cv2.resize(mask_b, size, interpolation=cv2.INTER_AREA), (0, 0), sigma)
    warp = np.eye(2, 3, dtype=np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 200, 1e-6)
    try:
        _, warp = cv2.findTransformECC(ta, tb, warp, cv2.MOTION_EUCLIDEAN, criteria, None, 5)
    except cv2.error as exc:
        log.info("mask registration failed: %s", exc)
        return None
    theta = math.atan2(float(warp[1, 0]), float(warp[0, 0]))
    if abs(math.degrees(theta)) > p.refine_max_deg:
        log.info("mask registration rejected: %.1f deg", math.degrees(theta))
        return None
    return theta


def _normalise_intensity(intensity: np.ndarray, mask: np.ndarray, percentile: float) -> np.ndarray:
    inside = intensity[mask > 0.5]
    ref = float(np.percentile(inside, percentile)) if inside.size else 0.0
    if ref <= 0:
        return np.zeros_like(intensity, dtype=np.float32)
    return np.clip(intensity / ref, 0.0, 1.5).astype(np.float32) * (mask > 0.5)


def align(
    a: FootView,
    b: FootView,
    *,
    mirror_left: bool = False,
    params: CompareParams | None = None,
) -> Alignment:
    """Put two feet on one canvas, heel centres together and axes pointing up.

    Parameters
    ----------
    a, b : FootView
        The first (before / left) and second (after / right) foot.
    mirror_left : bool
        Mirror left feet (for left against right).
    params : CompareParams, optional
        Canvas sampling.
    """
    p = params or CompareParams()
    warnings_: list[str] = []
    la = float(np.hypot(*np.subtract(a.toe_xy, a.heel_xy)))
    lb = float(np.hypot(*np.subtract(b.toe_xy, b.heel_xy)))
    if a.mm_per_px and b.mm_per_px:
        res: float | None = p.canvas_mm_per_px
        sa, sb = a.mm_per_px / p.canvas_mm_per_px, b.mm_per_px / p.canvas_mm_per_px
        margin = p.margin_mm / p.canvas_mm_per_px
        scale_source = "rectified"
    else:
        res = None
        sa, sb = 1.0, la / lb
        margin = 0.04 * la
        scale_source = "foot_axis"
        warnings_.append(
            "At least one photo has no A4/Letter sheet or bank card, so the prints were "
            "scaled to the same heel-to-toe length; length and width changes are not shown."
        )
    ma = _canonical(a, sa, mirror_left and a.side == "left")
    mb = _canonical(b, sb, mirror_left and b.side == "left")
    pts = np.vstack(
        [
            _mask_points(a.mask) @ ma[:, :2].T + ma[:, 2],
            _mask_points(b.mask) @ mb[:, :2].T + mb[:, 2],
        ]
    )
    lo = pts.min(axis=0) - margin
    hi = pts.max(axis=0) + margin
    shift = -lo
    ma = ma.copy()
    mb = mb.copy()
    ma[:, 2] += shift
    mb[:, 2] += shift
    w = int(math.ceil(hi[0] - lo[0])) + 1
    h = int(math.ceil(hi[1] - lo[1])) + 1
    if w * h > 40_000_000:
        raise CompareError("The prints are too large to compare at this resolution.")

    def warp(img: np.ndarray, m: np.ndarray) -> np.ndarray:
        return cv2.warpAffine(
            img.astype(np.float32),
            m,
            (w, h),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=0,
        )

    mask_a, mask_b = warp(a.mask, ma), warp(b.mask, mb)
    heel_c = np.array(shift, dtype=np.float64)
    if p.refine_rotation:
        unit_mm = res if res is not None else 1.0
        theta = _refine_rotation(mask_a, mask_b, unit_mm, p)
        if theta is None:
            warnings_.append(
                "The outlines could not be registered; the prints are aligned on the heel "
                "centre and toe tip alone."
            )
        elif abs(theta) > 1e-6:
            c, s_ = math.cos(theta), math.sin(theta)
            rot = np.array([[c, -s_], [s_, c]])
            # rotate the second print about the common heel centre by -theta
            inv = rot.T
            mb = np.hstack([inv @ mb[:, :2], (inv @ (mb[:, 2] - heel_c) + heel_c).reshape(2, 1)])
            mask_b = warp(b.mask, mb)
            if abs(math.degrees(theta)) > 3.0:
                warnings_.append(
                    f"The foot axes of the two prints differed by {abs(math.degrees(theta)):.1f} "
                    "degrees after aligning on the toe tips; the outlines were used instead. "
                    "Check the toe tips on the overlay."
                )
    ia = warp(_normalise_intensity(a.intensity, a.mask, p.intensity_percentile), ma)
    ib = warp(_normalise_intensity(b.intensity, b.mask, p.intensity_percentile), mb)
    heel = tuple(float(v) for v in shift)
    toe_a = (np.asarray(a.toe_xy) @ ma[:, :2].T + ma[:, 2]).tolist()
    toe_b = (np.asarray(b.toe_xy) @ mb[:, :2].T + mb[:, 2]).tolist()
    return Alignment(
        canvas_mm_per_px=res,
        shape=(h, w),
        matrix_a=ma,
        matrix_b=mb,
        mask_a=mask_a,
        mask_b=mask_b,
        intensity_a=ia,
        intensity_b=ib,
        heel_canvas_xy=(heel[0], heel[1]),
        toe_a_canvas_xy=(float(toe_a[0]), float(toe_a[1])),
        toe_b_canvas_xy=(float(toe_b[0]), float(toe_b[1])),
        mirrored=(mirror_left and a.side == "left", mirror_left and b.side == "left"),
        scale_source=scale_source,
        warnings=tuple(warnings_),
    )


# --------------------------------------------------------------------------- #
# pictures
# --------------------------------------------------------------------------- #
#: Colours (RGB) of the pictures: first print, second print, both.
COLOUR_A = (200, 40, 160)
COLOUR_B = (30, 150, 60)
COLOUR_BOTH = (70, 70, 70)


def overlay_image(al: Alignment, *, threshold: float = 0.5) -> np.ndarray:
    """Both prints on white: first magenta, second green, both dark grey; heel and toes marked."""
    a = al.mask_a >= threshold
    b = al.mask_b >= threshold
    img = np.full((*al.shape, 3), 255, np.uint8)
    img[a & ~b] = COLOUR_A
    img[b & ~a] = COLOUR_B
    img[a & b] = COLOUR_BOTH
    _markers(img, al)
    return img


def _markers(img: np.ndarray, al: Alignment) -> None:
    r = max(3, round(min(al.shape) / 80))
    hx, hy = (round(v) for v in al.heel_canvas_xy)
    cv2.drawMarker(img, (hx, hy), (0, 0, 0), cv2.MARKER_CROSS, 4 * r, max(1, r // 2))
    for (x, y), col in ((al.toe_a_canvas_xy, COLOUR_A), (al.toe_b_canvas_xy, COLOUR_B)):
        cv2.circle(img, (round(x), round(y)), r, (0, 0, 0), -1, cv2.LINE_AA)
        cv2.circle(img, (round(x), round(y)), max(1, r - 2), col, -1, cv2.LINE_AA)
    cv2.line(
        img,
        (hx, hy),
        (round(al.toe_a_canvas_xy[0]), round(al.toe_a_canvas_xy[1])),
        (0, 0, 0),
        1,
        cv2.LINE_AA,
    )


def _diverging(values: np.ndarray, limit: float, valid: np.ndarray) -> np.ndarray:
    """Blue (negative) - white - red (positive) picture of ``values`` in [-limit, limit]."""
    t = np.clip(values / max(limit, 1e-9), -1.0, 1.0)
    pos = np.clip(t, 0, 1)[..., None]
    neg = np.clip(-t, 0, 1)[..., None]
    white = np.ones((*values.shape, 3), np.float32)
    red = np.array([0.80, 0.10, 0.10], np.float32)
    blue = np.array([0.10, 0.25, 0.80], np.float32)
    rgb = white * (1 - pos - neg) + red * pos + blue * neg
    out = (rgb * 255).astype(np.uint8)
    out[~valid] = (235, 235, 235)
    return out


def contact_difference(al: Alignment) -> np.ndarray:
    """Contact of the second print minus the first, -1..1 (float32)."""
    return (np.clip(al.mask_b, 0, 1) - np.clip(al.mask_a, 0, 1)).astype(np.float32)


def intensity_difference(al: Alignment, *, threshold: float = 0.5) -> np.ndarray:
    """Relative intensity of the second print minus the first where either has contact."""
    union = (al.mask_a >= threshold) | (al.mask_b >= threshold)
    return np.where(union, al.intensity_b - al.intensity_a, 0.0).astype(np.float32)


def contact_difference_image(al: Alignment, *, threshold: float = 0.5) -> np.ndarray:
    """Red: contact only in the second print; blue: only in the first; grey: both."""
    a = al.mask_a >= threshold
    b = al.mask_b >= threshold
    img = np.full((*al.shape, 3), 255, np.uint8)
    img[a & b] = (200, 200, 200)
    img[b & ~a] = (200, 30, 30)
    img[a & ~b] = (30, 70, 200)
    _markers(img, al)
    return img


def intensity_difference_image(
    al: Alignment, *, limit: float = 0.5, threshold: float = 0.5
) -> np.ndarray:
    """Red: more relative intensity in the second print, blue: less; saturates at ``limit``."""
    union = (al.mask_a >= threshold) | (al.mask_b >= threshold)
    return _diverging(intensity_difference(al, threshold=threshold), limit, union)


# --------------------------------------------------------------------------- #
# the comparison
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Comparison:
    """Two prints of the same foot compared."""

    alignment: Alignment
    changes: tuple[IndexChange, ...]
    overlay_rgb: np.ndarray
    contact_diff_rgb: np.ndarray
    intensity_diff_rgb: np.ndarray
    contact_gained_mm2: float | None
    contact_lost_mm2: float | None
    overlap_dice: float
    side: str
    warnings: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def exceeding(self) -> list[IndexChange]:
        """Changes larger than the method's repeatability."""
        return [c for c in self.changes if c.exceeds]


def compare_views(
    before: FootView,
    after: FootView,
    *,
    before_values: Mapping[str, Any] | None = None,
    after_values: Mapping[str, Any] | None = None,
    repeatability: Repeatability | None = None,
    params: CompareParams | None = None,
) -> Comparison:
    """Align two prints of the same foot and tabulate what changed.

    Raises
    ------
    CompareError
        The prints are of different feet.
    """
    if before.side != after.side:
        raise CompareError(
            f"These prints are of different feet ({before.side} and {after.side}). Compare prints "
            "of the same foot, or use Left vs right; correct a wrong side by re-analysing the "
            "photo with the side set."
        )
    p = params or CompareParams()
    al = align(before, after, params=p)
    bv = foot_values(before.foot) if before_values is None else foot_values(before_values)
    av = foot_values(after.foot) if after_values is None else foot_values(after_values)
    if al.scale_source != "rectified":
        for d in (bv, av):
            d["foot_length_mm"] = d["foot_width_mm"] = None
    rep = repeatability or repeatability_for(before.scene, after.scene)
    warnings = list(al.warnings)
    if rep.arch_index is None:
        warnings.append(
            "The method's repeatability is not measured for these prints "
            f"({before.scene}, {after.scene}), so no change is called beyond noise."
        )
    changes = index_changes(bv, av, repeatability=rep)
    a = al.mask_a >= p.contact_threshold
    b = al.mask_b >= p.contact_threshold
    inter, total = int((a & b).sum()), int(a.sum() + b.sum())
    dice = 2.0 * inter / total if total else 0.0
    px_mm2 = None if al.canvas_mm_per_px is None else al.canvas_mm_per_px**2
    return Comparison(
        alignment=al,
        changes=tuple(changes),
        overlay_rgb=overlay_image(al, threshold=p.contact_threshold),
        contact_diff_rgb=contact_difference_image(al, threshold=p.contact_threshold),
        intensity_diff_rgb=intensity_difference_image(al, threshold=p.contact_threshold),
        contact_gained_mm2=None if px_mm2 is None else float((b & ~a).sum() * px_mm2),
        contact_lost_mm2=None if px_mm2 is None else float((a & ~b).sum() * px_mm2),
        overlap_dice=round(dice, 4),
        side=before.side,
        warnings=tuple(warnings),
        meta={"repeatability_measured_on": rep.measured_on},
    )


def compare_prints(
    before: Analysis,
    after: Analysis,
    *,
    before_foot: int = 0,
    after_foot: int = 0,
    repeatability: Repeatability | None = None,
    params: CompareParams | None = None,
) -> Comparison:
    """:func:`compare_views` of foot ``before_foot`` / ``after_foot`` of two analyses."""
    return compare_views(
        FootView.from_analysis(before, before_foot),
        FootView.from_analysis(after, after_foot),
        repeatability=repeatability,
        params=params,
    )


def left_right(
    left: FootView, right: FootView, *, params: CompareParams | None = None
) -> tuple[Alignment, list[SymmetryRow]]:
    """Left foot mirrored onto the right one, and the symmetry table."""
    if left.side != "left" or right.side != "right":
        raise CompareError(
            f"Left vs right needs one left and one right foot; got {left.side} and {right.side}."
        )
    return align(left, right, mirror_left=True, params=params), symmetry_table(
        left.foot, right.foot
    )


# --------------------------------------------------------------------------- #
# PDF
# --------------------------------------------------------------------------- #
def format_value(key: str, value: float | None, *, signed: bool = False) -> str:
    """A measure's value with its unit (``-`` when missing)."""
    if value is None:
        return "-"
    _label, unit, fmt = _LABELS.get(key, (key, "", ".3g"))
    text = f"{value:{'+' if signed else ''}{fmt}}"
    return f"{text} {unit}".rstrip() if unit and unit != "%" else text + unit


def _latin1(text: str) -> str:
    return str(text).encode("latin-1", "replace").decode("latin-1")


def comparison_pdf(
    comparison: Comparison,
    *,
    before_label: str,
    after_label: str,
    patient_code: str | None = None,
    title: str = "Footprint comparison",
) -> bytes:
    """A one- or two-page PDF of a comparison: pictures, change table, notes.

    Images are re-encoded from arrays (no EXIF). Only the pseudonymous patient
    code is printed, never the name.
    """
    from fpdf import FPDF
    from PIL import Image

    from footprint import __version__
    from footprint.advice import DISCLAIMER

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    lines = [
        f"Patient: {patient_code}" if patient_code else None,
        f"Foot: {comparison.side}",
        f"Before: {before_label}   (magenta)",
        f"After: {after_label}   (green)",
        f"Contact overlap (Dice): {comparison.overlap_dice:.3f}",
    ]
    al = comparison.alignment
    if al.toe_offset_mm is not None:
        lines.append(f"Toe tips apart after aligning the heels: {al.toe_offset_mm:.1f} mm")
    for line in filter(None, lines):
        pdf.cell(0, 5.5, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pics = [
        ("Overlay", comparison.overlay_rgb),
        ("Contact: red gained, blue lost", comparison.contact_diff_rgb),
        ("Intensity: red more, blue less", comparison.intensity_diff_rgb),
    ]
    col_w = (pdf.w - pdf.l_margin - pdf.r_margin - 8) / 3
    y0 = pdf.get_y()
    max_h = 0.0
    for k, (caption, rgb) in enumerate(pics):
        img = Image.fromarray(np.ascontiguousarray(rgb))
        img.thumbnail((900, 900))
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        h = col_w * img.height / img.width
        h = min(h, 120.0)
        w = h * img.width / img.height
        x = pdf.l_margin + k * (col_w + 4)
        pdf.image(buf, x=x, y=y0, w=w, h=h)
        pdf.set_xy(x, y0 + h + 1)
        pdf.set_font("Helvetica", "", 8)
        pdf.multi_cell(col_w, 4, _latin1(caption))
        max_h = max(max_h, h + 6)
    pdf.set_xy(pdf.l_margin, y0 + max_h + 2)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, "Changes", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    with pdf.table(col_widths=(44, 26, 26, 26, 28, 30), text_align="LEFT") as table:
        table.row(["Measure", "Before", "After", "Change", "Repeatability", "Beyond noise?"])
        for c in comparison.changes:
            beyond = "-" if c.exceeds is None else ("yes" if c.exceeds else "no")
            table.row(
                [
                    _latin1(c.label),
                    format_value(c.key, c.before),
                    format_value(c.key, c.after),
                    format_value(c.key, c.change, signed=True),
                    format_value(c.key, c.repeatability),
                    beyond,
                ]
            )
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 8)
    notes = list(comparison.warnings) + [
        "Prints are aligned on the heel centre and the foot axis (heel centre to second-toe "
        "tip) at the scale measured from the reference in each photo. A change counts as "
        "beyond noise when it is larger than the method's repeatability, measured on "
        f"{comparison.meta.get('repeatability_measured_on', 'repeated photos')} "
        "(docs/accuracy.md).",
        "Intensity is relative contact intensity (not pressure in kPa), each print scaled to "
        "its own 95th percentile.",
        DISCLAIMER,
        f"footprint {__version__}; made {datetime.now(timezone.utc).isoformat(timespec='seconds')}",
    ]
    for n in notes:
        pdf.multi_cell(0, 4, _latin1(n), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    return bytes(pdf.output())


def changes_as_rows(changes: Sequence[IndexChange]) -> list[dict[str, Any]]:
    """Display rows (strings) of a change table."""
    return [
        {
            "Measure": c.label,
            "Before": format_value(c.key, c.before),
            "After": format_value(c.key, c.after),
            "Change": format_value(c.key, c.change, signed=True),
            "Repeatability": format_value(c.key, c.repeatability),
            "Beyond noise": "-" if c.exceeds is None else ("yes" if c.exceeds else "no"),
        }
        for c in changes
    ]

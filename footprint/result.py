"""Result objects: frozen, JSON-serialisable, with provenance.

One :class:`FootprintResult` per analysed photo, holding one :class:`FootResult`
per foot found. :meth:`FootprintResult.to_records` flattens it to the batch
result contract (one dict per foot; see ``docs/schema.md``).

Conventions
-----------
* Lengths ending ``_mm`` are millimetres and are ``None`` without a scale
  reference; lengths ending ``_px`` are pixels of the analysed plane.
* Points are ``(x, y)`` pairs. ``*_plane`` points are in the rectified plane
  image, ``centroid_x``/``centroid_y`` are in the input image after EXIF
  orientation, at full resolution.
* No NaN or infinity is ever stored: missing values are ``None``. A result
  built with a non-finite number (from any code path) holds ``None`` there
  instead (0, the lowest, for the ``quality`` and ``side_confidence`` scores),
  logs a warning and says so in its ``warnings`` (see :func:`non_finite_to_none`).
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any

log = logging.getLogger(__name__)

Point = tuple[float, float]

#: Region names of the pressure map, in display order.
REGIONS: tuple[str, ...] = (
    "heel",
    "midfoot",
    "forefoot_medial",
    "forefoot_lateral",
    "hallux",
    "toes",
)


def clean_float(value: float | None, ndigits: int = 6) -> float | None:
    """Return ``value`` rounded, or ``None`` when it is missing, NaN or infinite."""
    if value is None:
        return None
    value = float(value)
    if not math.isfinite(value):
        log.warning("A measurement came out as %s and is left empty.", value)
        return None
    return round(value, ndigits)


def _bad(value: Any) -> bool:
    """True for a float (or numpy scalar) that is NaN or infinite."""
    if value is None or isinstance(value, (str, bool, int)):
        return False
    if isinstance(value, float) or hasattr(value, "dtype"):
        try:
            return not math.isfinite(value)
        except TypeError:  # an array, not a scalar
            return False
    return False


def _nested_bad(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return any(_nested_bad(v) for v in value)
    return _bad(value)


def non_finite_to_none(obj: Any, names: tuple[str, ...], prefix: str = "") -> list[str]:
    """Set every field of ``obj`` in ``names`` that holds NaN/infinity (also inside
    tuples of points) to ``None``; return the dotted names that were changed.

    Works on frozen dataclasses (it is called from their ``__post_init__``).
    """
    changed = []
    for name in names:
        if _nested_bad(getattr(obj, name)):
            object.__setattr__(obj, name, None)
            changed.append(prefix + name)
    return changed


#: Scores whose non-finite value becomes 0 (the lowest), not None: a quality or
#: a confidence that cannot be computed is no quality or confidence.
ZERO_IF_NOT_FINITE: tuple[str, ...] = ("quality", "side_confidence")


def _scores_to_zero(obj: Any, names: tuple[str, ...]) -> list[str]:
    changed = []
    for name in names:
        if _bad(getattr(obj, name)):
            object.__setattr__(obj, name, 0.0)
            changed.append(name)
    if changed:
        log.warning("Non-finite scores set to 0: %s", ", ".join(changed))
    return [
        f"The {n.replace('_', ' ')} could not be computed (not finite) and is set to 0, the lowest."
        for n in changed
    ]


def _non_finite_warning(names: list[str]) -> str:
    log.warning("Non-finite values left empty: %s", ", ".join(names))
    return (
        "Some numbers could not be computed (not finite) and are left empty: "
        + ", ".join(names)
        + "."
    )


@dataclass(frozen=True)
class RegionStats:
    """Contact-intensity statistics of one anatomical region."""

    share_pct: float | None
    mean: float | None
    peak: float | None
    area_px: float
    area_mm2: float | None


@dataclass(frozen=True)
class PressureResult:
    """Relative contact intensity (not kPa) summarised over regions.

    ``cop_along`` runs 0 (back of heel) to 1 (tip of the longest toe) along the
    foot axis; ``cop_across`` is signed, medial negative, as a fraction of foot width.
    """

    regions: dict[str, RegionStats]
    balance_medial_lateral: float | None
    balance_fore_rear: float | None
    cop_along: float | None
    cop_across: float | None
    cop_plane: Point | None
    arch_index_weighted: float | None


@dataclass(frozen=True)
class FootGeometry:
    """Landmarks of one foot in the rectified plane (x, y pixels)."""

    outline_plane: tuple[Point, ...]
    toes_outline_plane: tuple[tuple[Point, ...], ...]
    heel_centre_plane: Point
    toe_tip_plane: Point
    heel_back_plane: Point
    sole_front_plane: Point
    third_lines_plane: tuple[tuple[Point, Point], ...]
    clarke_points_plane: tuple[Point, ...] | None
    #: contours of a faint midfoot traced from the arch gap's darkness
    #: (:mod:`footprint.midfoot`); part of ``outline_plane``; empty when none
    traced_outline_plane: tuple[tuple[Point, ...], ...] = ()
    #: contours of the sole's further pieces, when it printed in more than one
    #: (the heel and the ball of a high arch, apart); ``outline_plane`` is the
    #: largest; empty when the sole is one piece
    sole_pieces_plane: tuple[tuple[Point, ...], ...] = ()


@dataclass(frozen=True)
class FootResult:
    """Measurements of one foot."""

    index: int
    side: str
    side_confidence: float
    side_source: str
    axis_source: str
    arch_index: float | None
    arch_type: str | None
    chippaux_smirak: float | None
    csi_type: str | None
    staheli: float | None
    staheli_type: str | None
    clarke_angle_deg: float | None
    clarke_type: str | None
    foot_length_px: float | None
    foot_width_px: float | None
    foot_length_mm: float | None
    foot_width_mm: float | None
    centroid_x: float | None
    centroid_y: float | None
    quality: float
    warnings: tuple[str, ...]
    geometry: FootGeometry
    pressure: PressureResult | None = None

    def __post_init__(self) -> None:
        zero_notes = _scores_to_zero(self, ZERO_IF_NOT_FINITE)
        floats = tuple(
            f.name for f in fields(self) if f.name not in ("geometry", "pressure", "warnings")
        )
        changed = non_finite_to_none(self, floats)
        changed += non_finite_to_none(self.geometry, ("clarke_points_plane",), "geometry.")
        p = self.pressure
        if p is not None:
            changed += non_finite_to_none(
                p, tuple(f.name for f in fields(p) if f.name != "regions"), "pressure."
            )
            for region, stats in p.regions.items():
                changed += non_finite_to_none(
                    stats, tuple(f.name for f in fields(stats)), f"pressure.{region}."
                )
        notes = zero_notes + ([_non_finite_warning(changed)] if changed else [])
        # required landmarks stay (drawings need them); JSON and exports write null
        lost = [
            f"geometry.{f.name}"
            for f in fields(self.geometry)
            if _nested_bad(getattr(self.geometry, f.name))
        ]
        if lost:
            log.warning("Non-finite landmark coordinates: %s", ", ".join(lost))
            notes.append(
                "Some landmark positions could not be computed (not finite): "
                + ", ".join(lost)
                + "; exports write them as empty."
            )
        notes = [n for n in notes if n not in self.warnings]  # rebuilt by replace()
        if notes:
            object.__setattr__(self, "warnings", (*self.warnings, *notes))


@dataclass(frozen=True)
class Provenance:
    """Where a result came from: enough to reproduce or audit it."""

    package_version: str
    input_sha256: str
    params: dict[str, Any]
    analysed_at: str
    duration_ms: float
    opencv_version: str
    numpy_version: str


@dataclass(frozen=True)
class FootprintResult:
    """Everything measured on one photo."""

    source: str
    image_width: int
    image_height: int
    scene: str
    scale_source: str
    mm_per_px: float | None
    reference_corners: tuple[Point, ...] | None
    paper_corners: tuple[Point, ...] | None
    floor_lines: tuple[tuple[float, float, float, float], ...] | None
    plane_to_image: tuple[tuple[float, ...], ...] | None
    feet: tuple[FootResult, ...]
    quality: float
    warnings: tuple[str, ...]
    provenance: Provenance
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        notes = _scores_to_zero(self, ("quality",))
        changed = non_finite_to_none(
            self,
            ("mm_per_px", "reference_corners", "paper_corners", "floor_lines", "plane_to_image"),
        )
        notes += [_non_finite_warning(changed)] if changed else []
        notes = [n for n in notes if n not in self.warnings]
        if notes:
            object.__setattr__(self, "warnings", (*self.warnings, *notes))

    # -- serialisation -------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain ``dict`` of JSON types (tuples become lists)."""
        return _jsonable(asdict(self))

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), allow_nan=False, **kwargs)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FootprintResult:
        """Rebuild a result from :meth:`to_dict` output."""
        feet = []
        for f in data["feet"]:
            f = dict(f)
            g = dict(f["geometry"])
            geometry = FootGeometry(
                outline_plane=tuple(tuple(p) for p in g["outline_plane"]),
                toes_outline_plane=tuple(
                    tuple(tuple(p) for p in t) for t in g["toes_outline_plane"]
                ),
                heel_centre_plane=tuple(g["heel_centre_plane"]),
                toe_tip_plane=tuple(g["toe_tip_plane"]),
                heel_back_plane=tuple(g["heel_back_plane"]),
                sole_front_plane=tuple(g["sole_front_plane"]),
                third_lines_plane=tuple((tuple(a), tuple(b)) for a, b in g["third_lines_plane"]),
                clarke_points_plane=(
                    None
                    if g.get("clarke_points_plane") is None
                    else tuple(tuple(p) for p in g["clarke_points_plane"])
                ),
                traced_outline_plane=tuple(
                    tuple(tuple(p) for p in t) for t in g.get("traced_outline_plane", ())
                ),
                sole_pieces_plane=tuple(
                    tuple(tuple(p) for p in t) for t in g.get("sole_pieces_plane", ())
                ),
            )
            pressure = None
            if f.get("pressure") is not None:
                p = dict(f["pressure"])
                p["regions"] = {k: RegionStats(**v) for k, v in p["regions"].items()}
                p["cop_plane"] = None if p["cop_plane"] is None else tuple(p["cop_plane"])
                pressure = PressureResult(**p)
            f["geometry"] = geometry
            f["pressure"] = pressure
            f["warnings"] = tuple(f["warnings"])
            feet.append(FootResult(**f))
        d = dict(data)
        d["feet"] = tuple(feet)
        d["warnings"] = tuple(d["warnings"])
        d["provenance"] = Provenance(**d["provenance"])
        d.setdefault("paper_corners", None)  # results stored before they existed
        d.setdefault("floor_lines", None)
        for key in ("reference_corners", "paper_corners", "floor_lines"):
            if d.get(key) is not None:
                d[key] = tuple(tuple(p) for p in d[key])
        if d.get("plane_to_image") is not None:
            d["plane_to_image"] = tuple(tuple(r) for r in d["plane_to_image"])
        return cls(**d)

    def to_records(self, file: str | None = None) -> list[dict[str, Any]]:
        """Flat rows of the batch result contract, one per foot."""
        return [foot_record(self, foot, file=file) for foot in self.feet]


#: Columns of the batch result contract, in output order.
RECORD_COLUMNS: tuple[str, ...] = (
    "file",
    "foot",
    "status",
    "error",
    "error_code",
    "side",
    "arch_index",
    "arch_type",
    "chippaux_smirak",
    "csi_type",
    "staheli",
    "staheli_type",
    "clarke_angle_deg",
    "clarke_type",
    "foot_length_mm",
    "foot_width_mm",
    "foot_length_px",
    "foot_width_px",
    "scale_source",
    "scene",
    "centroid_x",
    "centroid_y",
    "quality",
    "axis_source",
    *(f"share_{r}" for r in REGIONS),
    "balance_medial_lateral",
    "balance_fore_rear",
    "cop_along",
    "cop_across",
    "arch_index_weighted",
    "warnings",
    "sha256",
    "package_version",
    "cutoffs",
)


def foot_record(
    result: FootprintResult, foot: FootResult, *, file: str | None = None
) -> dict[str, Any]:
    """One batch row for ``foot`` of ``result``."""
    row: dict[str, Any] = dict.fromkeys(RECORD_COLUMNS)
    row.update(
        file=file if file is not None else result.source,
        foot=foot.index,
        status="ok",
        error="",
        error_code="",
        side=foot.side,
        arch_index=foot.arch_index,
        arch_type=foot.arch_type,
        chippaux_smirak=foot.chippaux_smirak,
        csi_type=foot.csi_type,
        staheli=foot.staheli,
        staheli_type=foot.staheli_type,
        clarke_angle_deg=foot.clarke_angle_deg,
        clarke_type=foot.clarke_type,
        foot_length_mm=foot.foot_length_mm,
        foot_width_mm=foot.foot_width_mm,
        foot_length_px=foot.foot_length_px,
        foot_width_px=foot.foot_width_px,
        scale_source=result.scale_source,
        scene=result.scene,
        centroid_x=foot.centroid_x,
        centroid_y=foot.centroid_y,
        quality=foot.quality,
        axis_source=foot.axis_source,
        warnings=" | ".join(foot.warnings + result.warnings),
        sha256=result.provenance.input_sha256,
        package_version=result.provenance.package_version,
        cutoffs=result.provenance.params.get("cutoffs"),
    )
    if foot.pressure is not None:
        p = foot.pressure
        for r in REGIONS:
            stats = p.regions.get(r)
            row[f"share_{r}"] = None if stats is None else stats.share_pct
        row.update(
            balance_medial_lateral=p.balance_medial_lateral,
            balance_fore_rear=p.balance_fore_rear,
            cop_along=p.cop_along,
            cop_across=p.cop_across,
            arch_index_weighted=p.arch_index_weighted,
        )
    return row


def error_record(file: str, exc: BaseException, *, sha256: str | None = None) -> dict[str, Any]:
    """The single batch row written for a file that could not be analysed."""
    from footprint import __version__
    from footprint.errors import FootprintError

    row: dict[str, Any] = dict.fromkeys(RECORD_COLUMNS)
    code = exc.code if isinstance(exc, FootprintError) else "internal"
    msg = str(exc) if isinstance(exc, FootprintError) else f"{type(exc).__name__}: {exc}"
    row.update(
        file=file,
        foot=0,
        status="error",
        error=msg,
        error_code=code,
        sha256=sha256,
        package_version=__version__,
    )
    return row


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, float):
        return clean_float(obj, 9)
    if hasattr(obj, "item") and callable(obj.item):  # numpy scalar
        return _jsonable(obj.item())
    return obj

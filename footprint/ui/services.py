"""Cached calls into the library for the Streamlit pages.

Analyses are cached by the photo's SHA-256 plus the options (the photo bytes
themselves are passed unhashed), so re-running the page, switching tabs or
changing a display setting never re-analyses a photo.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import streamlit as st

from footprint import advice, render, report
from footprint.io import strip_metadata
from footprint.pipeline import Analysis, analyse_detailed

log = logging.getLogger(__name__)

#: File types the uploader accepts (HEIC/HEIF through pillow-heif).
UPLOAD_TYPES: tuple[str, ...] = (
    "jpg",
    "jpeg",
    "png",
    "webp",
    "heic",
    "heif",
    "tif",
    "tiff",
    "bmp",
)

#: Folder of small sample photos shipped with the project.
SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_images"


@dataclass(frozen=True)
class Options:
    """Everything besides the photo that changes an analysis."""

    cutoffs: str = "adult"
    sensitivity: float = 0.0
    side_overrides: tuple[tuple[int, str], ...] = ()
    corners_xy: tuple[tuple[float, float], ...] | None = None
    reference_kind: str | None = None
    min_quality: float | None = None
    """None: the analysis default; 0 measures even a faint or unclear print."""
    second_look: bool = False
    """Look again for a print partly lighter than the floor (``SegmentParams.second_look``)."""
    paper_perspective: bool = True
    """Without a sheet, the perspective from the paper (``RectifyParams.paper_perspective``)."""
    floor_lines_perspective: bool = True
    """Without a sheet or paper, the perspective from the floor's lines
    (``RectifyParams.floor_lines_perspective``)."""

    def key(self) -> str:
        """A stable cache key."""
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments of :func:`footprint.pipeline.analyse_detailed`."""
        kw: dict[str, Any] = {"cutoffs": self.cutoffs, "sensitivity": float(self.sensitivity)}
        if self.side_overrides:
            kw["side_overrides"] = dict(self.side_overrides)
        if self.corners_xy is not None and self.reference_kind:
            kw["corners_xy"] = np.asarray(self.corners_xy, dtype=np.float64)
            kw["reference_kind"] = self.reference_kind
        if self.min_quality is not None:
            kw["min_quality"] = float(self.min_quality)
        if self.second_look:
            kw["second_look"] = True
        if not self.paper_perspective:
            kw["paper_perspective"] = False
        if not self.floor_lines_perspective:
            kw["floor_lines_perspective"] = False
        return kw


@dataclass(frozen=True)
class Photo:
    """An uploaded photo: its bytes, name and SHA-256."""

    data: bytes = field(repr=False)
    name: str
    sha256: str

    @classmethod
    def from_bytes(cls, data: bytes, name: str) -> Photo:
        return cls(data, name, hashlib.sha256(data).hexdigest())


@st.cache_data(max_entries=24, show_spinner=False)
def analyse(sha256: str, name: str, options_key: str, _data: bytes, _options: Options) -> Analysis:
    """:func:`footprint.pipeline.analyse_detailed`, cached by hash and options."""
    del sha256, options_key  # cache key only
    source = io.BytesIO(_data)
    source.name = name  # error messages name the user's file
    return analyse_detailed(source, name=name, **_options.kwargs())


@st.cache_data(max_entries=24, show_spinner=False)
def pictures(sha256: str, options_key: str, feet_key: str, _analysis: Analysis) -> dict[str, Any]:
    """Overlay on the photo, overlay on the rectified plane, and one heat map per foot."""
    del sha256, options_key, feet_key
    heat: list[np.ndarray | None] = []
    for i in range(len(_analysis.result.feet)):
        try:
            heat.append(render.heatmap(_analysis, i, target_height_px=560))
        except ValueError as exc:
            log.info("no heat map for foot %d: %s", i, exc)
            heat.append(None)
    photo = render.overlay_on_photo(_analysis, target_long_px=1100)
    plane = render.overlay(_analysis, target_long_px=1000, panel=False)
    return {
        "plane": plane,
        "heat": heat,
        # encoded once here (fast OpenCV encoders) so st.image only serves bytes
        "photo_jpeg": _encode(photo, ".jpg"),
        "plane_png": _encode(plane, ".png"),
        "heat_png": [None if h is None else _encode(h, ".png") for h in heat],
    }


def _encode(rgb: np.ndarray, suffix: str) -> bytes:
    """Encode without metadata; PNG at low compression and JPEG q88 keep it fast."""
    flags = [cv2.IMWRITE_PNG_COMPRESSION, 1] if suffix == ".png" else [cv2.IMWRITE_JPEG_QUALITY, 88]
    ok, buf = cv2.imencode(suffix, cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), flags)
    if not ok:  # pragma: no cover - OpenCV always encodes uint8 RGB
        raise ValueError(f"could not encode a {suffix} image")
    return buf.tobytes()


def select_feet(analysis: Analysis, keep: list[int] | None) -> Analysis:
    """An analysis with only the feet at positions ``keep`` (all when None)."""
    if keep is None:
        return analysis
    result = dataclasses.replace(analysis.result, feet=tuple(analysis.result.feet[i] for i in keep))
    return dataclasses.replace(analysis, result=result, feet=tuple(analysis.feet[i] for i in keep))


def pdf_bytes(analysis: Analysis, cutoffs: str, pics: dict[str, Any]) -> bytes:
    """The PDF report (built only when the user downloads it)."""
    heat = [h for h in pics["heat"] if h is not None]
    return report.pdf_report(
        analysis,
        preset=cutoffs,
        suggestions=advice.suggest(analysis.result, cutoffs),
        overlay_rgb=pics["plane"],
        heatmaps=heat,
    )


def clean_photo(data: bytes) -> tuple[bytes, str]:
    """The photo re-encoded without EXIF/GPS (for anything that leaves the app)."""
    return strip_metadata(data)


def sample_files() -> list[Path]:
    """Sample photos shipped in ``sample_images/`` (may be empty)."""
    if not SAMPLE_DIR.is_dir():
        return []
    return sorted(
        p
        for p in SAMPLE_DIR.iterdir()
        if p.suffix.lower() in {".jpg", ".jpeg", ".png", ".webp"} and p.stat().st_size < 5e6
    )

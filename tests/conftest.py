"""Shared fixtures: photos of prints made deterministically, and their analyses."""

from __future__ import annotations

import io
import math
import re
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image

#: The longest test files, longest first, with their seconds on 2 cores
#: (``--durations=0`` of the whole run, setup + call + teardown). ``./run.sh test``
#: hands whole files to the workers in collection order
#: (``--dist loadfile --no-loadscope-reorder``): starting the long ones first and
#: ending on short ones keeps both workers busy to the end. Only the order of the
#: run depends on these figures, never a result.
LONG_FILES_SECONDS = {
    "test_batch.py": 101,
    "test_pipeline.py": 57,
    "test_rectify.py": 55,
    "test_anatomy.py": 43,
    "test_e2e_clinic.py": 39,
    "test_e2e_browser.py": 39,
    "test_network.py": 37,
    "test_app.py": 29,
    "test_fuzz.py": 28,
    "test_synth.py": 21,
    "test_merged_toes.py": 20,
    "test_clinic_pages.py": 18,
    "test_polarity_retry.py": 17,
    "test_segment_grid.py": 14,
    "test_midfoot.py": 10,
    "test_store_faults.py": 10,
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the long test files first (stable: other files keep their order)."""
    items.sort(key=lambda item: -LONG_FILES_SECONDS.get(item.path.name, 0))


#: Horizontal stretch of the drawn prints (see :func:`drawn_print_rgb`).
DRAWN_STRETCH = 1.35


def _draw_sole(mask: np.ndarray, cx: int, cy: int, isthmus_px: int) -> None:
    """A right-foot-like print (toes up, medial left) drawn into ``mask``."""
    cv2.ellipse(mask, (cx, cy + 170), (45, 55), 0, 0, 360, 255, -1)  # heel
    cv2.ellipse(mask, (cx + 5, cy - 90), (60, 70), 0, 0, 360, 255, -1)  # ball
    lat = cx + 45
    band = np.array(
        [
            [lat - isthmus_px, cy + 170],
            [lat, cy + 170],
            [lat + 15, cy - 90],
            [lat + 15 - isthmus_px, cy - 90],
        ],
        np.int32,
    )
    cv2.fillConvexPoly(mask, band, 255)
    for k, (dx, r) in enumerate([(-40, 21), (-8, 13), (16, 12), (36, 11), (54, 10)]):
        cv2.circle(mask, (cx + dx, cy - 190 + (0 if k < 2 else 6 * k)), r, 255, -1)


def drawn_print_rgb(*, two_feet: bool = True, seed: int = 0) -> np.ndarray:
    """A wet-print-like RGB image: dark, textured prints on light paper."""
    h, w = 640, 560
    mask = np.zeros((h, w), np.uint8)
    _draw_sole(mask, 170 if two_feet else 280, 300, 30)
    if two_feet:
        other = np.zeros_like(mask)
        _draw_sole(other, w - 390, 300, 80)
        mask = np.maximum(mask, cv2.flip(other, 1))  # mirrored: a left foot
    # drawn too narrow for a foot (0.28 as wide as long): stretched across to
    # 0.37, as real feet are; a uniform stretch keeps every area and width ratio
    mask = cv2.resize(mask, (round(w * DRAWN_STRETCH), h), interpolation=cv2.INTER_LINEAR)
    h, w = mask.shape
    mask = cv2.GaussianBlur(mask, (7, 7), 2)
    rng = np.random.default_rng(seed)
    dark = (mask / 255.0) * (0.6 + 0.4 * rng.random((h, w)))
    paper = np.full((h, w, 3), (236, 232, 224), np.float64)
    return (paper * (1 - 0.75 * dark[..., None])).astype(np.uint8)


def reference_in_photo(seed: int, scene: str, reference: str, size=(2016, 1512)):  # noqa: ANN201
    """A generated photo, loaded as the pipeline loads it, and the reference found in it.

    Returns ``(photo, loaded, ref, corner_error_px)``: the worst distance from
    a found corner to the nearest true one, in work pixels (None without a
    reference found).
    """
    from footprint import synth
    from footprint.io import load_image
    from footprint.params import Params
    from footprint.rectify import find_reference

    params = Params()
    photo = synth.render_photo(seed, scene=scene, reference=reference, size=size)
    loaded = load_image(photo.jpeg, params.load)
    ref = find_reference(loaded.rgb, params.rectify)
    error = None
    if ref is not None and photo.reference_corners_xy is not None:
        truth = (np.asarray(photo.reference_corners_xy) + 0.5) / loaded.scale - 0.5
        error = float(np.linalg.norm(ref.corners_xy[:, None] - truth[None], axis=2).min(1).max())
    return photo, loaded, ref, error


def both_feet_measured(seed: int, scene: str, reference: str, size=(2016, 1512)):  # noqa: ANN201
    """A generated photo of two feet, analysed: both sides must be measured.

    Returns ``(photo, pairs)``, ``pairs`` the measured feet with their truths
    as ``(FootResult, FootTruth)``, matched by side.
    """
    from footprint import pipeline, synth

    photo = synth.render_photo(seed, scene=scene, reference=reference, size=size)
    truths = {t.side: t for t in photo.feet}
    assert sorted(truths) == ["left", "right"]  # the premise: two feet
    result = pipeline.analyse(photo.jpeg)
    assert sorted(f.side for f in result.feet) == ["left", "right"]
    return photo, [(foot, truths[foot.side]) for foot in result.feet]


def encode(rgb: np.ndarray, fmt: str = "JPEG") -> bytes:
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, format=fmt, quality=92)
    return out.getvalue()


@pytest.fixture(scope="session")
def print_jpeg() -> bytes:
    """JPEG bytes of a photo with two prints (no scale reference)."""
    return encode(drawn_print_rgb())


@pytest.fixture(scope="session")
def analysis(print_jpeg: bytes):  # noqa: ANN201 - footprint.pipeline.Analysis
    """The real pipeline's detailed analysis of :func:`print_jpeg`."""
    from footprint.pipeline import analyse_detailed

    return analyse_detailed(print_jpeg, name="print.jpg")


def page_texts(at) -> str:  # noqa: ANN001 - streamlit.testing.v1.AppTest
    """All text an AppTest page shows in markdown, captions and alerts, one per line."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.info] + [e.value for e in at.success]
    parts += [e.value for e in at.warning] + [e.value for e in at.error]
    return "\n".join(str(p) for p in parts)


def pdf_text(data: bytes) -> str:
    """Text of every (Flate-)compressed content stream of a PDF, decoded as Latin-1,
    with the PDF string escapes of parentheses and backslashes undone."""
    out = []
    # the end-of-line before "endstream" is not stripped by the pattern: a
    # compressed stream may itself end in a carriage return (one in 256 does;
    # the report's timestamp changes the bytes every run). The decompressor
    # stops at the stream's own end and leaves that end-of-line unused.
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        chunk = m.group(1)
        try:
            chunk = zlib.decompressobj().decompress(chunk)
        except zlib.error:
            chunk = chunk.removesuffix(b"\n").removesuffix(b"\r")
        out.append(chunk.decode("latin-1"))
    text = "\n".join(out)
    return text.replace("\\(", "(").replace("\\)", ")").replace("\\\\", "\\")


def non_finite(obj: object, path: str = "") -> list[str]:
    """Paths of every NaN or infinite float inside dicts, lists and tuples."""
    if isinstance(obj, dict):
        return [p for k, v in obj.items() for p in non_finite(v, f"{path}.{k}")]
    if isinstance(obj, (list, tuple)):
        return [p for i, v in enumerate(obj) for p in non_finite(v, f"{path}[{i}]")]
    if isinstance(obj, float) and not math.isfinite(obj):
        return [path]
    return []


@pytest.fixture
def server_address():  # noqa: ANN201
    """Set Streamlit's server.address for one test (restored afterwards); starts at
    localhost, where the clinic pages need no login."""
    from streamlit import config as st_config

    before = st_config.get_option("server.address")

    def set_(value: str | None) -> None:
        st_config.set_option("server.address", value)

    set_("localhost")
    yield set_
    st_config.set_option("server.address", before)


@pytest.fixture
def clinic_data_dir(tmp_path, monkeypatch: pytest.MonkeyPatch, server_address):  # noqa: ANN001, ANN201
    """A fresh records folder for the clinic pages: default SQLite database inside it,
    no password or login requirement from the environment, served on localhost."""
    from footprint.store import ENV_DATA_DIR, ENV_DB_URL
    from footprint.ui.clinic import access

    d = tmp_path / "clinic-data"
    monkeypatch.setenv(ENV_DATA_DIR, str(d))
    monkeypatch.delenv(ENV_DB_URL, raising=False)
    monkeypatch.delenv(access.ENV_PASSWORD_HASH, raising=False)
    monkeypatch.delenv(access.ENV_REQUIRE_LOGIN, raising=False)
    return d

"""The shipped sample photos and the architecture's import rule.

* every JPEG in ``sample_images/`` is small, loads, analyses without error
  and has a row in ``sample_images/PROVENANCE.md``;
* the analysis modules never import Streamlit, SQLAlchemy, Dask or Typer
  (checked on their source with :mod:`ast`, including imports inside
  functions).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from footprint.io import load_image
from footprint.pipeline import analyse

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_images"
SAMPLE_FILES = sorted(SAMPLES.glob("*.jpg"))

#: Modules of the analysis layers and the libraries they consume (docs/architecture.md).
ANALYSIS_MODULES = (
    "io",
    "rectify",
    "floorlines",
    "background",
    "paper",
    "segment",
    "segment_grid",
    "midfoot",
    "pairing",
    "outline",
    "anatomy",
    "frame",
    "indices",
    "pressure",
    "pipeline",
    "result",
    "params",
    "errors",
    "render",
    "advice",
    "compare",
)
#: Top-level packages no analysis module may import.
FORBIDDEN = {"streamlit", "sqlalchemy", "alembic", "dask", "distributed", "typer"}


def _provenance_rows() -> dict[str, list[str]]:
    text = (SAMPLES / "PROVENANCE.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        m = re.match(r"\|\s*([\w.-]+\.jpg)\s*\|(.*)\|\s*$", line)
        if m:
            rows[m.group(1)] = [c.strip() for c in m.group(2).split("|")]
    return rows


def test_there_are_samples_across_scenes() -> None:
    assert 4 <= len(SAMPLE_FILES) <= 8
    scenes = {row[1] for row in _provenance_rows().values()}
    assert len(scenes) >= 4, scenes


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_sample_has_provenance(path: Path) -> None:
    rows = _provenance_rows()
    assert path.name in rows, f"{path.name} has no row in sample_images/PROVENANCE.md"
    seed, scene, reference = rows[path.name][:3]
    assert seed.isdigit()
    assert scene and reference in {"a4", "letter", "card", "none"}


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_sample_loads_and_analyses(path: Path) -> None:
    assert path.stat().st_size <= 250_000
    loaded = load_image(path)
    assert loaded.format == "JPEG"
    assert max(loaded.full_size) <= 1600
    result = analyse(path)
    assert result.feet, "no foot measured"
    row = _provenance_rows()[path.name]
    assert result.scale_source == row[2], "the reference in the photo was not the one used"
    for foot in result.feet:
        assert foot.arch_index is None or 0.0 <= foot.arch_index <= 1.0


def _imported_top_levels(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_import_scanner_sees_nested_imports() -> None:
    src = (
        "import os\ndef f():\n    import streamlit as st\n    from sqlalchemy.orm import Session\n"
    )
    assert {"streamlit", "sqlalchemy"} <= _imported_top_levels(src)


@pytest.mark.parametrize("module", ANALYSIS_MODULES)
def test_analysis_module_imports_no_app_or_cluster_library(module: str) -> None:
    path = ROOT / "footprint" / f"{module}.py"
    assert path.exists(), f"footprint/{module}.py is missing"
    bad = _imported_top_levels(path.read_text(encoding="utf-8")) & FORBIDDEN
    assert not bad, f"footprint/{module}.py imports {sorted(bad)}"

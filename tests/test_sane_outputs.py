"""No NaN or infinity reaches a result, a CSV / JSONL / Parquet row, the PDF or the
database (null plus a warning instead); the same input always gives the same result."""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from footprint import render, report
from footprint.outputs import encode_rows, open_sink, read_rows, write_parquet
from footprint.result import RECORD_COLUMNS, FootprintResult
from footprint.store import Store
from tests.conftest import non_finite, pdf_text

ROOT = Path(__file__).resolve().parents[1]
NAN, INF = float("nan"), float("inf")


@pytest.fixture
def nan_analysis(analysis):  # noqa: ANN001, ANN201 - footprint.pipeline.Analysis
    """The real analysis with NaN / infinity put into many fields of its first foot."""
    res = analysis.result
    foot = res.feet[0]
    p = foot.pressure
    assert p is not None
    regions = dict(p.regions)
    regions["heel"] = dataclasses.replace(regions["heel"], share_pct=NAN, peak=np.float64(INF))
    pressure = dataclasses.replace(p, regions=regions, cop_along=NAN, balance_fore_rear=-INF)
    bad_foot = dataclasses.replace(
        foot,
        arch_index=NAN,
        chippaux_smirak=np.float32("nan"),
        foot_length_px=INF,
        foot_length_mm=NAN,
        centroid_x=-INF,
        quality=NAN,
        side_confidence=INF,
        pressure=pressure,
    )
    bad = dataclasses.replace(res, feet=(bad_foot, *res.feet[1:]), mm_per_px=NAN, quality=NAN)
    return dataclasses.replace(analysis, result=bad)


def test_result_with_nan_holds_null_and_says_so(nan_analysis) -> None:  # noqa: ANN001
    result: FootprintResult = nan_analysis.result
    foot = result.feet[0]
    assert foot.arch_index is None and foot.chippaux_smirak is None
    assert foot.foot_length_px is None and foot.foot_length_mm is None
    assert foot.centroid_x is None
    assert foot.quality == 0.0 and foot.side_confidence == 0.0  # scores: the lowest
    assert foot.pressure.cop_along is None and foot.pressure.balance_fore_rear is None
    assert foot.pressure.regions["heel"].share_pct is None
    assert foot.pressure.regions["heel"].peak is None
    assert result.mm_per_px is None and result.quality == 0.0
    assert any(
        "left empty" in w and "arch_index" in w and "pressure.heel.share_pct" in w
        for w in foot.warnings
    )
    assert any("quality could not be computed" in w for w in foot.warnings)
    assert any("mm_per_px" in w for w in result.warnings)
    assert non_finite(dataclasses.asdict(result)) == []
    # rebuilding (dataclasses.replace, from_dict) neither adds the warning again nor loses it
    again = FootprintResult.from_dict(json.loads(result.to_json()))
    assert again.to_dict() == result.to_dict()
    assert dataclasses.replace(result).warnings == result.warnings


def test_building_a_result_with_nan_logs_a_warning(analysis, caplog) -> None:  # noqa: ANN001
    foot = analysis.result.feet[0]
    with caplog.at_level(logging.WARNING, logger="footprint.result"):
        dataclasses.replace(foot, staheli=NAN)
    assert any("staheli" in r.getMessage() for r in caplog.records)


def test_rows_of_a_nan_result_are_clean(nan_analysis) -> None:  # noqa: ANN001
    rows = nan_analysis.result.to_records(file="a.jpg")
    assert all(non_finite(r) == [] for r in rows)
    assert rows[0]["arch_index"] is None and rows[0]["quality"] == 0.0


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_writers_turn_nan_into_null_with_a_warning(
    suffix: str,
    nan_analysis,
    tmp_path: Path,
    caplog,  # noqa: ANN001
) -> None:
    rows = nan_analysis.result.to_records(file="a.jpg")
    # a row that did not come from a result: numpy and Python NaN / infinity
    raw: dict[str, Any] = dict.fromkeys(RECORD_COLUMNS)
    raw.update(
        file="b.jpg",
        foot=0,
        status="ok",
        arch_index=np.float64("nan"),
        staheli=INF,
        chippaux_smirak=np.float32("-inf"),
        share_heel=NAN,
        quality=0.5,
    )
    out = tmp_path / f"rows{suffix}"
    with caplog.at_level(logging.WARNING, logger="footprint.outputs"):
        sink, _ = open_sink(out)
        with sink:
            sink.write_file_rows(rows)
            sink.write_file_rows([raw])
    assert any("arch_index of b.jpg was nan" in r.getMessage() for r in caplog.records)
    text = out.read_bytes()
    if suffix != ".parquet":
        assert b"nan" not in text.lower() and b"inf" not in text.lower()
    back = read_rows(out)
    assert [r["file"] for r in back] == ["a.jpg"] * len(rows) + ["b.jpg"]
    b = back[-1]
    assert b["arch_index"] is None and b["staheli"] is None and b["chippaux_smirak"] is None
    assert b["share_heel"] is None and b["quality"] == 0.5
    assert back[0]["arch_index"] is None
    assert all(non_finite(r) == [] for r in back)


def test_encoders_and_parquet_never_write_nan(tmp_path: Path) -> None:
    row = dict.fromkeys(RECORD_COLUMNS)
    row.update(file="c.jpg", foot=0, status="ok", cop_along=NAN, centroid_x=-INF)
    for fmt in ("csv", "jsonl"):
        data = encode_rows([row], fmt).decode()
        assert "nan" not in data.lower() and "inf" not in data.lower()
    write_parquet([row], tmp_path / "p.parquet")
    (back,) = read_rows(tmp_path / "p.parquet")
    assert back["cop_along"] is None and back["centroid_x"] is None


def test_pdf_shows_no_nan(nan_analysis) -> None:  # noqa: ANN001
    pdf = report.pdf_report(nan_analysis)
    text = pdf_text(pdf)
    assert "Arch index" in text
    assert not re.search(r"\bnan\b|\binf\b", text, re.I)
    panel = render.foot_lines(nan_analysis.result.feet[0], nan_analysis.result)
    assert "n/a" in panel[1] and not any("nan" in line.lower() for line in panel)


def test_database_stores_null_not_nan(
    nan_analysis, tmp_path: Path, print_jpeg: bytes, caplog
) -> None:  # noqa: ANN001
    store = Store(data_dir=tmp_path / "data")
    v = store.add_visit(store.create_patient("P-NAN").code)
    pr = store.add_print(v.id, print_jpeg)
    store.add_results(pr.id, nan_analysis.result)
    raw = dict.fromkeys(RECORD_COLUMNS)
    raw.update(
        status="ok",
        side="left",
        arch_index=np.float64("nan"),
        staheli=INF,
        foot_width_mm="nan",
        share_toes=-INF,
    )
    with caplog.at_level(logging.WARNING, logger="footprint.store"):
        stored = store.add_record(pr.id, raw)
    assert any("stored as null" in r.getMessage() for r in caplog.records)
    assert stored.arch_index is None and stored.staheli is None
    assert stored.foot_width_mm is None and stored.region_shares["toes"] is None
    db = store.data_dir / "footprint.sqlite3"
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT arch_index, staheli, foot_length_px, region_shares_json, measures_json, "
            "foot_json, provenance_json FROM result"
        ).fetchall()
    assert len(rows) == len(nan_analysis.result.feet) + 1
    for row in rows:
        for value in row:
            assert not (isinstance(value, float) and not math.isfinite(value))
            if isinstance(value, str):
                assert "NaN" not in value and "Infinity" not in value
                json.loads(value)  # strict JSON
    assert rows[0][0] is None and rows[0][2] is None  # the NaN foot: arch index, length


# --------------------------------------------------------------------------- #
# determinism
# --------------------------------------------------------------------------- #
_VOLATILE = ("analysed_at", "duration_ms")

_CHILD = (
    "import json, sys\n"
    "from footprint import analyse\n"
    "d = analyse(sys.argv[1]).to_dict()\n"
    "for k in ('analysed_at', 'duration_ms'):\n"
    "    d['provenance'].pop(k)\n"
    "print(json.dumps(d, sort_keys=True))\n"
)


def _stable(result: FootprintResult) -> str:
    d = result.to_dict()
    for k in _VOLATILE:
        d["provenance"].pop(k)
    return json.dumps(d, sort_keys=True)


def test_same_input_same_result_in_one_and_in_two_processes(tmp_path: Path) -> None:
    from footprint import analyse

    photo = ROOT / "sample_images" / "ink-black-a4.jpg"
    first = _stable(analyse(photo))
    assert _stable(analyse(photo)) == first
    assert _stable(analyse(photo.read_bytes(), name=photo.name)) == first
    outs = []
    for hash_seed in ("1", "2"):  # set/dict ordering must not matter
        env = dict(os.environ, PYTHONHASHSEED=hash_seed, PYTHONPATH=str(ROOT))
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD, str(photo)],
            capture_output=True,
            text=True,
            timeout=180,
            env=env,
            cwd=tmp_path,
            check=True,
        )
        outs.append(proc.stdout.strip())
    assert outs[0] == outs[1] == first
    assert json.loads(first)["feet"]  # a real result, not an empty one

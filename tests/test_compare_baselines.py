"""scripts/compare_baselines.py: two per-foot baselines compared foot by foot."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from bench_accuracy import FOOT_COLUMNS  # noqa: E402
from compare_baselines import differences, load, summary  # noqa: E402


def _row(
    seed: int, side: str, ai_true: float, ai_found: float | None, found_side: str = ""
) -> dict:
    ok = ai_found is not None
    return {
        "seed": str(seed),
        "scene": "wet_wood",
        "reference": "a4",
        "status": "ok" if ok else "no_footprint",
        "scale_source": "a4" if ok else "",
        "side_true": side,
        "side_found": (found_side or side) if ok else "",
        "ai_true": f"{ai_true:.4f}",
        "ai_found": "" if not ok else f"{ai_found:.4f}",
        "ai_error": "" if not ok else f"{ai_found - ai_true:.4f}",
        "length_true_mm": "250.0",
        "length_found_mm": "251.0" if ok else "",
        "quality": "0.9" if ok else "",
        "error": "",
    }


def _write(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=FOOT_COLUMNS)
        w.writeheader()
        w.writerows(rows)
    return path


def test_lost_gained_wrong_and_moved_feet(tmp_path: Path) -> None:
    base = [
        _row(1, "left", 0.20, 0.205),  # stays
        _row(1, "right", 0.25, 0.255),  # lost
        _row(2, "left", 0.10, None),  # gained, right
        _row(3, "left", 0.30, None),  # gained on the wrong side
        _row(4, "left", 0.22, 0.23),  # crosses 0.02
    ]
    new = [
        _row(1, "left", 0.20, 0.206),
        _row(1, "right", 0.25, None),
        _row(2, "left", 0.10, 0.11),
        _row(3, "left", 0.30, 0.30, found_side="right"),
        _row(4, "left", 0.22, 0.25),
    ]
    a = load(_write(tmp_path / "a.csv", base))
    b = load(_write(tmp_path / "b.csv", new))
    lines = differences(a, b)
    assert [line.split()[0:2] for line in lines] == [
        ["LOST", "1"],
        ["GAIN", "2"],
        ["GAIN", "3"],
        ["MOVE", "4"],
    ]
    assert not lines[1].endswith("WRONG") and lines[2].endswith("WRONG")
    s = summary(b)
    assert s["photos"] == 4 and s["feet"] == 4
    assert s["side"] == 0.75 and s["within_0_02"] == 0.75
    assert s["length_within_1pct"] == 1.0

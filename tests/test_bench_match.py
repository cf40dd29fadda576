"""The accuracy benchmark pairs each detected foot with the true foot it lies on."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from bench_accuracy import _match  # noqa: E402


def _truth(x: float, y: float) -> dict:
    return {"cx": x, "cy": y, "diag": 2520.0}


def _found(x: float, y: float) -> dict:
    return {"centroid_x": x, "centroid_y": y}


def test_the_only_detection_of_a_pair_goes_to_the_foot_it_lies_on() -> None:
    # both true feet are within reach of the detection; the first listed is not
    # the one it lies on
    truths = [_truth(1205, 661), _truth(787, 857)]
    pairs = _match(truths, [_found(791, 866)])
    assert pairs[0][1] is None
    assert pairs[1][1] == _found(791, 866)


def test_two_detections_two_feet_and_a_far_detection_is_no_match() -> None:
    truths = [_truth(500, 500), _truth(1500, 500)]
    pairs = _match(truths, [_found(1490, 510), _found(520, 490)])
    assert [p[1] for p in pairs] == [_found(520, 490), _found(1490, 510)]
    assert _match([_truth(0, 0)], [_found(700, 0)]) == [(_truth(0, 0), None)]


def test_pressure_bench_pairs_feet_the_same_way() -> None:
    """footprint.plates.match_feet (the pressure benchmark) uses the same
    nearest-first pairing, without a distance limit."""
    from types import SimpleNamespace

    from footprint.plates import match_feet

    photo = SimpleNamespace(
        feet=[SimpleNamespace(centroid_xy=(1205, 661)), SimpleNamespace(centroid_xy=(787, 857))]
    )
    found = SimpleNamespace(centroid_x=791, centroid_y=866)
    analysis = SimpleNamespace(result=SimpleNamespace(feet=[found]))
    assert match_feet(photo, analysis) == [(1, 0)]


def test_figures_carry_the_library_versions_they_were_measured_with() -> None:
    import cv2
    import numpy as np
    from bench_accuracy import library_versions

    versions = library_versions()
    assert versions["numpy"] == np.__version__
    # the wheel's version (5.0.0.93) starts with the library's own (5.0.0)
    assert versions["opencv-python-headless"].startswith(cv2.__version__)
    assert all(v for v in versions.values())


def test_per_foot_baseline_rows_keep_every_true_foot() -> None:
    from bench_accuracy import FOOT_COLUMNS, foot_rows

    photo = {"seed": 1, "scene": "wet_wood", "reference": "none", "with_print": True}
    rows = [
        {
            **photo,
            "status": "ok",
            "scale_source": "none",
            "n_true": 2,
            "feet": [
                {
                    "truth": {"side": "left", "ai": 0.25, "length": 240.04},
                    "found": {"side": "left", "arch_index": 0.2612, "quality": 0.9},
                },
                {"truth": {"side": "right", "ai": 0.2, "length": 241.0}, "found": None},
            ],
        },
        {**photo, "seed": 2, "status": "no_footprint", "error": "none", "n_true": 2, "feet": []},
        {**photo, "seed": 3, "with_print": False, "status": "no_footprint", "feet": []},
    ]
    out = foot_rows(rows)
    assert [r["seed"] for r in out] == [1, 1, 2, 2]
    assert all(set(r) == set(FOOT_COLUMNS) for r in out)
    assert out[0]["ai_error"] == 0.0112 and out[0]["length_true_mm"] == 240.0
    assert out[1]["side_found"] == "" and out[1]["ai_error"] == ""
    assert out[2]["status"] == "no_footprint" and out[2]["ai_true"] == ""

"""The scale-reference benchmark matches corners in any order and measures the length error."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from bench_reference import _apply, _homography, _match, measure, summarise  # noqa: E402

CARD = (85.6, 53.98)
TRUTH = np.array([[100.0, 50.0], [260.0, 70.0], [250.0, 170.0], [95.0, 150.0]])


def test_corners_are_matched_whatever_their_start_and_direction() -> None:
    found = np.roll(TRUTH[::-1], 2, axis=0) + 0.1
    err, ordered = _match(found, TRUTH)
    assert np.allclose(ordered, TRUTH + 0.1)
    assert abs(err - np.hypot(0.1, 0.1)) < 1e-9


def test_one_corner_off_by_a_pixel_changes_a_length_far_from_the_card() -> None:
    moved = TRUTH.copy()
    moved[2] += (1.0, 0.0)
    a, b = np.array([120.0, 400.0]), np.array([500.0, 700.0])
    lengths = []
    for corners in (TRUTH, moved):
        h = _homography(corners, CARD)
        lengths.append(float(np.linalg.norm(_apply(h, a) - _apply(h, b))))
    # a 1 px corner error on a 160 px card is > 1 % on a length 3 card widths away
    assert abs(lengths[1] - lengths[0]) / lengths[0] > 0.01


def test_a_sheet_in_a_generated_photo_is_found_and_scales_the_foot_within_a_percent() -> None:
    row = measure(7600, "ink_black", "a4", (1600, 1200))
    assert row["status"] == "found"
    assert row["corner_px"] < 1.0
    assert row["length_pct"] and all(abs(e) < 1.0 for e in row["length_pct"])


def test_the_summary_counts_found_missed_and_wrong_photos() -> None:
    rows = [
        {"reference": "card", "status": "found", "corner_px": 0.2, "length_pct": [0.5, -2.0]},
        {"reference": "card", "status": "missed"},
        {"reference": "card", "status": "wrong", "found_kind": "a4"},
        {"reference": "a4", "status": "found", "corner_px": 0.1, "length_pct": [0.1]},
    ]
    cells = [c.strip() for c in summarise(rows, "card").strip("|").split("|")]
    assert cells[:5] == ["card", "3", "1 (33 %)", "1", "0.20"]
    assert cells[5] == "50 %"  # one of the card's two feet within 1 %

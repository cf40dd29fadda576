"""The accuracy benchmark's 95 % intervals: Wilson for photo counts, a photo bootstrap for feet."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from bench_accuracy import intervals, photo_bootstrap_interval, wilson_interval  # noqa: E402


@pytest.mark.parametrize(
    ("k", "n", "lo", "hi"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_published_values(k: int, n: int, lo: float, hi: float) -> None:
    got = wilson_interval(k, n)
    assert got is not None
    assert got[0] == pytest.approx(lo, abs=1e-4)
    assert got[1] == pytest.approx(hi, abs=1e-4)


def test_wilson_interval_of_nothing_is_none_and_of_everything_reaches_one() -> None:
    assert wilson_interval(0, 0) is None
    lo, hi = wilson_interval(20, 20)
    assert hi == 1.0 and 0.8 < lo < 0.9


def test_photo_bootstrap_is_reproducible_and_holds_the_estimate() -> None:
    rng = np.random.default_rng(3)
    groups = [rng.exponential(0.01, int(rng.integers(1, 3))) for _ in range(80)]
    a = photo_bootstrap_interval(groups, np.mean)
    b = photo_bootstrap_interval(groups, np.mean)
    assert a == b
    assert a[0] < float(np.mean(np.concatenate(groups))) < a[1]
    assert photo_bootstrap_interval([np.array([])], np.mean) is None


def test_feet_of_one_photo_are_not_counted_as_independent() -> None:
    """Two feet with the same error in each photo carry the information of one:
    resampling photos gives a wider interval than resampling the same values
    as separate photos."""
    rng = np.random.default_rng(5)
    per_photo = rng.exponential(0.01, 60)
    paired = [np.array([v, v]) for v in per_photo]
    single = [np.array([v]) for v in np.repeat(per_photo, 2)]
    lo_p, hi_p = photo_bootstrap_interval(paired, np.mean)
    lo_s, hi_s = photo_bootstrap_interval(single, np.mean)
    assert (hi_p - lo_p) > 1.25 * (hi_s - lo_s)


def _photo(status: str, feet: list[tuple[float, float, str, str]]) -> dict:
    return {
        "status": status,
        "feet": [
            {
                "truth": {"ai": t, "type": "normal", "side": "left", "length": 250.0},
                "found": {
                    "arch_index": g,
                    "arch_type": cls,
                    "side": side,
                    "foot_length_mm": 251.0,
                },
            }
            for t, g, cls, side in feet
        ],
    }


def test_intervals_bracket_the_benchmark_figures() -> None:
    with_print = [
        _photo("ok", [(0.20, 0.205, "normal", "left"), (0.25, 0.30, "high", "left")]),
        _photo("ok", [(0.22, 0.221, "normal", "right")]),
        _photo("no_footprint", []),
    ] * 10
    no_print = [{"status": "no_footprint"}] * 9 + [{"status": "ok"}]
    iv = intervals(with_print, no_print)
    assert iv["scored_fraction"][0] < 2 / 3 < iv["scored_fraction"][1]
    assert iv["no_print_rejected"][0] < 0.9 < iv["no_print_rejected"][1]
    within = 2 / 3  # two of the three feet of each photo group are within 0.02
    assert iv["ai_within_0_02"][0] < within < iv["ai_within_0_02"][1]
    assert iv["side_accuracy"][0] < within < iv["side_accuracy"][1]
    assert iv["length_within_1pct"] == [1.0, 1.0]  # 1 mm of 250 on every foot

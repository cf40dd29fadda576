"""Compare two per-foot accuracy baselines photo by photo.

``scripts/bench_accuracy.py --csv FILE`` writes one row per true foot
(seed, scene, side, true and found arch index, length, quality, ...). This
prints, for a baseline and a new run of the same seeds:

* the summary of each (photos and feet scored, arch-index MAE, share within
  0.02, side, length within 1 %, photos scored per scene);
* every foot that was scored in one run and not the other (``LOST``,
  ``GAIN``; a gained foot more than 0.02 off or on the wrong side is marked
  ``WRONG``);
* every foot scored in both whose error crossed 0.02 or moved by more than
  ``--moved`` (``MOVE``).

A foot is keyed by (seed, true side, true arch index), so the two feet of
one photo stay apart.

Usage::

    python scripts/compare_baselines.py docs/baselines/dev_9400-9639.csv /tmp/new.csv
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from pathlib import Path

Key = tuple[str, str, str]


def load(path: Path) -> list[dict[str, str]]:
    """The rows of a ``bench_accuracy.py --csv`` file."""
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def scored(rows: list[dict[str, str]]) -> dict[Key, dict[str, str]]:
    """Feet with a measured arch index, keyed by (seed, true side, true arch index)."""
    return {
        (r["seed"], r["side_true"], r["ai_true"]): r
        for r in rows
        if r["status"] == "ok" and r["ai_found"] not in ("", None)
    }


def wrong(r: dict[str, str]) -> bool:
    """More than 0.02 off, or on the wrong side."""
    return abs(float(r["ai_error"])) > 0.02 or r["side_true"] != r["side_found"]


def summary(rows: list[dict[str, str]]) -> dict[str, object]:
    """Photos and feet scored, MAE, within 0.02, side, length within 1 %, per scene."""
    feet = list(scored(rows).values())
    errs = [abs(float(r["ai_error"])) for r in feet]
    lengths = [
        abs(float(r["length_found_mm"]) / float(r["length_true_mm"]) - 1.0) <= 0.01
        for r in feet
        if r["length_found_mm"] and r["length_true_mm"]
    ]
    n = max(1, len(errs))
    return {
        "photos": len({r["seed"] for r in feet}),
        "feet": len(feet),
        "mae": sum(errs) / n,
        "within_0_02": sum(e <= 0.02 for e in errs) / n,
        "side": sum(r["side_true"] == r["side_found"] for r in feet) / n,
        "length_within_1pct": sum(lengths) / max(1, len(lengths)),
        "per_scene": dict(sorted(Counter(r["scene"] for r in feet).items())),
    }


def describe(r: dict[str, str]) -> str:
    return (
        f"{r['seed']} {r['scene']:15s} {r['side_true']}/{r['side_found']} "
        f"ai {r['ai_true']} -> {r['ai_found']} q {r['quality']}"
    )


def differences(
    base: list[dict[str, str]], new: list[dict[str, str]], moved: float = 0.01
) -> list[str]:
    """One line per foot that changed (see the module docstring)."""
    a, b = scored(base), scored(new)
    lines = []
    for key in sorted(set(a) | set(b), key=lambda k: (int(k[0]), k[1], k[2])):
        ra, rb = a.get(key), b.get(key)
        if ra is not None and rb is None:
            lines.append(f"LOST  {describe(ra)}")
        elif rb is not None and ra is None:
            lines.append(f"GAIN  {describe(rb)}{'  WRONG' if wrong(rb) else ''}")
        else:
            ea, eb = abs(float(ra["ai_error"])), abs(float(rb["ai_error"]))
            if (ea <= 0.02) != (eb <= 0.02) or abs(ea - eb) > moved:
                lines.append(f"MOVE  {describe(ra)} => {rb['ai_found']} {rb['side_found']}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base", type=Path, help="baseline CSV (bench_accuracy.py --csv)")
    parser.add_argument("new", type=Path, help="new CSV of the same seeds")
    parser.add_argument(
        "--moved", type=float, default=0.01, help="report a foot whose error moved this much"
    )
    args = parser.parse_args(argv)
    base, new = load(args.base), load(args.new)
    for name, rows in (("base", base), ("new", new)):
        s = summary(rows)
        print(
            f"{name}: photos {s['photos']} feet {s['feet']} MAE {s['mae']:.4f} "
            f"within {100 * s['within_0_02']:.1f} % side {100 * s['side']:.1f} % "
            f"length within 1 % {100 * s['length_within_1pct']:.1f} %"
        )
        print(f"    {s['per_scene']}")
    for line in differences(base, new, args.moved):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

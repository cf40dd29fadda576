"""Test-retest repeatability: the same generated foot photographed several times.

Each of ``--feet`` generated feet (seeded ``synth.make_foot``) is inked on an A4
sheet and photographed ``--photos`` times with a different rotation, tilt
(0-30 degrees), lighting and noise (:func:`footprint.synth.photo_of_foot`).
For every measure the within-foot standard deviation ``s_w`` is pooled over
feet, and the repeatability coefficient

    RC = 1.96 * sqrt(2) * s_w

(Bland & Altman 1986, Lancet 327:307-310) is the smallest change between two
visits that exceeds measurement noise with 95 % confidence. These values are
the defaults of :class:`footprint.compare.Repeatability`.

Usage::

    python scripts/bench_repeatability.py --feet 6 --photos 5
"""

from __future__ import annotations

import argparse
import json

import numpy as np

MEASURES = (
    "arch_index",
    "chippaux_smirak",
    "staheli",
    "clarke_angle_deg",
    "foot_length_mm",
    "foot_width_mm",
    "share_heel",
    "share_midfoot",
    "share_forefoot_medial",
    "share_forefoot_lateral",
    "share_hallux",
    "share_toes",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feet", type=int, default=6)
    parser.add_argument("--photos", type=int, default=5)
    parser.add_argument("--seed", type=int, default=500)
    parser.add_argument(
        "--scene",
        default="ink_black",
        help="print on the sheet: ink_black, ink_blue, wet_kraft, podograph",
    )
    args = parser.parse_args(argv)

    import footprint
    from footprint import synth
    from footprint.errors import FootprintError

    rng = np.random.default_rng(args.seed)
    per_measure: dict[str, list[np.ndarray]] = {m: [] for m in MEASURES}
    failures = 0
    for k in range(args.feet):
        shape = synth.make_foot(
            np.random.default_rng(args.seed + k),
            side=("right", "left")[k % 2],
            length_mm=float(rng.uniform(230, 280)),
            arch=float(rng.uniform(0.2, 0.9)),
        )
        values: dict[str, list[float]] = {m: [] for m in MEASURES}
        for j in range(args.photos):
            jpg = synth.photo_of_foot(
                shape,
                args.seed * 100 + k * 10 + j,
                rotation_deg=float(rng.uniform(-180, 180)),
                tilt_deg=float(rng.uniform(0.0, 30.0)),
                scene=args.scene,
            ).jpeg
            try:
                result = footprint.analyse(jpg)
            except FootprintError:
                failures += 1
                continue
            record = result.to_records()[0]  # the batch columns of the first foot
            for m in MEASURES:
                v = record.get(m)
                if v is not None:
                    values[m].append(float(v))
        for m in MEASURES:
            if len(values[m]) >= 2:
                per_measure[m].append(np.asarray(values[m]))
    out = {
        "scene": args.scene,
        "feet": args.feet,
        "photos_per_foot": args.photos,
        "failed_photos": failures,
    }
    for m in MEASURES:
        groups = per_measure[m]
        if not groups:
            continue
        ss = sum(float(((g - g.mean()) ** 2).sum()) for g in groups)
        dof = sum(len(g) - 1 for g in groups)
        s_w = float(np.sqrt(ss / dof))
        out[m] = {
            "within_sd": round(s_w, 4),
            "repeatability_coefficient": round(1.96 * np.sqrt(2) * s_w, 4),
        }
    share_groups = [g for m in MEASURES if m.startswith("share_") for g in per_measure[m]]
    if share_groups:
        ss = sum(float(((g - g.mean()) ** 2).sum()) for g in share_groups)
        s_w = float(np.sqrt(ss / sum(len(g) - 1 for g in share_groups)))
        out["region_share_pct"] = {
            "within_sd": round(s_w, 4),
            "repeatability_coefficient": round(1.96 * np.sqrt(2) * s_w, 4),
        }
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

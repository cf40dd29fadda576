"""Benchmark of the relative contact-intensity map against real and synthetic ground truth.

Prints (and optionally writes as Markdown):

1. **Real plate** (``tests/data/pressure-plates/emed_test.lst``, novel emed,
   MIT): its peak-pressure map printed as a photo (darkness proportional to
   pressure, :func:`footprint.plates.render_plate_photo`), analysed with
   :func:`footprint.pipeline.analyse_detailed`; Pearson r between the recovered
   map (area-averaged onto the 5 mm sensors) and the recorded pressure over
   sensors in contact; region-share differences against the plate's own
   pressure summarised with the pipeline's region masks. Also with a contact
   offset (a real print marks any contact) and with ``sensitivity=1``.
2. **Synthetic photos** (held-out seeds from 100000, all scenes in turn):
   share of feet with ``cop_along`` within 0.03 of the truth and with all six
   region shares within 5 points. Truth = the generator's pressure x contact
   coverage, summarised in the truth's own frame (heel centre -> second-toe tip)
   with its own masks; also the truth warped into the pipeline's frame with the
   pipeline's masks (isolates the intensity from the located anatomy), and the
   subset with a good segmentation (print IoU >= 0.8).
3. **Time** of :func:`footprint.pressure.analyse_pressure` inside the pipeline
   on 12 MP photos (median per foot), next to the whole analysis.

Usage::

    python scripts/bench_pressure.py --n 64 --n-speed 6 --markdown /tmp/pressure.md \
        --heatmap docs/images/pressure-heatmap-plate.png
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from footprint import pipeline, plates, pressure, synth
from footprint.errors import FootprintError
from footprint.result import REGIONS

log = logging.getLogger("bench_pressure")

PLATE = Path(__file__).resolve().parents[1] / "tests" / "data" / "pressure-plates" / "emed_test.lst"
GOOD_IOU = 0.8


def bench_plate(seed: int, heatmap: Path | None = None) -> list[dict[str, Any]]:
    """Plate print variants: (contact darkness, sensitivity) -> comparison.

    With ``heatmap``, the heat map of the proportional print analysed with
    ``sensitivity=1`` (the whole print found) is saved there (PNG).
    """
    plate = plates.read_emed_lst(PLATE)
    rows = []
    for contact, sens in ((0.0, 0.0), (0.0, 1.0), (0.15, 0.0)):
        photo = plates.render_plate_photo(plate, seed=seed, contact_darkness=contact)
        row: dict[str, Any] = {"contact_darkness": contact, "sensitivity": sens}
        try:
            a = pipeline.analyse_detailed(photo.jpeg, sensitivity=sens)
        except FootprintError as exc:
            row["error"] = type(exc).__name__
            rows.append(row)
            continue
        c = plates.compare_plate(a, photo)
        if heatmap is not None and contact == 0.0 and sens == 1.0:
            from footprint import render

            heatmap.parent.mkdir(parents=True, exist_ok=True)
            heatmap.write_bytes(render.png_bytes(render.heatmap(a)))
        row.update(
            r=c.pearson_r,
            n=c.n_sensors,
            diff=c.share_diff,
            plate=c.plate_shares,
            pipe=c.pipeline_shares,
            max_diff=c.max_share_diff,
            cop=(c.plate_cop_along, c.pipeline_cop_along),
            inside=c.load_inside_pct,
            toes=c.toes_found,
        )
        rows.append(row)
    return rows


def bench_synth(n: int, start: int, size: tuple[int, int]) -> dict[str, Any]:
    feet: list[plates.SynthFootComparison] = []
    missed: dict[str, int] = defaultdict(int)
    n_truth = 0
    for k in range(n):
        scene = synth.SCENES[k % len(synth.SCENES)]
        photo = synth.render_photo(start + k, scene=scene, size=size)
        n_truth += len(photo.feet)
        try:
            a = pipeline.analyse_detailed(photo.jpeg)
        except FootprintError:
            missed[scene] += len(photo.feet)
            continue
        got = plates.compare_synth(photo, a)
        missed[scene] += len(photo.feet) - len(got)
        feet.extend(got)
    return {"feet": feet, "missed": dict(missed), "n_truth": n_truth, "n_photos": n}


def _rates(feet: list[plates.SynthFootComparison], n_den: int) -> dict[str, float]:
    """Shares of ``n_den`` feet (missed feet count as failures)."""
    if n_den == 0:
        return {}
    return {
        "cop": sum(f.cop_error <= 0.03 for f in feet) / n_den,
        "share": sum(f.share_error <= 5.0 for f in feet) / n_den,
        "cop_frame": sum(f.frame_cop_error <= 0.03 for f in feet) / n_den,
        "share_frame": sum(f.frame_share_error <= 5.0 for f in feet) / n_den,
        "share_dark": sum(f.darkness_share_error <= 5.0 for f in feet) / n_den,
        "model": sum(f.model_share_error <= 5.0 for f in feet) / n_den,
    }


def bench_speed(n: int, start: int) -> dict[str, float]:
    """Median time of analyse_pressure per foot and of the whole analysis, 12 MP photos."""
    times: list[float] = []
    orig = pressure.analyse_pressure

    def timed(*args: Any, **kw: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return orig(*args, **kw)
        finally:
            times.append(time.perf_counter() - t0)

    totals = []
    pressure.analyse_pressure = timed  # type: ignore[assignment]
    try:
        for k in range(n):
            scene = synth.SCENES[k % len(synth.SCENES)]
            photo = synth.render_photo(start + k, scene=scene, size=(4032, 3024))
            t0 = time.perf_counter()
            try:
                pipeline.analyse_detailed(photo.jpeg)
            except FootprintError:
                continue
            totals.append(time.perf_counter() - t0)
    finally:
        pressure.analyse_pressure = orig  # type: ignore[assignment]
    return {
        "pressure_ms": 1000 * statistics.median(times) if times else float("nan"),
        "pressure_max_ms": 1000 * max(times) if times else float("nan"),
        "analysis_ms": 1000 * statistics.median(totals) if totals else float("nan"),
        "n_feet": len(times),
        "n_photos": len(totals),
    }


def _fmt_shares(d: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:+.1f}" for k, v in d.items())


def report(plate_rows: list[dict], syn: dict[str, Any], speed: dict[str, float] | None) -> str:
    out = ["## Real plate (novel emed peak-pressure map printed as a photo)", ""]
    out += [
        "| print darkness | sensitivity | Pearson r | max share diff (points) | "
        "cop_along plate / pipeline | plate load inside the found print | toes found |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in plate_rows:
        dk = "proportional" if r["contact_darkness"] == 0 else f"{r['contact_darkness']} + prop."
        if "error" in r:
            out.append(f"| {dk} | {r['sensitivity']} | {r['error']} | | | | |")
            continue
        out.append(
            f"| {dk} | {r['sensitivity']} | {r['r']:.3f} | {r['max_diff']:.2f} | "
            f"{r['cop'][0]:.3f} / {r['cop'][1]:.3f} | {r['inside']:.1f} % | {r['toes']} |"
        )
    out.append("")
    for r in plate_rows:
        if "diff" in r:
            out.append(
                f"* darkness {r['contact_darkness']}, sensitivity {r['sensitivity']}: "
                f"share diff pipeline - plate: {_fmt_shares(r['diff'])}"
            )
    feet = syn["feet"]
    n_den = syn["n_truth"]
    good = [f for f in feet if f.iou >= GOOD_IOU]
    ra, rg = _rates(feet, n_den), _rates(good, len(good))
    out += [
        "",
        f"## Synthetic photos ({syn['n_photos']} photos, {n_den} feet, "
        f"{len(feet)} found and matched)",
        "",
        "| set | feet | cop_along within 0.03 | all shares within 5 points | "
        "truth in the pipeline's frame: cop | shares | shares vs the generator's darkness | "
        "truth's darkness shares vs its pressure shares |",
        "|---|---|---|---|---|---|---|---|",
        f"| all feet (missed = fail) | {n_den} | {ra['cop']:.0%} | {ra['share']:.0%} | "
        f"{ra['cop_frame']:.0%} | {ra['share_frame']:.0%} | {ra['share_dark']:.0%} | "
        f"{ra['model']:.0%} |",
    ]
    if good:
        out.append(
            f"| print IoU >= {GOOD_IOU} | {len(good)} | {rg['cop']:.0%} | {rg['share']:.0%} | "
            f"{rg['cop_frame']:.0%} | {rg['share_frame']:.0%} | {rg['share_dark']:.0%} | "
            f"{rg['model']:.0%} |"
        )
    by_scene: dict[str, list[plates.SynthFootComparison]] = defaultdict(list)
    for f in feet:
        by_scene[f.scene].append(f)
    out += [
        "",
        "| scene | feet found / missed | median IoU | cop within 0.03 | shares within 5 | "
        "median bias per region (pipeline - truth, points) |",
        "|---|---|---|---|---|---|",
    ]
    for scene in synth.SCENES:
        fs = by_scene.get(scene, [])
        miss = syn["missed"].get(scene, 0)
        if not fs:
            out.append(f"| {scene} | 0 / {miss} | | | | |")
            continue
        bias = {
            k: float(
                np.median([(f.pipeline_shares[k] or 0) - (f.truth_shares[k] or 0) for f in fs])
            )
            for k in REGIONS
        }
        out.append(
            f"| {scene} | {len(fs)} / {miss} | {np.median([f.iou for f in fs]):.2f} | "
            f"{np.mean([f.cop_error <= 0.03 for f in fs]):.0%} | "
            f"{np.mean([f.share_error <= 5 for f in fs]):.0%} | {_fmt_shares(bias)} |"
        )
    if good:
        med = {
            k: float(
                np.median([(f.pipeline_shares[k] or 0) - (f.truth_shares[k] or 0) for f in good])
            )
            for k in REGIONS
        }
        cop_med = float(np.median([f.cop_error for f in good]))
        out += [
            "",
            f"Feet with a good segmentation: median |cop_along error| {cop_med:.3f}; "
            f"median share bias {_fmt_shares(med)}.",
        ]
    if speed is not None:
        out += [
            "",
            "## Time on 12 MP photos",
            "",
            f"analyse_pressure: median {speed['pressure_ms']:.1f} ms per foot "
            f"(max {speed['pressure_max_ms']:.1f} ms, {speed['n_feet']} feet); whole analysis "
            f"median {speed['analysis_ms']:.0f} ms ({speed['n_photos']} photos).",
        ]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=64, help="synthetic photos (>= 50)")
    parser.add_argument("--start", type=int, default=100000, help="first held-out seed")
    parser.add_argument("--size", default="1600x1200", help="synthetic photo size WxH")
    parser.add_argument("--n-speed", type=int, default=6, help="12 MP photos timed (0: skip)")
    parser.add_argument("--plate-seed", type=int, default=0)
    parser.add_argument("--markdown", type=Path, help="also write the report here")
    parser.add_argument("--heatmap", type=Path, help="save the plate print's heat map (PNG)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    w, h = (int(v) for v in args.size.lower().split("x"))
    t0 = time.perf_counter()
    plate_rows = bench_plate(args.plate_seed, args.heatmap)
    syn = bench_synth(args.n, args.start, (w, h))
    speed = bench_speed(args.n_speed, args.start + 50000) if args.n_speed > 0 else None
    text = report(plate_rows, syn, speed)
    sys.stdout.write(text)
    sys.stdout.write(f"\n(ran in {time.perf_counter() - t0:.0f} s)\n")
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

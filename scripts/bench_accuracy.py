"""Accuracy benchmark against the seeded synthetic ground truth.

Renders photos with :mod:`footprint.synth` from seeds that were never used
while tuning (the default start seed 100000; development used seeds < 10000),
analyses each one with :func:`footprint.analyse`, matches detected feet to
true feet by image position, and prints:

* photos scored, arch-index mean absolute error, share within 0.02,
  arch-class accuracy, side accuracy, the foot axis's angle to the true one
  (heel centre to second-toe tip, on the floor), foot-length error on photos with a
  sheet or card, pressure (cop_along, region shares) agreement;
* photos without a print rejected with NoFootprintError;
* bad inputs (empty, truncated, not an image, unsupported, over the pixel
  limit) rejected with a typed error.

Usage::

    python scripts/bench_accuracy.py --n 120 --size 2016x1512 --jobs 2 \
        --markdown docs/accuracy-results.md
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger("bench_accuracy")


def _match(truths: list[dict], feet: list[dict]) -> list[tuple[dict, dict | None]]:
    """Match true feet to detected feet, nearest centroids first.

    A detection goes to the true foot it lies on even when another true foot,
    listed first, is also within reach (:func:`footprint.plates.nearest_pairs`).
    A pair farther apart than a quarter of the photo's diagonal is no match.
    """
    from footprint.plates import nearest_pairs

    match = nearest_pairs(
        [(t["cx"], t["cy"]) for t in truths],
        [(f["centroid_x"], f["centroid_y"]) for f in feet],
        [0.25 * t["diag"] for t in truths],
    )
    return [(t, feet[match[i]] if i in match else None) for i, t in enumerate(truths)]


def axis_error_deg(
    world_to_image: np.ndarray, truth_heel_toe_xy: np.ndarray, found_heel_toe_xy: np.ndarray
) -> float:
    """Angle [deg] between the measured and the true foot axis, on the floor.

    Both heel centres and second-toe tips (photo pixels; the measured ones
    mapped from the plane by :func:`footprint.pipeline._plane_to_full`) go
    through the generator's inverse homography to the floor (mm), where the
    angle between the two heel-to-toe directions is taken: in the photo a
    tilt would distort it.
    """
    import cv2

    pts = np.vstack(
        [np.asarray(truth_heel_toe_xy, np.float64), np.asarray(found_heel_toe_xy, np.float64)]
    ).reshape(-1, 1, 2)
    floor = cv2.perspectiveTransform(pts, np.linalg.inv(world_to_image)).reshape(-1, 2)
    a, b = floor[1] - floor[0], floor[3] - floor[2]
    cos = float(a @ b) / max(float(np.linalg.norm(a) * np.linalg.norm(b)), 1e-12)
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def run_one(args: tuple[Any, ...]) -> dict[str, Any]:
    """One photo: ``(seed, scene, reference, size, with_print[, options])``;
    ``options`` are keyword arguments of ``analyse_detailed``."""
    import cv2

    cv2.setNumThreads(1)
    from footprint import pipeline, synth
    from footprint.errors import FootprintError, NoFootprintError

    seed, scene, reference, size, with_print = args[:5]
    options: dict[str, Any] = args[5] if len(args) > 5 else {}
    t0 = time.perf_counter()
    if with_print:
        photo = synth.render_photo(seed, scene=scene, reference=reference, size=size)
    else:
        photo = synth.no_print_photo(seed, scene=scene, reference=reference, size=size)
    render_s = time.perf_counter() - t0
    out: dict[str, Any] = {
        "seed": seed,
        "scene": photo.scene,
        "reference": photo.reference,
        "with_print": with_print,
        "n_true": len(photo.feet),
        "render_s": render_s,
    }
    diag = float(np.hypot(*size))
    truths = [
        {
            "cx": t.centroid_xy[0],
            "cy": t.centroid_xy[1],
            "diag": diag,
            "side": t.side,
            "ai": t.arch_index,
            "type": t.arch_type,
            "csi": t.chippaux_smirak,
            "si": t.staheli,
            "clarke": t.clarke_angle_deg,
            "length": t.foot_length_mm,
            "pressure": getattr(t, "pressure", None),
            "heel_toe_xy": (t.heel_centre_xy, t.toe_tip_xy),
        }
        for t in photo.feet
    ]
    t1 = time.perf_counter()
    try:
        analysis = pipeline.analyse_detailed(photo.jpeg, name=f"seed{seed}", **options)
        result = analysis.result
    except NoFootprintError as exc:
        out.update(status="no_footprint", error=str(exc), feet=[])
        return out
    except FootprintError as exc:
        out.update(status="error", error=f"{type(exc).__name__}: {exc}", feet=[])
        return out
    out["analyse_s"] = time.perf_counter() - t1
    out["status"] = "ok"
    out["scale_source"] = result.scale_source
    detected = [{**r, "n_feet": len(result.feet)} for r in result.to_records(file=f"seed{seed}")]
    matched = []
    for t, f in _match(truths, detected):
        axis_err = None
        if f is not None:
            g = result.feet[int(f["foot"])].geometry
            found_xy = pipeline._plane_to_full(
                analysis.plane, analysis.image, np.array([g.heel_centre_plane, g.toe_tip_plane])
            )
            axis_err = axis_error_deg(
                np.asarray(photo.world_to_image, np.float64), np.asarray(t["heel_toe_xy"]), found_xy
            )
        matched.append(
            {
                "truth": {k: v for k, v in t.items() if k not in ("pressure", "heel_toe_xy")},
                "found": f,
                "axis_error_deg": axis_err,
                "truth_pressure": t["pressure"],
            }
        )
    out["feet"] = matched
    out["n_found"] = len(detected)
    return out


#: Two-sided 95 % normal quantile.
Z95 = 1.959963984540054
#: Bootstrap resamples for the feet's intervals, and the seed that makes them
#: reproducible.
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20261129


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval of a proportion ``k / n`` (Wilson 1927).

    ``(p + z^2 / 2n -+ z sqrt(p (1 - p) / n + z^2 / 4n^2)) / (1 + z^2 / n)``;
    unlike ``p -+ z sqrt(p (1 - p) / n)`` it stays within [0, 1] and is not
    empty at ``k = 0`` or ``k = n``. None when ``n`` is 0.
    """
    if n <= 0:
        return None
    p = k / n
    centre = p + z * z / (2 * n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    den = 1 + z * z / n
    return float(max(0.0, (centre - half) / den)), float(min(1.0, (centre + half) / den))


def photo_bootstrap_interval(
    groups: list[np.ndarray],
    stat: Any,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> tuple[float, float] | None:
    """95 % percentile interval of ``stat`` over feet, resampling whole photos.

    The two feet of one photo share its scene, light and reference, so their
    errors are not independent: photos (``groups``, one array of per-foot
    values each) are drawn with replacement (a cluster bootstrap, Davison &
    Hinkley 1997, section 3.8) and ``stat`` is taken over the feet of each
    resample. None when there are no feet.
    """
    groups = [np.asarray(g, np.float64) for g in groups if len(g)]
    if not groups:
        return None
    rng = np.random.default_rng(seed)
    flat = np.concatenate(groups)
    ends = np.cumsum([len(g) for g in groups])
    members = [np.arange(end - len(g), end) for g, end in zip(groups, ends, strict=True)]
    values = np.empty(resamples)
    for b in range(resamples):
        pick = rng.integers(0, len(groups), len(groups))
        values[b] = stat(flat[np.concatenate([members[i] for i in pick])])
    lo, hi = np.percentile(values, [2.5, 97.5])
    return float(lo), float(hi)


def bad_inputs() -> list[tuple[str, bytes]]:
    from PIL import Image

    rng = np.random.default_rng(7)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (600, 800, 3), dtype=np.uint8)).save(buf, "JPEG")
    good = buf.getvalue()
    bomb = io.BytesIO()
    Image.new("L", (9000, 9000)).save(bomb, "PNG", optimize=True)
    return [
        ("empty", b""),
        ("truncated_jpeg", good[: len(good) // 3]),
        ("random_bytes", rng.integers(0, 255, 5000, dtype=np.uint8).tobytes()),
        ("text_file", b"hello, this is a text file, not a photo\n" * 20),
        ("pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"),
        ("svg", b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>"),
        ("over_limit_81MP_png", bomb.getvalue()),
    ]


def measured(feet: list[dict]) -> list[dict]:
    """The true feet that were matched to a found foot with an arch index."""
    return [f for f in feet if f["found"] is not None and f["found"]["arch_index"] is not None]


def ai_error(foot: dict) -> float:
    """Absolute arch-index error of a :func:`measured` foot."""
    return abs(foot["found"]["arch_index"] - foot["truth"]["ai"])


def length_error(foot: dict) -> float | None:
    """Relative foot-length error of a :func:`measured` foot; None without a length."""
    got = foot["found"]["foot_length_mm"]
    return None if got is None else abs(got - foot["truth"]["length"]) / foot["truth"]["length"]


def summarise(rows: list[dict], bad: list[tuple[str, str]]) -> dict[str, Any]:
    with_print = [r for r in rows if r["with_print"]]
    no_print = [r for r in rows if not r["with_print"]]
    feet = [f for r in with_print for f in r.get("feet", [])]
    found = measured(feet)
    ai_err = np.array([ai_error(f) for f in found])
    cls_ok = np.array([f["found"]["arch_type"] == f["truth"]["type"] for f in found])
    side_ok = np.array([f["found"]["side"] == f["truth"]["side"] for f in found])
    csi_err = np.array(
        [
            abs(f["found"]["chippaux_smirak"] - f["truth"]["csi"])
            for f in found
            if f["found"]["chippaux_smirak"] is not None
        ]
    )
    si_err = np.array(
        [
            abs(f["found"]["staheli"] - f["truth"]["si"])
            for f in found
            if f["found"]["staheli"] is not None
        ]
    )
    clarke_err = np.array(
        [
            abs(f["found"]["clarke_angle_deg"] - f["truth"]["clarke"])
            for f in found
            if f["found"]["clarke_angle_deg"] is not None
        ]
    )
    len_err = np.array([e for e in map(length_error, found) if e is not None])
    axis_err = np.array([f["axis_error_deg"] for f in found if f.get("axis_error_deg") is not None])
    # a photo that was not scored records no scale: count scored photos only
    scale_expected = [r for r in with_print if r["reference"] != "none" and r["status"] == "ok"]
    scale_found = [r for r in scale_expected if r.get("scale_source") not in (None, "none")]
    photos_scored = [r for r in with_print if r["status"] == "ok"]
    per_scene: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"photos": 0, "scored": 0, "err": []}
    )
    for r in with_print:
        s = per_scene[r["scene"]]
        s["photos"] += 1
        s["scored"] += r["status"] == "ok"
        s["err"] += [ai_error(f) for f in measured(r.get("feet", []))]
    pressure_cop, pressure_share = [], []
    for f in found:
        tp = f.get("truth_pressure")
        if not tp or f["found"].get("cop_along") is None:
            continue
        pressure_cop.append(abs(f["found"]["cop_along"] - tp["cop_along"]))
        diffs = [
            abs(f["found"][f"share_{k}"] - v)
            for k, v in tp["shares"].items()
            if f["found"].get(f"share_{k}") is not None
        ]
        pressure_share.append(max(diffs) if diffs else float("nan"))
    summary = {
        "photos_with_print": len(with_print),
        "photos_scored": len(photos_scored),
        "scored_fraction": len(photos_scored) / max(1, len(with_print)),
        "feet_true": len(feet),
        "feet_matched": len(found),
        "ai_mae": float(ai_err.mean()) if ai_err.size else None,
        "ai_within_0_02": float((ai_err <= 0.02).mean()) if ai_err.size else None,
        "ai_p95_error": float(np.percentile(ai_err, 95)) if ai_err.size else None,
        "arch_class_accuracy": float(cls_ok.mean()) if cls_ok.size else None,
        "side_accuracy": float(side_ok.mean()) if side_ok.size else None,
        "axis_error_median_deg": float(np.median(axis_err)) if axis_err.size else None,
        "axis_within_2deg": float((axis_err <= 2.0).mean()) if axis_err.size else None,
        "csi_mae_points": float(csi_err.mean()) if csi_err.size else None,
        "staheli_mae": float(si_err.mean()) if si_err.size else None,
        "clarke_mae_deg": float(clarke_err.mean()) if clarke_err.size else None,
        "length_feet": int(len_err.size),
        "length_mean_rel_error": float(len_err.mean()) if len_err.size else None,
        "length_within_1pct": float((len_err <= 0.01).mean()) if len_err.size else None,
        "reference_detected": f"{len(scale_found)}/{len(scale_expected)}",
        "no_print_photos": len(no_print),
        "no_print_rejected": sum(r["status"] == "no_footprint" for r in no_print),
        "bad_inputs": len(bad),
        "bad_inputs_rejected_typed": sum(1 for _, e in bad if e.startswith("typed")),
        "cop_along_within_0_03": float(np.mean(np.array(pressure_cop) <= 0.03))
        if pressure_cop
        else None,
        "region_shares_within_5pts": float(np.mean(np.array(pressure_share) <= 5.0))
        if pressure_share
        else None,
        "per_scene": {
            k: {
                "photos": v["photos"],
                "scored": v["scored"],
                "ai_mae": float(np.mean(v["err"])) if v["err"] else None,
            }
            for k, v in sorted(per_scene.items())
        },
        "median_analyse_s": float(np.median([r["analyse_s"] for r in photos_scored]))
        if photos_scored
        else None,
    }
    summary["intervals_95"] = intervals(with_print, no_print)
    return summary


def intervals(with_print: list[dict], no_print: list[dict]) -> dict[str, list[float] | None]:
    """95 % intervals of the headline figures: how far chance alone can move them.

    Photo counts (scored, no-print rejected): Wilson intervals. Feet figures
    (arch-index MAE, within 0.02, class, side, length within 1 %): a
    bootstrap over photos (:func:`photo_bootstrap_interval`).
    """

    def per_photo(value: Any) -> list[np.ndarray]:
        out = []
        for r in with_print:
            vals = [value(f) for f in measured(r.get("feet", []))]
            out.append(np.array([v for v in vals if v is not None], np.float64))
        return out

    def share(ok: Any) -> Any:
        return lambda f: float(ok(f))

    def as_list(iv: tuple[float, float] | None) -> list[float] | None:
        return None if iv is None else [round(iv[0], 4), round(iv[1], 4)]

    errs = per_photo(ai_error)
    return {
        "scored_fraction": as_list(
            wilson_interval(sum(r["status"] == "ok" for r in with_print), len(with_print))
        ),
        "ai_mae": as_list(photo_bootstrap_interval(errs, np.mean)),
        "ai_within_0_02": as_list(
            photo_bootstrap_interval(errs, lambda e: float(np.mean(e <= 0.02)))
        ),
        "arch_class_accuracy": as_list(
            photo_bootstrap_interval(
                per_photo(share(lambda f: f["found"]["arch_type"] == f["truth"]["type"])), np.mean
            )
        ),
        "side_accuracy": as_list(
            photo_bootstrap_interval(
                per_photo(share(lambda f: f["found"]["side"] == f["truth"]["side"])), np.mean
            )
        ),
        "length_within_1pct": as_list(
            photo_bootstrap_interval(per_photo(length_error), lambda e: float(np.mean(e <= 0.01)))
        ),
        "no_print_rejected": as_list(
            wilson_interval(sum(r["status"] == "no_footprint" for r in no_print), len(no_print))
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=120, help="photos with a print")
    parser.add_argument("--no-print", type=int, default=None, help="photos without a print")
    parser.add_argument("--seed-start", type=int, default=100_000)
    parser.add_argument("--size", default="2016x1512", help="WIDTHxHEIGHT of rendered photos")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write every row and the summary here")
    parser.add_argument("--markdown", type=Path, help="write the summary table here")
    parser.add_argument(
        "--csv",
        type=Path,
        help="write one row per true foot here (per-photo baseline for development seeds)",
    )
    parser.add_argument("--scene", default=None, help="only this scene")
    parser.add_argument("--reference", default=None, help="only this reference (e.g. none)")
    parser.add_argument(
        "--no-paper-perspective",
        action="store_true",
        help="analyse with paper_perspective=False (no perspective from paper of unknown size)",
    )
    parser.add_argument(
        "--no-floor-lines",
        action="store_true",
        help="analyse with floor_lines_perspective=False (no perspective from tile joints)",
    )
    parser.add_argument(
        "--second-look",
        action="store_true",
        help="analyse with second_look=True (a photo whose prints are all too unclear is "
        "searched again for a print of either polarity)",
    )
    args = parser.parse_args(argv)
    options: dict[str, Any] = {"paper_perspective": False} if args.no_paper_perspective else {}
    if args.no_floor_lines:
        options["floor_lines_perspective"] = False
    if args.second_look:
        options["second_look"] = True
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from footprint import synth
    from footprint.errors import FootprintError

    w, h = (int(v) for v in args.size.lower().split("x"))
    n_no = args.no_print if args.no_print is not None else max(8, args.n // 6)
    scenes = [args.scene] if args.scene else list(synth.SCENES)
    refs = [args.reference] if args.reference else list(synth.REFERENCES)
    tasks = []
    for i in range(args.n):
        seed = args.seed_start + i
        tasks.append(
            (
                seed,
                scenes[i % len(scenes)],
                refs[(i // len(scenes)) % len(refs)],
                (w, h),
                True,
                options,
            )
        )
    for i in range(n_no):
        seed = args.seed_start + 50_000 + i
        tasks.append((seed, scenes[i % len(scenes)], refs[i % len(refs)], (w, h), False, options))
    t0 = time.perf_counter()
    rows = []
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for k, row in enumerate(pool.map(run_one, tasks, chunksize=1), 1):
            rows.append(row)
            if k % 10 == 0 or k == len(tasks):
                log.info("%d/%d photos (%.0f s)", k, len(tasks), time.perf_counter() - t0)
    import footprint

    bad = []
    for name, data in bad_inputs():
        try:
            footprint.analyse(data)
            bad.append((name, "accepted"))
        except FootprintError as exc:
            bad.append((name, f"typed {type(exc).__name__}: {exc}"))
        except Exception as exc:  # noqa: BLE001 - the benchmark reports it
            bad.append((name, f"untyped {type(exc).__name__}: {exc}"))
    summary = summarise(rows, bad)
    summary["seeds"] = f"{args.seed_start}..{args.seed_start + args.n - 1}"
    summary["size"] = args.size
    summary["options"] = options
    summary["versions"] = library_versions()
    print(json.dumps(summary, indent=2))
    for name, outcome in bad:
        print(f"bad input {name}: {outcome}")
    if args.json:
        args.json.write_text(
            json.dumps({"summary": summary, "rows": rows, "bad": bad}, indent=1, default=str)
        )
    if args.markdown:
        args.markdown.write_text(to_markdown(summary, bad, argv or sys.argv[1:]))
    if args.csv:
        write_foot_rows(rows, args.csv)
    return 0


#: Columns of :func:`write_foot_rows`.
FOOT_COLUMNS = (
    "seed", "scene", "reference", "status", "scale_source", "side_true", "side_found",
    "ai_true", "ai_found", "ai_error", "length_true_mm", "length_found_mm", "quality", "error",
)  # fmt: skip


def foot_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One flat record per true foot of photos with a print (``FOOT_COLUMNS``).

    A photo that was not scored gives one record per true foot with its status
    and error; a true foot that was not found has empty ``*_found`` fields.
    ``ai_error`` is found minus true.
    """
    out = []
    for r in rows:
        if not r.get("with_print"):
            continue
        base = {
            "seed": r["seed"],
            "scene": r["scene"],
            "reference": r["reference"],
            "status": r["status"],
            "scale_source": r.get("scale_source", ""),
            "error": r.get("error", ""),
        }
        feet = r.get("feet") or [{"truth": None, "found": None}] * int(r.get("n_true", 1))
        for pair in feet:
            t, f = pair.get("truth") or {}, pair.get("found") or {}
            ai_t, ai_f = t.get("ai"), f.get("arch_index")
            out.append(
                {
                    **base,
                    "side_true": t.get("side", ""),
                    "side_found": f.get("side", ""),
                    "ai_true": "" if ai_t is None else round(ai_t, 4),
                    "ai_found": "" if ai_f is None else round(ai_f, 4),
                    "ai_error": "" if ai_t is None or ai_f is None else round(ai_f - ai_t, 4),
                    "length_true_mm": "" if t.get("length") is None else round(t["length"], 1),
                    "length_found_mm": f.get("foot_length_mm") or "",
                    "quality": f.get("quality", ""),
                }
            )
    return out


def write_foot_rows(rows: list[dict[str, Any]], path: Path) -> None:
    """Write :func:`foot_rows` as CSV, so that a later run can be compared photo by photo."""
    import csv

    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FOOT_COLUMNS)
        writer.writeheader()
        writer.writerows(foot_rows(rows))


def library_versions() -> dict[str, str]:
    """Versions of the libraries the figures depend on.

    The project asks for minimum versions only, so a fresh install takes the
    newest; a decoder's or a filter's change can move a faint outline, and the
    figures are reproducible only with the versions they were measured with.
    """
    from importlib.metadata import PackageNotFoundError, version

    import footprint

    out = {"footprint": footprint.__version__}
    for dist in ("opencv-python-headless", "numpy", "scikit-image", "scipy", "pillow"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "not installed"
    return out


def to_markdown(s: dict[str, Any], bad: list[tuple[str, str]], argv: list[str]) -> str:
    def pct(v: float | None) -> str:
        return "n/a" if v is None else f"{100 * v:.1f} %"

    def num(v: float | None, fmt: str = ".4f") -> str:
        return "n/a" if v is None else format(v, fmt)

    iv = s.get("intervals_95") or {}

    def ci(key: str, fmt: Any = pct) -> str:
        v = iv.get(key)
        return "" if v is None else f"{fmt(v[0])} to {fmt(v[1])}"

    lines = [
        "| measure | value | 95 % interval |",
        "|---|---|---|",
        f"| photos with a print | {s['photos_with_print']} (seeds {s['seeds']}, {s['size']}) | |",
        f"| photos scored | {s['photos_scored']} ({pct(s['scored_fraction'])}) | "
        f"{ci('scored_fraction')} |",
        f"| feet (true / measured) | {s['feet_true']} / {s['feet_matched']} | |",
        f"| arch index MAE | {num(s['ai_mae'])} | {ci('ai_mae', num)} |",
        f"| arch index within 0.02 | {pct(s['ai_within_0_02'])} | {ci('ai_within_0_02')} |",
        f"| arch index 95th-percentile error | {num(s['ai_p95_error'])} | |",
        f"| arch class correct | {pct(s['arch_class_accuracy'])} | {ci('arch_class_accuracy')} |",
        f"| side correct | {pct(s['side_accuracy'])} | {ci('side_accuracy')} |",
        f"| foot axis (heel centre to second toe) median error (deg) | "
        f"{num(s.get('axis_error_median_deg'), '.2f')} | |",
        f"| foot axis within 2 degrees | {pct(s.get('axis_within_2deg'))} | |",
        f"| Chippaux-Smirak MAE (points) | {num(s['csi_mae_points'], '.2f')} | |",
        f"| Staheli MAE | {num(s['staheli_mae'], '.3f')} | |",
        f"| Clarke's angle MAE (deg) | {num(s['clarke_mae_deg'], '.2f')} | |",
        f"| reference found (scored photos with a sheet or card) | {s['reference_detected']} | |",
        f"| foot length mean error (feet with a reference: {s['length_feet']}) | "
        f"{pct(s['length_mean_rel_error'])} | |",
        f"| foot length within 1 % | {pct(s['length_within_1pct'])} | {ci('length_within_1pct')} |",
        f"| cop_along within 0.03 | {pct(s['cop_along_within_0_03'])} | |",
        f"| all region shares within 5 points | {pct(s['region_shares_within_5pts'])} | |",
        f"| photos without a print rejected | {s['no_print_rejected']} / {s['no_print_photos']} | "
        f"{ci('no_print_rejected')} |",
        f"| bad inputs rejected with a typed error | {s['bad_inputs_rejected_typed']} / "
        f"{s['bad_inputs']} | |",
        "",
        "| scene | photos | scored | AI MAE |",
        "|---|---|---|---|",
    ]
    for k, v in s["per_scene"].items():
        lines.append(f"| {k} | {v['photos']} | {v['scored']} | {num(v['ai_mae'])} |")
    lines += ["", "Command: `python scripts/bench_accuracy.py " + " ".join(argv) + "`", ""]
    if s.get("versions"):
        lines += ["Measured with " + ", ".join(f"{k} {v}" for k, v in s["versions"].items()), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())

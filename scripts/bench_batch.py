"""Batch throughput benchmark: ``--jobs 1``, ``--jobs 2`` and a 2-worker Dask LocalCluster.

Generates ``--n`` seeded 12 MP photos with :func:`footprint.synth.render_photo`
(cached under ``.bench/batch/``, which git ignores), then scores the folder
with :func:`footprint.batch.run_batch` once per configuration, each in a fresh
Python process so that imports, caches and peak memory do not leak between
configurations:

* ``jobs1`` - in-process, one file after another (OpenCV on one thread);
* ``jobs2`` - a spawn process pool of two workers;
* ``dask2`` - ``LocalCluster(n_workers=2, threads_per_worker=1, processes=True)``,
  paths sent in tasks of 8 files.

For each it prints files, failures, wall time, images per second over the whole
run (including starting worker processes) and in steady state (from the
``k``-th to the last finished file, ``k`` = number of workers), and the peak
resident memory of each worker (``ru_maxrss`` returned by the workers).

Usage::

    python scripts/bench_batch.py --n 40
    python scripts/bench_batch.py --n 200 --markdown out/bench_batch.md
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
CACHE = HERE / ".bench" / "batch"
CONFIGS = ("jobs1", "jobs2", "dask2")


def _render_one(args: tuple[int, str, tuple[int, int], str]) -> str:
    seed, scene, size, dest = args
    from footprint import synth

    photo = synth.render_photo(seed, scene=scene, size=size)
    tmp = Path(dest + ".tmp")
    tmp.write_bytes(photo.jpeg)
    tmp.replace(dest)
    return dest


def make_photos(n: int, size: tuple[int, int], jobs: int) -> Path:
    """Render (or reuse) ``n`` photos; return their folder."""
    from footprint import synth

    folder = CACHE / f"photos_{size[0]}x{size[1]}"
    folder.mkdir(parents=True, exist_ok=True)
    todo = []
    for i in range(n):
        scene = synth.SCENES[i % len(synth.SCENES)]
        dest = folder / f"p{i:04d}_{scene}.jpg"
        if not dest.exists():
            todo.append((20000 + i, scene, size, str(dest)))
    if todo:
        print(f"rendering {len(todo)} photos of {size[0]}x{size[1]} into {folder} ...", flush=True)
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(_render_one, todo))
    return folder


def run_one(config: str, folder: Path, n: int) -> dict:
    """Score the first ``n`` photos of ``folder`` with one configuration (in this process)."""
    from footprint.batch import run_batch

    files = sorted(p.name for p in folder.glob("*.jpg"))[:n]
    stamps: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "results.csv"
        kwargs: dict = {"include": files}
        cluster = client = None
        if config == "jobs1":
            kwargs["jobs"] = 1
        elif config == "jobs2":
            kwargs["jobs"] = 2
        else:
            from distributed import Client, LocalCluster

            cluster = LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = Client(cluster)
            kwargs["scheduler"] = client
        try:
            t0 = time.perf_counter()
            summary = run_batch(
                folder, out, on_file=lambda rel, rows: stamps.append(time.perf_counter()), **kwargs
            )
            wall = time.perf_counter() - t0
        finally:
            if client is not None:
                client.close()
            if cluster is not None:
                cluster.close()
    k = 1 if config == "jobs1" else 2
    steady = (len(stamps) - k) / (stamps[-1] - stamps[k - 1]) if len(stamps) > k + 1 else None
    return {
        "config": config,
        "files": summary.scored + summary.failed,
        "failed": summary.failed,
        "wall_s": round(wall, 2),
        "images_per_s": round((summary.scored + summary.failed) / wall, 3),
        "steady_images_per_s": None if steady is None else round(steady, 3),
        "peak_rss_mb": {k_: round(v, 1) for k_, v in sorted(summary.peak_rss_mb.items())},
        "error_codes": dict(summary.error_codes),
        "first_errors": summary.errors[:3],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=40, help="photos to score")
    ap.add_argument("--size", default="4032x3024", help="photo size WxH")
    ap.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated subset")
    ap.add_argument("--render-jobs", type=int, default=2, help="processes rendering photos")
    ap.add_argument("--markdown", type=Path, help="also write a Markdown table here")
    ap.add_argument("--run", choices=CONFIGS, help=argparse.SUPPRESS)
    ap.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:  # child process: one configuration
        print(json.dumps(run_one(args.run, args.folder, args.n)))
        return

    w, h = (int(v) for v in args.size.lower().split("x"))
    folder = make_photos(args.n, (w, h), args.render_jobs)
    results = []
    for config in args.configs.split(","):
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "--run",
                config,
                "--folder",
                str(folder),
                "--n",
                str(args.n),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            raise SystemExit(f"{config} failed")
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        results.append(res)
        peak = max(res["peak_rss_mb"].values()) if res["peak_rss_mb"] else float("nan")
        print(
            f"{config:6s} files={res['files']:4d} failed={res['failed']:3d} "
            f"wall={res['wall_s']:7.2f}s  {res['images_per_s']:6.2f} img/s "
            f"(steady {res['steady_images_per_s']} img/s)  peak/worker={peak:.0f} MB "
            f"{res['peak_rss_mb']} errors={res['error_codes']}",
            flush=True,
        )
        for rel, code, msg in res["first_errors"]:
            print(f"    {rel}: {code}: {msg[:160]}", flush=True)
    by = {r["config"]: r for r in results}
    lines = [
        f"Batch benchmark: {args.n} photos of {w}x{h} (synthetic, JPEG)",
        "",
        "| configuration | wall s | images/s | steady images/s | peak MB per worker |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        peak = max(r["peak_rss_mb"].values()) if r["peak_rss_mb"] else float("nan")
        lines.append(
            f"| {r['config']} | {r['wall_s']:.1f} | {r['images_per_s']:.2f} | "
            f"{r['steady_images_per_s']} | {peak:.0f} |"
        )

    def ratio(a: str, b: str, key: str) -> float:
        return (by[a][key] or 0.0) / (by[b][key] or float("inf"))

    if "jobs1" in by and "jobs2" in by:
        lines.append("")
        lines.append(
            f"jobs2 / jobs1 throughput: {ratio('jobs2', 'jobs1', 'images_per_s'):.2f}x "
            f"(steady {ratio('jobs2', 'jobs1', 'steady_images_per_s'):.2f}x)"
        )
    if "dask2" in by and "jobs2" in by:
        lines.append(
            f"dask2 / jobs2 throughput: {ratio('dask2', 'jobs2', 'images_per_s'):.2f}x "
            f"(steady {ratio('dask2', 'jobs2', 'steady_images_per_s'):.2f}x)"
        )
    text = "\n".join(lines)
    print()
    print(text)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(text + "\n")


if __name__ == "__main__":
    main()

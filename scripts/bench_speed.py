"""Speed benchmark: full analysis of 12 MP JPEGs next to cv2.imread of the same files.

Generates ``--n`` seeded 12 MP photos (cached under ``.bench/``), then in one
run times, per file, the median over ``--repeat`` runs of

* ``cv2.imread(path)`` (full decode, the reference cost), and
* ``footprint.analyse(path)`` (decode at work resolution + every step),

and prints the medians, their ratio, and the peak resident memory of a fresh
process that only analyses the files (``ru_maxrss``).

Usage::

    python scripts/bench_speed.py --n 6 --repeat 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
CACHE = HERE / ".bench" / "speed"


def make_photos(n: int, size: tuple[int, int]) -> list[Path]:
    from footprint import synth

    CACHE.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        scene = synth.SCENES[i % len(synth.SCENES)]
        path = CACHE / f"photo_{size[0]}x{size[1]}_{i:03d}_{scene}.jpg"
        if not path.exists():
            photo = synth.render_photo(7000 + i, scene=scene, size=size, jpeg_quality=92)
            path.write_bytes(photo.jpeg)
        paths.append(path)
    return paths


def peak_memory_mb(paths: list[Path]) -> float:
    """Peak resident memory of a fresh process analysing ``paths`` [MB].

    On Linux the child's own high-water mark (``VmHWM``) is read: its
    ``ru_maxrss`` would include the parent's peak before ``exec`` (rendering
    the 12 MP photos on a first run took ~750 MB).
    """
    code = (
        "import resource, sys, footprint\n"
        "for p in sys.argv[1:]:\n"
        "    try:\n"
        "        footprint.analyse(p)\n"
        "    except footprint.FootprintError:\n"
        "        pass\n"
        "try:\n"
        "    status = open('/proc/self/status').read().split('\\n')\n"
        "    hwm = [ln for ln in status if ln.startswith('VmHWM:')][0]\n"
        "    print(int(hwm.split()[1]) / 1024)\n"
        "except (OSError, IndexError):\n"
        "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *map(str, paths)], capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--size", default="4032x3024")
    args = parser.parse_args(argv)
    import cv2

    import footprint
    from footprint.errors import FootprintError

    w, h = (int(v) for v in args.size.split("x"))
    paths = make_photos(args.n, (w, h))
    rows = []
    for p in paths:
        t_read, t_an = [], []
        failed = None
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            img = cv2.imread(str(p))
            t_read.append(time.perf_counter() - t0)
            del img
            t0 = time.perf_counter()
            try:
                footprint.analyse(p)
            except FootprintError as exc:
                failed = str(exc)
            t_an.append(time.perf_counter() - t0)
        rows.append(
            {
                "file": p.name,
                "imread_ms": 1000 * statistics.median(t_read),
                "analyse_ms": 1000 * statistics.median(t_an),
                "failed": failed,
            }
        )
        print(
            f"{p.name}: imread {rows[-1]['imread_ms']:.0f} ms, "
            f"analyse {rows[-1]['analyse_ms']:.0f} ms" + (f" (error: {failed})" if failed else "")
        )
    med_read = statistics.median(r["imread_ms"] for r in rows)
    med_an = statistics.median(r["analyse_ms"] for r in rows)
    peak = peak_memory_mb(paths)
    summary = {
        "files": len(rows),
        "size": args.size,
        "median_imread_ms": round(med_read, 1),
        "median_analyse_ms": round(med_an, 1),
        "ratio_analyse_to_imread": round(med_an / med_read, 2),
        "peak_memory_mb": round(peak, 1),
        "opencv": cv2.__version__,
        "footprint": footprint.__version__,
    }
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The long fuzz run: N seeded hostile inputs through ``load_image`` + ``analyse``.

Inputs come from ``tests/fuzz_inputs.py`` (the families of the default tests:
random bytes, format signatures with random tails, truncated and bit-flipped
real JPEG/PNG/HEIC/WebP/TIFF/BMP/GIF files, lying headers, extreme shapes,
16-bit / float / alpha / CMYK / palette / animated images, decompression bombs
including complete 49 MP files just under the pixel limit, odd numpy arrays and
altered photos), mixed by fixed weights; input ``i`` is family
``family_of(seed + i)`` made from seed ``seed + i``, so any failure is
reproduced from the printed family and seed.

The parent makes the inputs and hands them to a pool of long-lived worker
processes (restarted only when one dies or hangs). Each worker runs with an
address-space limit (``RLIMIT_AS``) and reports its peak resident memory
(``ru_maxrss``) after every input. An input is

* a **typed error** when it raises a ``FootprintError`` with a message,
* a **valid result** when ``analyse`` returns a result that passes the checks
  of ``tests/test_fuzz.py`` (no NaN/inf anywhere, JSON round trip, ranges),
* a **crash** when anything else is raised, the result is invalid, or the
  worker process dies (signal, out of memory),
* a **hang** when it takes longer than ``--timeout`` seconds (the worker is
  killed and replaced).

Usage::

    .venv/bin/python scripts/fuzz.py --n 10000            # about 15 min on 2 cores
    .venv/bin/python scripts/fuzz.py --n 500 --jobs 2 --log /tmp/fuzz.jsonl
    .venv/bin/python scripts/fuzz.py --repro bitflip 1234   # one input, in this process

Exit code 0 when there were no crashes and no hangs, 1 otherwise.
"""

from __future__ import annotations

import argparse
import collections
import json
import multiprocessing
import os
import signal
import sys
import time
import traceback
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))


# --------------------------------------------------------------------------- #
# worker
# --------------------------------------------------------------------------- #
def _check(x: Any) -> tuple[str, str]:
    """Run one input; return (outcome, detail). Never raises (except on interpreter exit)."""
    import test_fuzz as tf

    from footprint import analyse
    from footprint.errors import FootprintError
    from footprint.io import load_image

    try:
        try:
            tf.check_loaded(load_image(x))
        except FootprintError as exc:
            if not exc.message:
                return "crash", f"{type(exc).__name__} without a message"
        try:
            result = analyse(x)
        except FootprintError as exc:
            if not exc.message or "Traceback" in exc.message:
                return "crash", f"{type(exc).__name__} with a bad message: {exc.message!r}"
            return "typed", exc.code
        tf.check_result(result)
        return "ok", f"{len(result.feet)} feet"
    except Exception as exc:  # noqa: BLE001 - that is what we count
        frames = [
            f
            for f in traceback.extract_tb(exc.__traceback__)
            if "/footprint/" in f.filename.replace("\\", "/")
        ]
        where = f"{Path(frames[-1].filename).name}:{frames[-1].name}" if frames else "?"
        return "crash", f"{type(exc).__name__} in {where}: {str(exc)[:200]}"


def _worker(conn: Connection, mem_limit_mb: int) -> None:
    import resource
    import warnings

    if mem_limit_mb > 0:
        limit = mem_limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import cv2

    cv2.setNumThreads(1)
    import logging

    logging.disable(logging.WARNING)  # the many typed failures are expected
    import test_fuzz  # noqa: F401 - import everything before the first input is timed

    import footprint.pipeline  # noqa: F401

    warnings.simplefilter("error")  # as in the test suite: a warning is a failure
    conn.send("ready")
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        i, x = task
        t0 = time.perf_counter()
        outcome, detail = _check(x)
        elapsed = time.perf_counter() - t0
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        conn.send((i, outcome, detail, elapsed, rss_mb))


class _Slot:
    """One worker process and the input it is working on."""

    def __init__(self, ctx: Any, mem_limit_mb: int) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, mem_limit_mb), daemon=True)
        self.proc.start()
        child.close()
        self.task: int | None = None
        self.started = 0.0
        if not self.conn.poll(180) or self.conn.recv() != "ready":
            raise RuntimeError("a fuzz worker did not start")

    def send(self, i: int, x: Any) -> None:
        self.task, self.started = i, time.monotonic()
        self.conn.send((i, x))

    def kill(self) -> None:
        if self.proc.is_alive():
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.join(5)
        self.conn.close()


# --------------------------------------------------------------------------- #
# parent
# --------------------------------------------------------------------------- #
def run(
    n: int, seed: int, jobs: int, timeout_s: float, mem_limit_mb: int, log_path: Path | None
) -> dict[str, Any]:
    import fuzz_inputs as fz

    ctx = multiprocessing.get_context("spawn")
    slots = [_Slot(ctx, mem_limit_mb) for _ in range(jobs)]
    todo = collections.deque(range(n))
    meta: dict[int, tuple[str, int]] = {}
    counts: collections.Counter[str] = collections.Counter()
    by_family: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    typed_codes: collections.Counter[str] = collections.Counter()
    crash_kinds: collections.Counter[str] = collections.Counter()
    peak = {"rss_mb": 0.0, "family": "", "seed": -1}
    slowest = (0.0, "", -1)
    problems: list[dict[str, Any]] = []
    log = log_path.open("w") if log_path else None
    t0 = time.monotonic()
    done = 0

    def record(i: int, outcome: str, detail: str, elapsed: float, rss_mb: float = 0.0) -> None:
        nonlocal done, slowest
        family, s = meta.pop(i)
        counts[outcome] += 1
        by_family[family][outcome] += 1
        if outcome == "typed":
            typed_codes[detail] += 1
        if outcome in ("crash", "hang"):
            kind = detail.split(": ", 1)[0] if outcome == "crash" else "hang"
            crash_kinds[kind] += 1
            problems.append(
                {"i": i, "family": family, "seed": s, "outcome": outcome, "detail": detail}
            )
        if elapsed > slowest[0]:
            slowest = (elapsed, family, s)
        if log:
            log.write(
                json.dumps(
                    {
                        "i": i,
                        "family": family,
                        "seed": s,
                        "outcome": outcome,
                        "detail": detail,
                        "s": round(elapsed, 4),
                        "worker_peak_mb": round(rss_mb, 1),
                    }
                )
                + "\n"
            )
        done += 1
        if done % 500 == 0 or done == n:
            rate = done / max(time.monotonic() - t0, 1e-9)
            print(
                f"  {done}/{n}  ok {counts['ok']}  typed {counts['typed']}  crashes "
                f"{counts['crash']}  hangs {counts['hang']}  peak {peak['rss_mb']:.0f} MB  "
                f"{rate:.1f}/s",
                flush=True,
            )

    try:
        while todo or any(s.task is not None for s in slots):
            for k, slot in enumerate(slots):
                if slot.task is None and todo:
                    i = todo.popleft()
                    s = seed + i
                    family = fz.family_of(s)
                    meta[i] = (family, s)
                    try:
                        slot.send(i, fz.make(family, s))
                    except (BrokenPipeError, OSError):  # died while idle: replace, retry
                        slot.kill()
                        slots[k] = _Slot(ctx, mem_limit_mb)
                        slots[k].send(i, fz.make(family, s))
            busy = [s for s in slots if s.task is not None]
            ready = wait([s.conn for s in busy], timeout=0.5)
            for k, slot in enumerate(slots):
                if slot.task is None:
                    continue
                if slot.conn in ready:
                    try:
                        i, outcome, detail, elapsed, rss_mb = slot.conn.recv()
                    except (EOFError, OSError):
                        code = slot.proc.exitcode if not slot.proc.is_alive() else None
                        i = slot.task
                        slot.kill()
                        slots[k] = _Slot(ctx, mem_limit_mb)
                        record(
                            i,
                            "crash",
                            f"worker died: exit code {code}",
                            time.monotonic() - slot.started,
                        )
                        continue
                    slot.task = None
                    if rss_mb > peak["rss_mb"]:
                        peak.update(rss_mb=rss_mb, family=meta[i][0], seed=meta[i][1])
                    record(i, outcome, detail, elapsed, rss_mb)
                elif time.monotonic() - slot.started > timeout_s:
                    i = slot.task
                    slot.kill()
                    slots[k] = _Slot(ctx, mem_limit_mb)
                    record(i, "hang", f"no answer in {timeout_s:.0f} s", timeout_s)
    finally:
        for slot in slots:
            try:
                slot.conn.send(None)
            except OSError:
                pass
            slot.proc.join(5)
            slot.kill()
        if log:
            log.close()
    return {
        "inputs": n,
        "typed_errors": counts["typed"],
        "valid_results": counts["ok"],
        "crashes": counts["crash"],
        "hangs": counts["hang"],
        "peak_memory_mb": round(peak["rss_mb"], 1),
        "peak_memory_input": f"{peak['family']} seed {peak['seed']}",
        "slowest_s": round(slowest[0], 2),
        "slowest_input": f"{slowest[1]} seed {slowest[2]}",
        "elapsed_s": round(time.monotonic() - t0, 1),
        "jobs": jobs,
        "timeout_s": timeout_s,
        "rlimit_as_mb": mem_limit_mb,
        "by_family": {f: dict(c) for f, c in sorted(by_family.items())},
        "typed_codes": dict(typed_codes.most_common()),
        "crash_kinds": dict(crash_kinds.most_common()),
        "problems": problems[:50],
    }


def _print(summary: dict[str, Any]) -> None:
    print()
    print(f"inputs         {summary['inputs']}")
    print(f"typed errors   {summary['typed_errors']}")
    print(f"valid results  {summary['valid_results']}")
    print(
        f"crashes        {summary['crashes']}  (untyped exceptions, invalid results, worker deaths)"
    )
    print(f"hangs          {summary['hangs']}  (> {summary['timeout_s']:.0f} s)")
    print(
        f"peak memory    {summary['peak_memory_mb']:.0f} MB  (largest worker RSS; "
        f"at {summary['peak_memory_input']}; RLIMIT_AS {summary['rlimit_as_mb']} MB)"
    )
    print(f"slowest input  {summary['slowest_s']} s  ({summary['slowest_input']})")
    print(f"wall time      {summary['elapsed_s']:.0f} s with {summary['jobs']} workers")
    print(
        "by family      "
        + "; ".join(
            f"{f}: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items()))
            for f, c in summary["by_family"].items()
        )
    )
    print("typed codes    " + ", ".join(f"{k} {v}" for k, v in summary["typed_codes"].items()))
    if summary["crash_kinds"]:
        print("crash kinds    " + "; ".join(f"{k}: {v}" for k, v in summary["crash_kinds"].items()))
        for p in summary["problems"][:10]:
            print(f"  {p['outcome']} {p['family']} seed {p['seed']}: {p['detail']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000, help="number of inputs")
    ap.add_argument("--seed", type=int, default=0, help="seed of the first input")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes")
    ap.add_argument("--timeout", type=float, default=60.0, help="[s] per input: a hang")
    ap.add_argument(
        "--mem-limit-mb",
        type=int,
        default=4096,
        help="RLIMIT_AS of each worker [MB] (virtual memory; 0 = none)",
    )
    ap.add_argument("--log", type=Path, help="write one JSON line per input here")
    ap.add_argument("--json", type=Path, help="write the summary as JSON here")
    ap.add_argument(
        "--repro",
        nargs=2,
        metavar=("FAMILY", "SEED"),
        help="run one input in this process and show the outcome",
    )
    args = ap.parse_args(argv)
    if args.repro:
        import fuzz_inputs as fz

        x = fz.make(args.repro[0], int(args.repro[1]))
        print(_check(x))
        return 0
    import footprint

    print(
        f"fuzzing {args.n} inputs from seed {args.seed} with {args.jobs} workers "
        f"(footprint {footprint.__version__} from {Path(footprint.__file__).parent}) ...",
        flush=True,
    )
    summary = run(args.n, args.seed, args.jobs, args.timeout, args.mem_limit_mb, args.log)
    _print(summary)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))
    return 0 if summary["crashes"] == 0 and summary["hangs"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

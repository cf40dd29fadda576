"""Score many photos: in this process, a local process pool, or a Dask cluster.

The unit of work is :func:`score_file`, a top-level function that takes the
folder, a path relative to it and a dict of options, and returns the batch
rows of that file (:data:`footprint.result.RECORD_COLUMNS`). It never raises
for a bad file: a failure becomes one ``status=error`` row. Because it only
depends on the file's bytes and the options, the rows are identical whichever
executor ran it.

:func:`run_batch` finds the files, skips those already in the output when
resuming, runs the work and writes each file's rows as soon as they arrive
(see :mod:`footprint.outputs` for the crash-safety guarantees).

Executors
---------
``jobs == 1``
    In this process, one file after another.
``jobs > 1``
    A :class:`~concurrent.futures.ProcessPoolExecutor` with the ``spawn``
    context; each worker runs OpenCV on one thread. If a worker process dies
    (out of memory, a crash in a decoder), the files that were in flight are
    re-run one at a time, so the file that kills a worker is found and gets an
    error row; the others are scored normally.
``scheduler``
    A Dask distributed cluster. Only paths are sent: the workers must see the
    folder under the same path. Files are batched into tasks of
    :data:`DASK_CHUNK_FILES` (fewer for small batches), submitted with
    ``retries=2`` and ``pure=False``; a task that still fails (e.g. its workers
    keep dying) gives error rows for its files and the batch goes on.
"""

from __future__ import annotations

import fnmatch
import hashlib
import logging
import os
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from footprint.errors import FootprintError
from footprint.io import IMAGE_SUFFIXES
from footprint.result import error_record

log = logging.getLogger(__name__)

#: Files per Dask task: enough to amortise scheduling (~1 ms per task), few
#: enough to keep all workers busy to the end of a small batch.
DASK_CHUNK_FILES: int = 8

#: Fewest Dask tasks per worker thread: batches smaller than
#: ``DASK_CHUNK_FILES * DASK_TASKS_PER_THREAD * threads`` get smaller tasks.
DASK_TASKS_PER_THREAD: int = 4

#: Tasks in flight per local worker process (keeps workers fed without
#: queueing the whole folder in memory).
POOL_TASKS_PER_WORKER: int = 4

#: Failed files kept with their reason in :class:`BatchSummary` (all are in the output).
MAX_LISTED_ERRORS: int = 1000

#: Retries of a Dask task whose worker died.
DASK_RETRIES: int = 2

_SINGLE_THREAD_DONE = False


class WorkerDiedError(FootprintError):
    """The process analysing a file stopped abruptly (out of memory or a crash)."""

    code = "worker_died"


class BatchUsageError(Exception):
    """The batch cannot start: bad folder, options, output or scheduler."""


# ---------------------------------------------------------------------------
# the unit of work (runs in workers)
# ---------------------------------------------------------------------------
def _single_thread() -> None:
    """Prepare a worker process once: OpenCV on one thread (parallelism comes from
    processes, not threads) and malloc thresholds that suit image arrays."""
    global _SINGLE_THREAD_DONE
    if _SINGLE_THREAD_DONE:
        return
    import cv2

    cv2.setNumThreads(1)
    _tune_malloc()
    _SINGLE_THREAD_DONE = True


#: [bytes] glibc malloc thresholds set in a worker whose environment pins
#: ``MALLOC_TRIM_THRESHOLD_`` (a Dask nanny sets 64 KiB). Pinning it switches off
#: glibc's adaptive mmap threshold, so every image-sized array is a fresh mmap
#: whose pages are faulted in and zeroed again: the analysis ran 1.6x slower in
#: Dask workers. Arrays up to 16 MiB then come from the heap again, and the heap
#: is still trimmed beyond 16 MiB of free memory (larger thresholds kept a Dask
#: worker's peak above 400 MB).
MALLOC_MMAP_THRESHOLD_BYTES = 16 * 1024 * 1024
MALLOC_TRIM_THRESHOLD_BYTES = 16 * 1024 * 1024


def _tune_malloc() -> None:
    """Restore fast allocation of large arrays where a Dask nanny pinned malloc's trim."""
    if "MALLOC_TRIM_THRESHOLD_" not in os.environ or not sys.platform.startswith("linux"):
        return
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3  # <malloc.h>
        libc.mallopt(m_mmap_threshold, MALLOC_MMAP_THRESHOLD_BYTES)
        libc.mallopt(m_trim_threshold, MALLOC_TRIM_THRESHOLD_BYTES)
    except (OSError, AttributeError):  # not glibc: nothing to restore
        log.debug("mallopt unavailable; malloc thresholds left as they are")


def _init_worker(log_level: int) -> None:
    """Initializer of local pool workers."""
    logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s")
    _single_thread()


def file_sha256(path: Path) -> str | None:
    """SHA-256 (hex) of a file's bytes, or ``None`` when it cannot be read."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()


def overlay_path(overlays_dir: str | os.PathLike[str], relpath: str) -> Path:
    """Where the overlay of ``relpath`` is written: ``<overlays_dir>/<relpath>.png``.

    Keeping the full file name (``IMG_1.jpg.png``) makes the name unique even
    when ``IMG_1.jpg`` and ``IMG_1.png`` sit in the same folder.
    """
    return Path(overlays_dir) / (relpath + ".png")


def write_overlay(analysis: Any, dest: Path) -> None:
    """Draw :func:`footprint.render.overlay` of ``analysis`` and save it as PNG atomically."""
    from footprint.render import overlay  # lazy: render is optional here

    img = overlay(analysis)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + f".{os.getpid()}.tmp")
    if isinstance(img, (bytes, bytearray)):
        tmp.write_bytes(bytes(img))
    else:
        from PIL import Image

        pil = img if isinstance(img, Image.Image) else Image.fromarray(img)
        pil.save(tmp, format="PNG")
    os.replace(tmp, dest)


def score_file(root: str, relpath: str, options: dict[str, Any]) -> list[dict[str, Any]]:
    """Score one file; never raises for a bad file.

    Parameters
    ----------
    root : str
        Folder the batch scans.
    relpath : str
        Path of the photo relative to ``root``, with ``/`` separators.
    options : dict
        ``cutoffs`` (preset name), ``sensitivity``, ``min_quality`` and
        ``contact_level_percentile`` (float or None), ``second_look``,
        ``paper_perspective`` and ``floor_lines_perspective`` (bool) and
        ``overlays_dir`` (folder or None).

    Returns
    -------
    list of dict
        One row per foot (``status='ok'``), or a single ``status='error'`` row
        with the error message and code.
    """
    _single_thread()
    path = Path(root) / relpath
    try:
        from footprint.params import Params
        from footprint.pipeline import analyse_detailed

        params = Params().with_options(**_analysis_options(options))
        analysis = analyse_detailed(path, params, name=relpath)
        rows = analysis.result.to_records(file=relpath)
        overlays_dir = options.get("overlays_dir")
        if overlays_dir:
            try:
                write_overlay(analysis, overlay_path(overlays_dir, relpath))
            except Exception as exc:  # noqa: BLE001 - an overlay never fails the scoring
                log.warning("Overlay of %s could not be drawn: %s", relpath, exc)
                note = f"Overlay could not be drawn: {type(exc).__name__}: {exc}"
                for row in rows:
                    row["warnings"] = " | ".join(w for w in (row.get("warnings"), note) if w)
        return rows
    except FootprintError as exc:
        return [error_record(relpath, exc, sha256=file_sha256(path))]
    except Exception as exc:  # noqa: BLE001 - a batch never stops for one bad file
        log.error("Unexpected error on %s: %s: %s", relpath, type(exc).__name__, exc)
        log.debug("Traceback of the error on %s", relpath, exc_info=True)
        return [error_record(relpath, exc, sha256=file_sha256(path))]


def _analysis_options(options: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if options.get("cutoffs"):
        out["cutoffs"] = options["cutoffs"]
    if options.get("sensitivity") is not None:
        out["sensitivity"] = float(options["sensitivity"])
    if options.get("min_quality") is not None:
        out["min_quality"] = float(options["min_quality"])
    if options.get("contact_level_percentile") is not None:
        out["contact_level_percentile"] = float(options["contact_level_percentile"])
    if options.get("second_look"):
        out["second_look"] = True
    for key in ("paper_perspective", "floor_lines_perspective"):
        if options.get(key) is not None:
            out[key] = bool(options[key])
    return out


def _peak_rss_mb() -> float:
    """Peak resident memory of this process [MB].

    ``VmHWM`` where Linux has it: ``ru_maxrss`` survives fork + exec, so a worker
    started by a large process would report its parent's size.
    """
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0  # kB
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def score_chunk(root: str, relpaths: Sequence[str], options: dict[str, Any]) -> dict[str, Any]:
    """Score several files in one task (the unit sent to pool or Dask workers).

    Returns
    -------
    dict
        ``files``: list of ``(relpath, rows)``; ``pid``: worker process id;
        ``peak_rss_mb``: the worker's peak resident memory so far.
    """
    _single_thread()  # a Dask worker has no pool initializer
    files = [(rel, score_file(root, rel, options)) for rel in relpaths]
    return {"files": files, "pid": os.getpid(), "peak_rss_mb": _peak_rss_mb()}


# ---------------------------------------------------------------------------
# finding files
# ---------------------------------------------------------------------------
def _matches(relpath: str, patterns: Sequence[str]) -> bool:
    name = relpath.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(relpath, p) or fnmatch.fnmatch(name, p) for p in patterns)


def discover(
    root: Path,
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    recursive: bool = True,
    skip: Sequence[Path] = (),
) -> tuple[list[str], int]:
    """Files to score under ``root``, as sorted ``/``-separated relative paths.

    Without ``include`` patterns a file is taken when its suffix is an image
    suffix (:data:`footprint.io.IMAGE_SUFFIXES`). Patterns are shell globs
    matched against the relative path (``*`` also crosses folders) and against
    the file name. Hidden files and folders (name starting with ``.``) and the
    paths in ``skip`` (output, overlays folder) are never taken.

    Returns
    -------
    files : list of str
    ignored : int
        Regular files passed over because they are not images by name, or
        do not match ``include`` / match ``exclude``.
    """
    root = Path(root)
    skip_resolved = {Path(p).resolve() for p in skip}
    files: list[str] = []
    ignored = 0
    for dirpath, dirnames, filenames in os.walk(root):
        d = Path(dirpath)
        dirnames[:] = sorted(
            n for n in dirnames if not n.startswith(".") and (d / n).resolve() not in skip_resolved
        )
        if not recursive:
            dirnames[:] = []
        for n in filenames:
            if n.startswith("."):
                continue
            p = d / n
            if p.resolve() in skip_resolved or any(
                str(p.resolve()).startswith(str(s) + ".") for s in skip_resolved
            ):
                continue
            rel = p.relative_to(root).as_posix()
            if include:
                take = _matches(rel, include)
            else:
                take = p.suffix.lower() in IMAGE_SUFFIXES
            if take and exclude and _matches(rel, exclude):
                take = False
            if take:
                files.append(rel)
            else:
                ignored += 1
    files.sort()
    return files, ignored


# ---------------------------------------------------------------------------
# executors: each yields (relpath, rows) as files finish
# ---------------------------------------------------------------------------
@dataclass
class _WorkerStats:
    peak_rss_mb: dict[str, float] = field(default_factory=dict)

    def update(self, key: str, mb: float) -> None:
        self.peak_rss_mb[key] = max(mb, self.peak_rss_mb.get(key, 0.0))


def _died_rows(root: Path, rel: str, exc: BaseException) -> list[dict[str, Any]]:
    err = WorkerDiedError(
        f"The process analysing {rel} stopped abruptly ({type(exc).__name__}: {exc}); the file "
        "may be damaged or too large for the memory available. Check it with "
        "`footprint analyse`."
    )
    return [error_record(rel, err, sha256=file_sha256(root / rel))]


def _run_inline(
    root: Path, todo: Sequence[str], options: dict[str, Any], stats: _WorkerStats
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    _single_thread()
    for rel in todo:
        rows = score_file(str(root), rel, options)
        stats.update(f"pid {os.getpid()}", _peak_rss_mb())
        yield rel, rows


def _run_pool(
    root: Path, todo: Sequence[str], options: dict[str, Any], jobs: int, stats: _WorkerStats
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    ctx = multiprocessing.get_context("spawn")
    level = logging.getLogger("footprint").getEffectiveLevel()

    def make_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=jobs, mp_context=ctx, initializer=_init_worker, initargs=(level,)
        )

    pending: deque[str] = deque(todo)
    suspects: deque[str] = deque()  # files in flight when a worker died: run alone
    inflight: dict[Future[dict[str, Any]], str] = {}
    window = jobs * POOL_TASKS_PER_WORKER
    pool = make_pool()
    try:
        while pending or suspects or inflight:
            if suspects:
                if not inflight:
                    rel = suspects.popleft()
                    inflight[pool.submit(score_chunk, str(root), [rel], options)] = rel
            else:
                while pending and len(inflight) < window:
                    rel = pending.popleft()
                    inflight[pool.submit(score_chunk, str(root), [rel], options)] = rel
            done, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
            broken: BaseException | None = None
            for fut in done:
                rel = inflight.pop(fut)
                try:
                    res = fut.result()
                except BrokenProcessPool as exc:
                    broken = exc
                    inflight[fut] = rel  # handled below with the rest
                    continue
                stats.update(f"pid {res['pid']}", res["peak_rss_mb"])
                yield from res["files"]
            if broken is not None:
                lost = list(inflight.values())
                inflight.clear()
                pool.shutdown(wait=True, cancel_futures=True)
                pool = make_pool()
                if len(lost) == 1:  # the only unfinished file killed its worker
                    log.warning("A worker died on %s; recording it as an error.", lost[0])
                    yield lost[0], _died_rows(root, lost[0], broken)
                else:
                    log.warning(
                        "A worker died with %d files in flight; re-running them one at a time.",
                        len(lost),
                    )
                    suspects.extend(sorted(lost))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _connect(scheduler: str) -> Any:
    """A Dask client of the scheduler at ``scheduler``."""
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise BatchUsageError(
            "Dask distributed is not installed; install it with `pip install 'dask[distributed]'`."
        ) from exc
    try:
        return Client(scheduler, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise BatchUsageError(
            f"Could not reach the Dask scheduler at {scheduler} ({exc}). Check the address "
            "and that `dask scheduler` is running."
        ) from exc


def _run_dask(
    root: Path,
    todo: Sequence[str],
    options: dict[str, Any],
    client: Any,
    stats: _WorkerStats,
    chunk_files: int,
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    from distributed import as_completed

    futures: dict[Any, list[str]] = {}
    try:
        # Smaller tasks for small batches, so every worker has work to the end.
        try:
            threads = max(1, sum(client.nthreads().values()))
        except Exception:  # noqa: BLE001 - no workers yet: keep the requested size
            threads = 1
        size = max(1, min(chunk_files, -(-len(todo) // (DASK_TASKS_PER_THREAD * threads))))
        chunks = [list(todo[i : i + size]) for i in range(0, len(todo), size)]
        futures = {
            client.submit(
                score_chunk,
                str(root),
                chunk,
                options,
                retries=DASK_RETRIES,
                pure=False,
                key=f"footprint-score-{i}-{os.getpid()}-{time.monotonic_ns()}",
            ): chunk
            for i, chunk in enumerate(chunks)
        }
        for fut in as_completed(list(futures)):
            chunk = futures.pop(fut)
            try:
                res = fut.result()
            except Exception as exc:  # noqa: BLE001 - KilledWorker, lost connection, ...
                log.warning("A Dask task with %d files failed: %s", len(chunk), exc)
                for rel in chunk:
                    yield rel, _died_rows(root, rel, exc)
                continue
            finally:
                fut.release()
            stats.update(f"pid {res['pid']}", res["peak_rss_mb"])
            yield from res["files"]
    finally:
        for fut in futures:
            fut.cancel()


# ---------------------------------------------------------------------------
# the batch
# ---------------------------------------------------------------------------
@dataclass
class BatchSummary:
    """What a batch did; ``exit_code`` follows ``docs/cli.md``."""

    total: int = 0
    scored: int = 0
    failed: int = 0
    skipped: int = 0
    skipped_failed: int = 0
    ignored: int = 0
    rows: int = 0
    elapsed_s: float = 0.0
    arch_counts: dict[str, Counter[str]] = field(default_factory=dict)
    error_codes: Counter[str] = field(default_factory=Counter)
    errors: list[tuple[str, str, str]] = field(default_factory=list)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    output: str = ""

    @property
    def files_ok(self) -> int:
        return self.scored + self.skipped - self.skipped_failed

    @property
    def files_failed(self) -> int:
        return self.failed + self.skipped_failed

    @property
    def rate(self) -> float:
        """Files scored (ok or error) per second in this run."""
        n = self.scored + self.failed
        return n / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def exit_code(self) -> int:
        """0 all scored, 1 some failed, 2 nothing scored (or no images)."""
        if self.total == 0 or self.files_ok == 0:
            return 2
        return 1 if self.files_failed else 0

    def count_rows(self, rows: list[dict[str, Any]]) -> None:
        for r in rows:
            if r.get("status") == "ok":
                side = r.get("side") or "unknown"
                self.arch_counts.setdefault(side, Counter())[r.get("arch_type") or "unknown"] += 1


def run_batch(
    root: Path | str,
    output: Path | str,
    *,
    options: dict[str, Any] | None = None,
    jobs: int = 1,
    scheduler: Any = None,
    resume: bool = False,
    overwrite: bool = False,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    recursive: bool = True,
    chunk_files: int = DASK_CHUNK_FILES,
    on_start: Callable[[int], None] | None = None,
    on_file: Callable[[str, list[dict[str, Any]]], None] | None = None,
) -> BatchSummary:
    """Score every photo under ``root`` into ``output``.

    Parameters
    ----------
    root : path
        Folder to scan.
    output : path
        ``.csv``, ``.jsonl`` or ``.parquet`` file.
    options : dict, optional
        ``cutoffs``, ``sensitivity``, ``overlays_dir`` (see :func:`score_file`).
    jobs : int
        Local worker processes (1 = in this process; 0 = one per CPU).
    scheduler : str or distributed.Client, optional
        Dask scheduler address (``tcp://host:port``) or a connected client;
        overrides ``jobs``.
    resume : bool
        Keep the rows already in ``output`` and skip files whose relative path
        and SHA-256 match them; files whose content changed are scored again
        and their old rows removed.
    overwrite : bool
        Replace an existing ``output``.
    include, exclude : sequence of str
        Glob patterns (see :func:`discover`).
    recursive : bool
        Descend into sub-folders.
    chunk_files : int
        Files per Dask task.
    on_start : callable, optional
        Called with the number of files to score, before the first one.
    on_file : callable, optional
        Called with ``(relpath, rows)`` after each file's rows are written.

    Raises
    ------
    BatchUsageError
        Bad folder, output, options or scheduler: nothing was scored.
    """
    from footprint.errors import ParameterError
    from footprint.outputs import OutputError, open_sink
    from footprint.params import Params

    t0 = time.perf_counter()
    root = Path(root).expanduser()
    output = Path(output).expanduser()
    options = dict(options or {})
    if not root.is_dir():
        raise BatchUsageError(f"{root} is not a folder; give the folder that holds the photos.")
    if jobs < 0:
        raise BatchUsageError("--jobs must be 0 (one per CPU) or more.")
    if jobs == 0:
        jobs = os.cpu_count() or 1
    if chunk_files < 1:
        raise BatchUsageError("Files per task must be at least 1.")
    try:
        Params().with_options(**_analysis_options(options))
    except (ParameterError, TypeError) as exc:
        raise BatchUsageError(str(exc)) from exc
    root = root.resolve()
    if options.get("overlays_dir"):
        ov = Path(options["overlays_dir"]).expanduser().resolve()
        ov.mkdir(parents=True, exist_ok=True)
        options["overlays_dir"] = str(ov)
    skip = [output.resolve()]
    if options.get("overlays_dir"):
        skip.append(Path(options["overlays_dir"]))
    files, ignored = discover(
        root, include=include, exclude=exclude, recursive=recursive, skip=skip
    )
    client = _connect(scheduler) if isinstance(scheduler, str) else scheduler
    try:
        sink, done = open_sink(output, resume=resume, overwrite=overwrite)
    except OutputError as exc:
        if isinstance(scheduler, str):
            client.close()
        raise BatchUsageError(str(exc)) from exc

    summary = BatchSummary(total=len(files), ignored=ignored, output=str(output))
    stats = _WorkerStats()
    todo: list[str] = []
    stale: set[str] = set()
    for rel in files:
        prev = done.get(rel)
        if prev is not None and file_sha256(root / rel) == prev.sha256:
            summary.skipped += 1
            summary.skipped_failed += 0 if prev.ok else 1
            summary.count_rows(prev.rows)
        else:
            if prev is not None:
                stale.add(rel)
            todo.append(rel)
    completed = False
    try:
        sink.drop_files(stale)
        if on_start is not None:
            on_start(len(todo))
        if not todo:
            runner: Iterator[tuple[str, list[dict[str, Any]]]] = iter(())
        elif client is not None:
            runner = _run_dask(root, todo, options, client, stats, chunk_files)
        elif jobs == 1 or len(todo) == 1:
            runner = _run_inline(root, todo, options, stats)
        else:
            runner = _run_pool(root, todo, options, min(jobs, len(todo)), stats)
        for rel, rows in runner:
            sink.write_file_rows(rows)
            summary.rows += len(rows)
            if rows and rows[0].get("status") == "error":
                summary.failed += 1
                code = str(rows[0].get("error_code") or "error")
                summary.error_codes[code] += 1
                if len(summary.errors) < MAX_LISTED_ERRORS:
                    summary.errors.append((rel, code, str(rows[0].get("error") or "")))
            else:
                summary.scored += 1
                summary.count_rows(rows)
            if on_file is not None:
                on_file(rel, rows)
        completed = True
    finally:
        sink.close(finish=completed)
        if isinstance(scheduler, str):
            client.close()
        summary.elapsed_s = time.perf_counter() - t0
        summary.peak_rss_mb = dict(stats.peak_rss_mb)
    return summary

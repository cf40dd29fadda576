"""Batch scoring at scale: bad files, SIGKILL + resume, local vs Dask, writers.

The photos are small hand-drawn prints (ink-like soles with toes, ~240x180 px)
encoded as real JPEG files: they go through the real loader and the whole
analysis, but fast enough to score a thousand of them in a test.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from footprint.batch import discover, file_sha256, run_batch, score_file
from footprint.cli import EXIT_NOTHING_SCORED, EXIT_OK, EXIT_SOME_FAILED, app
from footprint.outputs import encode_rows, open_sink, read_rows
from footprint.result import RECORD_COLUMNS

runner = CliRunner()

BAD_CODES = {"unreadable", "unsupported", "too_small"}


def print_jpeg(seed: int, *, width: int = 240, height: int = 180) -> bytes:
    """A JPEG of one drawn footprint (heel, lateral band, forefoot, five toes)."""
    rng = np.random.default_rng(seed)
    s = width / 600.0
    mask = np.zeros((height, width), np.uint8)
    cx = width // 2 + int(rng.integers(-8, 9))
    band = int(rng.integers(30, 45))

    def p(x: float, y: float) -> tuple[int, int]:
        return int(round(x * s)), int(round(y * s * 1.0))

    cv2.ellipse(mask, p(cx / s, 360), p(45, 55), 0, 0, 360, 255, -1)
    cv2.ellipse(mask, p(cx / s + 5, 170), p(65, 60), 0, 0, 360, 255, -1)
    cv2.rectangle(mask, p(cx / s + 55 - band, 180), p(cx / s + 55, 350), 255, -1)
    for dx, dy, r in [(-40, 80, 20), (-5, 72, 12), (20, 78, 11), (42, 88, 10), (60, 100, 9)]:
        cv2.circle(mask, p(cx / s + dx, dy), max(2, int(r * s)), 255, -1)
    if seed % 2:
        mask = mask[:, ::-1].copy()
    img = np.full((height, width, 3), 235, np.uint8)
    img[mask > 0] = (55, 45, 40)
    img = cv2.GaussianBlur(img, (3, 3), 0.8)
    img = np.clip(img + rng.normal(0, 3, img.shape), 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", img[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    return buf.tobytes()


def bad_files(n: int, seed: int = 0) -> list[tuple[str, bytes]]:
    """``n`` files that are empty, truncated, text or random bytes under image names."""
    rng = np.random.default_rng(seed)
    good = print_jpeg(99)
    out = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            out.append((f"empty_{i}.jpg", b""))
        elif kind == 1:
            out.append((f"truncated_{i}.jpg", good[: len(good) // 3]))
        elif kind == 2:
            out.append((f"notes_{i}.jpg", b"This is a text file, not a photo.\n" * 3))
        else:
            out.append((f"noise_{i}.png", rng.integers(0, 256, 500, dtype=np.uint8).tobytes()))
    return out


def make_folder(root: Path, n_good: int, n_bad: int, *, sources: int = 6) -> tuple[set, set]:
    """Write ``n_good`` copies of ``sources`` prints and ``n_bad`` bad files under ``root``."""
    photos = [print_jpeg(seed) for seed in range(sources)]
    good, bad = set(), set()
    for i in range(n_good):
        rel = f"site{i % 3}/day{i % 5}/p{i:04d}.jpg"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(photos[i % sources])
        good.add(rel)
    for i, (name, data) in enumerate(bad_files(n_bad)):
        rel = f"site{i % 3}/{name}"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
        bad.add(rel)
    (root / "README.txt").write_text("not a photo, ignored by suffix\n")
    return good, bad


def rows_by_file(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(r["file"], []).append(r)
    return out


def check_each_file_once(rows: list[dict], good: set, bad: set) -> None:
    by_file = rows_by_file(rows)
    assert set(by_file) == good | bad
    for rel, rs in by_file.items():
        feet = [r["foot"] for r in rs]
        assert len(feet) == len(set(feet)), f"{rel} has duplicated rows"
        if rel in good:
            assert all(r["status"] == "ok" for r in rs), (rel, rs[0]["error"])
            assert feet == sorted(feet) and feet[0] == 0
        else:
            assert len(rs) == 1 and rs[0]["status"] == "error"
            assert rs[0]["error"] and rs[0]["error_code"] in BAD_CODES


def test_print_jpeg_is_scored(tmp_path: Path) -> None:
    """The test prints are real, analysable photos (guards every test below)."""
    (tmp_path / "a.jpg").write_bytes(print_jpeg(0))
    (tmp_path / "b.jpg").write_bytes(print_jpeg(1))
    a = score_file(str(tmp_path), "a.jpg", {})
    b = score_file(str(tmp_path), "b.jpg", {})
    assert [r["status"] for r in a + b] == ["ok", "ok"], (a[0]["error"], b[0]["error"])
    assert 0.1 < a[0]["arch_index"] < 0.4
    assert {a[0]["side"], b[0]["side"]} == {"left", "right"}
    assert a[0]["sha256"] and len(a[0]["sha256"]) == 64


def test_thousand_files_ten_percent_bad(tmp_path: Path) -> None:
    root = tmp_path / "photos"
    good, bad = make_folder(root, 900, 100)
    out = tmp_path / "results.csv"
    res = runner.invoke(app, ["score", str(root), "-o", str(out), "--jobs", "2", "--quiet"])
    assert res.exit_code == EXIT_SOME_FAILED, res.output
    rows = read_rows(out)
    check_each_file_once(rows, good, bad)
    # copies of the same photo give the same numbers wherever they lie
    by_sha: dict[str, set] = {}
    for r in rows:
        if r["status"] == "ok":
            key = tuple(r[c] for c in RECORD_COLUMNS if c != "file")
            by_sha.setdefault(r["sha256"], set()).add(key)
    assert len(by_sha) == 6 and all(len(v) == 1 for v in by_sha.values())
    codes = Counter(r["error_code"] for r in rows if r["status"] == "error")
    assert codes["unreadable"] + codes["unsupported"] == 100, codes


def _data_lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_sigkill_then_resume_scores_each_file_once(tmp_path: Path, suffix: str) -> None:
    root = tmp_path / "photos"
    good, bad = make_folder(root, 80, 10, sources=4)
    out = tmp_path / f"results{suffix}"
    lines = tmp_path / f"results{suffix}.partial.jsonl" if suffix == ".parquet" else out
    cmd = [sys.executable, "-m", "footprint.cli", "score", str(root), "-o", str(out)]
    proc = subprocess.Popen(
        [*cmd, "--jobs", "2", "--quiet"],
        cwd=tmp_path,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while _data_lines(lines) < 20 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    try:  # the orphaned pool workers of the killed run
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    written = _data_lines(lines)
    assert 0 < written < 90
    assert not out.exists() or suffix == ".csv"
    with open(lines, "ab") as f:  # what a kill in the middle of a write leaves
        f.write(b"site0/day0/p0000.jpg,0,ok,,,left,0.2")
    done = subprocess.run(
        [*cmd, "--jobs", "2", "--resume"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == EXIT_SOME_FAILED, done.stderr
    assert "Traceback" not in done.stderr
    rows = read_rows(out)
    check_each_file_once(rows, good, bad)
    assert not lines.exists() or suffix == ".csv"


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster


def test_local_and_dask_give_identical_rows(tmp_path: Path, dask_cluster) -> None:
    root = tmp_path / "photos"
    good, bad = make_folder(root, 30, 6, sources=5)
    local, remote = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    a = runner.invoke(app, ["score", str(root), "-o", str(local), "-q"])
    b = runner.invoke(
        app,
        [
            "score",
            str(root),
            "-o",
            str(remote),
            "-q",
            "--scheduler",
            dask_cluster.scheduler_address,
            "--chunk",
            "4",
        ],
    )
    assert a.exit_code == b.exit_code == EXIT_SOME_FAILED, (a.output, b.output)
    rows_a = sorted(read_rows(local), key=lambda r: (r["file"], r["foot"]))
    rows_b = sorted(read_rows(remote), key=lambda r: (r["file"], r["foot"]))
    check_each_file_once(rows_a, good, bad)
    assert rows_a == rows_b
    # the JSONL lines themselves are byte-identical once sorted
    assert sorted(local.read_text().splitlines()) == sorted(remote.read_text().splitlines())


def test_dask_resume_skips_done_files(tmp_path: Path, dask_cluster) -> None:
    root = tmp_path / "photos"
    good, bad = make_folder(root, 12, 2, sources=3)
    out = tmp_path / "r.csv"
    first = run_batch(root, out, exclude=["site1/*"], scheduler=dask_cluster.scheduler_address)
    assert first.total < 14 and first.failed + first.scored == first.total
    second = run_batch(root, out, resume=True, scheduler=dask_cluster.scheduler_address)
    # the last file of the first run is always scored again (its write may be torn)
    assert second.skipped == first.total - 1
    assert second.scored + second.failed == 14 - second.skipped
    check_each_file_once(read_rows(out), good, bad)


def test_resume_matches_path_and_hash(tmp_path: Path) -> None:
    root = tmp_path / "photos"
    root.mkdir()
    a, b = print_jpeg(0), print_jpeg(1)
    for name, data in [("x1.jpg", a), ("x2.jpg", a), ("y.jpg", b), ("z.jpg", a)]:
        (root / name).write_bytes(data)
    out = tmp_path / "r.jsonl"
    first = run_batch(root, out, exclude=["x2.jpg"])
    assert (first.total, first.scored, first.exit_code) == (3, 3, EXIT_OK)
    # x2 is a copy of x1 (same hash, new path): scored. y changed content: scored again,
    # its old row replaced. z: the last file written, scored again by design.
    (root / "y.jpg").write_bytes(print_jpeg(3))
    order = [r["file"] for r in read_rows(out)]
    second = run_batch(root, out, resume=True)
    rows = read_rows(out)
    assert sorted(r["file"] for r in rows) == ["x1.jpg", "x2.jpg", "y.jpg", "z.jpg"]
    assert order == ["x1.jpg", "y.jpg", "z.jpg"]
    assert (second.skipped, second.scored) == (1, 3)
    y = next(r for r in rows if r["file"] == "y.jpg")
    assert y["sha256"] == file_sha256(root / "y.jpg")


def test_torn_tail_and_last_file_dropped_on_resume(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    base = {c: None for c in RECORD_COLUMNS}
    rows = [
        {**base, "file": "a.jpg", "foot": 0, "status": "ok", "sha256": "aa"},
        {**base, "file": "b.jpg", "foot": 0, "status": "ok", "sha256": "bb"},
        {**base, "file": "b.jpg", "foot": 1, "status": "ok", "sha256": "bb"},
    ]
    sink, done = open_sink(out)
    sink.write_file_rows(rows[:1])
    sink.write_file_rows(rows[1:2])  # as if the write of b's two rows tore between lines
    sink.close()
    with open(out, "ab") as f:
        f.write(encode_rows(rows[2:], "jsonl")[:25])
    sink, done = open_sink(out, resume=True)
    sink.close()
    assert set(done) == {"a.jpg"} and done["a.jpg"].sha256 == "aa"
    assert [r["file"] for r in read_rows(out)] == ["a.jpg"]
    assert out.read_bytes().endswith(b"\n")


def test_parquet_output_has_the_contract_schema(tmp_path: Path) -> None:
    root = tmp_path / "photos"
    good, bad = make_folder(root, 4, 2, sources=2)
    out = tmp_path / "r.parquet"
    summary = run_batch(root, out)
    assert summary.exit_code == EXIT_SOME_FAILED
    table = pq.read_table(out)
    assert table.column_names == list(RECORD_COLUMNS)
    assert str(table.schema.field("arch_index").type) == "double"
    assert str(table.schema.field("foot").type) == "int64"
    check_each_file_once(table.to_pylist(), good, bad)
    assert not (tmp_path / "r.parquet.partial.jsonl").exists()


def test_discover_globs_and_hidden(tmp_path: Path) -> None:
    for rel in [
        "a.jpg",
        "b.PNG",
        "sub/c.jpeg",
        "sub/deep/d.heic",
        ".hidden.jpg",
        ".cache/e.jpg",
        "notes.txt",
        "sub/skip_me.jpg",
    ]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    files, ignored = discover(tmp_path, exclude=["skip_*"])
    assert files == ["a.jpg", "b.PNG", "sub/c.jpeg", "sub/deep/d.heic"]
    assert ignored == 2
    assert discover(tmp_path, recursive=False)[0] == ["a.jpg", "b.PNG"]
    assert discover(tmp_path, include=["sub/*"])[0] == [
        "sub/c.jpeg",
        "sub/deep/d.heic",
        "sub/skip_me.jpg",
    ]
    assert discover(tmp_path, include=["*.txt"])[0] == ["notes.txt"]


def test_jsonl_rows_are_plain_json(tmp_path: Path) -> None:
    root = tmp_path / "photos"
    root.mkdir()
    (root / "a.jpg").write_bytes(print_jpeg(2))
    out = tmp_path / "r.jsonl"
    assert run_batch(root, out).exit_code == EXIT_OK
    (line,) = out.read_text().splitlines()
    row = json.loads(line)
    assert list(row) == list(RECORD_COLUMNS)
    assert row["status"] == "ok" and isinstance(row["arch_index"], float)
    assert "analysed_at" not in row and "duration_ms" not in row


def test_nothing_scored_gives_exit_2(tmp_path: Path) -> None:
    root = tmp_path / "photos"
    root.mkdir()
    (root / "empty.jpg").write_bytes(b"")
    summary = run_batch(root, tmp_path / "r.csv")
    assert (summary.failed, summary.exit_code) == (1, EXIT_NOTHING_SCORED)


def _kill_after_rows(proc: subprocess.Popen, lines: Path, n: int, victim) -> int:
    """Wait until ``n`` rows are written, then SIGKILL the process ``victim()`` returns."""
    deadline = time.monotonic() + 60
    while _data_lines(lines) < n and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the run finished before a worker could be killed"
    pid = victim()
    os.kill(pid, signal.SIGKILL)
    return pid


def test_pool_survives_a_killed_worker(tmp_path: Path) -> None:
    psutil = pytest.importorskip("psutil")
    root = tmp_path / "photos"
    good, bad = make_folder(root, 60, 4, sources=4)
    out = tmp_path / "r.csv"
    proc = subprocess.Popen(
        [sys.executable, "-m", "footprint.cli", "score", str(root), "-o", str(out), "-j", "2"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )

    def a_worker() -> int:
        kids = [
            c
            for c in psutil.Process(proc.pid).children()
            if "resource_tracker" not in " ".join(c.cmdline())
        ]
        assert kids, "no pool workers found"
        return kids[-1].pid

    _kill_after_rows(proc, out, 10, a_worker)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == EXIT_SOME_FAILED, stderr
    assert "Traceback" not in stderr
    check_each_file_once(read_rows(out), good, bad)  # innocent files re-run and scored


def test_dask_retries_tasks_of_a_killed_worker(tmp_path: Path, dask_cluster) -> None:
    from distributed import Client

    root = tmp_path / "photos"
    good, bad = make_folder(root, 60, 4, sources=4)
    out = tmp_path / "r.jsonl"
    with Client(dask_cluster.scheduler_address) as client:
        pids = sorted(client.run(os.getpid).values())
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "footprint.cli",
            "score",
            str(root),
            "-o",
            str(out),
            "--scheduler",
            dask_cluster.scheduler_address,
            "--chunk",
            "4",
        ],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    _kill_after_rows(proc, out, 8, lambda: pids[0])
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == EXIT_SOME_FAILED, stderr
    rows = read_rows(out)
    check_each_file_once(rows, good, bad)
    assert not any(r["error_code"] == "worker_died" for r in rows)


def test_resume_a_finished_parquet(tmp_path: Path) -> None:
    root = tmp_path / "photos"
    good, bad = make_folder(root, 4, 1, sources=2)
    out = tmp_path / "r.parquet"
    run_batch(root, out, exclude=["site2/*"])
    n_first = len(read_rows(out))
    assert 0 < n_first < 5
    summary = run_batch(root, out, resume=True)
    assert summary.skipped == n_first - 1
    check_each_file_once(read_rows(out), good, bad)
    assert not (tmp_path / "r.parquet.partial.jsonl").exists()

"""The ``footprint`` command: analyse, score options, exit codes, overlays."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from footprint.cli import (
    EXIT_NOTHING_SCORED,
    EXIT_OK,
    EXIT_SOME_FAILED,
    EXIT_USAGE,
    app,
)
from footprint.outputs import read_rows
from footprint.result import REGIONS

runner = CliRunner()


def print_jpeg(seed: int, width: int = 240, height: int = 180) -> bytes:
    """A JPEG of one drawn footprint: heel, lateral band, forefoot and five toes."""
    rng = np.random.default_rng(seed)
    s = width / 600.0
    mask = np.zeros((height, width), np.uint8)
    cx = 300 + int(rng.integers(-20, 21))

    def p(x: float, y: float) -> tuple[int, int]:
        return int(round(x * s)), int(round(y * s))

    cv2.ellipse(mask, p(cx, 360), p(45, 55), 0, 0, 360, 255, -1)
    cv2.ellipse(mask, p(cx + 5, 170), p(65, 60), 0, 0, 360, 255, -1)
    cv2.rectangle(mask, p(cx + 18, 180), p(cx + 55, 350), 255, -1)
    for dx, dy, r in [(-40, 80, 20), (-5, 72, 12), (20, 78, 11), (42, 88, 10), (60, 100, 9)]:
        cv2.circle(mask, p(cx + dx, dy), max(2, int(r * s)), 255, -1)
    if seed % 2:
        mask = mask[:, ::-1].copy()
    img = np.full((height, width, 3), 235, np.uint8)
    img[mask > 0] = (55, 45, 40)
    img = cv2.GaussianBlur(img, (3, 3), 0.8)
    img = np.clip(img + rng.normal(0, 3, img.shape), 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", img[..., ::-1])
    assert ok
    return buf.tobytes()


@pytest.fixture()
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "print.jpg"
    path.write_bytes(print_jpeg(0, 480, 360))
    return path


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "photos"
    (root / "sub").mkdir(parents=True)
    (root / "a.jpg").write_bytes(print_jpeg(0))
    (root / "sub" / "b.jpg").write_bytes(print_jpeg(1))
    (root / "sub" / "c.jpeg").write_bytes(print_jpeg(2))
    return root


def test_analyse_prints_a_table(photo: Path) -> None:
    res = runner.invoke(app, ["analyse", str(photo)])
    assert res.exit_code == EXIT_OK, res.output
    assert "arch index" in res.stdout and "Chippaux-Smirak" in res.stdout
    assert "foot 0" in res.stdout


def test_analyse_json_is_the_result(photo: Path) -> None:
    res = runner.invoke(app, ["analyse", str(photo), "--json", "--cutoffs", "child_6_9"])
    assert res.exit_code == EXIT_OK, res.output
    data = json.loads(res.stdout)
    assert data["provenance"]["params"]["cutoffs"] == "child_6_9"
    assert len(data["feet"]) == 1 and 0.1 < data["feet"][0]["arch_index"] < 0.4


def test_analyse_writes_overlay(photo: Path, tmp_path: Path) -> None:
    pytest.importorskip("footprint.render")
    dest = tmp_path / "ov.png"
    res = runner.invoke(app, ["analyse", str(photo), "--overlay", str(dest)])
    assert res.exit_code == EXIT_OK, res.output
    with Image.open(dest) as im:
        assert im.format == "PNG" and min(im.size) > 100


def test_analyse_bad_file_gives_message_not_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"not an image at all")
    res = runner.invoke(app, ["analyse", str(bad)])
    assert res.exit_code == EXIT_NOTHING_SCORED
    assert "broken.jpg" in res.stderr and "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)


@pytest.mark.parametrize(
    "args",
    [
        ["score"],  # missing folder
        ["score", "{root}"],  # missing -o
        ["score", "{root}", "-o", "{tmp}/r.xlsx"],  # unknown format
        ["score", "{tmp}/nope", "-o", "{tmp}/r.csv"],  # folder does not exist
        ["score", "{root}", "-o", "{tmp}/r.csv", "--cutoffs", "toddler"],
        ["score", "{root}", "-o", "{tmp}/r.csv", "--sensitivity", "3"],
        ["score", "{root}", "-o", "{tmp}/r.csv", "--min-quality", "1.5"],
        ["score", "{root}", "-o", "{tmp}/r.csv", "--jobs", "-2"],
        ["score", "{root}", "-o", "{tmp}/r.csv", "--db", "sqlite:///x.db"],
        ["score", "{root}", "-o", "{tmp}/r.csv", "--resume", "--overwrite"],
        ["score", "{root}", "-o", "{tmp}/missing_dir/r.csv"],
        ["score", "{root}", "-o", "{tmp}/r.csv", "--no-such-option"],
        ["score", "{root}", "-o", "{tmp}/r.csv", "--scheduler", "foo://nowhere:1"],
        ["analyse", "{tmp}/nope.jpg"],
        ["analyse", "{root}/a.jpg", "--overlay", "{tmp}/o.jpg"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_3(args: list[str], folder: Path, tmp_path: Path) -> None:
    argv = [a.format(root=folder, tmp=tmp_path) for a in args]
    res = runner.invoke(app, argv)
    assert res.exit_code == EXIT_USAGE, res.output
    assert "Traceback" not in res.output
    assert not (tmp_path / "r.csv").exists()


def test_existing_output_needs_resume_or_overwrite(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    assert runner.invoke(app, ["score", str(folder), "-o", str(out), "-q"]).exit_code == EXIT_OK
    before = out.read_bytes()
    res = runner.invoke(app, ["score", str(folder), "-o", str(out), "-q"])
    assert res.exit_code == EXIT_USAGE and "--resume" in res.stderr
    assert out.read_bytes() == before
    res = runner.invoke(app, ["score", str(folder), "-o", str(out), "--resume"])
    assert res.exit_code == EXIT_OK
    assert "skipped" in res.stderr
    res = runner.invoke(app, ["score", str(folder), "-o", str(out), "-q", "--overwrite"])
    assert res.exit_code == EXIT_OK
    assert len(read_rows(out)) == 3


def test_empty_folder_exits_2(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("no photos here")
    res = runner.invoke(app, ["score", str(tmp_path / "empty"), "-o", str(tmp_path / "r.csv")])
    assert res.exit_code == EXIT_NOTHING_SCORED
    assert "No images found" in res.stderr
    assert read_rows(tmp_path / "r.csv") == []


def test_all_good_exit_0_some_bad_exit_1(folder: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["score", str(folder), "-o", str(tmp_path / "a.csv")])
    assert res.exit_code == EXIT_OK, res.output
    assert "Batch summary" in res.stderr and "Arch type per side" in res.stderr
    (folder / "sub" / "zero.jpg").write_bytes(b"")
    res = runner.invoke(app, ["score", str(folder), "-o", str(tmp_path / "b.csv")])
    assert res.exit_code == EXIT_SOME_FAILED
    assert "zero.jpg" in res.stderr and "unreadable" in res.stderr


def test_include_exclude_and_no_recursive(folder: Path, tmp_path: Path) -> None:
    def files(*extra: str) -> list[str]:
        out = tmp_path / "r.jsonl"
        res = runner.invoke(
            app, ["score", str(folder), "-o", str(out), "-q", "--overwrite", *extra]
        )
        assert res.exit_code == EXIT_OK, res.output
        return sorted(r["file"] for r in read_rows(out))

    assert files() == ["a.jpg", "sub/b.jpg", "sub/c.jpeg"]
    assert files("--no-recursive") == ["a.jpg"]
    assert files("--include", "*.jpeg") == ["sub/c.jpeg"]
    assert files("--exclude", "sub/*") == ["a.jpg"]


def test_score_writes_one_overlay_per_photo(folder: Path, tmp_path: Path) -> None:
    pytest.importorskip("footprint.render")
    ov = folder / "overlays"  # inside the folder: must not be scored on a second run
    out = tmp_path / "r.csv"
    res = runner.invoke(app, ["score", str(folder), "-o", str(out), "-q", "--overlays", str(ov)])
    assert res.exit_code == EXIT_OK, res.output
    pngs = sorted(p.relative_to(ov).as_posix() for p in ov.rglob("*.png"))
    assert pngs == ["a.jpg.png", "sub/b.jpg.png", "sub/c.jpeg.png"]
    res = runner.invoke(
        app, ["score", str(folder), "-o", str(out), "-q", "--overlays", str(ov), "--overwrite"]
    )
    assert res.exit_code == EXIT_OK
    assert len(read_rows(out)) == 3


def test_contact_level_reaches_the_result_and_the_rows(
    photo: Path, folder: Path, tmp_path: Path
) -> None:
    res = runner.invoke(app, ["analyse", str(photo), "--json", "--contact-level", "0.5"])
    assert res.exit_code == EXIT_OK, res.output
    data = json.loads(res.stdout)
    assert data["provenance"]["params"]["pressure"]["contact_level_percentile"] == 0.5
    shares = {}
    for flag in ([], ["--contact-level", "0.5"]):
        out = tmp_path / f"r{len(flag)}.csv"
        res = runner.invoke(app, ["score", str(folder), "-o", str(out), "-q", *flag])
        assert res.exit_code == EXIT_OK, res.output
        rows = read_rows(out)
        for r in rows:
            total = sum(float(r[f"share_{k}"]) for k in REGIONS)
            assert total == pytest.approx(100.0, abs=0.05)
        shares[len(flag)] = [float(r["share_heel"]) for r in rows]
    assert shares[0] != shares[2]  # the map changed
    res = runner.invoke(app, ["analyse", str(photo), "--contact-level", "60"])
    assert res.exit_code != EXIT_OK  # outside 0..50: a usage error


def test_cutoffs_and_sensitivity_reach_the_rows(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    res = runner.invoke(
        app,
        [
            "score",
            str(folder),
            "-o",
            str(out),
            "-q",
            "--cutoffs",
            "child_3_6",
            "--sensitivity",
            "0.1",
        ],
    )
    assert res.exit_code == EXIT_OK, res.output
    assert {r["cutoffs"] for r in read_rows(out)} == {"child_3_6"}


def test_a_too_faint_print_is_an_unclear_print_row_unless_min_quality_is_lowered(
    tmp_path: Path,
) -> None:
    from footprint import synth

    photos = tmp_path / "faint"
    photos.mkdir()
    photo = synth.render_photo(
        12, scene="wet_tile_light", reference="card", n_feet=1, size=(1600, 1200)
    )
    (photos / "faint.jpg").write_bytes(photo.jpeg)
    out = tmp_path / "r.csv"
    res = runner.invoke(app, ["score", str(photos), "-o", str(out), "-q"])
    assert res.exit_code == EXIT_NOTHING_SCORED, res.output
    (row,) = read_rows(out)
    assert (row["status"], row["error_code"]) == ("error", "unclear_print")
    assert "too faint or unclear" in row["error"]
    res = runner.invoke(
        app, ["score", str(photos), "-o", str(out), "-q", "--overwrite", "--min-quality", "0"]
    )
    assert res.exit_code == EXIT_OK, res.output
    rows = read_rows(out)
    assert [r["status"] for r in rows] == ["ok"] and float(rows[0]["quality"]) < 0.4
    res = runner.invoke(app, ["analyse", str(photos / "faint.jpg")])
    assert res.exit_code == EXIT_NOTHING_SCORED
    assert "too faint or unclear" in " ".join(res.stderr.split())


def test_console_entry_maps_usage_error_to_3(tmp_path: Path) -> None:
    """The real entry point (not the test runner) exits 3 on a usage error."""
    proc = subprocess.run(
        [sys.executable, "-m", "footprint.cli", "score", str(tmp_path), "--bogus"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == EXIT_USAGE
    assert "Traceback" not in proc.stderr and "bogus" in proc.stderr
    ok = subprocess.run(
        [sys.executable, "-m", "footprint.cli", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ok.returncode == EXIT_OK and "score" in ok.stdout


def test_score_attaches_results_to_a_patient(folder: Path, tmp_path: Path) -> None:
    pytest.importorskip("footprint.store")
    db = tmp_path / "records.db"
    res = runner.invoke(
        app,
        ["score", str(folder), "-o", str(tmp_path / "r.csv"), "--db", str(db), "--patient", "P1"],
    )
    assert res.exit_code == EXIT_OK, res.output
    assert "Attached 3 results to patient P1" in res.stderr
    assert db.stat().st_size > 0

"""Clinician records on real SQLite files in a temporary folder."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import sqlite3
import threading
import time
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import create_engine, text

from footprint import store as st_
from footprint.store import (
    Base,
    DuplicateRecordError,
    RecordNotFoundError,
    Store,
    StoreError,
    attach_batch_results,
)

TABLES = ("patient", "visit", "print", "result")


def _counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in TABLES}


def _image_files(data_dir: Path) -> list[Path]:
    root = data_dir / "images"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _jpeg(seed: int, *, gps: bool = False, size: tuple[int, int] = (320, 240)) -> bytes:
    rng = np.random.default_rng(seed)
    arr = (rng.random((size[1], size[0], 3)) * 255).astype(np.uint8)
    img = Image.fromarray(arr)
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)}
        img.save(out, format="JPEG", quality=90, exif=exif)
    else:
        img.save(out, format="JPEG", quality=90)
    return out.getvalue()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(data_dir=tmp_path / "data")


# --------------------------------------------------------------------------- #
def test_migrations_from_empty_to_head_match_the_models(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    db = tmp_path / "fresh.sqlite3"
    assert not db.exists()
    s = Store(db, tmp_path / "data")
    assert db.exists()
    assert st_.current_revision(s.engine) == st_.head_revision()
    # the migrated schema is exactly the models' schema
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
    engine.dispose()
    assert diff == []
    assert set(TABLES) <= names
    # SQLite settings of the store's own connections
    with s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == st_.SQLITE_BUSY_TIMEOUT_MS


def test_default_location_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(st_.ENV_DATA_DIR, str(tmp_path / "env-data"))
    monkeypatch.delenv(st_.ENV_DB_URL, raising=False)
    s = Store()
    assert s.url == f"sqlite:///{(tmp_path / 'env-data' / 'footprint.sqlite3').resolve()}"
    assert (tmp_path / "env-data" / "footprint.sqlite3").exists()
    other = tmp_path / "other.sqlite3"
    monkeypatch.setenv(st_.ENV_DB_URL, f"sqlite:///{other}")
    assert Store().url == f"sqlite:///{other}"
    assert other.exists()
    # an argument beats the environment
    arg = tmp_path / "arg.sqlite3"
    assert Store(arg).url == f"sqlite:///{arg.resolve()}"


def test_create_edit_delete_patient_leaves_no_orphans(store: Store, analysis) -> None:  # noqa: ANN001
    db = store.data_dir / "footprint.sqlite3"
    p = store.create_patient("P-0001", name="Ann Example", birth_year=2014, notes="orthotics")
    with pytest.raises(DuplicateRecordError):
        store.create_patient(" P-0001 ")
    other = store.create_patient("P-0002")
    shared = _jpeg(1)
    for code, photos in ((p.code, [shared, _jpeg(2)]), (other.code, [shared])):
        for k, photo in enumerate(photos):
            v = store.add_visit(code, date(2024, 1 + k, 1), note=f"visit {k}")
            pr = store.add_print(v.id, photo, foot_side="both")
            store.add_results(pr.id, analysis.result)
    edited = store.update_patient("P-0001", new_code="P-0001b", name=None, notes="new shoes")
    assert (edited.code, edited.name, edited.notes, edited.n_visits) == (
        "P-0001b",
        None,
        "new shoes",
        2,
    )
    with pytest.raises(RecordNotFoundError):
        store.get_patient("P-0001")
    assert _counts(db) == {"patient": 2, "visit": 3, "print": 3, "result": 6}
    assert len(_image_files(store.data_dir)) == 2  # the shared photo is stored once

    report = store.delete_patient("P-0001b")
    assert (report.visits, report.prints, report.results, report.files) == (2, 2, 4, 1)
    assert _counts(db) == {"patient": 1, "visit": 1, "print": 1, "result": 2}
    remaining = _image_files(store.data_dir)
    assert [f.name for f in remaining] == [store.visits("P-0002")[0].prints[0].file_name]

    store.delete_patient("P-0002")
    assert _counts(db) == dict.fromkeys(TABLES, 0)
    assert _image_files(store.data_dir) == []
    with pytest.raises(RecordNotFoundError):
        store.delete_patient("P-0002")


def test_database_cascades_without_the_orm(store: Store) -> None:
    """ON DELETE CASCADE holds for any client, e.g. a plain sqlite3 session."""
    p = store.create_patient("P-9")
    v = store.add_visit(p.code)
    pr = store.add_print(v.id, _jpeg(3))
    store.add_record(pr.id, {"status": "ok", "side": "left", "arch_index": 0.2, "foot": 0})
    db = store.data_dir / "footprint.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM patient WHERE code = ?", ("P-9",))
    assert _counts(db) == dict.fromkeys(TABLES, 0)


def _write_results(url: str, data_dir: str, code: str, n: int, barrier) -> None:  # noqa: ANN001
    s = Store(url, data_dir)
    v = s.add_visit(code)
    pr = s.add_print(v.id, _jpeg(len(code)))
    barrier.wait(timeout=60)
    for i in range(n):
        s.add_record(
            pr.id,
            {
                "status": "ok",
                "side": "right",
                "foot": 0,
                "arch_index": i / n,
                "package_version": "test",
            },
        )


@pytest.mark.slow
def test_two_processes_writing_500_results_each_lose_none(tmp_path: Path) -> None:
    data = tmp_path / "data"
    s = Store(data_dir=data)
    s.create_patient("A")
    s.create_patient("BB")
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    procs = [
        ctx.Process(target=_write_results, args=(s.url, str(data), code, 500, barrier))
        for code in ("A", "BB")
    ]
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=240)
    elapsed = time.perf_counter() - t0
    assert [p.exitcode for p in procs] == [0, 0], f"a writer failed after {elapsed:.1f} s"
    assert s.count_results() == 1000
    for code in ("A", "BB"):
        values = sorted(r.arch_index for r in s.visits(code)[0].prints[0].results)
        assert values == pytest.approx([i / 500 for i in range(500)])


def test_stored_image_has_no_exif_gps(store: Store) -> None:
    photo = _jpeg(4, gps=True)
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(0x8825)  # the input has GPS
    v = store.add_visit(store.create_patient("P-GPS").code)
    pr = store.add_print(v.id, photo, foot_side="left")
    stored = store.image_path(pr).read_bytes()
    img = Image.open(io.BytesIO(stored))
    exif = img.getexif()
    assert 0x8825 not in exif and not exif.get_ifd(0x8825)
    assert 0x010F not in exif
    assert b"PhoneMaker" not in stored
    assert "exif" not in img.info
    import hashlib

    assert hashlib.sha256(stored).hexdigest() == pr.sha256
    assert pr.file_name == pr.sha256 + ".jpg"


@pytest.mark.parametrize("code", ["../../etc", "/etc/passwd", "..\\..\\win", "a/../../b", "."])
def test_patient_codes_cannot_place_files_outside_the_data_folder(
    tmp_path: Path, code: str
) -> None:
    s = Store(data_dir=tmp_path / "data")
    v = s.add_visit(s.create_patient(code).code)
    capture = {"source": "upload", "name": "../../../outside.jpg"}  # an upload's name
    pr = s.add_print(v.id, _jpeg(5), capture=capture)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    root = (tmp_path / "data").resolve()
    assert files and all(root in f.resolve().parents for f in files)
    assert {f.name for f in _image_files(s.data_dir)} == {pr.file_name}
    assert s.visits(code)[0].prints[0].capture["name"] == "../../../outside.jpg"
    with pytest.raises(StoreError):
        s.image_path("../../../outside.jpg")
    s.delete_patient(code)
    assert _image_files(s.data_dir) == []


def test_batch_rows_outside_the_scored_folder_are_skipped(tmp_path: Path, analysis) -> None:  # noqa: ANN001
    root = tmp_path / "photos"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.jpg").write_bytes(_jpeg(6))
    (tmp_path / "outside.jpg").write_bytes(_jpeg(7))
    rows = analysis.result.to_records(file="sub/a.jpg")
    rows += analysis.result.to_records(file="../outside.jpg")
    rows.append({"file": "sub/bad.jpg", "status": "error", "error": "unreadable"})
    db = tmp_path / "records.sqlite3"
    n = attach_batch_results(str(db), "P-BATCH", rows, root, data_dir=tmp_path / "data")
    assert n == 2
    s = Store(db, tmp_path / "data")
    (visit,) = s.visits("P-BATCH")
    assert visit.visit_date == date.today()
    (pr,) = visit.prints
    assert pr.foot_side == "both" and pr.capture["source"] == "batch"
    assert sorted(r.side for r in pr.results) == ["left", "right"]
    assert {r.arch_index for r in pr.results} == {f.arch_index for f in analysis.result.feet}


def test_backup_is_a_consistent_copy_while_another_writer_runs(store: Store) -> None:
    v = store.add_visit(store.create_patient("P-B").code)
    pr = store.add_print(v.id, _jpeg(8))
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        while not stop.is_set():
            store.add_record(pr.id, {"status": "ok", "side": "left", "arch_index": 0.25})
            written[0] += 1

    t = threading.Thread(target=writer)
    t.start()
    try:
        time.sleep(0.3)
        dest = store.backup(store.data_dir.parent / "backup" / "copy.sqlite3")
    finally:
        stop.set()
        t.join()
    with sqlite3.connect(dest) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n_backup = conn.execute("SELECT COUNT(*) FROM result").fetchone()[0]
        assert (
            conn.execute("SELECT COUNT(*) FROM result WHERE arch_index = 0.25").fetchone()[0]
            == n_backup
        )
    assert 0 < n_backup <= written[0] == store.count_results()
    # the copy opens as a store of its own, at the same revision
    copy = Store(dest, store.data_dir.parent / "copy-data")
    assert copy.get_patient("P-B").n_visits == 1
    assert (dest.parent / "copy.sqlite3.images" / pr.file_name[:2] / pr.file_name).exists()
    with pytest.raises(StoreError):
        store.backup(store.data_dir / "footprint.sqlite3")


def test_export_zip_holds_csv_json_and_images(store: Store, analysis) -> None:  # noqa: ANN001
    store.create_patient("=HYPERLINK(1)", notes="x")
    for k in range(2):
        v = store.add_visit("=HYPERLINK(1)", date(2024, 5, 1 + k), note="+note")
        pr = store.add_print(v.id, _jpeg(10 + k), foot_side="both")
        store.add_results(pr.id, analysis.result)
    data = store.export_patient("=HYPERLINK(1)")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        record = json.loads(zf.read("patient.json"))
        rows = list(csv.DictReader(io.StringIO(zf.read("results.csv").decode())))
        for name in [n for n in names if n.startswith("images/")]:
            Image.open(io.BytesIO(zf.read(name))).verify()
    assert sum(n.startswith("images/") for n in names) == 2
    assert record["patient"]["code"] == "=HYPERLINK(1)"
    assert len(record["visits"]) == 2
    assert record["visits"][0]["prints"][0]["results"][0]["foot"]["geometry"]
    assert len(rows) == 4
    assert rows[0]["patient_code"] == "'=HYPERLINK(1)"  # no formula in a spreadsheet
    assert rows[0]["visit_note"] == "'+note"
    assert float(rows[0]["arch_index"]) == pytest.approx(analysis.result.feet[0].arch_index)


def test_search_treats_wildcards_as_text(store: Store) -> None:
    for code in ("P-100", "P-101", "Q_1", "R%2"):
        store.create_patient(code, name="Jo " + code)
    assert [p.code for p in store.search_patients("P-10")] == ["P-100", "P-101"]
    assert [p.code for p in store.search_patients("_")] == ["Q_1"]
    assert [p.code for p in store.search_patients("%")] == ["R%2"]
    assert [p.code for p in store.search_patients("jo r")] == ["R%2"]
    assert len(store.search_patients("")) == 4


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"code": ""}, "may not be empty"),
        ({"code": "x" * 65}, "at most 64"),
        ({"code": "a\nb"}, "control characters"),
        ({"code": "ok", "birth_year": 1800}, "not plausible"),
    ],
)
def test_bad_patient_input_raises_a_helpful_error(store: Store, kwargs: dict, message: str) -> None:
    code = kwargs.pop("code")
    with pytest.raises(StoreError, match=message):
        store.create_patient(code, **kwargs)


def test_db_command_line_backup_export_delete(tmp_path: Path, analysis) -> None:  # noqa: ANN001
    from typer.testing import CliRunner

    from footprint.cli_db import db_app

    data = tmp_path / "data"
    s = Store(data_dir=data)
    v = s.add_visit(s.create_patient("P-CLI").code)
    s.add_results(s.add_print(v.id, _jpeg(20)).id, analysis.result)
    run = CliRunner().invoke
    common = ["--data-dir", str(data)]
    r = run(db_app, ["backup", str(tmp_path / "b.sqlite3"), *common])
    assert r.exit_code == 0, r.output
    assert _counts(tmp_path / "b.sqlite3")["result"] == 2
    assert run(db_app, ["backup", str(tmp_path / "b.sqlite3"), *common]).exit_code == 3
    r = run(db_app, ["export", "P-CLI", "-o", str(tmp_path / "p.zip"), *common])
    assert r.exit_code == 0 and zipfile.is_zipfile(tmp_path / "p.zip")
    assert run(db_app, ["export", "NOPE", "-o", str(tmp_path / "n.zip"), *common]).exit_code == 1
    r = run(db_app, ["delete", "P-CLI", "--yes", *common])
    assert r.exit_code == 0 and "2 results" in r.output
    assert _counts(data / "footprint.sqlite3") == dict.fromkeys(TABLES, 0)
    assert _image_files(data) == []

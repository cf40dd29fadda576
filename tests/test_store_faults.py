"""The clinic store under faults and hostile text, on real SQLite files.

* A writer process is killed with SIGKILL mid-write, again and again: the
  database stays consistent (integrity and foreign-key checks pass) and loses at
  most the result being written, counted against the writer's own progress log.
* ``footprint db backup`` taken while a writer runs (and is then killed)
  restores: the copy opens as a store with the same rows.
* Nothing a patient code, a note or an upload's name contains places a file
  outside the data folder.
* Text users type is shown as text in the clinic pages, never as HTML, and no
  page passes it to ``unsafe_allow_html``.
"""

from __future__ import annotations

import ast
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from footprint.store import Store, StoreError

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

#: A writer: one result per transaction, "begin i" before and "done i" after each.
WRITER = r"""
import os, sys
from footprint.store import Store

url, data_dir, print_id, start, progress = sys.argv[1:6]
store = Store(url, data_dir)
fd = os.open(progress, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
os.write(fd, b"ready\n")
i = int(start)
while True:
    os.write(fd, b"begin %d\n" % i)
    store.add_record(int(print_id), {"status": "ok", "side": "left", "foot": 0,
                                     "arch_index": i / 1e6, "package_version": "fault-test"})
    os.write(fd, b"done %d\n" % i)
    i += 1
"""


def _jpeg(seed: int, size: tuple[int, int] = (160, 120)) -> bytes:
    rng = np.random.default_rng(seed)
    out = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)).save(
        out, format="JPEG", quality=85
    )
    return out.getvalue()


def _checks(db: Path) -> tuple[str, list[tuple], list[int]]:
    """integrity_check, foreign_key_check and the writer's values (sorted) of ``db``."""
    with sqlite3.connect(db) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        values = sorted(
            round(v * 1e6)
            for (v,) in conn.execute(
                "SELECT arch_index FROM result WHERE package_version = 'fault-test'"
            )
        )
    return integrity, fk, values


def _progress(path: Path) -> tuple[int, int | None]:
    """(results the writer logged as done, index it had begun and not finished)."""
    done, begun = set(), set()
    for line in path.read_text().splitlines():
        word, _, n = line.partition(" ")
        if word == "begin":
            begun.add(int(n))
        elif word == "done":
            done.add(int(n))
    open_ = begun - done
    assert len(open_) <= 1
    return len(done), (open_.pop() if open_ else None)


def _start_writer(store: Store, print_id: int, start: int, progress: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            WRITER,
            store.url,
            str(store.data_dir),
            str(print_id),
            str(start),
            str(progress),
        ],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not (progress.exists() and progress.read_text().startswith("ready")):
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return proc


def _wait_for_done(progress: Path, n: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while progress.read_text().count("done ") < n:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        assert time.monotonic() < deadline
        time.sleep(0.005)


def _kill(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    if proc.stderr:
        proc.stderr.close()


def test_sigkill_mid_write_loses_at_most_the_result_in_flight(tmp_path: Path) -> None:
    store = Store(data_dir=tmp_path / "data")
    v = store.add_visit(store.create_patient("P-KILL").code)
    pr = store.add_print(v.id, _jpeg(1))
    db = store.data_dir / "footprint.sqlite3"
    rng = np.random.default_rng(7)
    total_logged = 0
    mid_write = 0
    for round_ in range(4):
        progress = tmp_path / f"progress-{round_}.log"
        proc = _start_writer(store, pr.id, total_logged, progress)
        _wait_for_done(progress, int(rng.integers(20, 120)), proc)
        _kill(proc)  # wherever it is: most of a writer's time is inside a transaction
        done, open_ = _progress(progress)
        integrity, fk, values = _checks(db)
        assert integrity == "ok"
        assert fk == []
        # every logged result is there, plus possibly the one in flight, nothing else
        logged = list(range(total_logged, total_logged + done))
        expected = list(range(0, total_logged)) + logged
        assert values in (expected, [*expected, open_]), (round_, len(values), done, open_)
        mid_write += open_ is not None
        total_logged = len(values)  # the next writer continues after what is stored
    assert mid_write >= 1  # at least one kill landed between "begin" and "done"
    # the store still works normally after four kills
    assert store.count_results() == total_logged
    store.add_record(pr.id, {"status": "ok", "side": "right", "arch_index": 0.25})
    assert store.count_results() == total_logged + 1
    assert not [p for p in store.data_dir.rglob("*") if p.name.startswith(".tmp-")]


def test_backup_during_a_killed_write_restores(tmp_path: Path) -> None:
    store = Store(data_dir=tmp_path / "data")
    v = store.add_visit(store.create_patient("P-BACKUP", name="Ann").code)
    pr = store.add_print(v.id, _jpeg(2))
    progress = tmp_path / "progress.log"
    proc = _start_writer(store, pr.id, 0, progress)
    try:
        _wait_for_done(progress, 30, proc)
        backup = tmp_path / "backups" / "records.sqlite3"
        out = subprocess.run(
            [
                str(BIN / "footprint"),
                "db",
                "backup",
                str(backup),
                "--data-dir",
                str(store.data_dir),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
        )
        assert out.returncode == 0, out.stderr
        assert "Backed up to" in out.stdout
    finally:
        _kill(proc)
    done, open_ = _progress(progress)
    integrity, fk, in_backup = _checks(backup)
    assert integrity == "ok" and fk == []
    assert 30 <= len(in_backup) <= done + 1  # a consistent prefix of what was written
    assert in_backup == list(range(len(in_backup)))
    # restore: the copy (and its images) become the data folder of a new store
    restored_dir = tmp_path / "restored"
    restored_dir.mkdir()
    (restored_dir / "footprint.sqlite3").write_bytes(backup.read_bytes())
    (backup.parent / "records.sqlite3.images").rename(restored_dir / "images")
    restored = Store(data_dir=restored_dir)
    assert restored.url != store.url
    p = restored.get_patient("P-BACKUP")
    assert p.name == "Ann" and p.n_visits == 1
    (visit,) = restored.visits("P-BACKUP")
    (rpr,) = visit.prints
    assert restored.read_image(rpr) == store.read_image(pr)  # the image came back too
    assert sorted(round(r.arch_index * 1e6) for r in rpr.results) == in_backup
    assert restored.count_results() == len(in_backup)


HOSTILE = [
    "../../etc/passwd",
    "/etc/passwd",
    "..\\..\\windows\\system32",
    "C:\\Users\\x",
    "~root/.ssh/id_rsa",
    "%2e%2e%2f%2e%2e%2fetc",
    "a\x00b",
    "line\nbreak",
    "x" * 5000,
    "पैर/../../ü/\u202egnp.exe",
    "🦶👣" * 10,
    "<script>alert(1)</script>",
    ".",
    "..",
    "",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_no_text_places_a_file_outside_the_data_folder(tmp_path: Path, text: str) -> None:
    from footprint.ui.clinic.records import safe_file_stem

    data = tmp_path / "data"
    store = Store(data_dir=data)
    code = text
    try:
        store.create_patient(code, name=text[:200], notes=text)
    except StoreError as exc:  # control characters, empty or too long codes are refused
        assert exc.message
        code = "P-SAFE"
        store.create_patient(code, name=text[:200], notes=text)
    v = store.add_visit(code, note=text)
    pr = store.add_print(
        v.id, _jpeg(3), capture={"source": "upload", "name": text}, foot_side="left"
    )
    outside = [
        p
        for p in tmp_path.rglob("*")
        if data.resolve() not in p.resolve().parents and p.resolve() != data.resolve()
    ]
    assert outside == []
    images = [p for p in (data / "images").rglob("*") if p.is_file()]
    assert [p.name for p in images] == [pr.file_name]
    assert pr.file_name == pr.sha256 + ".jpg"
    # the text comes back exactly as typed, as data
    (visit,) = store.visits(code)
    assert visit.note == text and visit.prints[0].capture["name"] == text
    assert store.get_patient(code).notes == text
    # a stored file name is only ever a content hash
    for bad in (text, "../" + pr.file_name, "/" + pr.file_name):
        with pytest.raises(StoreError):
            store.read_image(bad)
    # exported zips name nothing outside their own tree; download names are plain
    with zipfile.ZipFile(io.BytesIO(store.export_patient(code))) as zf:
        for name in zf.namelist():
            assert not name.startswith(("/", "\\")) and ".." not in name.split("/")
            assert name in ("patient.json", "results.csv") or name == f"images/{pr.file_name}"
    stem = safe_file_stem(code)
    assert stem and "/" not in stem and "\\" not in stem and "." not in stem
    store.delete_patient(code)
    assert [p for p in (data / "images").rglob("*") if p.is_file()] == []


# --------------------------------------------------------------------------- #
# text typed by users is text
# --------------------------------------------------------------------------- #
PAYLOAD = "<script>alert(1)</script><b>x</b>"


def _unescape_markdown(text: str) -> str:
    import re

    return re.sub(r"\\(.)", r"\1", text)


def test_patient_named_with_html_is_shown_as_text(clinic_data_dir: Path) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(
        "from footprint.ui.clinic import patients\npatients.page()\n", default_timeout=120
    ).run()
    inputs = {t.label: t for t in at.text_input}
    inputs["Code (pseudonymous)"].input(PAYLOAD)
    inputs["Name (optional)"].input(PAYLOAD)
    at.text_area[0].input("![pixel](http://example.invalid/p.png) " + PAYLOAD)
    next(b for b in at.button if b.label == "Create patient").click()
    at.run()
    assert not at.exception
    # the confirmation is markdown with every active character escaped: shown literally
    (flash,) = [s.value for s in at.success]
    assert "<script>" not in flash and "<b>" not in flash
    assert _unescape_markdown(flash) == f"Created patient {PAYLOAD}."
    # the table and the patient picker hold the literal text
    table = at.dataframe[0].value
    assert list(table["Code"]) == [PAYLOAD] and list(table["Name"]) == [PAYLOAD]
    assert PAYLOAD in at.selectbox[0].options
    # no element renders HTML from it
    html_elements = [m for m in at.markdown if m.proto.allow_html]
    assert all("<script" not in m.value and "<b>x" not in m.value for m in html_elements)
    assert not at.get("html")
    # creating it again: the error names the code, escaped as well
    inputs = {t.label: t for t in at.text_input}
    inputs["Code (pseudonymous)"].input(PAYLOAD)
    next(b for b in at.button if b.label == "Create patient").click()
    at.run()
    assert not at.exception
    (err,) = [e.value for e in at.error]
    assert "<script>" not in err and PAYLOAD in _unescape_markdown(err)
    store = Store(data_dir=clinic_data_dir)
    assert store.get_patient(PAYLOAD).name == PAYLOAD


def test_visit_notes_with_html_are_shown_as_text(clinic_data_dir: Path) -> None:
    from streamlit.testing.v1 import AppTest

    store = Store(data_dir=clinic_data_dir)
    store.create_patient(PAYLOAD, name=PAYLOAD)
    store.add_visit(PAYLOAD, note=PAYLOAD + "\n![x](http://example.invalid/x.png)")
    at = AppTest.from_string(
        "from footprint.ui.clinic import timeline\ntimeline.page()\n", default_timeout=120
    ).run()
    assert not at.exception
    texts = [t.value for t in at.text]
    assert PAYLOAD + "\n![x](http://example.invalid/x.png)" in texts  # st.text: verbatim
    assert all(PAYLOAD not in m.value for m in at.markdown)


def test_no_page_passes_user_text_to_unsafe_html() -> None:
    """Every ``unsafe_allow_html=True`` in the app renders only developer constants.

    Allowed: a literal string, an f-string over the cut-off presets (their sources
    are written in ``footprint/params.py``), or the bands of a preset drawn by
    ``widgets.band_html`` (numbers and fixed words, escaped). ``st.html`` and
    components are not used.
    """
    found = []
    files = [ROOT / "app.py", *sorted((ROOT / "footprint").rglob("*.py"))]
    for path in files:
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = ast.unparse(node.func)
            assert func not in ("st.html", "components.html", "st.components.v1.html"), path
            unsafe = [k for k in node.keywords if k.arg == "unsafe_allow_html"]
            if not unsafe or (
                isinstance(unsafe[0].value, ast.Constant) and unsafe[0].value.value is False
            ):
                continue
            rel = path.relative_to(ROOT).as_posix()
            body = node.args[0] if node.args else None
            found.append(rel)
            if isinstance(body, ast.Constant) and isinstance(body.value, str):
                continue
            if rel == "footprint/ui/analyse.py":  # the preset's bands (widgets.band_html)
                assert ast.unparse(body) == "widgets.band_html(widgets.bands(None, preset)[0])"
                continue
            assert rel == "footprint/ui/about.py", (rel, node.lineno)
            used = {n.id for n in ast.walk(body) if isinstance(n, ast.Name)}
            assert used == {"p"}, (rel, node.lineno, used)  # p: a CutoffPreset
    assert found  # the scan saw the two known uses
    assert not [f for f in found if f.startswith("footprint/ui/clinic/")]

"""Crash-safe writers of batch rows: CSV, JSON Lines and Parquet.

The rows follow :data:`footprint.result.RECORD_COLUMNS`. Writers are built so
that a batch killed at any moment (even with ``SIGKILL``) can be resumed and
ends with every file exactly once:

* every row is exactly one physical line (line breaks inside values are
  replaced by spaces), so a torn write can only leave a partial *last* line;
* all rows of one file are written with a single ``os.write`` call on a file
  opened with ``O_APPEND``, then ``fsync``-ed at most every
  :data:`FSYNC_INTERVAL_S` seconds (and at close);
* on resume, :func:`open_sink` drops a trailing partial line *and* the rows of
  the last file in the output (its write may have been torn at a line
  boundary), so that file is simply scored again;
* Parquet, which cannot be appended to, is written at the end from an
  intermediate JSON Lines file next to the output
  (``<output>.partial.jsonl``); a resumed Parquet run continues from that
  file, or from the finished Parquet file when there is no intermediate.

No file is ever overwritten in place: rewrites go to a temporary file that
replaces the original with :func:`os.replace`.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from footprint.result import RECORD_COLUMNS, REGIONS

log = logging.getLogger(__name__)

#: Output formats by file suffix.
FORMATS: dict[str, str] = {".csv": "csv", ".jsonl": "jsonl", ".parquet": "parquet"}

#: [s] Longest time written rows may stay in the page cache without fsync.
FSYNC_INTERVAL_S: float = 2.0

#: Suffix of the intermediate JSON Lines file behind a Parquet output.
PARTIAL_SUFFIX = ".partial.jsonl"

_INT_COLUMNS = frozenset({"foot"})
_FLOAT_COLUMNS = frozenset(
    {
        "arch_index",
        "chippaux_smirak",
        "staheli",
        "clarke_angle_deg",
        "foot_length_mm",
        "foot_width_mm",
        "foot_length_px",
        "foot_width_px",
        "centroid_x",
        "centroid_y",
        "quality",
        *(f"share_{r}" for r in REGIONS),
        "balance_medial_lateral",
        "balance_fore_rear",
        "cop_along",
        "cop_across",
        "arch_index_weighted",
    }
)


class OutputError(Exception):
    """The output file cannot be used (wrong format, foreign columns, exists)."""


def output_format(path: Path) -> str:
    """Return ``'csv'``, ``'jsonl'`` or ``'parquet'`` from the suffix of ``path``.

    Raises
    ------
    OutputError
        When the suffix is none of ``.csv``, ``.jsonl``, ``.parquet``.
    """
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise OutputError(
            f"Cannot tell the output format from {path.name!r}; "
            "end the output name with .csv, .jsonl or .parquet."
        )
    return fmt


def column_type(name: str) -> str:
    """``'int'``, ``'float'`` or ``'str'``: the type of a record column."""
    if name in _INT_COLUMNS:
        return "int"
    if name in _FLOAT_COLUMNS:
        return "float"
    return "str"


def normalise_row(row: dict[str, Any]) -> dict[str, Any]:
    """Row restricted to :data:`RECORD_COLUMNS`, in order, with plain JSON types.

    Numpy scalars become Python numbers, NaN/inf become ``None`` (with a
    logged warning) and line breaks inside strings become spaces (one row =
    one line).
    """
    out: dict[str, Any] = {}
    for name in RECORD_COLUMNS:
        v = row.get(name)
        if hasattr(v, "item") and callable(v.item):  # numpy scalar
            v = v.item()
        if isinstance(v, float) and not math.isfinite(v):
            log.warning("%s of %s was %s; written as empty.", name, row.get("file"), v)
            v = None
        elif isinstance(v, str):
            v = v.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
        elif v is not None and not isinstance(v, (bool, int, float)):
            v = str(v)
        out[name] = v
    return out


def _csv_value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def _parse_csv_value(name: str, text: str) -> Any:
    kind = column_type(name)
    if kind == "str":
        return text
    if text == "":
        return None
    if kind == "int":
        return int(text)
    return float(text)


def encode_rows(rows: Iterable[dict[str, Any]], fmt: str) -> bytes:
    """Encode rows as complete lines of CSV (no header) or JSON Lines."""
    rows = [normalise_row(r) for r in rows]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        for r in rows:
            writer.writerow([_csv_value(r[c]) for c in RECORD_COLUMNS])
        return buf.getvalue().encode("utf-8")
    return "".join(json.dumps(r, ensure_ascii=False, allow_nan=False) + "\n" for r in rows).encode(
        "utf-8"
    )


def csv_header() -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(RECORD_COLUMNS)
    return buf.getvalue().encode("utf-8")


def decode_line(line: bytes, fmt: str) -> dict[str, Any]:
    """Parse one complete data line written by :func:`encode_rows`.

    Raises
    ------
    ValueError
        When the line is not a valid row.
    """
    text = line.decode("utf-8").rstrip("\n")
    if fmt == "csv":
        values = next(csv.reader([text]))
        if len(values) != len(RECORD_COLUMNS):
            raise ValueError(f"expected {len(RECORD_COLUMNS)} columns, found {len(values)}")
        return {c: _parse_csv_value(c, v) for c, v in zip(RECORD_COLUMNS, values, strict=True)}
    data = json.loads(text)
    if not isinstance(data, dict) or "file" not in data:
        raise ValueError("not a row object")
    return {c: data.get(c) for c in RECORD_COLUMNS}


def read_rows(path: Path) -> list[dict[str, Any]]:
    """All rows of a finished (or partial) CSV, JSONL or Parquet output.

    A trailing partial line is ignored.
    """
    path = Path(path)
    fmt = output_format(path)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        return [{c: r.get(c) for c in RECORD_COLUMNS} for r in table.to_pylist()]
    return [row for _, row, _ in _scan_lines(path, fmt)]


def _scan_lines(path: Path, fmt: str) -> Iterator[tuple[int, dict[str, Any], bytes]]:
    """Yield ``(offset, row, raw_line)`` of every complete data line."""
    data = path.read_bytes()
    pos = 0
    if fmt == "csv":
        end = data.find(b"\n")
        if end < 0:
            return
        header = data[: end + 1]
        if header != csv_header():
            raise OutputError(
                f"{path} does not have the columns this version writes; "
                "write to a new output file instead of resuming."
            )
        pos = end + 1
    while pos < len(data):
        end = data.find(b"\n", pos)
        if end < 0:  # torn last line
            return
        raw = data[pos : end + 1]
        try:
            row = decode_line(raw, fmt)
        except (ValueError, UnicodeDecodeError, StopIteration) as exc:
            if end + 1 >= len(data):
                log.warning("Ignoring a damaged last line of %s: %s", path, exc)
                return
            raise OutputError(
                f"{path} has a damaged row at byte {pos} ({exc}); "
                "write to a new output file instead of resuming."
            ) from exc
        yield pos, row, raw
        pos = end + 1


@dataclass
class DoneFile:
    """What the output already holds for one input file."""

    sha256: str | None
    ok: bool
    rows: list[dict[str, Any]] = field(default_factory=list)


class Sink:
    """Append-only, crash-safe writer of batch rows (see the module docstring).

    Use :func:`open_sink` to create one.
    """

    def __init__(self, output: Path, fmt: str, line_path: Path, line_fmt: str) -> None:
        self.output = output
        self.format = fmt
        self.line_path = line_path
        self.line_format = line_fmt
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
        self._fd: int | None = os.open(line_path, flags, 0o644)
        self._last_sync = time.monotonic()
        self._dirty = False
        if fmt == "csv" and os.fstat(self._fd).st_size == 0:
            self._write(csv_header())

    def _write(self, data: bytes) -> None:
        assert self._fd is not None
        view = memoryview(data)
        while view:
            n = os.write(self._fd, view)
            view = view[n:]
        self._dirty = True

    def write_file_rows(self, rows: list[dict[str, Any]]) -> None:
        """Append all rows of one input file in one write, then sync if due."""
        if not rows:
            return
        self._write(encode_rows(rows, self.line_format))
        if time.monotonic() - self._last_sync >= FSYNC_INTERVAL_S:
            self.sync()

    def sync(self) -> None:
        """Flush written rows to the disk."""
        if self._fd is not None and self._dirty:
            os.fsync(self._fd)
            self._dirty = False
        self._last_sync = time.monotonic()

    def close(self, *, finish: bool = True) -> None:
        """Sync and close; for Parquet, also write the final file when ``finish``."""
        if self._fd is None:
            return
        self.sync()
        os.close(self._fd)
        self._fd = None
        if finish and self.format == "parquet":
            write_parquet(read_rows(self.line_path), self.output)
            self.line_path.unlink()

    def drop_files(self, files: set[str]) -> None:
        """Remove every row of ``files`` (stale rows of changed files on resume)."""
        if not files or self._fd is None:
            return
        os.fsync(self._fd)
        os.close(self._fd)
        lines = [
            raw
            for _, row, raw in _scan_lines(self.line_path, self.line_format)
            if row["file"] not in files
        ]
        _rewrite_lines(self.line_path, self.line_format, lines)
        self._fd = os.open(self.line_path, os.O_WRONLY | os.O_APPEND)

    def __enter__(self) -> Sink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(finish=exc[0] is None)


def write_parquet(rows: list[dict[str, Any]], path: Path) -> None:
    """Write rows as a Parquet file with a fixed schema (atomic replace)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"int": pa.int64(), "float": pa.float64(), "str": pa.string()}
    schema = pa.schema([(c, types[column_type(c)]) for c in RECORD_COLUMNS])
    columns = (
        {c: [normalise_row(r)[c] for r in rows] for c in RECORD_COLUMNS}
        if rows
        else {c: [] for c in RECORD_COLUMNS}
    )
    for c in RECORD_COLUMNS:  # ints stored in a float column by CSV parsing, etc.
        kind = column_type(c)
        if kind == "float":
            columns[c] = [None if v is None else float(v) for v in columns[c]]
        elif kind == "str":
            columns[c] = [None if v is None else str(v) for v in columns[c]]
    table = pa.table(columns, schema=schema)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    _fsync_path(tmp)
    os.replace(tmp, path)


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _rewrite_lines(path: Path, fmt: str, lines: list[bytes]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        if fmt == "csv":
            f.write(csv_header())
        f.writelines(lines)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def open_sink(
    output: Path, *, resume: bool = False, overwrite: bool = False
) -> tuple[Sink, dict[str, DoneFile]]:
    """Open ``output`` for appending rows and report what it already holds.

    Parameters
    ----------
    output : Path
        ``.csv``, ``.jsonl`` or ``.parquet`` file.
    resume : bool
        Keep existing rows (minus a torn tail and the last file's rows) and
        return them so the caller can skip files already scored.
    overwrite : bool
        Start from an empty output even if one exists.

    Returns
    -------
    sink : Sink
    done : dict
        ``{relative path: DoneFile}`` of the files already in the output.

    Raises
    ------
    OutputError
        When the output exists and neither ``resume`` nor ``overwrite`` is set,
        or when an existing output cannot be resumed.
    """
    output = Path(output)
    fmt = output_format(output)
    if not output.parent.is_dir():
        raise OutputError(f"The folder {output.parent} does not exist; create it first.")
    if fmt == "parquet":
        line_path, line_fmt = output.with_name(output.name + PARTIAL_SUFFIX), "jsonl"
    else:
        line_path, line_fmt = output, fmt
    exists = line_path.exists() or output.exists()
    if exists and not (resume or overwrite):
        raise OutputError(
            f"{output} already exists. Use --resume to continue it, --overwrite to "
            "replace it, or choose another output file."
        )
    done: dict[str, DoneFile] = {}
    if overwrite or not resume:
        for p in {line_path, output}:
            if p.exists():
                p.unlink()
        return Sink(output, fmt, line_path, line_fmt), done

    if fmt == "parquet" and not line_path.exists() and output.exists():
        # finished Parquet run: continue from its rows
        rows = read_rows(output)
        _rewrite_lines(line_path, line_fmt, [encode_rows([r], line_fmt) for r in rows])
    if line_path.exists():
        entries = list(_scan_lines(line_path, line_fmt))
        # Drop the rows of the last file: its single write may have been torn
        # at a line boundary by a kill.
        if entries:
            last = entries[-1][1]["file"]
            while entries and entries[-1][1]["file"] == last:
                entries.pop()
        lines = [raw for _, _, raw in entries]
        size = line_path.stat().st_size
        kept = sum(len(x) for x in lines) + (len(csv_header()) if line_fmt == "csv" else 0)
        if kept != size:
            _rewrite_lines(line_path, line_fmt, lines)
        for _, row, _ in entries:
            d = done.get(row["file"])
            if d is None:
                d = done[row["file"]] = DoneFile(sha256=row["sha256"] or None, ok=True)
            d.ok = d.ok and row["status"] == "ok"
            d.rows.append(row)
    return Sink(output, fmt, line_path, line_fmt), done

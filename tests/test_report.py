"""PDF and JSON reports of a real analysis."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from footprint import advice, report
from tests.conftest import pdf_text


@pytest.fixture(scope="module")
def pdf(analysis) -> bytes:
    return report.pdf_report(analysis)


def test_pdf_structure(pdf: bytes, analysis) -> None:
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    pages = re.findall(rb"/Type\s*/Page\b", pdf)
    assert 2 <= len(pages) <= 6
    # photo thumbnail, overlay and one heat map per foot
    images = re.findall(rb"/Subtype\s*/Image", pdf)
    assert len(images) >= 2 + len(analysis.result.feet)


def test_pdf_content(pdf: bytes, analysis) -> None:
    text = pdf_text(pdf)
    foot = analysis.result.feet[0]
    assert f"{foot.arch_index:.3f}" in text
    assert "Arch index (Cavanagh & Rodgers)" in text
    assert "Screening information, not a diagnosis" in text
    assert analysis.result.provenance.input_sha256 in text
    assert "relative contact intensity, not pressure in kPa" in text
    for s in advice.suggest(analysis.result):
        assert report._latin1(s.title) in text
    assert "general advice for cramps" in text


def test_pdf_carries_no_exif(tmp_path: Path) -> None:
    """A JPEG with EXIF GPS goes in; neither the PDF nor its images carry EXIF."""
    import io

    from PIL import Image

    from footprint.pipeline import analyse_detailed
    from tests.conftest import drawn_print_rgb

    exif = Image.Exif()
    exif[0x010F] = "SECRETCAMERA"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 1.0)}  # GPS IFD
    buf = io.BytesIO()
    Image.fromarray(drawn_print_rgb()).save(buf, format="JPEG", exif=exif)
    assert b"SECRETCAMERA" in buf.getvalue()
    a = analyse_detailed(buf.getvalue())
    pdf = report.pdf_report(a)
    assert b"SECRETCAMERA" not in pdf and b"Exif" not in pdf
    assert b"SECRETCAMERA" not in pdf_text(pdf).encode("latin-1")


def test_pdf_renders_with_pdftoppm(pdf: bytes, tmp_path: Path) -> None:
    exe = shutil.which("pdftoppm")
    assert exe is not None, "pdftoppm is missing: ./run.sh test installs poppler-utils"
    (tmp_path / "r.pdf").write_bytes(pdf)
    subprocess.run(
        [
            exe,
            "-r",
            "40",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(tmp_path / "r.pdf"),
            str(tmp_path / "p"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    pngs = list(tmp_path.glob("p-*.png"))
    assert len(pngs) == 1 and pngs[0].stat().st_size > 5000


def test_json_report_round_trips(analysis) -> None:
    data = report.json_report(analysis.result)
    parsed = json.loads(data)
    assert parsed["feet"][0]["arch_index"] == pytest.approx(analysis.result.feet[0].arch_index)
    assert parsed["provenance"]["input_sha256"] == analysis.result.provenance.input_sha256


def test_pdf_text_reads_a_stream_whose_compressed_bytes_end_in_a_carriage_return() -> None:
    """The helper the PDF tests read reports with: one compressed stream in 256
    ends in byte 0x0D, which the end-of-line before ``endstream`` must not eat
    (it made test_pdf_shows_no_nan fail at random)."""
    import zlib

    text = next(
        t
        for i in range(10_000)
        if (t := f"BT (Arch index {i}) Tj ET".encode()) and zlib.compress(t).endswith(b"\r")
    )
    for eol in (b"\n", b"\r\n"):
        pdf = b"1 0 obj << >> stream" + eol + zlib.compress(text) + eol + b"endstream"
        assert pdf_text(pdf) == text.decode()
    assert pdf_text(b"stream\nplain (text\\)\nendstream") == "plain (text)"

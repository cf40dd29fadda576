"""Every page of the Streamlit app, driven by streamlit.testing.v1.AppTest.

The file uploader is set through AppTest's own ``FileUploader.upload`` (real
bytes, the real pipeline): no test seam in the pages is needed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import footprint
from footprint import advice
from footprint.errors import FootprintError
from footprint.params import CUTOFF_PRESETS
from footprint.ui import widgets
from tests.conftest import page_texts

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 90


def _page(module: str) -> AppTest:
    at = AppTest.from_string(
        f"from footprint.ui import {module}\n{module}.page()\n", default_timeout=TIMEOUT
    )
    return at.run()


def _texts(at: AppTest) -> str:
    return page_texts(at)


def _metric(at: AppTest, label: str) -> list[str]:
    return [m.value for m in at.metric if m.label == label]


def _analysed(name: str, jpeg: bytes) -> AppTest:
    """The analyse page after uploading ``jpeg``."""
    at = _page("analyse")
    at.file_uploader[0].upload(name, jpeg, "image/jpeg")
    return at.run()


def _apply_corrections(at: AppTest) -> None:
    """Submit the corrections form and rerun the page."""
    submit = [b for b in at.get("button") if "Apply corrections" in str(b.proto.label)]
    assert submit, "the corrections form has a submit button"
    submit[0].click()
    at.run()


def test_app_wires_pages_and_shows_disclaimer() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value == "Analyse a footprint"  # the default page
    assert advice.DISCLAIMER in _texts(at)
    assert len(at.file_uploader) == 1
    allowed = set(at.file_uploader[0].allowed_type)
    assert {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif"} <= allowed
    # the first page a visitor sees needs no charting library (widgets.band_html):
    # the preset's bands are plain HTML in the sidebar
    assert not at.get("plotly_chart")
    preset = CUTOFF_PRESETS["adult"]
    assert any(
        f">{preset.ai_high_max:g}<" in m.value and f">{preset.ai_flat_min:g}<" in m.value
        for m in at.sidebar.markdown
    )


def test_app_analyses_an_uploaded_photo(print_jpeg: bytes) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.file_uploader[0].upload("print.jpg", print_jpeg, "image/jpeg")
    at.run()
    assert not at.exception
    assert not at.error
    ai = _metric(at, "Arch index")
    assert len(ai) == 2  # two feet, one tab each
    assert all(0.0 < float(v) < 0.6 for v in ai)
    text = _texts(at)
    assert "Why: left foot: arch_index=" in text  # the flat left foot triggers advice
    assert "Why: general advice for cramps" in text
    assert advice.DISCLAIMER in text
    assert "relative contact intensity, not pressure in kPa" in text
    labels = {b.label for b in at.get("download_button")}
    assert {"PDF report", "Measurements (JSON)", "Overlay picture (PNG)"} <= labels


def test_a_traced_faint_midfoot_is_explained_under_the_overlay() -> None:
    from footprint import synth

    # development seed 9403: a wet print on wood whose faint midfoot is traced
    # (0.015 measured for 0.007; see tests/test_midfoot.py)
    photo = synth.render_photo(9403, scene="wet_wood", reference="a4", size=(2016, 1512))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.file_uploader[0].upload("wood.jpg", photo.jpeg, "image/jpeg")
    at.run()
    assert not at.exception
    text = _texts(at)
    assert "orange tint: a faint midfoot traced" in text
    assert "midfoot printed faintly" in text  # the foot's warning


def test_analyse_page_corrupt_file_gives_friendly_error() -> None:
    at = _page("analyse")
    at.file_uploader[0].upload("broken.jpg", b"\xff\xd8\xff\xe0 not really a JPEG", "image/jpeg")
    at.run()
    assert not at.exception
    assert len(at.error) == 1
    msg = at.error[0].value
    assert "broken.jpg" in msg and "Traceback" not in msg
    assert not _metric(at, "Arch index")
    assert advice.DISCLAIMER in _texts(at)


def test_analyse_page_blank_photo_says_no_print_found() -> None:
    import numpy as np

    from tests.conftest import encode

    blank = encode(np.full((600, 800, 3), 230, np.uint8))
    at = _page("analyse")
    at.file_uploader[0].upload("floor.jpg", blank, "image/jpeg")
    at.run()
    assert not at.exception
    assert len(at.error) == 1
    assert "No footprint" in at.error[0].value or "footprint" in at.error[0].value.lower()
    assert "Hold the phone flat" in _texts(at)  # concrete photo tips


def test_analyse_page_corrections_update_results(print_jpeg: bytes) -> None:
    at = _analysed("print.jpg", print_jpeg)
    sides = _metric(at, "Side")
    assert sides == ["left", "right"]
    # override foot 1's side and apply
    at.selectbox(key="corr_side0").set_value("right")
    at.slider(key="corr_sens").set_value(0.1)
    _apply_corrections(at)
    assert not at.exception
    assert _metric(at, "Side")[0] == "right"
    assert "right foot: arch_index=" in _texts(at)
    # report only foot 2
    at.radio(key="corr_feet").set_value(1)
    at.run()
    assert len(_metric(at, "Arch index")) == 1


def test_analyse_page_manual_corners_are_accepted(print_jpeg: bytes) -> None:
    at = _analysed("print.jpg", print_jpeg)
    at.checkbox(key="corr_manual").check()
    at.selectbox(key="corr_kind").set_value("a4")
    # the whole 560 x 640 image as an A4 sheet (aspect 0.875 vs 0.707: a rough mark)
    for k, (x, y) in enumerate([(20, 20), (540, 20), (540, 620), (20, 620)]):
        at.number_input(key=f"corr_c{k}x").set_value(float(x))
        at.number_input(key=f"corr_c{k}y").set_value(float(y))
    _apply_corrections(at)
    assert not at.exception
    text = _texts(at)
    if at.error:  # a rejected hand-marked reference must still be a friendly message
        assert "Traceback" not in at.error[0].value
    else:
        lengths = _metric(at, "Length")
        assert lengths and all(v.endswith(" mm") for v in lengths)
        assert "A4 sheet" in text


def test_analyse_page_preset_changes_source_caption(print_jpeg: bytes) -> None:
    at = _page("analyse")
    at.selectbox(key="cutoffs").set_value("child_6_9")
    at.file_uploader[0].upload("print.jpg", print_jpeg, "image/jpeg")
    at.run()
    assert not at.exception
    assert CUTOFF_PRESETS["child_6_9"].source in _texts(at)
    assert "Child 6-9 years" in _texts(at)


def test_guide_page() -> None:
    at = _page("guide")
    assert not at.exception
    text = _texts(at)
    assert "Hold the phone" in text and "bank card" in text
    assert advice.DISCLAIMER in text
    # the shipped example pictures are shown
    from footprint.ui import guide

    assert len(guide.example_pictures()) == len(guide.EXAMPLES)
    assert len(guide.example_pictures(guide.AVOID)) == len(guide.AVOID)
    assert len(at.get("image")) == len(guide.EXAMPLES) + len(guide.AVOID)
    assert "What to avoid" in text


@pytest.mark.parametrize("index", [0, 1])
def test_the_photos_to_avoid_are_refused(index: int) -> None:
    """The guide's "what to avoid" photos (a lamp's shine, the phone's shadow on a wet
    print) are ones the app cannot measure, as their captions say."""
    from footprint.ui import guide

    path, _caption = guide.example_pictures(guide.AVOID)[index]
    with pytest.raises(FootprintError) as err:
        footprint.analyse(path)
    assert "no shadow of the phone and no lamp's shine on the wet print" in str(err.value)


def test_about_page() -> None:
    at = _page("about")
    assert not at.exception
    text = _texts(at)
    assert "Cavanagh PR, Rodgers MM (1987)" in text
    assert "Privacy" in text and "EXIF" in text
    assert advice.DISCLAIMER in text


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.20, "high"), (0.21, "high"), (0.235, "normal"), (0.26, "flat"), (None, None)],
)
def test_band_class_matches_ai_cutoffs(value: float | None, expected: str | None) -> None:
    b = widgets.Band(
        "arch_index", "Arch index", value, 0.0, 0.45, 0.21, 0.26, "high", "flat", ".3f"
    )
    assert widgets.band_class(b) == expected


@pytest.mark.parametrize("preset", ["adult", "child_6_9"])
def test_band_html_segments_and_ticks_follow_the_cutoffs(preset: str) -> None:
    b = widgets.bands(None, CUTOFF_PRESETS[preset])[0]
    html = widgets.band_html(b)
    span = b.hi - b.lo
    widths = [float(x) for x in re.findall(r"flex:([0-9.]+) 1 0", html)]
    expected = [b.low_cut - b.lo, b.high_cut - b.low_cut, b.hi - b.high_cut]
    assert widths == pytest.approx([w / span for w in expected], abs=1e-4)
    ticks = re.findall(r"left:([0-9.]+)%;transform:translateX\(-50%\)\">([^<]+)<", html)
    assert [(float(x), t) for x, t in ticks] == [
        (pytest.approx(100 * (c - b.lo) / span, abs=0.01), f"{c:g}")
        for c in (b.low_cut, b.high_cut)
    ]
    assert [
        html.count(f"background:{widgets.BAND_COLOURS[c]}") for c in ("high", "normal", "flat")
    ] == [1, 1, 1]
    # a band name is written only where it fits; every name is in the tooltips
    for w, word in zip(widths, ("high arch", "normal", "flat"), strict=True):
        assert (f">{word}</div>" in html) == (w >= widgets.BAND_LABEL_MIN_SHARE)
        assert f'title="{word}' in html


def test_bands_figure_has_one_row_per_index() -> None:
    from tests.test_advice import foot

    bs = widgets.bands(foot(0.30), CUTOFF_PRESETS["adult"])
    fig = widgets.bands_figure(bs)
    assert len(fig.layout.annotations) == 4
    assert "0.300" in fig.layout.annotations[0].text and "flat" in fig.layout.annotations[0].text
    assert fig.layout.xaxis4.range == (0.0, 65.0)
    assert len(fig.data) == 16  # 3 bands + 1 marker per index


def test_a_print_lit_by_the_sheen_can_be_looked_at_again() -> None:
    """A wet print on concrete the light's sheen partly lightens (development
    seed 8501): refused by default; the correction 'look again' measures it
    and the page says it was found on a second look."""
    from footprint import synth

    photo = synth.render_photo(8501, scene="wet_concrete", reference="letter", size=(2016, 1512))
    at = _analysed("concrete.jpg", photo.jpeg)
    assert not at.exception
    assert at.error
    assert _metric(at, "Arch index") == []
    at.checkbox(key="corr_second").check()
    _apply_corrections(at)
    assert not at.exception
    assert len(_metric(at, "Arch index")) == 1
    assert "second look" in _texts(at)


def test_the_paper_gives_the_perspective_and_can_be_turned_off() -> None:
    """Two ink prints on paper of no reference size, photographed tilted
    (development seed 9126): the page takes the perspective from the paper's
    corners and says so; turned off (with the floor lines, which the paper's
    edges would give), the arch indices move away from the truth (0.236,
    0.239) and the page says the perspective is not corrected."""
    from footprint import synth

    photo = synth.render_photo(9126, scene="ink_blue", reference="none", size=(2016, 1512))
    at = _analysed("plain_paper.jpg", photo.jpeg)
    assert not at.exception
    assert "perspective was taken from the corners of a rectangle on the floor" in _texts(at)
    assert any("perspective from a rectangle's corners" in m.value for m in at.success)
    flat = sorted(float(v) for v in _metric(at, "Arch index"))
    at.checkbox(key="corr_paper").uncheck()
    at.checkbox(key="corr_lines").uncheck()
    _apply_corrections(at)
    assert not at.exception
    tilted = sorted(float(v) for v in _metric(at, "Arch index"))
    assert len(flat) == len(tilted) == 2
    truth = sorted(f.arch_index for f in photo.feet)
    assert max(abs(a - t) for a, t in zip(flat, truth, strict=True)) < max(
        abs(b - t) for b, t in zip(tilted, truth, strict=True)
    )
    assert "perspective is not corrected" in _texts(at)


def test_the_floor_lines_give_the_perspective_and_can_be_turned_off() -> None:
    """A wet print on a tiled floor photographed 30 degrees from straight down,
    without a reference: the page takes the perspective from the tile joints
    and says so; turned off, the arch index moves away from the truth and the
    page says the perspective is not corrected."""
    from floor_photos import tiled_print

    jpeg, truth = tiled_print()
    at = _analysed("tiled_floor.jpg", jpeg)
    assert not at.exception
    assert "(a 30 degree tilt) was taken from two sets of straight floor lines" in _texts(at)
    assert any("perspective from the floor's lines" in m.value for m in at.success)
    flat = [float(v) for v in _metric(at, "Arch index")]
    at.checkbox(key="corr_lines").uncheck()
    _apply_corrections(at)
    assert not at.exception
    tilted = [float(v) for v in _metric(at, "Arch index")]
    assert len(flat) == len(tilted) == 1
    assert abs(flat[0] - truth) < abs(tilted[0] - truth)
    assert "perspective is not corrected" in _texts(at)


def test_a_too_faint_print_is_refused_and_can_be_measured_on_request() -> None:
    """A faint wet print on tile: the page says it is too faint (no numbers);
    the correction 'measure anyway' gives numbers under a clear warning."""
    from footprint import synth

    photo = synth.render_photo(
        12, scene="wet_tile_light", reference="card", n_feet=1, size=(1600, 1200)
    )
    at = _analysed("faint.jpg", photo.jpeg)
    assert not at.exception
    assert at.error and "too faint or unclear" in at.error[0].value
    assert _metric(at, "Arch index") == []
    at.checkbox(key="corr_faint").check()
    _apply_corrections(at)
    assert not at.exception
    assert len(_metric(at, "Arch index")) == 1
    assert any("probably wrong" in w.value for w in at.warning)


def test_band_html_escapes_its_label() -> None:
    import dataclasses

    b = widgets.bands(None, CUTOFF_PRESETS["adult"])[0]
    html = widgets.band_html(dataclasses.replace(b, label='"><script>x</script>'))
    assert "<script>" not in html and "&lt;script&gt;" in html

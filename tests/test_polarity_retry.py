"""With ``second_look``, a floor print the darker-only pass finds only unclear is looked at again.

On a glossy floor the water's sheen lights part of a wet print up. The first
pass on a floor looks for a print darker than the floor and finds part of it
(or it and a sheen); when nothing it found measures and ``second_look`` is
set, ``pipeline`` segments the plane again with ``polarity="either"`` and
keeps what measures as whole feet (``pipeline._whole_foot``: toes found,
side sure). Off by default: such prints are measured less precisely.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from footprint import pipeline, rectify, segment, synth
from footprint.cli import EXIT_OK, app
from footprint.errors import FootprintError
from footprint.io import load_image
from footprint.outputs import read_rows
from footprint.params import Params

SIZE = (2016, 1512)


def _plane(photo: synth.SynthPhoto) -> rectify.Plane:
    params = Params()
    return rectify.rectify(load_image(photo.jpeg, params.load).rgb, params.rectify)


def test_polarity_must_be_known() -> None:
    rgb = np.full((64, 64, 3), 200, np.uint8)
    with pytest.raises(ValueError, match="polarity"):
        segment.segment(rgb, Params().segment, polarity="lighter")


@pytest.fixture(scope="module")
def sheen_photo() -> synth.SynthPhoto:
    """Development seed 8501 (wet print on concrete with a sheen, a Letter
    sheet beside it): the darker-only pass finds a print too unclear to
    measure; the either-polarity look measures it 0.011 off. (Seed 8208 on
    wood, used before, is measured by the first pass since the tenth
    session's floor search beside a sheet.)"""
    return synth.render_photo(8501, scene="wet_concrete", reference="letter", size=SIZE)


def test_a_print_lit_by_the_sheen_is_measured_on_a_second_look(
    sheen_photo: synth.SynthPhoto,
) -> None:
    photo = sheen_photo
    truth = photo.feet[0]
    with pytest.raises(FootprintError):  # by default it is refused
        pipeline.analyse(photo.jpeg)
    result = pipeline.analyse(photo.jpeg, second_look=True, floor_lines_perspective=False)
    assert result.provenance.params["segment"]["second_look"] is True
    assert len(result.feet) == 1
    foot = result.feet[0]
    assert abs(foot.arch_index - truth.arch_index) <= 0.02
    assert foot.side == truth.side
    # and the result says how it was found
    assert pipeline.SECOND_LOOK_WARNING in result.warnings


def test_the_second_look_length_is_within_one_percent(sheen_photo: synth.SynthPhoto) -> None:
    # a strict expected failure in the twelfth session (259.8 mm for 257.2,
    # 1.01 %: the outline reaches 1.7 mm beyond the toe tip); with the foot
    # length read between the half-coverage crossings (thirteenth session)
    # 258.6 mm for 257.1 (0.57 %)
    truth = sheen_photo.feet[0]
    foot = pipeline.analyse(sheen_photo.jpeg, second_look=True).feet[0]
    assert abs(foot.foot_length_mm - truth.foot_length_mm) <= 0.01 * truth.foot_length_mm


def test_the_second_look_runs_only_after_the_first_pass_failed() -> None:
    # development seed 8403 (wet print on dark tile, no reference): the
    # floor's darker-only pass finds prints, none of which measures, and says
    # the either-polarity pass was not tried; that pass finds a whole foot.
    # (Seed 8223, used before, gives the second pass nothing since the tenth
    # session's narrower fill under grout lines.) Measured as photographed: the
    # tile joints' perspective lets the first pass measure it.
    photo = synth.render_photo(8403, scene="wet_tile_dark", reference="none", size=SIZE)
    params = Params().with_options(floor_lines_perspective=False)
    loaded = load_image(photo.jpeg, params.load)
    plane = rectify.rectify(loaded.rgb, params.rectify)
    assert plane.mm_per_px is None
    seg = segment.segment(plane.image, params.segment, valid=plane.valid)
    assert seg.feet and seg.either_untried and not seg.either_polarity
    first = pipeline._measure_all(seg, plane, loaded, params, None)
    assert not first.feet and first.unclear
    again = segment.segment(plane.image, params.segment, valid=plane.valid, polarity="either")
    assert again.either_polarity and not again.either_untried
    second = pipeline._measure_all(again, plane, loaded, params, None)
    assert second.feet and all(pipeline._whole_foot(f) for f in second.feet)
    result = pipeline.analyse(photo.jpeg, second_look=True, floor_lines_perspective=False)
    assert len(result.feet) == 1
    assert abs(result.feet[0].arch_index - photo.feet[0].arch_index) <= 0.02


def test_a_clear_dark_print_is_found_by_the_first_pass() -> None:
    # an ink print on paper: no floor pass, nothing left untried, no second-look warning
    photo = synth.render_photo(11, scene="ink_black", reference="a4", size=(1600, 1200))
    plane = _plane(photo)
    seg = segment.segment(
        plane.image,
        Params().segment,
        mm_per_px=plane.mm_per_px,
        valid=plane.valid,
        sheet=plane.sheet,
    )
    assert seg.feet
    assert not seg.either_untried and not seg.either_polarity
    warnings = pipeline.analyse(photo.jpeg, second_look=True).warnings
    assert pipeline.SECOND_LOOK_WARNING not in warnings


def test_the_cli_takes_a_second_look_when_asked(
    tmp_path: Path, sheen_photo: synth.SynthPhoto
) -> None:
    path = tmp_path / "concrete.jpg"
    path.write_bytes(sheen_photo.jpeg)
    refused = CliRunner().invoke(app, ["analyse", str(path), "--json"])
    assert refused.exit_code != EXIT_OK
    res = CliRunner().invoke(app, ["analyse", str(path), "--json", "--second-look"])
    assert res.exit_code == EXIT_OK, res.output
    data = json.loads(res.stdout)
    assert len(data["feet"]) == 1
    assert pipeline.SECOND_LOOK_WARNING in data["warnings"]
    out = tmp_path / "rows.csv"
    res = CliRunner().invoke(app, ["score", str(tmp_path), "-o", str(out), "-q", "--second-look"])
    assert res.exit_code == EXIT_OK, res.output
    rows = read_rows(out)
    assert [r["status"] for r in rows] == ["ok"]
    assert "second look" in rows[0]["warnings"]

"""A sheet's size is checked against a bank card beside it.

Every A-series sheet has A4's ratio (A5 is 148 x 210 mm, A3 297 x 420 mm), and
kraft paper or a form may be cut to A4's or Letter's, so a sheet's shape does
not fix its size; a card's does (ISO/IEC 7810 ID-1). When a card lies beside a
sheet, the card's size measured in the sheet's plane shows whether the sheet is
the size its shape says. Beyond ``sheet_card_max_scale_diff`` the card gives
the scale, the sheet only the perspective, and the photo's warnings say so.

The first tests draw a sheet and a card on a floor (no generator), seen through
a mild perspective; the last one is development photo 6708, whose kraft sheet
of A4's ratio was taken for A4 and gave a foot 29 % too long.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from footprint import pipeline, rectify, synth
from footprint.params import Params

A4_MM = (210.0, 297.0)
A5_MM = (148.0, 210.0)
CARD_MM = (85.60, 53.98)
CARD_RADIUS_MM = 3.18


def _rounded_rect(img: np.ndarray, xy: tuple[int, int], wh: tuple[int, int], r: int) -> None:
    (x0, y0), (w, h) = xy, wh
    colour = (40, 90, 170)
    cv2.rectangle(img, (x0 + r, y0), (x0 + w - r, y0 + h), colour, -1, cv2.LINE_AA)
    cv2.rectangle(img, (x0, y0 + r), (x0 + w, y0 + h - r), colour, -1, cv2.LINE_AA)
    for cx, cy in [(x0 + r, y0 + r), (x0 + w - r, y0 + r), (x0 + w - r, y0 + h - r)]:
        cv2.circle(img, (cx, cy), r, colour, -1, cv2.LINE_AA)
    cv2.circle(img, (x0 + r, y0 + h - r), r, colour, -1, cv2.LINE_AA)


def _sheet_and_card(sheet_mm: tuple[float, float], px_mm: float = 4.0) -> np.ndarray:
    """A 1000 px photo of a white sheet and a blue card on a grey floor."""
    w, h = int(520 * px_mm), int(390 * px_mm)
    floor = (70, 68, 66)
    img = np.full((h, w, 3), floor, np.uint8)
    x0, y0 = int(60 * px_mm), int(40 * px_mm)
    sw, sh = (int(round(v * px_mm)) for v in sheet_mm)
    cv2.rectangle(img, (x0, y0), (x0 + sw, y0 + sh), (236, 234, 228), -1, cv2.LINE_AA)
    card_wh = (int(round(CARD_MM[0] * px_mm)), int(round(CARD_MM[1] * px_mm)))
    _rounded_rect(img, (int(360 * px_mm), int(200 * px_mm)), card_wh, round(CARD_RADIUS_MM * px_mm))
    rng = np.random.default_rng(0)
    img = np.clip(img + rng.normal(0, 2, img.shape), 0, 255).astype(np.uint8)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[40, 20], [w - 10, 0], [w - 60, h - 10], [0, h - 40]])
    tilted = cv2.warpPerspective(
        img, cv2.getPerspectiveTransform(src, dst), (w, h), borderValue=floor
    )
    tilted = cv2.GaussianBlur(tilted, (0, 0), 0.8)
    s = 1000 / max(tilted.shape[:2])
    return cv2.resize(tilted, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)


def _params(max_diff: float) -> Params:
    params = Params()
    return replace(params, rectify=replace(params.rectify, sheet_card_max_scale_diff=max_diff))


def test_an_a5_sheet_is_not_taken_for_a4_when_a_card_lies_beside_it() -> None:
    plane = rectify.rectify(_sheet_and_card(A5_MM), Params().rectify)
    assert plane.scale_source == "card"
    refused = plane.refused_sheet
    assert refused is not None and refused.kind == "a4"
    assert refused.card_scale == pytest.approx(A4_MM[1] / A5_MM[1], abs=0.03)
    # the sheet still gives the perspective
    assert plane.paper_xy is not None
    assert np.abs(plane.paper_xy - refused.corners_xy).max() < 2.0
    (warning,) = pipeline.plane_warnings(plane)
    assert "shape of an A4 sheet" in warning and "card gave the scale" in warning


def test_without_the_check_an_a5_sheet_is_taken_for_a4() -> None:
    plane = rectify.rectify(_sheet_and_card(A5_MM), _params(-1.0).rectify)
    assert plane.scale_source == "a4" and plane.refused_sheet is None


def test_an_a4_sheet_agrees_with_the_card_beside_it() -> None:
    rgb = _sheet_and_card(A4_MM)
    plane = rectify.rectify(rgb, Params().rectify)
    assert plane.scale_source == "a4" and plane.refused_sheet is None
    assert pipeline.plane_warnings(plane) == []
    # with no difference allowed the card is measured, and agrees
    strict = rectify.rectify(rgb, _params(0.0).rectify)
    assert strict.refused_sheet is not None
    assert strict.refused_sheet.card_scale == pytest.approx(1.0, abs=0.02)


@pytest.fixture(scope="module")
def kraft_of_a4_ratio() -> synth.SynthPhoto:
    return synth.render_photo(6708, scene="wet_kraft", reference="card", size=(2016, 1512))


@pytest.mark.parametrize("check", [True, False])
def test_a_kraft_sheet_of_a4_ratio_beside_a_card_gives_the_right_length(
    check: bool, kraft_of_a4_ratio: synth.SynthPhoto
) -> None:
    photo = kraft_of_a4_ratio
    params = Params() if check else _params(-1.0)
    result = pipeline.analyse_detailed(photo.jpeg, params).result
    (foot,) = result.feet
    error = foot.foot_length_mm / photo.feet[0].foot_length_mm - 1.0
    if check:
        assert result.scale_source == "card"
        assert abs(error) <= 0.01
        assert any("card gave the scale" in w for w in result.warnings)
    else:
        assert result.scale_source == "a4"
        assert error > 0.2
    assert abs(foot.arch_index - photo.feet[0].arch_index) <= 0.02

"""A card gives the scale; a larger rectangle or the floor's lines the perspective.

A card is 75-130 px long at the work resolution, so the tilt its four corners
imply is uncertain, and a foot a few card lengths away was measured up to
several per cent long or short (development seed 9462: -2.7 % and -3.9 %).
The vanishing line now comes from the paper the print lies on or from the
tile joints when either is found, and the card gives the rest
(``rectify._card_homography``, ``rectify.affine_upgrade``). A card the first
candidate search joined to a grout line is looked for again with a smaller
median (``RectifyParams.detect_median_retry_px``).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from conftest import reference_in_photo

from footprint import pipeline, synth
from footprint.params import Params, RectifyParams
from footprint.rectify import _apply_h, _homography, affine_upgrade, find_reference


def _truth_homography(tilt_deg: float) -> np.ndarray:
    """World mm -> photo px of a camera tilted about the x axis (focal 1000 px)."""
    t = np.radians(tilt_deg)
    k = np.array([[1000.0, 0, 500], [0, 1000.0, 400], [0, 0, 1]])
    r = np.array([[1, 0, 0], [0, np.cos(t), -np.sin(t)], [0, np.sin(t), np.cos(t)]])
    return k @ np.column_stack([r[:, 0], r[:, 1], r @ [0.0, 0.0, 600.0]])


CARD_MM = np.array([[0, 0], [85.6, 0], [85.6, 53.98], [0, 53.98]])


def test_the_affine_upgrade_of_a_true_vanishing_line_is_exact() -> None:
    g = _truth_homography(25.0)
    card_xy = _apply_h(g, CARD_MM)
    # any homography that is right up to an affine map: a true one, then sheared
    shear = np.array([[1.3, 0.4, 7.0], [-0.2, 0.8, -3.0], [0, 0, 1]])
    h, residual = affine_upgrade(shear @ np.linalg.inv(g), card_xy, CARD_MM)
    assert residual < 1e-9
    far = np.array([[-150.0, 200.0], [250.0, -120.0]])  # a foot's length from the card
    np.testing.assert_allclose(_apply_h(h, _apply_h(g, far)), far, atol=1e-6)


def test_a_wrong_vanishing_line_misses_the_card() -> None:
    g = _truth_homography(30.0)
    card_xy = _apply_h(g, CARD_MM)
    # the photo taken as seen from straight above: the card's corners cannot
    # all be fitted by an affine map
    _, residual = affine_upgrade(np.eye(3), card_xy, CARD_MM)
    assert residual > 1.0  # mm


def test_a_card_corner_half_a_pixel_off_tilts_its_own_plane_but_not_the_upgrade() -> None:
    g = _truth_homography(25.0)
    # a card 90 px long, as at work resolution
    g = np.diag([0.55, 0.55, 1.0]) @ g
    card_xy = _apply_h(g, CARD_MM) + [[0.5, 0.0], [0.0, 0.0], [0.0, -0.5], [0.0, 0.0]]
    heel_toe = np.array([[-40.0, 120.0], [-40.0, 370.0]])  # 250 mm away from the card
    photo_pts = _apply_h(g, heel_toe)
    own = _homography(card_xy, CARD_MM)
    upgraded, _ = affine_upgrade(np.linalg.inv(g), card_xy, CARD_MM)

    def length(h: np.ndarray) -> float:
        a, b = _apply_h(h, photo_pts)
        return float(np.linalg.norm(b - a))

    assert abs(length(own) / 250.0 - 1) > 0.02
    assert abs(length(upgraded) / 250.0 - 1) < 0.005


@pytest.mark.parametrize("card_perspective", [True, False])
def test_feet_beside_a_card_on_paper_are_measured_to_their_length(card_perspective: bool) -> None:
    # development seed 9462: ink prints on a sheet of unknown size, card beside it
    photo = synth.render_photo(9462, scene="ink_blue", reference="card", size=(2016, 1512))
    base = Params()
    params = replace(base, rectify=replace(base.rectify, card_perspective=card_perspective))
    result = pipeline.analyse(photo.jpeg, params)
    assert result.scale_source == "card"
    truth = {f.side: f.foot_length_mm for f in photo.feet}
    errors = [abs(f.foot_length_mm / truth[f.side] - 1) for f in result.feet]
    assert len(errors) == 2
    if card_perspective:
        assert result.paper_corners is not None or result.floor_lines is not None
        assert max(errors) < 0.01
    else:  # the card's own corners: what this change mends
        assert result.paper_corners is None and result.floor_lines is None
        assert max(errors) > 0.02


def test_a_card_across_a_grout_line_is_found_by_the_second_search() -> None:
    # development seed 9426: a small card on dark tile, a joint running under it
    photo, loaded, ref, corner_error = reference_in_photo(9426, "wet_tile_dark", "card")
    assert ref is not None and ref.kind == "card"
    assert corner_error < 1.0
    once = replace(RectifyParams(), detect_median_retry_px=-1)
    assert find_reference(loaded.rgb, once) is None


def test_the_second_search_takes_no_tile_for_a_card() -> None:
    # development seed 9496: its 3 x 3 median lets a foreshortened floor tile
    # through, whose steps across the grout (9-22) a card's edge (46-98) beats
    photo, loaded, ref, corner_error = reference_in_photo(9496, "wet_kraft", "card")
    assert ref is None or corner_error < 5.0  # no card, or the true one: no made-up scale
    lax = replace(RectifyParams(), retry_min_edge_contrast=0.0)
    tile = find_reference(loaded.rgb, lax)
    assert tile is not None and tile.kind == "card"
    truth = (photo.reference_corners_xy + 0.5) / loaded.scale - 0.5
    assert np.linalg.norm(tile.corners_xy[:, None] - truth[None], axis=2).min() > 100

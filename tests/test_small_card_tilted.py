"""A small card under a strong tilt is still recognised as a card.

A card is 75-130 px long at the work resolution. Its corners are found to a
third of a pixel, but the focal length estimated from so small a quad can be
off by a factor of two, and the aspect ratio with it (development seed 7760,
tilt 28 deg: 1.16 instead of 1.58): the card was rejected and the photo had no
scale. Its ratio is now also judged over the focal lengths a phone most likely
had (``RectifyParams.card_focal_range``).
"""

from __future__ import annotations

import cv2
import numpy as np
from conftest import reference_in_photo

from footprint.params import RectifyParams
from footprint.rectify import rectify


def test_a_small_tilted_card_is_found_at_its_true_corners() -> None:
    photo, loaded, ref, corner_error = reference_in_photo(7760, "wet_concrete", "card")
    assert photo.params["camera"]["tilt_deg"] > 25
    assert ref is not None and ref.kind == "card"
    assert corner_error < 1.0
    # and it scales the plane right: the true card measures 85.60 x 53.98 mm on it
    truth = (np.asarray(photo.reference_corners_xy) + 0.5) / loaded.scale - 0.5
    plane = rectify(loaded.rgb, RectifyParams())
    on_plane = cv2.perspectiveTransform(truth.reshape(-1, 1, 2), plane.image_to_plane)[:, 0]
    sides = np.linalg.norm(on_plane - np.roll(on_plane, -1, axis=0), axis=1) * plane.mm_per_px
    np.testing.assert_allclose(sorted(sides), [53.98, 53.98, 85.60, 85.60], rtol=0.015)

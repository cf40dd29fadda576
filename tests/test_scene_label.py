"""The `scene` label says podograph only where the grid's lattice was found.

The floor search's old dot-texture test (fine texture inside the print 3.2 x
the floor's, > 12 dot-sized blobs per 1000 mm²) is passed by half the wet
prints on light tile (development 8600-9239: 21 of 42 feet), which were then
reported as podograph prints, and a clinician's comparison of two such
photos used the podograph's repeatability. It measured no podograph form of
the 140 development forms; those are found by their lattice
(``segment_grid``).
"""

from __future__ import annotations

from footprint import pipeline, synth

SIZE = (2016, 1512)


def test_a_wet_print_on_light_tile_is_labelled_wet() -> None:
    photo = synth.render_photo(9065, scene="wet_tile_light", reference="a4", size=SIZE)
    result = pipeline.analyse(photo.jpeg)
    assert result.scene == "wet"
    assert len(result.feet) == 1
    assert abs(result.feet[0].arch_index - photo.feet[0].arch_index) <= 0.02


def test_a_podograph_form_is_still_labelled_podograph() -> None:
    photo = synth.render_photo(9015, scene="podograph", reference="letter", size=SIZE)
    assert pipeline.analyse(photo.jpeg).scene == "podograph"

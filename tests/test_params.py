"""Parameters: validation, flat options, round trip through dicts."""

from __future__ import annotations

import pytest

from footprint.errors import ParameterError
from footprint.params import CUTOFF_PRESETS, Params, RectifyParams, SegmentParams


def test_round_trip_and_unknown_stored_names_are_ignored() -> None:
    p = Params().with_options(sensitivity=0.3, cutoffs="child_6_9")
    d = p.to_dict()
    assert Params.from_dict(d) == p
    d["anatomy"]["removed_in_an_older_version"] = 1.0
    assert Params.from_dict(d) == p


def test_out_of_range_values_raise_parameter_error() -> None:
    with pytest.raises(ParameterError, match="sensitivity"):
        SegmentParams(sensitivity=2.0)
    with pytest.raises(ParameterError, match="preset"):
        Params(cutoffs="martian")
    with pytest.raises(ParameterError, match="Unknown option"):
        Params().with_options(no_such_option=1)
    with pytest.raises(ParameterError, match="card_focal_range"):
        RectifyParams(card_focal_range=(1.2, 0.6))
    # stored parameters come back from JSON with lists for tuples
    stored = Params.from_dict({"rectify": {"card_focal_range": [0.7, 1.1]}})
    assert stored.rectify.card_focal_range == (0.7, 1.1)
    hash(stored)  # frozen parameters stay hashable (a list would raise TypeError)


def test_every_preset_names_its_source_and_orders_its_cutoffs() -> None:
    for preset in CUTOFF_PRESETS.values():
        assert len(preset.source) > 20
        assert preset.ai_high_max < preset.ai_flat_min
        assert preset.csi_high_max < preset.csi_flat_min
        assert preset.si_high_max < preset.si_flat_min
        assert preset.clarke_flat_max_deg < preset.clarke_high_min_deg

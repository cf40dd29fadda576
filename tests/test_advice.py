"""Advice rules: every point of the article is reachable and cites its trigger."""

from __future__ import annotations

import dataclasses

import pytest

from footprint import advice
from footprint.params import CUTOFF_PRESETS
from footprint.result import FootGeometry, FootResult, PressureResult

GEOM = FootGeometry(
    outline_plane=((0.0, 0.0), (10.0, 0.0), (10.0, 30.0)),
    toes_outline_plane=(),
    heel_centre_plane=(5.0, 28.0),
    toe_tip_plane=(5.0, 0.0),
    heel_back_plane=(5.0, 30.0),
    sole_front_plane=(5.0, 5.0),
    third_lines_plane=(),
    clarke_points_plane=None,
)


def foot(
    ai: float | None = 0.23,
    *,
    side: str = "right",
    index: int = 0,
    csi: float | None = 38.0,
    si: float | None = 0.7,
    length_mm: float | None = 260.0,
    pressure: PressureResult | None = None,
) -> FootResult:
    return FootResult(
        index=index,
        side=side,
        side_confidence=0.9,
        side_source="shape",
        axis_source="second_toe",
        arch_index=ai,
        arch_type=None,
        chippaux_smirak=csi,
        csi_type=None,
        staheli=si,
        staheli_type=None,
        clarke_angle_deg=38.0,
        clarke_type=None,
        foot_length_px=520.0,
        foot_width_px=200.0,
        foot_length_mm=length_mm,
        foot_width_mm=100.0 if length_mm else None,
        centroid_x=100.0,
        centroid_y=100.0,
        quality=0.9,
        warnings=(),
        geometry=GEOM,
        pressure=pressure,
    )


def pressure(ml: float | None = 0.5, fr: float | None = 0.4) -> PressureResult:
    return PressureResult(
        regions={},
        balance_medial_lateral=ml,
        balance_fore_rear=fr,
        cop_along=0.4,
        cop_across=0.0,
        cop_plane=(5.0, 15.0),
        arch_index_weighted=None,
    )


def ids(suggestions: list[advice.Suggestion]) -> set[str]:
    return {s.id for s in suggestions}


GENERAL_IDS = {
    "shoe_fit",
    "hydration",
    "rest_days",
    "stretching",
    "exercise_towel_grab",
    "exercise_big_toe_extension",
    "exercise_arch_building",
    "see_a_professional",
}


def test_normal_foot_gets_general_advice_only() -> None:
    out = advice.suggest([foot(0.235)])
    assert GENERAL_IDS <= ids(out)
    assert "orthotics" not in ids(out)
    assert "lacing_high_instep" not in ids(out)
    assert advice.triggered(out) == []
    for s in out:
        assert s.triggered_by == (advice.GENERAL_TRIGGER,)


def test_flat_foot_triggers_orthotics_with_value_and_rule() -> None:
    out = advice.suggest([foot(0.291, side="left")])
    by_id = {s.id: s for s in out}
    assert "orthotics" in by_id
    trig = by_id["orthotics"].triggered_by
    assert trig == ("left foot: arch_index=0.291 (flat: AI >= 0.26, Adult)",)
    # arch building is prioritised for a flat foot and cites the same trigger
    assert by_id["exercise_arch_building"].triggered_by == trig
    assert by_id["exercise_arch_building"].priority < by_id["exercise_towel_grab"].priority
    assert out[0].id == "orthotics"


def test_flat_cutoff_boundary_is_inclusive() -> None:
    preset = CUTOFF_PRESETS["adult"]
    assert "orthotics" in ids(advice.suggest([foot(preset.ai_flat_min)]))
    assert "orthotics" not in ids(advice.suggest([foot(preset.ai_flat_min - 0.001)]))


def test_high_arch_triggers_orthotics_and_instep_lacing() -> None:
    out = advice.suggest([foot(0.15)])
    by_id = {s.id: s for s in out}
    assert {"orthotics", "lacing_high_instep"} <= set(by_id)
    assert "lacing_runners_loop" not in by_id  # folded into the high-instep advice
    lacing = by_id["lacing_high_instep"]
    assert "runner's loop" in lacing.text and "eyelets" in lacing.text
    assert any("skip" in s.lower() or "straight up" in s for s in lacing.steps)
    assert lacing.triggered_by[0].startswith("right foot: arch_index=0.150 (high arch: AI <= 0.21")


def test_uneven_load_triggers_orthotics_only_with_pressure() -> None:
    assert "orthotics" not in ids(advice.suggest([foot(0.23, pressure=None)]))
    assert "orthotics" not in ids(advice.suggest([foot(0.23, pressure=pressure(0.55, 0.4))]))
    out = advice.suggest([foot(0.23, pressure=pressure(0.72, 0.4))])
    orth = {s.id: s for s in out}["orthotics"]
    assert orth.triggered_by == (
        "right foot: balance_medial_lateral=0.72 (markedly uneven: medial share > 0.65, "
        "0.5 is even)",
    )
    out = advice.suggest([foot(0.23, pressure=pressure(0.30, 0.85))])
    trig = {s.id: s for s in out}["orthotics"].triggered_by
    assert len(trig) == 2
    assert "medial share < 0.35" in trig[0] and "balance_fore_rear=0.85" in trig[1]
    # the band edges themselves are not uneven
    th = advice.AdviceThresholds()
    edge = pressure(th.medial_share_high, th.forefoot_share_low)
    assert "orthotics" not in ids(advice.suggest([foot(0.23, pressure=edge)]))


def test_preset_changes_class_without_new_analysis() -> None:
    # CSI only (no AI): 50 % is flat for adults (> 45) but not for 3-6 y (> 62.7)
    f = foot(None, csi=50.0)
    assert "orthotics" in ids(advice.suggest([f], "adult"))
    assert "orthotics" not in ids(advice.suggest([f], CUTOFF_PRESETS["child_3_6"]))
    trig = {s.id: s for s in advice.suggest([f], "adult")}["orthotics"].triggered_by
    assert trig == ("right foot: chippaux_smirak=50.0 (flat: CSI > 45 %, Adult)",)


def test_two_feet_name_each_foot_and_length_difference() -> None:
    feet = [foot(0.30, side="left", length_mm=250.0), foot(0.24, side="right", index=1)]
    out = {s.id: s for s in advice.suggest(feet)}
    assert out["orthotics"].triggered_by[0].startswith("left foot: arch_index=0.300")
    assert len(out["orthotics"].triggered_by) == 1
    assert "foot_length_mm=250" in out["shoe_fit"].triggered_by[0]
    assert "longer foot" in out["shoe_fit"].text


def test_every_article_point_is_covered() -> None:
    texts = []
    for f in (foot(0.15), foot(0.30, pressure=pressure(0.8, 0.4)), foot(0.23)):
        for s in advice.suggest([f]):
            texts.append(" ".join([s.title, s.text, *s.steps]).lower())
    blob = " ".join(texts)
    for phrase in (
        "orthotics",
        "snug but not tight",
        "later in the day",
        "runner's loop",
        "eyelets",
        "instep",
        "drink",
        "potassium",
        "calcium",
        "magnesium",
        "doctor can test",
        "rest days",
        "stretch",
        "towel",
        "big toe",
        "30 seconds",
        "both sides",
        "5-10 times",
        "gp",
        "physiotherapist",
        "regular, painful cramps",
    ):
        assert phrase in blob, phrase


def test_every_suggestion_is_well_formed() -> None:
    out = advice.suggest([foot(0.30, pressure=pressure(0.8, 0.4)), foot(0.15, index=1)])
    assert [s.priority for s in out] == sorted(s.priority for s in out)
    assert len(ids(out)) == len(out)
    for s in out:
        assert s.category in advice.CATEGORIES
        assert s.triggered_by and all(isinstance(t, str) and t for t in s.triggered_by)
        assert s.title and s.text
        if s.id.startswith("exercise_"):
            assert len(s.steps) >= 3


def test_no_feet_still_gives_general_advice_and_disclaimer_is_plain() -> None:
    out = advice.suggest([])
    assert ids(out) == GENERAL_IDS | {"lacing_runners_loop"}
    assert "not a diagnosis" in advice.DISCLAIMER


def test_missing_indices_do_not_trigger() -> None:
    out = advice.suggest([foot(None, csi=None, si=None)])
    assert advice.triggered(out) == []


@pytest.mark.parametrize("bad", ["nope"])
def test_unknown_preset_name_raises(bad: str) -> None:
    with pytest.raises(KeyError):
        advice.suggest([foot()], bad)


def test_suggestion_is_frozen() -> None:
    s = advice.suggest([])[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.title = "x"  # type: ignore[misc]

"""Suggestions from footprint measurements: screening hints, never a diagnosis.

The rules map the measurements of :class:`~footprint.result.FootResult` (arch
class under a cut-off preset, pressure balance when a contact-intensity map
exists, foot length) to the advice of the article behind the project (see
``shared/science.md`` and ``docs/method.md``):

* custom orthotics when the print shows a flat foot, a very high arch or a
  markedly uneven load;
* lacing for high insteps (runner's loop, skipping a pair of eyelets);
* shoe fit (snug, not tight; buy later in the day);
* hydration and the minerals potassium, calcium and magnesium;
* rest days; stretching;
* three strengthening exercises (towel grabbing, big toe extension, arch building);
* see a GP or a physiotherapist when cramps are regular and painful.

Every :class:`Suggestion` lists what triggered it: a measurement with its value
and the rule it met (``"left foot: arch_index=0.291 (flat: AI >= 0.26, Adult)"``),
or :data:`GENERAL_TRIGGER` for advice the article gives to everyone with cramps.
The module is pure: no I/O, no Streamlit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from footprint import indices
from footprint.params import CUTOFF_PRESETS, CutoffPreset
from footprint.result import FootprintResult, FootResult

log = logging.getLogger(__name__)

#: Shown next to every suggestion list, in the app and in reports.
DISCLAIMER: str = (
    "Screening information, not a diagnosis. A footprint photo cannot replace an "
    "examination by a doctor, podiatrist or physiotherapist; if you have pain, "
    "numbness or an injury, see one."
)

#: Trigger text of advice that applies to everyone, whatever the print shows.
GENERAL_TRIGGER: str = "general advice for cramps"

#: Categories in display order.
CATEGORIES: tuple[str, ...] = ("support", "footwear", "exercise", "lifestyle", "medical")


@dataclass(frozen=True)
class AdviceThresholds:
    """Numbers that steer the advice rules, with units and reasons.

    Attributes
    ----------
    medial_share_low, medial_share_high : float
        [1] ``balance_medial_lateral`` is the medial share of the medial +
        lateral contact intensity (0.5 = even, see :mod:`footprint.pressure`).
        Outside 0.35-0.65 one side carries nearly twice the other (ratio
        > 1.85): well beyond the side-to-side noise of a static print.
    forefoot_share_low, forefoot_share_high : float
        [1] ``balance_fore_rear`` is the forefoot share of forefoot + heel
        intensity. Quiet standing loads the rearfoot more (forefoot share
        around 0.3-0.5), so the accepted band is wide: 0.2-0.7.
    length_difference_mm : float
        [mm] Left and right feet differing by more than this are worth fitting
        to the longer foot (about half a shoe size, 4.2 mm in Paris points).
    """

    medial_share_low: float = 0.35
    medial_share_high: float = 0.65
    forefoot_share_low: float = 0.20
    forefoot_share_high: float = 0.70
    length_difference_mm: float = 5.0


@dataclass(frozen=True)
class Suggestion:
    """One piece of advice and why it is shown.

    Attributes
    ----------
    id : str
        Stable identifier (e.g. ``"orthotics"``), for tests and translations.
    title : str
        Short heading.
    text : str
        The advice in plain language.
    category : str
        One of :data:`CATEGORIES`.
    triggered_by : tuple of str
        ``"measurement=value (rule)"`` strings, or :data:`GENERAL_TRIGGER`.
    priority : int
        1 = most important; the list is sorted by it.
    steps : tuple of str
        Numbered steps, for exercises.
    """

    id: str
    title: str
    text: str
    category: str
    triggered_by: tuple[str, ...]
    priority: int
    steps: tuple[str, ...] = field(default=())

    @property
    def is_general(self) -> bool:
        """True when the suggestion was not triggered by a measurement."""
        return self.triggered_by == (GENERAL_TRIGGER,)


def _preset(preset: CutoffPreset | str | None, result: FootprintResult | None) -> CutoffPreset:
    if isinstance(preset, CutoffPreset):
        return preset
    if isinstance(preset, str):
        return CUTOFF_PRESETS[preset]
    if result is not None:
        name = result.provenance.params.get("cutoffs")
        if isinstance(name, str) and name in CUTOFF_PRESETS:
            return CUTOFF_PRESETS[name]
    return CUTOFF_PRESETS["adult"]


def _who(foot: FootResult, n_feet: int) -> str:
    if foot.side in ("left", "right"):
        return f"{foot.side} foot"
    return f"foot {foot.index + 1}" if n_feet > 1 else "foot"


def _arch_class(foot: FootResult, preset: CutoffPreset) -> tuple[str | None, str | None]:
    """Arch class of one foot and the trigger text, from AI (else CSI, else SI)."""
    if foot.arch_index is not None:
        cls = indices.classify_arch_index(foot.arch_index, preset)
        rule = {
            "high": f"high arch: AI <= {preset.ai_high_max:g}",
            "flat": f"flat: AI >= {preset.ai_flat_min:g}",
            "normal": f"normal: {preset.ai_high_max:g} < AI < {preset.ai_flat_min:g}",
        }[cls]
        return cls, f"arch_index={foot.arch_index:.3f} ({rule}, {preset.label})"
    if foot.chippaux_smirak is not None:
        cls = indices.classify_csi(foot.chippaux_smirak, preset)
        rule = {
            "high": f"high arch: CSI < {preset.csi_high_max:g} %",
            "flat": f"flat: CSI > {preset.csi_flat_min:g} %",
            "normal": f"normal: {preset.csi_high_max:g}-{preset.csi_flat_min:g} %",
        }[cls]
        return cls, f"chippaux_smirak={foot.chippaux_smirak:.1f} ({rule}, {preset.label})"
    if foot.staheli is not None:
        cls = indices.classify_staheli(foot.staheli, preset)
        rule = {
            "high": f"high arch: SI < {preset.si_high_max:g}",
            "flat": f"flat: SI > {preset.si_flat_min:g}",
            "normal": f"normal: {preset.si_high_max:g}-{preset.si_flat_min:g}",
        }[cls]
        return cls, f"staheli={foot.staheli:.2f} ({rule}, {preset.label})"
    return None, None


def _uneven_load(foot: FootResult, th: AdviceThresholds) -> list[str]:
    """Trigger texts for a markedly uneven contact-intensity balance."""
    p = foot.pressure
    if p is None:
        return []
    out: list[str] = []
    ml = p.balance_medial_lateral
    if ml is not None:
        if ml > th.medial_share_high:
            out.append(
                f"balance_medial_lateral={ml:.2f} (markedly uneven: medial share > "
                f"{th.medial_share_high:g}, 0.5 is even)"
            )
        elif ml < th.medial_share_low:
            out.append(
                f"balance_medial_lateral={ml:.2f} (markedly uneven: medial share < "
                f"{th.medial_share_low:g}, 0.5 is even)"
            )
    fr = p.balance_fore_rear
    if fr is not None:
        if fr > th.forefoot_share_high:
            out.append(
                f"balance_fore_rear={fr:.2f} (markedly uneven: forefoot share > "
                f"{th.forefoot_share_high:g})"
            )
        elif fr < th.forefoot_share_low:
            out.append(
                f"balance_fore_rear={fr:.2f} (markedly uneven: forefoot share < "
                f"{th.forefoot_share_low:g})"
            )
    return out


def suggest(
    result: FootprintResult | Sequence[FootResult],
    preset: CutoffPreset | str | None = None,
    *,
    thresholds: AdviceThresholds | None = None,
) -> list[Suggestion]:
    """Suggestions for the feet of one photo, most important first.

    Parameters
    ----------
    result : FootprintResult or sequence of FootResult
        The measured feet.
    preset : CutoffPreset or str, optional
        Cut-offs for the arch class; defaults to the preset the result was
        measured with, else ``"adult"``. Classes are recomputed from the index
        values, so changing the preset needs no new analysis.
    thresholds : AdviceThresholds, optional
        Limits of the load-balance and length rules.

    Returns
    -------
    list of Suggestion
        Sorted by priority, then id. General advice is always included.

    Examples
    --------
    >>> ids = [s.id for s in suggest([])]
    >>> "hydration" in ids and "see_a_professional" in ids
    True
    """
    th = thresholds or AdviceThresholds()
    if isinstance(result, FootprintResult):
        feet: Sequence[FootResult] = result.feet
        cutoffs = _preset(preset, result)
    else:
        feet = list(result)
        cutoffs = _preset(preset, None)
    n = len(feet)

    flat: list[str] = []
    high: list[str] = []
    uneven: list[str] = []
    for foot in feet:
        who = _who(foot, n)
        cls, trig = _arch_class(foot, cutoffs)
        if cls == "flat" and trig:
            flat.append(f"{who}: {trig}")
        elif cls == "high" and trig:
            high.append(f"{who}: {trig}")
        uneven.extend(f"{who}: {t}" for t in _uneven_load(foot, th))

    out: list[Suggestion] = []
    # -- support: orthotics ---------------------------------------------------
    if flat or high or uneven:
        reasons = []
        if flat:
            reasons.append("the print shows a flat (low) arch: the midfoot carries load")
        if high:
            reasons.append(
                "the print shows a very high arch: the midfoot barely touches, so heel "
                "and ball of the foot carry the load"
            )
        if uneven:
            reasons.append("the load is spread markedly unevenly across the sole")
        out.append(
            Suggestion(
                id="orthotics",
                title="Consider custom orthotics (insoles)",
                text=(
                    "Your footprint suggests the foot does not use the whole sole evenly: "
                    + "; ".join(reasons)
                    + ". Custom orthotics made after an assessment by a podiatrist or "
                    "physiotherapist can spread the pressure more evenly and may ease cramps "
                    "and tired feet."
                ),
                category="support",
                triggered_by=tuple(flat + high + uneven),
                priority=1,
            )
        )
    # -- lacing for high insteps ---------------------------------------------
    if high:
        out.append(
            Suggestion(
                id="lacing_high_instep",
                title="Lace your shoes for a high instep",
                text=(
                    "Very arched feet often have a high instep that laces press on. Skip a "
                    "pair of eyelets over the highest point of the instep (lace straight up "
                    "on each side instead of crossing there), and finish with a runner's loop "
                    "(heel lock) so the heel stays put while the mid- and forefoot keep room."
                ),
                category="footwear",
                triggered_by=tuple(high),
                priority=2,
                steps=(
                    "Unlace the shoe down to the eyelets just below the instep.",
                    "Over the highest point of the instep, take each lace straight up to "
                    "the next eyelet on the same side instead of crossing over.",
                    "Cross again above the instep and carry on lacing as usual.",
                    "Runner's loop: at the last pair, thread each lace into the spare top "
                    "eyelet on its own side to make a small loop.",
                    "Pass each lace through the loop on the opposite side, pull gently "
                    "down and tie: the heel is held, the forefoot is not squeezed.",
                ),
            )
        )
    # -- shoe fit -------------------------------------------------------------
    fit_triggers: list[str] = [GENERAL_TRIGGER]
    fit_text = (
        "Shoes should be snug but not tight: there should be a thumb's width in front "
        "of the longest toe and the toes should move freely. Buy shoes, especially "
        "running shoes, later in the day when your feet are at their most swollen."
    )
    lengths = [(f, f.foot_length_mm) for f in feet if f.foot_length_mm is not None]
    if len(lengths) >= 2:
        (fa, la), (fb, lb) = lengths[0], lengths[1]
        if abs(la - lb) > th.length_difference_mm:
            fit_triggers = [
                f"{_who(fa, n)}: foot_length_mm={la:.0f}, {_who(fb, n)}: "
                f"foot_length_mm={lb:.0f} (differ by more than {th.length_difference_mm:g} mm)"
            ]
            fit_text += " Your feet differ in length: fit shoes to the longer foot."
    out.append(
        Suggestion(
            id="shoe_fit",
            title="Shoes snug, not tight; buy them later in the day",
            text=fit_text,
            category="footwear",
            triggered_by=tuple(fit_triggers),
            priority=3,
        )
    )
    if not high:
        out.append(
            Suggestion(
                id="lacing_runners_loop",
                title="Lacing: the runner's loop",
                text=(
                    "A runner's loop (heel lock) at the top eyelets keeps the heel in place "
                    "so the laces lower down can stay loose, leaving space around the mid- "
                    "and forefoot."
                ),
                category="footwear",
                triggered_by=(GENERAL_TRIGGER,),
                priority=5,
            )
        )
    # -- exercises ------------------------------------------------------------
    arch_trig = tuple(flat) if flat else (GENERAL_TRIGGER,)
    out.extend(
        [
            Suggestion(
                id="exercise_arch_building",
                title="Exercise: arch building",
                text="Strengthens the muscles that hold up the arch of the foot.",
                category="exercise",
                triggered_by=arch_trig,
                priority=2 if flat else 4,
                steps=(
                    "Sit with both feet flat on the floor.",
                    "Keeping toes and heel on the floor, slide the big toe towards the "
                    "heel so the arch rises (the 'short foot').",
                    "Hold for a few seconds, then relax.",
                    "Repeat 5-10 times on each foot.",
                ),
            ),
            Suggestion(
                id="exercise_towel_grab",
                title="Exercise: towel grabbing",
                text="Strengthens the small muscles under the foot that cramp most.",
                category="exercise",
                triggered_by=(GENERAL_TRIGGER,),
                priority=4,
                steps=(
                    "Sit on a chair with a small towel flat on the floor in front of you.",
                    "Put one foot on the towel and scrunch it towards you with your toes.",
                    "Release, spread the towel out again, and repeat a few times.",
                    "Do the same with the other foot.",
                ),
            ),
            Suggestion(
                id="exercise_big_toe_extension",
                title="Exercise: big toe extension",
                text="Stretches the sole and trains the big toe's control.",
                category="exercise",
                triggered_by=(GENERAL_TRIGGER,),
                priority=4,
                steps=(
                    "Sit or stand with the foot flat on the floor.",
                    "Lift the big toe while the other toes stay on the floor "
                    "(help with a hand if needed).",
                    "Hold for 30 seconds.",
                    "Do both sides.",
                ),
            ),
            Suggestion(
                id="stretching",
                title="Stretch feet and calves",
                text=(
                    "Stretch the calves and the soles every day and before and after "
                    "exercise: for example, lean against a wall with one leg back and the "
                    "heel down, and pull the toes gently back towards the shin."
                ),
                category="exercise",
                triggered_by=(GENERAL_TRIGGER,),
                priority=4,
            ),
        ]
    )
    # -- lifestyle ------------------------------------------------------------
    out.extend(
        [
            Suggestion(
                id="hydration",
                title="Drink enough; check potassium, calcium and magnesium",
                text=(
                    "Cramps are more likely when you are dehydrated or low in potassium, "
                    "calcium or magnesium. Drink regularly, especially around exercise; a "
                    "doctor can test your blood levels of these minerals."
                ),
                category="lifestyle",
                triggered_by=(GENERAL_TRIGGER,),
                priority=4,
            ),
            Suggestion(
                id="rest_days",
                title="Plan rest days",
                text=(
                    "Tired, overused muscles cramp more easily. Give your feet rest days "
                    "between hard training or long days on your feet."
                ),
                category="lifestyle",
                triggered_by=(GENERAL_TRIGGER,),
                priority=5,
            ),
        ]
    )
    # -- medical --------------------------------------------------------------
    out.append(
        Suggestion(
            id="see_a_professional",
            title="Regular, painful cramps? See a GP or physiotherapist",
            text=(
                "If you still get regular, painful cramps despite all this, see a GP or a "
                "physiotherapist: cramps can have causes a footprint cannot show."
            ),
            category="medical",
            triggered_by=(GENERAL_TRIGGER,),
            priority=3,
        )
    )
    out.sort(key=lambda s: (s.priority, CATEGORIES.index(s.category), s.id))
    log.debug(
        "advice: %d suggestions (%d flat, %d high, %d uneven triggers)",
        len(out),
        len(flat),
        len(high),
        len(uneven),
    )
    return out


def triggered(suggestions: Iterable[Suggestion]) -> list[Suggestion]:
    """Only the suggestions a measurement triggered (not general advice)."""
    return [s for s in suggestions if not s.is_general]

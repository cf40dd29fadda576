"""A dark rim along the sheet's edge must not take a print near it with it.

A sheet's edge often prints or photographs as a thin dark rim (its shaded
edge, a contact shadow). When a print lies near the edge, the rim and the
print can join into one component that runs along the border of the search
region, and such a component used to be dropped whole as "cut off". The rim
is now peeled off (:func:`footprint.segment._peel_border_rims`) and the print
kept. Drawn scenes with exactly known geometry.
"""

from __future__ import annotations

import cv2
import numpy as np

from footprint import segment, synth
from footprint.params import SegmentParams

PX_PER_MM = 2.0
H, W = 900, 700
#: the sheet (the search region) inside the picture
SY0, SY1, SX0, SX1 = 20, 880, 20, 680


def _scene(rim: bool, seed: int = 5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A white sheet on a dark floor with a generated foot (toes up) 9 mm from its
    left edge; with ``rim``, a dark rim 4 mm wide along that edge and a 7 mm neck
    joining it to the heel. Returns (rgb, sheet mask, true foot mask)."""
    rng = np.random.default_rng(seed)
    shape = synth.make_foot(np.random.default_rng(11), mm_per_px=1.0 / PX_PER_MM)
    cover = np.clip(shape.sole + shape.toes, 0.0, 1.0)
    fh, fw = cover.shape
    light = np.full((H, W), 0.25, np.float32)
    sheet = np.zeros((H, W), bool)
    sheet[SY0:SY1, SX0:SX1] = True
    light[sheet] = 0.9
    soft = np.zeros((H, W), np.float32)
    y0, x0 = (H - fh) // 2, SX0 + int(9 * PX_PER_MM)
    soft[y0 : y0 + fh, x0 : x0 + fw] = cover
    if rim:
        band = np.zeros((H, W), np.float32)
        band[SY0 + 100 : SY1 - 100, SX0 : SX0 + int(4 * PX_PER_MM)] = 1.0
        # the neck: from the rim to the heel's side, 7 mm thick
        ys, xs = np.nonzero(soft[: y0 + fh] > 0.5)
        heel_y = int(ys.max() - 25 * PX_PER_MM)
        heel_x = int(xs[ys > heel_y].min()) + 4
        cv2.line(band, (SX0, heel_y), (heel_x, heel_y), 1.0, int(7 * PX_PER_MM))
        soft = np.maximum(soft, band * sheet)
    light *= 1.0 - 0.4 * soft
    light += rng.normal(0, 0.004, (H, W)).astype(np.float32)
    rgb = np.repeat((np.clip(light, 0, 1) * 255).astype(np.uint8)[..., None], 3, axis=2)
    truth = np.zeros((H, W), bool)
    truth[y0 : y0 + fh, x0 : x0 + fw] = cover >= 0.5
    return rgb, sheet, truth


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum()) / float((a | b).sum())


def test_the_scene_without_a_rim_is_found() -> None:
    rgb, sheet, truth = _scene(rim=False)
    seg = segment.segment(rgb, SegmentParams(), mm_per_px=1.0 / PX_PER_MM, sheet=sheet)
    assert len(seg.feet) == 1
    assert _iou(seg.feet[0].mask, truth) > 0.9


def test_a_print_joined_to_a_rim_along_the_sheet_edge_is_kept_without_the_rim() -> None:
    rgb, sheet, truth = _scene(rim=True)
    seg = segment.segment(rgb, SegmentParams(), mm_per_px=1.0 / PX_PER_MM, sheet=sheet)
    assert len(seg.feet) == 1
    mask = seg.feet[0].mask
    assert _iou(mask, truth) > 0.9
    # nothing of the rim: no pixel within 5 mm of the sheet's left edge
    assert not mask[:, : SX0 + int(5 * PX_PER_MM)].any()


def test_a_cut_off_print_is_not_peeled_into_a_whole_one() -> None:
    """A thick part lying along the border (a print cut off by the edge) goes too."""
    comp = np.zeros((300, 300), bool)
    cv2.ellipse(comp.view(np.uint8), (20, 150), (60, 110), 0, 0, 360, 1, -1)
    comp[:, :20] = False  # the search region starts at column 20
    border = np.zeros_like(comp)
    border[:, 19:22] = True
    assert segment._hugs(comp, border)
    kept = segment._peel_border_rims(comp, border, 20 * PX_PER_MM)
    assert not kept


def test_peeling_keeps_a_thin_part_away_from_the_border() -> None:
    """A high arch's narrow midfoot is thin too, but it does not touch the border."""
    comp = np.zeros((400, 300), bool)
    comp[40:140, 100:220] = True  # forefoot
    comp[300:380, 110:200] = True  # heel
    comp[140:300, 190:205] = True  # a 15 px (7.5 mm) lateral midfoot strip
    comp[100:300, 0:6] = True  # a rim along the border ...
    comp[320:330, 0:110] = True  # ... joined to the heel by a neck
    border = np.zeros_like(comp)
    border[:, :2] = True
    kept = segment._peel_border_rims(comp, border, 20 * PX_PER_MM)
    assert len(kept) == 1
    assert kept[0][140:300, 190:205].all()  # the midfoot strip is kept whole
    assert not kept[0][:, :100].any()  # the rim and the neck are gone


#: the sheet's bottom edge in :func:`_side_at_edge` (the floor below it)
SIDE_SY1 = 600


def _side_at_edge(gap_mm: float, seed: int = 5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A white sheet with a generated foot lying across it (toes to the right)
    whose side lies ``gap_mm`` from the sheet's bottom edge (negative: beyond
    it, cut off). Returns (rgb, sheet mask, true foot mask)."""
    rng = np.random.default_rng(seed)
    shape = synth.make_foot(np.random.default_rng(11), mm_per_px=1.0 / PX_PER_MM)
    cover = np.rot90(np.clip(shape.sole + shape.toes, 0.0, 1.0), k=-1)
    fh, fw = cover.shape
    rows = np.nonzero((cover >= 0.5).any(axis=1))[0]
    light = np.full((H, W), 0.25, np.float32)
    sheet = np.zeros((H, W), bool)
    sheet[SY0:SIDE_SY1, SX0:SX1] = True
    light[sheet] = 0.9
    y0 = SIDE_SY1 - int(round(gap_mm * PX_PER_MM)) - 1 - int(rows.max())
    x0 = (W - fw) // 2
    soft = np.zeros((H, W), np.float32)
    soft[y0 : y0 + fh, x0 : x0 + fw] = cover
    soft *= sheet
    light *= 1.0 - 0.4 * soft
    light += rng.normal(0, 0.004, (H, W)).astype(np.float32)
    rgb = np.repeat((np.clip(light, 0, 1) * 255).astype(np.uint8)[..., None], 3, axis=2)
    return rgb, sheet, soft >= 0.5


def test_a_print_reaching_over_the_sheets_edge_is_kept_with_a_warning() -> None:
    """A foot's side 10 mm over the sheet's edge (2 % of its area off the sheet)
    lies on the border of the search (inset 3 mm) for 5-6 % of its outline.
    Such prints were refused; no rim can be peeled off it, so it is kept, and
    said to reach the edge."""
    rgb, sheet, truth = _side_at_edge(-10.0)
    seg = segment.segment(rgb, SegmentParams(), mm_per_px=1.0 / PX_PER_MM, sheet=sheet)
    assert len(seg.feet) == 1
    assert _iou(seg.feet[0].mask, truth) > 0.85
    assert segment.AT_EDGE_WARNING in seg.feet[0].warnings


def test_a_print_well_inside_the_sheet_has_no_edge_warning() -> None:
    rgb, sheet, truth = _side_at_edge(15.0)
    seg = segment.segment(rgb, SegmentParams(), mm_per_px=1.0 / PX_PER_MM, sheet=sheet)
    assert len(seg.feet) == 1
    assert _iou(seg.feet[0].mask, truth) > 0.9
    assert segment.AT_EDGE_WARNING not in seg.feet[0].warnings

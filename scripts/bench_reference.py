"""Benchmark of the scale reference alone: found, corner error, and the length error it causes.

The foot length on a photo with a sheet or card is wrong for two reasons: the
print's outline (segmentation) and the homography from the reference's four
corners (rectification). This script isolates the second. For each generated
photo (``footprint.synth.render_photo`` at the given size and JPEG quality) it
runs :func:`footprint.rectify.rectify` on the photo as the pipeline loads it
(reduced to the work resolution by :func:`footprint.io.load_image`) and
compares its reference with the generator's exact reference corners:

* **found**: a reference of the right kind whose corners all lie within
  ``--match-px`` work pixels of the true ones (otherwise *missed*, or *wrong*
  when another kind or another object was taken; on photos without a
  reference every reference found is *wrong*: a made-up scale);
* **corner error**: the largest distance between a found corner and the true
  one [work px];
* **length error from the reference**: the distance between each foot's true
  heel centre and second-toe tip measured on the metric plane the analysis
  uses (``Plane.image_to_plane`` x ``mm_per_px``: for a card, its
  perspective may come from paper or floor lines, ``card_perspective``),
  against the same distance on the plane of the true corners:
  :math:`e = (\\lVert H_f a - H_f b \\rVert - \\lVert H_t a - H_t b \\rVert) /
  \\lVert H_t a - H_t b \\rVert` with :math:`H_t` the true
  corners-to-rectangle homography. It is zero for a perfect plane whatever
  the segmentation.

Usage::

    python scripts/bench_reference.py --n 48 --seed-start 100000 --reference card
"""

from __future__ import annotations

import argparse
import statistics
import sys
from typing import Any

import cv2
import numpy as np

from footprint import rectify, synth
from footprint.io import load_image
from footprint.params import Params

#: [work px] A found reference whose corners are all this close to the true
#: ones is the reference (a quad further off is another object).
MATCH_PX = 5.0


def _homography(corners_xy: np.ndarray, size_mm: tuple[float, float]) -> np.ndarray:
    w, h = size_mm
    rect = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    return cv2.getPerspectiveTransform(np.float32(corners_xy), rect)


def _apply(h: np.ndarray, pt: np.ndarray) -> np.ndarray:
    q = h @ np.array([pt[0], pt[1], 1.0])
    return q[:2] / q[2]


def _match(found: np.ndarray, truth: np.ndarray) -> tuple[float, np.ndarray]:
    """The found corners in the truth's order (any start, either direction), and the worst error."""
    best: tuple[float, np.ndarray] | None = None
    for rev in (False, True):
        c = found[::-1] if rev else found
        for k in range(4):
            r = np.roll(c, k, axis=0)
            err = float(np.linalg.norm(r - truth, axis=1).max())
            if best is None or err < best[0]:
                best = (err, r)
    assert best is not None
    return best


def measure(seed: int, scene: str, reference: str, size: tuple[int, int]) -> dict[str, Any]:
    """One photo: status, corner error [work px], per-foot length errors [%]."""
    params = Params()
    photo = synth.render_photo(seed, scene=scene, reference=reference, size=size)
    loaded = load_image(photo.jpeg, params.load)
    plane = rectify.rectify(loaded.rgb, params.rectify)
    ref = plane.reference
    if reference == "none":  # any reference found is a made-up scale
        status = "missed" if ref is None else "wrong"
        return {"seed": seed, "scene": scene, "reference": reference, "status": status}
    truth = (np.asarray(photo.reference_corners_xy) + 0.5) / loaded.scale - 0.5
    row: dict[str, Any] = {"seed": seed, "scene": scene, "reference": reference}
    if ref is None:
        return {**row, "status": "missed"}
    err, _ = _match(ref.corners_xy, truth)
    if ref.kind != reference or err > MATCH_PX:
        return {**row, "status": "wrong", "found_kind": ref.kind}
    size_mm = synth.REFERENCE_SIZE_MM[reference]
    h_true = _homography(truth, size_mm)
    h_found = np.diag([plane.mm_per_px, plane.mm_per_px, 1.0]) @ plane.image_to_plane
    errors = []
    for foot in photo.feet:
        a = (np.asarray(foot.heel_centre_xy) + 0.5) / loaded.scale - 0.5
        b = (np.asarray(foot.toe_tip_xy) + 0.5) / loaded.scale - 0.5
        true_len = float(np.linalg.norm(_apply(h_true, a) - _apply(h_true, b)))
        found_len = float(np.linalg.norm(_apply(h_found, a) - _apply(h_found, b)))
        errors.append(100.0 * (found_len - true_len) / true_len)
    side_px = float(np.linalg.norm(truth[1] - truth[0]))
    return {**row, "status": "found", "corner_px": err, "side_px": side_px, "length_pct": errors}


def summarise(rows: list[dict[str, Any]], reference: str) -> str:
    """A Markdown line of figures for one reference kind."""
    rs = [r for r in rows if r["reference"] == reference]
    found = [r for r in rs if r["status"] == "found"]
    errs = np.array([e for r in found for e in r["length_pct"]])
    corner = [r["corner_px"] for r in found]
    cells = [
        reference,
        str(len(rs)),
        f"{len(found)} ({100 * len(found) / max(len(rs), 1):.0f} %)",
        str(sum(r["status"] == "wrong" for r in rs)),
        f"{statistics.median(corner):.2f}" if corner else "n/a",
        f"{100 * np.mean(np.abs(errs) <= 1.0):.0f} %" if errs.size else "n/a",
        f"{np.median(np.abs(errs)):.2f} %" if errs.size else "n/a",
        f"{np.percentile(np.abs(errs), 90):.2f} %" if errs.size else "n/a",
    ]
    return "| " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=48, help="photos per reference kind")
    ap.add_argument("--seed-start", type=int, default=100000)
    ap.add_argument("--size", default="2016x1512", help="photo size WxH [px]")
    ap.add_argument(
        "--reference",
        action="append",
        choices=["a4", "letter", "card", "none"],
        help="repeatable; 'none' counts photos without a reference where one is found",
    )
    ap.add_argument("--verbose", action="store_true", help="one line per photo")
    args = ap.parse_args(argv)
    w, h = (int(v) for v in args.size.lower().split("x"))
    kinds = args.reference or ["a4", "letter", "card", "none"]
    scenes = synth.SCENES
    rows = []
    for kind in kinds:
        for i in range(args.n):
            seed = args.seed_start + i
            row = measure(seed, scenes[i % len(scenes)], kind, (w, h))
            rows.append(row)
            if args.verbose:
                print(row, flush=True)
    print(f"\nscale reference alone, {args.n} photos per kind from seed {args.seed_start}, {w}x{h}")
    print(
        "| reference | photos | found | wrong object | median corner error [work px] "
        "| length within 1 % | median abs. length error | 90th percentile |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for kind in kinds:
        print(summarise(rows, kind))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Which two sole pieces to join first, without crossing two feet.

A high-arched sole prints as two pieces, heel and ball; two such feet side by
side give four. Joining them greedily, best-scoring pair first, can pair one
foot's heel with the other foot's ball: the diagonal union is longer and so
more elongated than a true foot, and both feet then come out crossed (heel of
the left with ball of the right and vice versa). Two feet do not overlap, so
their heel-to-ball lines cannot cross: a join is passed over while another
possible join of two *other* pieces crosses it. And two heels side by side
can look like a heel and a ball: a join is passed over when taking it leaves
fewer pieces paired than another choice would (each heel could join its own
ball instead).
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

#: (score, i, j): a possible join of pieces i and j, higher score better.
Candidate = tuple[float, int, int]


def centroid(mask: np.ndarray, box: tuple[slice, slice] | None = None) -> np.ndarray:
    """(x, y) centroid of a boolean mask, optionally computed on its bounding box."""
    if box is None:
        box = (slice(0, mask.shape[0]), slice(0, mask.shape[1]))
    m = cv2.moments(mask[box].astype(np.uint8), binaryImage=True)
    area = max(m["m00"], 1e-9)
    return np.array([m["m10"] / area + box[1].start, m["m01"] / area + box[0].start])


def _side(o: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """Sign of the turn o -> a -> b (z of the cross product)."""
    return float((a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]))


def segments_cross(p: np.ndarray, q: np.ndarray, r: np.ndarray, s: np.ndarray) -> bool:
    """True when segment p-q and segment r-s cross at a point inside both.

    Segments that only touch or are collinear do not count: two feet's lines
    are never that close.
    """
    d1, d2 = _side(r, s, p), _side(r, s, q)
    d3, d4 = _side(p, q, r), _side(p, q, s)
    return d1 * d2 < 0 and d3 * d4 < 0


#: Most candidate joins for which the largest set of disjoint joins is
#: searched exhaustively (a photo gives a handful; beyond this the matching
#: preference is skipped).
MAX_MATCHING_CANDIDATES = 24


def max_disjoint(candidates: Sequence[Candidate]) -> int:
    """Size of the largest set of candidate joins sharing no piece (a maximum matching).

    Exhaustive search over the candidates (few: see
    :data:`MAX_MATCHING_CANDIDATES`).
    """
    pairs = [(i, j) for _, i, j in candidates]

    def best(start: int, used: frozenset[int]) -> int:
        top = 0
        for k in range(start, len(pairs)):
            i, j = pairs[k]
            if i in used or j in used:
                continue
            top = max(top, 1 + best(k + 1, used | {i, j}))
        return top

    return best(0, frozenset())


def best_uncrossed(
    candidates: Sequence[Candidate], centres: Sequence[np.ndarray]
) -> Candidate | None:
    """The best-scoring join that leaves the most pieces paired and crosses no other join.

    Parameters
    ----------
    candidates
        Possible joins ``(score, i, j)``; higher scores are better.
    centres
        Centroid (x, y) of each piece, indexed like ``i`` and ``j``.

    Returns
    -------
    The chosen candidate: the highest-scoring one that (a) leaves the most
    pieces paired, i.e. belongs to a largest set of disjoint joins
    (:func:`max_disjoint`: two heels side by side must not join when each
    can join its own ball instead), and (b) whose segment
    ``centres[i]``-``centres[j]`` is not crossed by the segment of any
    candidate ``(k, l)`` with ``{k, l}`` disjoint from ``{i, j}``. Failing
    both, the best candidate meeting (b); failing that (which two feet cannot
    give), the highest-scoring one, as a plain greedy join would. None when
    there are no candidates.
    """
    if not candidates:
        return None
    ordered = sorted(candidates, key=lambda c: -c[0])

    def crossed(cand: Candidate) -> bool:
        _, i, j = cand
        return any(
            k not in (i, j)
            and l_ not in (i, j)
            and segments_cross(centres[i], centres[j], centres[k], centres[l_])
            for _, k, l_ in candidates
        )

    uncrossed = [c for c in ordered if not crossed(c)]
    if len(candidates) <= MAX_MATCHING_CANDIDATES:
        most = max_disjoint(candidates)
        for cand in uncrossed:
            _, i, j = cand
            rest = [c for c in candidates if not {c[1], c[2]} & {i, j}]
            if 1 + max_disjoint(rest) == most:
                return cand
    return uncrossed[0] if uncrossed else ordered[0]

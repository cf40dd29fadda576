"""The foot frame: a print resampled so its axis is vertical.

Every index is measured in this one frame, for measured prints and for the
synthetic generator's ground truth alike.

Frame convention
----------------
* The foot axis (heel centre -> second-toe tip) runs along the rows, toes at
  the top (low row index), heel at the bottom.
* The medial side is on the left (low column index). A right foot seen from
  above, toes up, already has its medial side on the left; a left foot is
  mirrored into this frame.
* The axis passes through column ``axis_col``; the heel centre sits on it.
* One frame pixel has the same size as one source pixel (``scale`` = 1 by
  default), so areas and lengths convert with the source's mm per pixel.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

Point = tuple[float, float]


@dataclass(frozen=True)
class FootFrame:
    """An affine map from source (x, y) pixels to the foot frame.

    Attributes
    ----------
    matrix : (2, 3) ndarray
        Source (x, y) -> frame (col, row) affine matrix, as used by ``cv2.warpAffine``.
    shape : tuple of int
        (rows, cols) of the frame image.
    axis_col : float
        Column of the foot axis in the frame.
    heel_row : float
        Row of the heel centre in the frame.
    scale : float
        Frame pixels per source pixel.
    side : str
        'left' or 'right'; a left foot is mirrored.
    """

    matrix: np.ndarray
    shape: tuple[int, int]
    axis_col: float
    heel_row: float
    scale: float
    side: str

    @property
    def inverse(self) -> np.ndarray:
        """Frame (col, row) -> source (x, y) affine matrix."""
        return cv2.invertAffineTransform(self.matrix)

    def to_frame(self, pts_xy: np.ndarray) -> np.ndarray:
        """Map (K, 2) source (x, y) points to frame (col, row)."""
        pts = np.asarray(pts_xy, dtype=np.float64).reshape(-1, 2)
        return pts @ self.matrix[:, :2].T + self.matrix[:, 2]

    def to_source(self, pts_cr: np.ndarray) -> np.ndarray:
        """Map (K, 2) frame (col, row) points back to source (x, y)."""
        inv = self.inverse
        pts = np.asarray(pts_cr, dtype=np.float64).reshape(-1, 2)
        return pts @ inv[:, :2].T + inv[:, 2]

    def warp(self, image: np.ndarray, *, interpolation: int = cv2.INTER_LINEAR) -> np.ndarray:
        """Resample a source image (mask as float32, or intensity) into the frame."""
        src = image.astype(np.float32) if image.dtype == bool else image
        return cv2.warpAffine(
            src,
            self.matrix,
            (self.shape[1], self.shape[0]),
            flags=interpolation,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=0,
        )


def make_frame(
    heel_xy: Point,
    toe_xy: Point,
    side: str,
    extent_pts_xy: np.ndarray,
    *,
    scale: float = 1.0,
    margin_px: float = 4.0,
) -> FootFrame:
    """Build the foot frame for an axis from ``heel_xy`` to ``toe_xy``.

    Parameters
    ----------
    heel_xy, toe_xy : (x, y)
        Heel centre and second-toe tip in source pixels.
    side : {'left', 'right'}
        Which foot; a left foot is mirrored so the medial side is on the left.
    extent_pts_xy : (K, 2) ndarray
        Points (e.g. the print's contour) that the frame must contain.
    scale : float
        Frame pixels per source pixel.
    margin_px : float
        Border kept around the extent points, in frame pixels.
    """
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', not {side!r}")
    h = np.asarray(heel_xy, dtype=np.float64)
    t = np.asarray(toe_xy, dtype=np.float64)
    d = t - h
    n = float(np.hypot(*d))
    if n <= 0:
        raise ValueError("heel and toe points coincide")
    u = d / n  # towards the toes
    lateral = np.array([-u[1], u[0]]) if side == "right" else np.array([u[1], -u[0]])
    # frame col = s * dot(p - h, lateral); row = -s * dot(p - h, u)
    rot = np.array([[lateral[0], lateral[1]], [-u[0], -u[1]]]) * scale
    pts = np.asarray(extent_pts_xy, dtype=np.float64).reshape(-1, 2)
    fr = (pts - h) @ rot.T
    cmin, rmin = fr.min(axis=0) - margin_px
    cmax, rmax = fr.max(axis=0) + margin_px
    offset = np.array([-cmin, -rmin])
    matrix = np.hstack([rot, (offset - h @ rot.T).reshape(2, 1)])
    shape = (int(np.ceil(rmax - rmin)) + 1, int(np.ceil(cmax - cmin)) + 1)
    return FootFrame(
        matrix=matrix.astype(np.float64),
        shape=shape,
        axis_col=float(offset[0]),
        heel_row=float(offset[1]),
        scale=float(scale),
        side=side,
    )

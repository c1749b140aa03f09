"""Pixel helpers every image stage shares: grey, ink and paper.

One definition each, so that preprocessing, ruling lines, layout, cell
reading and blank-page detection agree on what ink is.
"""

from __future__ import annotations

import cv2
import numpy as np

# Below this spread between the darkest and brightest pixel an image holds
# no ink: Otsu would split its noise into "ink" and "paper".
MIN_INK_CONTRAST = 40


def as_grey(image: np.ndarray) -> np.ndarray:
    """``image`` as one grey channel (BGR is converted, grey returned as is)."""
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image


def has_contrast(grey: np.ndarray, min_contrast: int = MIN_INK_CONTRAST) -> bool:
    """Whether ``grey`` spans enough grey levels to hold ink at all."""
    return grey.size > 0 and int(grey.max()) - int(grey.min()) >= min_contrast


def ink_mask(image: np.ndarray, lenience: float = 0.0) -> np.ndarray:
    """Ink pixels (Otsu) as a bool mask; none on an image without contrast.

    ``lenience`` moves the threshold from Otsu's that share of the way to
    the paper's level: pale strokes count too (a blurred "=" beside dark
    digits, which Otsu puts with the paper).
    """
    grey = as_grey(image)
    if not has_contrast(grey):
        return np.zeros(grey.shape, dtype=bool)
    threshold, ink = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if lenience <= 0:
        return ink.astype(bool)
    return grey <= threshold + lenience * (paper_level(grey, step=1) - threshold)


def paper_level(grey: np.ndarray, step: int = 4) -> int:
    """Brightness of the paper: the 90th percentile of every ``step``-th
    pixel, robust to dark content (text, tables, seals)."""
    return int(np.percentile(grey[::step, ::step], 90))

"""A scanned page's cleaned image and the map from its pixels to PDF points."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pipeline.imaging import paper_level
from pipeline.model import BBox, Table
from pipeline.preprocess import Affine, Preprocessed, pixels_to_points


def upright_frame(cleaned: Preprocessed, original_shape: tuple[int, ...], dpi: float) -> Affine:
    """Map from cleaned-image pixels to points of the straightened page.

    ``preprocess.rotate`` turns about the image centre on a grown canvas, so
    the cleaned centre is the page centre: a shift by half the growth, then
    the scale from pixels to points.
    """
    height, width = original_shape[:2]
    cleaned_height, cleaned_width = cleaned.image.shape[:2]
    shift = Affine.translation((width - cleaned_width) / 2, (height - cleaned_height) / 2)
    return shift.then(pixels_to_points(dpi))


@dataclass(frozen=True, slots=True)
class PageView:
    """The cleaned image of a page and the map from its pixels to points."""

    image: np.ndarray
    to_points: Affine
    number: int
    dpi: float  # the resolution the page was rendered at
    bitonal: bool = False  # rendered from a one-bit image

    def pixel_box(self, box: BBox, inset_pt: float = 0.0) -> tuple[int, int, int, int]:
        """The pixel rectangle of a box in points, shrunk by ``inset_pt`` (negative grows)."""
        x0, y0, x1, y1 = box
        inner = (x0 + inset_pt, y0 + inset_pt, x1 - inset_pt, y1 - inset_pt)
        px0, py0, px1, py1 = self.to_points.inverse().bbox(inner)
        height, width = self.image.shape[:2]
        return (
            max(0, math.floor(px0)),
            max(0, math.floor(py0)),
            min(width, math.ceil(px1)),
            min(height, math.ceil(py1)),
        )

    def tables_painted_out(self, grids: list[Table], margin_pt: float) -> np.ndarray:
        """The image with each table's box (grown by ``margin_pt``) painted paper-white."""
        image = self.image.copy()
        paper = paper_level(image, step=8)
        for grid in grids:
            x0, y0, x1, y1 = self.pixel_box(grid.bbox, -margin_pt)
            image[y0:y1, x0:x1] = paper
        return image

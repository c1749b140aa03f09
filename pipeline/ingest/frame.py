"""A page's frame (its visible box and /Rotate) and what it draws besides rules."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from typing import Any

import pypdfium2.raw as pdfium_c

from pipeline.model import BBox


@dataclass(slots=True)
class PageObjects:
    """What a page draws: its text objects (and how many are invisible,
    render mode 3), its images (each, and the area they cover), its paths."""

    texts: int = 0
    invisible_texts: int = 0
    images: int = 0
    drawings: int = 0  # paths and shadings: rules, charts, text turned into outlines
    image_area: float = 0.0
    bitonal_area: float = 0.0  # of images with one bit per pixel (CCITT G4, JBIG2, 1-bit scans)
    # Each image object's pdfium handle (valid while the page stays loaded) and box on the page.
    image_objects: list[tuple[Any, BBox]] = field(default_factory=list)

    @property
    def drawn(self) -> bool:
        """Whether anything but text is drawn (text is judged by its chars)."""
        return bool(self.images or self.drawings)


@dataclass(frozen=True, slots=True)
class PageFrame:
    """The visible page box in PDF user space and the page's quarter turns
    (``/Rotate``), to map user space onto the page as shown, top-left origin."""

    left: float
    bottom: float
    right: float
    top: float
    rotation: int  # quarter turns clockwise

    @classmethod
    def of(cls, raw_page) -> PageFrame:
        box = pdfium_c.FS_RECTF()
        rotation = pdfium_c.FPDFPage_GetRotation(raw_page) % 4
        if pdfium_c.FPDF_GetPageBoundingBox(raw_page, ctypes.byref(box)):
            return cls(box.left, box.bottom, box.right, box.top, rotation)
        width = pdfium_c.FPDF_GetPageWidthF(raw_page)
        height = pdfium_c.FPDF_GetPageHeightF(raw_page)
        if rotation % 2:  # pdfium's sizes are of the page as shown
            width, height = height, width
        return cls(0.0, 0.0, width, height, rotation)

    @property
    def width(self) -> float:
        return (self.top - self.bottom) if self.rotation % 2 else (self.right - self.left)

    @property
    def height(self) -> float:
        return (self.right - self.left) if self.rotation % 2 else (self.top - self.bottom)

    def point(self, x: float, y: float) -> tuple[float, float]:
        """A user-space point on the page as shown (top-left origin)."""
        if self.rotation == 1:
            return y - self.bottom, x - self.left
        if self.rotation == 2:
            return self.right - x, y - self.bottom
        if self.rotation == 3:
            return self.top - y, self.right - x
        return x - self.left, self.top - y

    def box(self, left: float, bottom: float, right: float, top: float) -> BBox:
        if not self.rotation:  # the common case, once per character: no turn to work out
            return (left - self.left, self.top - top, right - self.left, self.top - bottom)
        x0, y0 = self.point(left, bottom)
        x1, y1 = self.point(right, top)
        return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

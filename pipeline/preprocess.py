"""Page images for OCR: render a PDF page, then clean the scan.

``clean`` runs, each step switchable in ``PreprocessOptions``:

1. red-seal suppression (needs colour, so it runs first),
2. conversion to grey,
3. illumination flattening,
4. denoising,
5. deskew (±``max_skew_degrees``),
6. fold flattening (row-wise shadows),
7. optional binarisation.

Images are ``uint8`` numpy arrays in OpenCV order (BGR for colour).  The
cleaned image comes back with an ``Affine`` that maps its pixel coordinates to
the pixel coordinates of the input image, so boxes found on the cleaned image
can be mapped back to the original page and, with ``pixels_to_points``, to PDF
points (top-left origin, as in ``pipeline.model``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import cv2
import numpy as np
import pypdfium2 as pdfium

from pipeline.imaging import ink_mask, paper_level
from pipeline.model import BBox, Segment

POINTS_PER_INCH = 72.0


# --------------------------------------------------------------------------
# Coordinates
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Affine:
    """A 2×3 affine map ``(x, y) -> (a*x + b*y + c, d*x + e*y + f)``."""

    a: float = 1.0
    b: float = 0.0
    c: float = 0.0
    d: float = 0.0
    e: float = 1.0
    f: float = 0.0

    @classmethod
    def from_matrix(cls, matrix: np.ndarray) -> Affine:
        (a, b, c), (d, e, f) = np.asarray(matrix, dtype=float)[:2]
        return cls(a, b, c, d, e, f)

    @classmethod
    def scale(cls, factor: float) -> Affine:
        return cls(a=factor, e=factor)

    @classmethod
    def translation(cls, dx: float, dy: float) -> Affine:
        return cls(c=dx, f=dy)

    def matrix(self) -> np.ndarray:
        return np.array([[self.a, self.b, self.c], [self.d, self.e, self.f], [0.0, 0.0, 1.0]])

    def then(self, outer: Affine) -> Affine:
        """The map that applies ``self`` first and ``outer`` second."""
        return Affine.from_matrix(outer.matrix() @ self.matrix())

    def inverse(self) -> Affine:
        return Affine.from_matrix(np.linalg.inv(self.matrix()))

    def point(self, x: float, y: float) -> tuple[float, float]:
        return (self.a * x + self.b * y + self.c, self.d * x + self.e * y + self.f)

    def bbox(self, box: BBox) -> BBox:
        """Axis-aligned box covering the mapped corners of ``box``."""
        x0, y0, x1, y1 = box
        corners = [self.point(x, y) for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))]
        xs = [p[0] for p in corners]
        ys = [p[1] for p in corners]
        return (min(xs), min(ys), max(xs), max(ys))

    def segment(self, segment: Segment) -> Segment:
        x0, y0 = self.point(segment.x0, segment.y0)
        x1, y1 = self.point(segment.x1, segment.y1)
        return Segment(x0, y0, x1, y1)


def pixels_to_points(dpi: float) -> Affine:
    """Map from pixels of a page rendered at ``dpi`` to PDF points."""
    return Affine.scale(POINTS_PER_INCH / dpi)


def points_to_pixels(dpi: float) -> Affine:
    """Map from PDF points to pixels of a page rendered at ``dpi``."""
    return Affine.scale(dpi / POINTS_PER_INCH)


def pixel_to_point(value: float, dpi: float) -> float:
    return value * POINTS_PER_INCH / dpi


def point_to_pixel(value: float, dpi: float) -> float:
    return value * dpi / POINTS_PER_INCH


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------


def budget_dpi(width_pt: float, height_pt: float, dpi: float, max_megapixels: float) -> float:
    """``dpi``, or the lower resolution at which a page of this size renders
    within ``max_megapixels``."""
    megapixels = width_pt * height_pt * (dpi / POINTS_PER_INCH) ** 2 / 1e6
    return dpi if megapixels <= max_megapixels else dpi * (max_megapixels / megapixels) ** 0.5


def render_page(pdf_path: str | Path, page_index: int, dpi: float = 200) -> np.ndarray:
    """Render page ``page_index`` (0-based) of a PDF as a BGR ``uint8`` image."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        page = pdf[page_index]
        bitmap = page.render(scale=dpi / POINTS_PER_INCH)
        pixels = bitmap.to_numpy()
        # pdfium may hand back grey, BGR, BGRx or BGRA depending on the page.
        if pixels.ndim == 2:
            return cv2.cvtColor(pixels, cv2.COLOR_GRAY2BGR)
        return np.ascontiguousarray(pixels[:, :, :3])
    finally:
        pdf.close()


# --------------------------------------------------------------------------
# Cleaning
# --------------------------------------------------------------------------

DenoiseMethod = Literal["none", "despeckle", "median", "nlmeans"]
BinarizeMethod = Literal["none", "sauvola", "adaptive"]


@dataclass(frozen=True, slots=True)
class PreprocessOptions:
    suppress_seals: bool = True
    # A pixel is seal ink when its hue is within this many degrees (OpenCV
    # hue units, 0..180) of red and its saturation is at least this high.
    seal_hue_margin: int = 12
    seal_min_saturation: int = 70
    flatten_illumination: bool = True
    # Paper levels are measured in blocks this large, larger than a character.
    background_kernel_px: int = 41
    # Paper varying less than this (grey levels) across the page is evenly lit.
    min_light_variation: int = 16
    # "despeckle" removes isolated dots only.  "median" thins the 1-2 px
    # horizontal strokes of 宋体 at 200 dpi (rapidocr confidence fell from 0.85
    # to 0.6 on clean text, tesseract lost whole lines); "nlmeans" is safe but
    # costs about 1.5 s per A4 page at 200 dpi on one core.
    denoise: DenoiseMethod = "despeckle"
    speck_max_area_px: int = 3
    # A fold or crease across the page is a row-wise shadow (after deskew, a
    # horizontal one): dividing every pixel row by its own paper level lifts
    # it, where the page-wide background (a closing larger than a character)
    # keeps a thin crease dark and table cells read it as a rule or dashes.
    flatten_folds: bool = True
    # A row's paper level is this percentile of its pixels (margins and the
    # spaces between words are paper even on a row of table rule).
    fold_paper_percentile: float = 95.0
    deskew: bool = True
    max_skew_degrees: float = 5.0
    # Turning costs sharpness (interpolation); below this the skew is harmless.
    min_skew_degrees: float = 0.2
    binarize: BinarizeMethod = "none"
    binarize_window_px: int = 31
    sauvola_k: float = 0.2


@dataclass(frozen=True, slots=True)
class Preprocessed:
    """A cleaned page image and how it relates to the input image."""

    image: np.ndarray  # grey uint8
    to_original: Affine  # cleaned-image pixels -> input-image pixels
    skew_degrees: float  # how far the input was turned (counter-clockwise); undone here

    def to_points(self, dpi: float) -> Affine:
        """Map from cleaned-image pixels to PDF points of the rendered page."""
        return self.to_original.then(pixels_to_points(dpi))


def clean(image: np.ndarray, options: PreprocessOptions | None = None) -> Preprocessed:
    """Prepare a scanned page image for layout detection and OCR."""
    options = options or PreprocessOptions()
    colour = _as_bgr(image)
    if options.suppress_seals:
        grey = suppress_red_seals(colour, options.seal_hue_margin, options.seal_min_saturation)
    else:
        grey = cv2.cvtColor(colour, cv2.COLOR_BGR2GRAY)
    if options.flatten_illumination:
        grey = flatten_illumination(grey, options.background_kernel_px, options.min_light_variation)
    grey = _denoise(grey, options)

    skew = estimate_skew(grey, options.max_skew_degrees) if options.deskew else 0.0
    if abs(skew) < options.min_skew_degrees:
        skew = 0.0
    grey, to_original = rotate(grey, -skew)
    if options.flatten_folds:
        grey = flatten_folds(grey, options.fold_paper_percentile)

    if options.binarize == "sauvola":
        grey = sauvola_binarize(grey, options.binarize_window_px, options.sauvola_k)
    elif options.binarize == "adaptive":
        grey = cv2.adaptiveThreshold(
            grey, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, options.binarize_window_px | 1, 10
        )
    return Preprocessed(image=grey, to_original=to_original, skew_degrees=skew)


def _as_bgr(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image


def suppress_red_seals(image: np.ndarray, hue_margin: int = 12, min_saturation: int = 70) -> np.ndarray:
    """Grey image in which red stamp ink has turned into paper.

    Red ink is bright in the red channel while black toner is dark in every
    channel, so for red pixels the red channel is used as the grey value: the
    seal fades and black text printed under it stays dark.  The remaining pink
    tint is pushed to white by stretching against the seal's own brightness.

    Seal ink is found in two steps.  Pixels of clearly red hue and at least
    ``min_saturation`` mark where the seal is; near them (a few pixels), any
    pixel whose red channel exceeds its green and blue is partly seal ink:
    the faint rim of a stroke, grainy ink, and JPEG's half-resolution colour
    all leave such pixels below the saturation limit, and taking their grey
    value as it is left the seal's outline behind as grey strokes that cells
    read as text.  Those pixels blend towards the red channel by how red
    they are; neutral pixels (text, paper) keep their grey.
    """
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    hue, saturation = hsv[:, :, 0], hsv[:, :, 1]
    is_red = ((hue <= hue_margin) | (hue >= 180 - hue_margin)) & (saturation >= min_saturation)
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if not is_red.any():
        return grey
    ys, xs = np.nonzero(is_red)
    pad = 8
    y0, y1 = max(0, int(ys.min()) - pad), int(ys.max()) + pad + 1
    x0, x1 = max(0, int(xs.min()) - pad), int(xs.max()) + pad + 1
    box = (slice(y0, y1), slice(x0, x1))
    red_channel = image[:, :, 2]
    # The seal's ink brightness in the red channel: anything at least that
    # bright among red pixels is pure seal and becomes white.
    ink_level = float(np.percentile(red_channel[is_red], 50))
    part = image[box].astype(np.int16)
    red = part[:, :, 2].astype(np.float32)
    redness = red - np.maximum(part[:, :, 1], part[:, :, 0])
    near_seal = cv2.dilate(is_red[box].astype(np.uint8), np.ones((2 * pad + 1, 2 * pad + 1), np.uint8)) > 0
    weight = np.clip((redness - 4.0) / 20.0, 0.0, 1.0) * near_seal
    weight[is_red[box]] = 1.0
    lifted = np.clip(red * (255.0 / max(ink_level, 1.0)), 0, 255)
    out = grey.copy()
    blended = grey[box].astype(np.float32) * (1.0 - weight) + lifted * weight
    out[box] = np.clip(blended + 0.5, 0, 255).astype(np.uint8)
    return out


def flatten_illumination(grey: np.ndarray, kernel_px: int = 41, min_variation: int = 16) -> np.ndarray:
    """Divide out uneven lighting (shadows, yellowed paper) from a grey scan.

    The paper level is the 90th percentile of each ``kernel_px`` block (paper
    shows between the strokes of even a dense table; a closing there stays
    dark and the division then bleaches the ink), smoothed over neighbouring
    blocks.  A page whose paper varies by less than ``min_variation`` grey
    levels (5th to 95th percentile of the blocks) is evenly lit and left
    as it is.
    """
    height, width = grey.shape
    rows, cols = max(1, height // kernel_px), max(1, width // kernel_px)
    blocks = grey[: rows * kernel_px, : cols * kernel_px].reshape(rows, kernel_px, cols, kernel_px)
    pixels = blocks.transpose(0, 2, 1, 3).reshape(rows, cols, -1)
    tenth_brightest = int(0.9 * (pixels.shape[2] - 1))
    paper = np.partition(pixels, tenth_brightest, axis=2)[:, :, tenth_brightest].astype(np.float32)
    paper = cv2.GaussianBlur(cv2.medianBlur(paper, 3) if min(rows, cols) >= 3 else paper, (0, 0), 1.0)
    low, high = np.percentile(paper, [5, 95])
    if high - low < min_variation:
        return grey
    background = cv2.resize(paper, (width, height), interpolation=cv2.INTER_LINEAR)
    flat = grey.astype(np.float32) / np.maximum(background, 1.0) * 255.0
    return np.clip(flat, 0, 255).astype(np.uint8)


def flatten_folds(grey: np.ndarray, percentile: float = 95.0, max_gain: float = 1.6) -> np.ndarray:
    """Lift horizontal shadows (folds, creases) by each pixel row's paper level.

    Rows whose paper is already the page's paper are untouched; a row lifted
    by more than ``max_gain`` is no shadow (a dark band, a photo) and is left.
    """
    levels = np.percentile(grey, percentile, axis=1).astype(np.float32)
    paper = float(np.percentile(levels, 75))
    gain = paper / np.maximum(levels, 1.0)
    gain = np.where((gain > 1.0) & (gain <= max_gain), gain, 1.0)
    if not (gain > 1.02).any():
        return grey
    return np.clip(grey.astype(np.float32) * gain[:, None], 0, 255).astype(np.uint8)


def _denoise(grey: np.ndarray, options: PreprocessOptions) -> np.ndarray:
    if options.denoise == "despeckle":
        return despeckle(grey, options.speck_max_area_px)
    if options.denoise == "median":
        return cv2.medianBlur(grey, 3)
    if options.denoise == "nlmeans":
        return cv2.fastNlMeansDenoising(grey, None, h=10, templateWindowSize=7, searchWindowSize=21)
    return grey


def despeckle(grey: np.ndarray, max_area_px: int = 3) -> np.ndarray:
    """Paint over isolated specks of at most ``max_area_px`` ink pixels.

    Only specks with no larger ink within two pixels go: thin 宋体 strokes
    break into tiny fragments when thresholded, and those sit right next to
    the rest of their stroke.  A full stop at 200 dpi is about 16 pixels,
    well above the default.
    """
    ink = ink_mask(grey).astype(np.uint8) * 255
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    is_speck = stats[:, cv2.CC_STAT_AREA] <= max_area_px
    is_speck[0] = False  # label 0 is the background
    speck_pixels = is_speck[labels]
    solid_ink = np.where(speck_pixels, 0, ink).astype(np.uint8)
    near_solid_ink = cv2.dilate(solid_ink, np.ones((5, 5), np.uint8)) > 0
    cleaned = grey.copy()
    cleaned[speck_pixels & ~near_solid_ink] = paper_level(grey)
    return cleaned


def estimate_skew(grey: np.ndarray, max_degrees: float = 5.0) -> float:
    """Angle (degrees, counter-clockwise) by which the page content is turned.

    Projection-profile search: turn the ink mask by candidate angles and keep
    the one whose row sums change most sharply from row to row, which happens
    when text lines and table rules are horizontal.  Characters are first
    smeared sideways into solid line bands, because the strokes inside CJK
    characters otherwise dominate the profile and bias the answer by up to a
    degree on short texts.  Vertical rules add the same amount to every row at
    every angle, so tables do not mislead it.  Coarse-to-fine search on a
    reduced image keeps it to about 0.1 s per page.
    """
    ink = _ink_mask_for_skew(grey)
    best = 0.0
    for step, half_range in ((0.5, max_degrees), (0.1, 0.5), (0.02, 0.1)):
        candidates = np.arange(best - half_range, best + half_range + step / 2, step)
        candidates = candidates[np.abs(candidates) <= max_degrees + 1e-9]
        scores = [_profile_sharpness(ink, angle) for angle in candidates]
        best = float(candidates[int(np.argmax(scores))])
    return round(best, 2)


def _ink_mask_for_skew(grey: np.ndarray, target_width: int = 1200) -> np.ndarray:
    factor = min(1.0, target_width / grey.shape[1])
    small = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    ink = ink_mask(small).astype(np.uint8) * 255
    return cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (25, 1)))


def _profile_sharpness(ink: np.ndarray, angle: float) -> float:
    height, width = ink.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -angle, 1.0)
    turned = cv2.warpAffine(ink, matrix, (width, height), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = turned.sum(axis=1, dtype=np.float64)
    return float(np.sum(np.diff(rows) ** 2))


def rotate(grey: np.ndarray, degrees: float) -> tuple[np.ndarray, Affine]:
    """Turn ``grey`` counter-clockwise by ``degrees`` on an enlarged white canvas.

    Returns the turned image and the map from its pixels back to ``grey``'s.
    The canvas grows so that no corner of the page is cut off.
    """
    height, width = grey.shape[:2]
    if abs(degrees) < 1e-6:
        return grey, Affine()
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_width = int(np.ceil(height * sin + width * cos))
    new_height = int(np.ceil(height * cos + width * sin))
    matrix[0, 2] += (new_width - width) / 2
    matrix[1, 2] += (new_height - height) / 2
    turned = cv2.warpAffine(
        grey, matrix, (new_width, new_height), flags=cv2.INTER_LINEAR, borderValue=paper_level(grey)
    )
    return turned, Affine.from_matrix(matrix).inverse()


def sauvola_binarize(grey: np.ndarray, window_px: int = 31, k: float = 0.2, dynamic_range: float = 128.0) -> np.ndarray:
    """Sauvola thresholding: ink is darker than ``mean * (1 + k (std/R - 1))``."""
    values = grey.astype(np.float64)
    window = (window_px | 1, window_px | 1)
    mean = cv2.boxFilter(values, -1, window, borderType=cv2.BORDER_REFLECT)
    mean_of_squares = cv2.boxFilter(values * values, -1, window, borderType=cv2.BORDER_REFLECT)
    std = np.sqrt(np.maximum(mean_of_squares - mean * mean, 0.0))
    threshold = mean * (1.0 + k * (std / dynamic_range - 1.0))
    return np.where(values > threshold, 255, 0).astype(np.uint8)

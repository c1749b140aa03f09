"""What a scanner and the paper do to a page's pixels, one function per kind of damage.

Each takes an RGB float32 image (0..255, paper white) and returns a new one;
``degrade.scan`` applies them in the order a real scan suffers them: ink on
the paper (seal), the paper's shape (fold), its light (uneven light, border
shadow), its place on the glass (skew, shift, scale), then the sensor (blur,
noise, speckle) and the file (JPEG or a bitonal threshold).
"""

from __future__ import annotations

import math
import random

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from tests.corpus.fonts import FONT_FILES

SEAL_DIAMETER_MM = 42  # the common size of an official round seal
SEAL_RED = np.array([205, 28, 36], dtype=np.float32)
MM_PER_INCH = 25.4


def _seal_mask(diameter: int, text: str, rng: random.Random) -> np.ndarray:
    """Ink coverage 0..1 of a round seal: double ring, star, text round the top."""
    mask = Image.new("L", (diameter, diameter), 0)
    draw = ImageDraw.Draw(mask)
    ring = max(2, round(diameter * 0.035))
    draw.ellipse((ring // 2, ring // 2, diameter - ring // 2, diameter - ring // 2), outline=255, width=ring)
    centre = diameter / 2
    star_radius = diameter * 0.16
    points = [(centre + (star_radius if i % 2 == 0 else star_radius * 0.38) * math.sin(i * math.pi / 5),
               centre - (star_radius if i % 2 == 0 else star_radius * 0.38) * math.cos(i * math.pi / 5))
              for i in range(10)]
    draw.polygon(points, fill=255)
    font_file = FONT_FILES["song"]
    size = round(diameter * 0.12)
    font = ImageFont.truetype(str(font_file.path), size, index=font_file.subfont)
    radius = centre - ring * 1.5 - size * 0.6
    span = min(250.0, 22.0 * len(text))  # degrees of arc the text covers
    for i, char in enumerate(text):
        angle = -span / 2 + span * (i + 0.5) / len(text)  # clockwise from 12 o'clock
        glyph = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(glyph).text((size, size), char, font=font, fill=255, anchor="mm")
        glyph = glyph.rotate(-angle, resample=Image.Resampling.BICUBIC)
        x = centre + radius * math.sin(math.radians(angle)) - size
        y = centre - radius * math.cos(math.radians(angle)) - size
        mask.paste(255, (round(x), round(y)), glyph)
    mask = mask.rotate(rng.uniform(-20, 20), resample=Image.Resampling.BICUBIC)  # seals land at an angle
    coverage = np.asarray(mask, dtype=np.float32) / 255
    # Ink is uneven: lighter towards one side (pressure) and grainy.
    ramp = np.linspace(rng.uniform(0.7, 0.9), 1.0, diameter, dtype=np.float32)[None, :]
    grain = np.random.default_rng(rng.randrange(2**32)).uniform(0.75, 1.0, coverage.shape).astype(np.float32)
    return cv2.GaussianBlur(coverage * grain * ramp, (0, 0), max(0.6, diameter / 400))


def stamp_seal(image: np.ndarray, rng: random.Random, dpi: float, text: str, at: tuple[float, float]) -> np.ndarray:
    """A semi-transparent red seal multiplied onto the page, centred at ``at``
    (shares of width and height): the text under it stays visible, darkened,
    as with real ink."""
    diameter = round(SEAL_DIAMETER_MM / MM_PER_INCH * dpi)
    alpha = _seal_mask(diameter, text, rng)[:, :, None] * rng.uniform(0.8, 0.95)
    height, width = image.shape[:2]
    x = min(max(0, round(width * at[0] - diameter / 2)), width - diameter)
    y = min(max(0, round(height * at[1] - diameter / 2)), height - diameter)
    region = image[y:y + diameter, x:x + diameter]
    tinted = region * (SEAL_RED / 255)
    image = image.copy()
    image[y:y + diameter, x:x + diameter] = region * (1 - alpha) + tinted * alpha
    return image


def fold(image: np.ndarray, dpi: float, at: float, depth: float) -> np.ndarray:
    """A horizontal fold at ``at`` (share of height): a dark crease of
    ``depth`` (share of light lost) with a lighter ridge beside it."""
    height = image.shape[0]
    rows = np.arange(height, dtype=np.float32) - height * at
    crease = dpi / MM_PER_INCH * 0.6  # about 0.6 mm
    crease_shade = depth * np.exp(-((rows / crease) ** 2))
    ridge_light = 0.2 * depth * np.exp(-(((rows - 3 * crease) / (2 * crease)) ** 2))
    shade = 1 - crease_shade + ridge_light
    return image * shade[:, None, None]


def uneven_light(image: np.ndarray, strength: float, angle: float) -> np.ndarray:
    """Light falling off across the page: the far side loses ``strength``
    of its brightness, in the direction ``angle`` (radians)."""
    height, width = image.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    along = (xs / width - 0.5) * math.cos(angle) + (ys / height - 0.5) * math.sin(angle) + 0.5
    return image * (1 - strength * np.clip(along, 0, 1))[:, :, None]


def border_shadow(image: np.ndarray, dpi: float, width_mm: float, side: str) -> np.ndarray:
    """The grey band a book's binding or an open lid throws along one edge."""
    height, width = image.shape[:2]
    band = max(1.0, width_mm / MM_PER_INCH * dpi)
    length = width if side in ("left", "right") else height
    distance = np.arange(length, dtype=np.float32)
    if side in ("right", "bottom"):
        distance = distance[::-1]
    shade = 1 - 0.75 * np.exp(-distance / (band / 3))
    return image * (shade[None, :, None] if side in ("left", "right") else shade[:, None, None])


def place(image: np.ndarray, degrees: float, shift_px: tuple[float, float], scale: float) -> np.ndarray:
    """The page as it lay on the glass: turned by ``degrees`` about its
    centre, moved by ``shift_px`` and scaled (feeder drift), on white, same size."""
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, scale)
    matrix[:, 2] += shift_px
    return cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=(255, 255, 255))


def sensor_noise(image: np.ndarray, rng: random.Random, sigma: float) -> np.ndarray:
    """Grey noise, the same on all channels."""
    generator = np.random.default_rng(rng.randrange(2**32))
    return image + generator.normal(0, sigma, (*image.shape[:2], 1)).astype(np.float32)


def speckle(image: np.ndarray, rng: random.Random, dpi: float, per_page: int) -> np.ndarray:
    """Dust and toner specks: ``per_page`` dark dots of 0.1–0.3 mm."""
    generator = np.random.default_rng(rng.randrange(2**32))
    height, width = image.shape[:2]
    image = image.copy()
    largest = max(1, round(0.3 / MM_PER_INCH * dpi / 2))
    for _ in range(per_page):
        centre = (int(generator.integers(width)), int(generator.integers(height)))
        cv2.circle(image, centre, int(generator.integers(1, largest + 1)), (40, 40, 40), -1)
    return image


def bitonal(image: np.ndarray, threshold_offset: float) -> Image.Image:
    """Black and white as a scanner's bitonal mode makes it: each pixel
    against the white of the paper around it (the scanner calibrates its
    white, and a camera's capture thresholds locally), at Otsu's threshold
    of that flattened page moved by ``threshold_offset`` grey levels: above
    zero keeps more ink (bold strokes), below loses it (thin).  One global
    threshold would black out the dim side of an unevenly lit page."""
    grey = cv2.cvtColor(np.clip(image, 0, 255).astype(np.uint8), cv2.COLOR_RGB2GRAY)
    flat = np.clip(grey.astype(np.float32) / _paper_white(grey) * 255, 0, 255).astype(np.uint8)
    otsu, _ = cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    level = float(np.clip(otsu + threshold_offset, 1, 254))
    _, black_white = cv2.threshold(flat, level, 255, cv2.THRESH_BINARY)
    return Image.fromarray(black_white).convert("1", dither=Image.Dither.NONE)


def _paper_white(grey: np.ndarray) -> np.ndarray:
    """The paper's brightness at every pixel: ink closed over by a window
    wider than a character, smoothed, never darker than mid grey (worked out
    on an eighth of the resolution: light changes slowly across a page)."""
    height, width = grey.shape
    small = cv2.resize(grey, (max(1, width // 8), max(1, height // 8)), interpolation=cv2.INTER_AREA)
    size = max(3, small.shape[1] // 40) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))
    white = cv2.GaussianBlur(cv2.dilate(small, kernel), (0, 0), size)
    white = cv2.resize(white, (width, height), interpolation=cv2.INTER_LINEAR)
    return np.maximum(white.astype(np.float32), 128.0)

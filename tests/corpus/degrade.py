"""Scanned variants of corpus PDFs: image-only pages with the usual damage.

``scan`` renders each page with pdfium at the scan resolution, then applies,
in the order a real scan suffers them: a red official seal (公章) stamped over
the body, a fold line, skew, blur, noise, and finally grey JPEG or bitonal
CCITT G4 compression.  The result has no text layer and the source's page
size.  The truth of the source PDF stays valid: only the pixels change.

    .venv/bin/python -m tests.corpus.degrade IN.pdf OUT.pdf --preset 200dpi-seal-skew-noise
"""

from __future__ import annotations

import argparse
import math
import random
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

from tests.corpus.fonts import FONT_FILES

PRESETS: dict[str, dict[str, Any]] = {
    "300dpi-clean": {"dpi": 300},
    "200dpi-seal-skew-noise": {"dpi": 200, "skew_deg": 1.5, "blur": 0.6, "noise": 8.0, "jpeg_quality": 80,
                               "seal": True, "fold": True},
    "150dpi-jpeg": {"dpi": 150, "blur": 0.4, "noise": 3.0, "jpeg_quality": 30},
    "300dpi-bitonal-g4": {"dpi": 300, "skew_deg": 0.4, "noise": 4.0, "seal": True, "bitonal": True},
}
SEAL_DIAMETER_MM = 42  # the common size of an official round seal
SEAL_RED = np.array([205, 28, 36], dtype=np.float32)
UNIT_NAME = re.compile(r"^\D*?(局|委员会|办事处|中心|院|所)")
FIXED_DATE = time.gmtime(0)  # keeps the output byte-identical between runs


def scan(
    pdf_path: str | Path,
    out_path: str | Path,
    dpi: int = 300,
    skew_deg: float = 0.0,
    blur: float = 0.0,
    noise: float = 0.0,
    jpeg_quality: int = 90,
    seal: bool = False,
    fold: bool = False,
    bitonal: bool = False,
    seed: int = 0,
    pages: Sequence[int] | None = None,
) -> Path:
    """Write an image-only "scan" of ``pdf_path`` (0-based ``pages``, default all).

    ``skew_deg`` is the largest page rotation (each page turns by 60–100 % of
    it, either way); ``blur`` a Gaussian sigma and ``noise`` a grey-level
    standard deviation, both at the scan's resolution.  ``bitonal`` pages are
    Otsu-thresholded and stored CCITT G4, others as JPEG of ``jpeg_quality``.
    """
    rng = random.Random(f"scan/{seed}/{Path(pdf_path).name}")
    document = pdfium.PdfDocument(str(pdf_path))
    indices = list(pages) if pages is not None else list(range(len(document)))
    sealed_page = rng.choice(indices) if seal else None
    seal_text = _unit_name(document)
    images = []
    for index in indices:
        image = document[index].render(scale=dpi / 72, rev_byteorder=True).to_numpy().astype(np.float32)
        if index == sealed_page:
            image = _stamp_seal(image, rng, dpi, seal_text)
        if fold:
            image = _fold(image, rng, dpi)
        if skew_deg:
            image = _rotate(image, skew_deg * rng.uniform(0.6, 1.0) * rng.choice([-1, 1]))
        if blur:
            image = cv2.GaussianBlur(image, (0, 0), blur)
        if noise:
            image = _add_noise(image, rng, noise)
        images.append(_to_pil(np.clip(image, 0, 255).astype(np.uint8), bitonal))
    out = Path(out_path)
    compression = {} if bitonal else {"quality": jpeg_quality}  # G4 takes no quality
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=float(dpi),
                   creationDate=FIXED_DATE, modDate=FIXED_DATE, **compression)
    return out


def scan_preset(pdf_path: str | Path, out_path: str | Path, preset: str, seed: int = 0,
                pages: Sequence[int] | None = None) -> Path:
    """``scan`` with the settings of a named preset (see ``PRESETS``)."""
    return scan(pdf_path, out_path, seed=seed, pages=pages, **PRESETS[preset])


def _unit_name(document: pdfium.PdfDocument) -> str:
    """The unit named at the top of page 1 (the seal's text), or a generic one."""
    for line in document[0].get_textpage().get_text_range().splitlines()[:4]:
        match = UNIT_NAME.match(re.sub(r"\s+", "", line))
        if match:
            return match.group(0).split("：")[-1]  # 部门单位名称（公章）：XX局
    return "预算管理专用章"


# --------------------------------------------------------------------------
# Damage
# --------------------------------------------------------------------------


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


def _stamp_seal(image: np.ndarray, rng: random.Random, dpi: int, text: str) -> np.ndarray:
    """Multiply a semi-transparent red seal onto the body of the page (text
    under it stays visible, darkened, as with real ink)."""
    diameter = round(SEAL_DIAMETER_MM / 25.4 * dpi)
    alpha = _seal_mask(diameter, text, rng)[:, :, None] * rng.uniform(0.8, 0.95)
    height, width = image.shape[:2]
    x = round(width * rng.uniform(0.35, 0.75) - diameter / 2)
    y = round(height * rng.uniform(0.25, 0.75) - diameter / 2)
    region = image[y:y + diameter, x:x + diameter]
    tinted = region * (SEAL_RED / 255)
    image[y:y + diameter, x:x + diameter] = region * (1 - alpha) + tinted * alpha
    return image


def _fold(image: np.ndarray, rng: random.Random, dpi: int) -> np.ndarray:
    """A horizontal fold near the middle: a dark crease with a lighter edge."""
    height = image.shape[0]
    centre = height * rng.uniform(0.45, 0.55)
    rows = np.arange(height, dtype=np.float32) - centre
    crease = dpi / 25.4 * 0.6  # about 0.6 mm
    shade = 1 - 0.28 * np.exp(-((rows / crease) ** 2)) + 0.06 * np.exp(-(((rows - 3 * crease) / (2 * crease)) ** 2))
    return image * shade[:, None, None]


def _rotate(image: np.ndarray, degrees: float) -> np.ndarray:
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    return cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=(255, 255, 255))


def _add_noise(image: np.ndarray, rng: random.Random, sigma: float) -> np.ndarray:
    """Sensor noise (grey, the same on all channels) and a few dust specks."""
    generator = np.random.default_rng(rng.randrange(2**32))
    height, width = image.shape[:2]
    image = image + generator.normal(0, sigma, (height, width, 1)).astype(np.float32)
    for _ in range(int(sigma * 10)):
        cv2.circle(image, (int(generator.integers(width)), int(generator.integers(height))),
                   int(generator.integers(1, 3)), (40, 40, 40), -1)
    return image


def _to_pil(image: np.ndarray, bitonal: bool) -> Image.Image:
    if not bitonal:
        return Image.fromarray(image, "RGB")
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    _, black_white = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return Image.fromarray(black_white).convert("1", dither=Image.Dither.NONE)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Make a scanned, image-only variant of a PDF.")
    parser.add_argument("pdf", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--preset", choices=list(PRESETS), default="200dpi-seal-skew-noise")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(scan_preset(args.pdf, args.out, args.preset, seed=args.seed))


if __name__ == "__main__":
    main()

"""Scanned variants of corpus PDFs: image-only pages with the damage of real scans.

``scan_point`` renders each page with pdfium at the scanner's resolution and
applies that page's damage (``tests/corpus/space.py`` samples it;
``tests/corpus/damage.py`` draws it), then stores it as JPEG (colour or
grey) or bitonal CCITT G4.  The result has no text layer and the source's
page size.  The truth of the source PDF stays valid: only the pixels change.

``scan`` is the short form with one setting for every page, and ``PRESETS``
name four such settings.

    .venv/bin/python -m tests.corpus.degrade IN.pdf OUT.pdf --preset 200dpi-seal-skew-noise
    .venv/bin/python -m tests.corpus.degrade IN.pdf OUT.pdf --space-seed 31007 [--held-out]
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from tests.corpus import damage
from tests.corpus.space import PageDamage, Scanner, ScanPoint, sample_scan

PRESETS: dict[str, dict[str, Any]] = {
    "300dpi-clean": {"dpi": 300},
    "200dpi-seal-skew-noise": {"dpi": 200, "skew_deg": 1.5, "blur": 0.6, "noise": 8.0, "jpeg_quality": 80,
                               "seal": True, "fold": True},
    "150dpi-jpeg": {"dpi": 150, "blur": 0.4, "noise": 3.0, "jpeg_quality": 30},
    "300dpi-bitonal-g4": {"dpi": 300, "skew_deg": 0.4, "noise": 4.0, "seal": True, "bitonal": True},
}
UNIT_NAME = re.compile(r"^\D*?(局|委员会|办事处|中心|院|所)")
FIXED_DATE = time.gmtime(0)  # keeps the output byte-identical between runs
MM_PER_INCH = 25.4


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
    """Write an image-only "scan" of ``pdf_path`` (0-based ``pages``, default all)
    with one setting for all pages.

    ``skew_deg`` is the largest page rotation (each page turns by 60–100 % of
    it, either way); ``blur`` a Gaussian sigma and ``noise`` a grey-level
    standard deviation, both at the scan's resolution, with a few dust specks.
    ``seal`` stamps one page; ``fold`` creases every page near its middle.
    """
    rng = random.Random(f"scan/{seed}/{Path(pdf_path).name}")
    count = len(pages) if pages is not None else len(pdfium.PdfDocument(str(pdf_path)))
    sealed = rng.randrange(count) if seal else None
    damages = []
    for index in range(count):
        damages.append(PageDamage(
            skew_deg=skew_deg * rng.uniform(0.6, 1.0) * rng.choice([-1, 1]) if skew_deg else 0.0,
            blur=blur, noise=noise, speckle=int(noise * 10),
            fold_at=rng.uniform(0.45, 0.55) if fold else None,
            seal_at=(rng.uniform(0.35, 0.75), rng.uniform(0.25, 0.75)) if index == sealed else None,
        ))
    scanner = Scanner(dpi=dpi, mode="bitonal" if bitonal else "colour", jpeg_quality=jpeg_quality)
    return scan_point(pdf_path, out_path, ScanPoint(scanner, tuple(damages)), seed=seed, pages=pages)


def scan_preset(pdf_path: str | Path, out_path: str | Path, preset: str, seed: int = 0,
                pages: Sequence[int] | None = None) -> Path:
    """``scan`` with the settings of a named preset (see ``PRESETS``)."""
    return scan(pdf_path, out_path, seed=seed, pages=pages, **PRESETS[preset])


def scan_point(pdf_path: str | Path, out_path: str | Path, point: ScanPoint, seed: int = 0,
               pages: Sequence[int] | None = None) -> Path:
    """Write the scan of ``pdf_path`` at ``point`` of the damage space: page
    ``k`` of the output (``pages[k]`` of the source) suffers ``point.pages[k]``."""
    rng = random.Random(f"point/{seed}/{Path(pdf_path).name}")
    document = pdfium.PdfDocument(str(pdf_path))
    indices = list(pages) if pages is not None else list(range(len(document)))
    if len(point.pages) < len(indices):
        raise ValueError(f"{len(indices)} pages to scan but damage for {len(point.pages)}")
    seal_text = _unit_name(document)
    scanner = point.scanner
    images = []
    for index, page_damage in zip(indices, point.pages, strict=False):
        image = document[index].render(scale=scanner.dpi / 72, rev_byteorder=True).to_numpy().astype(np.float32)
        images.append(_to_pil(_damaged(image, page_damage, scanner, rng, seal_text), scanner))
    out = Path(out_path)
    compression = {} if scanner.mode == "bitonal" else {"quality": scanner.jpeg_quality}  # G4 takes no quality
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=float(scanner.dpi),
                   creationDate=FIXED_DATE, modDate=FIXED_DATE, **compression)
    return out


def sampled_scan(pdf_path: str | Path, out_path: str | Path, space_seed: int, held_out: bool,
                 pages: Sequence[int] | None = None) -> tuple[Path, ScanPoint]:
    """``scan_point`` at a point drawn by ``space.sample_scan``; returns the point too."""
    count = len(pages) if pages is not None else len(pdfium.PdfDocument(str(pdf_path)))
    point = sample_scan(space_seed, count, held_out)
    return scan_point(pdf_path, out_path, point, seed=space_seed, pages=pages), point


def _damaged(image: np.ndarray, page: PageDamage, scanner: Scanner, rng: random.Random, seal_text: str) -> np.ndarray:
    dpi = scanner.dpi
    if page.seal_at is not None:
        image = damage.stamp_seal(image, rng, dpi, seal_text, page.seal_at)
    if page.fold_at is not None:
        image = damage.fold(image, dpi, page.fold_at, page.fold_depth)
    if page.light:
        image = damage.uneven_light(image, page.light, page.light_angle)
    if page.shadow_mm:
        image = damage.border_shadow(image, dpi, page.shadow_mm, page.shadow_side)
    shift = tuple(mm / MM_PER_INCH * dpi for mm in page.shift_mm)
    if page.skew_deg or any(shift) or page.scale != 1:
        image = damage.place(image, page.skew_deg, shift, page.scale)
    if page.blur:
        image = cv2.GaussianBlur(image, (0, 0), page.blur)
    if page.noise:
        image = damage.sensor_noise(image, rng, page.noise)
    if page.speckle:
        image = damage.speckle(image, rng, dpi, page.speckle)
    return image


def _unit_name(document: pdfium.PdfDocument) -> str:
    """The unit named at the top of page 1 (the seal's text), or a generic one."""
    for line in document[0].get_textpage().get_text_range().splitlines()[:4]:
        match = UNIT_NAME.match(re.sub(r"\s+", "", line))
        if match:
            return match.group(0).split("：")[-1]  # 部门单位名称（公章）：XX局
    return "预算管理专用章"


def _to_pil(image: np.ndarray, scanner: Scanner) -> Image.Image:
    if scanner.mode == "bitonal":
        return damage.bitonal(image, scanner.threshold_offset)
    pixels = np.clip(image, 0, 255).astype(np.uint8)
    if scanner.mode == "grey":
        return Image.fromarray(cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY), "L")
    return Image.fromarray(pixels, "RGB")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Make a scanned, image-only variant of a PDF.")
    parser.add_argument("pdf", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--preset", choices=list(PRESETS), default="200dpi-seal-skew-noise")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--space-seed", type=int, help="sample the damage space instead of a preset")
    parser.add_argument("--held-out", action="store_true", help="with --space-seed: inside a held-out region")
    args = parser.parse_args(argv)
    if args.space_seed is None:
        print(scan_preset(args.pdf, args.out, args.preset, seed=args.seed))
        return
    out, point = sampled_scan(args.pdf, args.out, args.space_seed, args.held_out)
    print(out, point.scanner, point.region, sep="\n")
    for number, page in enumerate(point.pages, start=1):
        print(f"  page {number}: {page}")


if __name__ == "__main__":
    main()

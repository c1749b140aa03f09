"""What our OCR does to our documents: a catalogue of confusions.

Generates reports, makes scanned variants of a few pages with the corpus
presets, reads them the way the flow does (``scan.read_scanned_page``) and
compares every OCR line with the born-digital text layer under the same box.
Prints the confusions (truth -> OCR, whitespace ignored), numbers read with
spaces inside, and the damaged lines themselves; docs/ocr-damage.md sums
one run up.  About 3 s a page on one core.

    .venv/bin/python -m benchmarks.ocr_damage [--seeds 11] [--pages 1 2 3 5]
"""

from __future__ import annotations

import argparse
import re
import tempfile
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

import pypdfium2 as pdfium

from pipeline.model import Char, Page
from pipeline.scan import read_scanned_page
from tests.corpus.degrade import PRESETS, scan_preset
from tests.corpus.generate import generate

# A confusion longer than this is a reading-order or box mismatch, not a misread.
_MAX_CONFUSION = 4
_NUMBER_WITH_SPACE = re.compile(r"\d[\d,.，。．]*\s+[\d,.，。．\s]*\d")


def ocr_lines(chars: list[Char]) -> list[list[Char]]:
    """Chars grouped into lines: a new line where the text goes back left or down."""
    lines: list[list[Char]] = []
    for char in chars:
        if lines:
            first, last = lines[-1][0], lines[-1][-1]
            height = first.bbox[3] - first.bbox[1]
            same_row = abs(_centre_y(char) - _centre_y(first)) < height / 2
            if same_row and char.bbox[0] >= last.bbox[0]:
                lines[-1].append(char)
                continue
        lines.append([char])
    return lines


def _centre_y(char: Char) -> float:
    return (char.bbox[1] + char.bbox[3]) / 2


def text_under(text_page: pdfium.PdfTextPage, page_height: float, line: list[Char]) -> str:
    """The born-digital text under an OCR line's box (points, top-left origin)."""
    x0 = min(c.bbox[0] for c in line) - 1.0
    x1 = max(c.bbox[2] for c in line) + 1.0
    centre = sum(_centre_y(c) for c in line) / len(line)
    half = (line[0].bbox[3] - line[0].bbox[1]) * 0.45  # low enough for the baseline dots
    return text_page.get_text_bounded(x0, page_height - centre - half, x1, page_height - centre + half)


def confusions(truth: str, read: str) -> tuple[list[tuple[str, str]], bool]:
    """Short differences truth -> read, whitespace ignored; and whether some
    difference was too long to be a misread (box or reading-order mismatch)."""
    a, b = "".join(truth.split()), "".join(read.split())
    found, misaligned = [], False
    for tag, i0, i1, j0, j1 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if max(i1 - i0, j1 - j0) <= _MAX_CONFUSION:
            found.append((a[i0:i1], b[j0:j1]))
        else:
            misaligned = True
    return found, misaligned


def study_page(pdf: Path, scanned: Path, index: int, scanned_index: int) -> list[tuple[str, str]]:
    """(truth, OCR) text of every line of one scanned page."""
    document = pdfium.PdfDocument(str(pdf))
    width, height = document[index].get_size()
    text_page = document[index].get_textpage()
    page = Page(scanned_index + 1, width, height, "ocr", file=str(scanned))
    read_scanned_page(page)
    pairs = [(text_under(text_page, height, line), "".join(c.text for c in line)) for line in ocr_lines(page.chars)]
    document.close()
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[11])
    parser.add_argument("--kinds", nargs="+", default=["final_account"])
    parser.add_argument("--pages", type=int, nargs="+", default=[1, 2, 3, 5], help="0-based pages of each report")
    parser.add_argument("--presets", nargs="+", default=list(PRESETS), choices=list(PRESETS))
    args = parser.parse_args()

    counts: Counter[tuple[str, str]] = Counter()
    spaced_numbers: list[str] = []
    damaged: list[str] = []
    misaligned: list[str] = []
    lines_read = 0
    with tempfile.TemporaryDirectory() as tmp:
        for pdf in generate(Path(tmp), args.seeds, args.kinds, statements=False):
            for preset in args.presets:
                scanned = scan_preset(pdf, Path(tmp) / f"{pdf.stem}-{preset}.pdf", preset, pages=args.pages)
                for scanned_index, index in enumerate(args.pages):
                    for truth, read in study_page(pdf, scanned, index, scanned_index):
                        lines_read += 1
                        spaced_numbers += _NUMBER_WITH_SPACE.findall(read)
                        found, long_difference = confusions(truth, read)
                        counts.update(found)
                        line = f"{preset} p{index}: {truth!r} -> {read!r}"
                        if long_difference:
                            misaligned.append(line)
                        elif found:
                            damaged.append(line)
    print(f"lines read: {lines_read}, damaged: {len(damaged)}, not aligned with the text layer: {len(misaligned)}")
    print("\nconfusions (truth -> OCR), most frequent first:")
    for (truth, read), n in counts.most_common():
        print(f"  {n:4d}  {truth!r} -> {read!r}")
    print(f"\nnumbers read with a space inside: {len(spaced_numbers)}")
    for number in spaced_numbers:
        print(f"  {number!r}")
    print("\ndamaged lines:")
    for line in damaged:
        print(f"  {line}")
    print("\nnot aligned (long differences, not counted above):")
    for line in misaligned:
        print(f"  {line}")


if __name__ == "__main__":
    main()

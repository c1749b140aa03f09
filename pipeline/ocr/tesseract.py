"""Tesseract 5 through its command line (Debian: tesseract-ocr, tesseract-ocr-chi-sim).

The CLI's TSV output gives word boxes and confidences; no Python wrapper is
needed.  OMP_THREAD_LIMIT=1 because tesseract's OpenMP threads fight with the
other workers on small machines and make it slower, not faster.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.model import BBox
from pipeline.ocr.base import OcrOptions, PixelLine, RegionReader, split_box

_WORD_LEVEL = "5"


@dataclass(slots=True)
class _Word:
    text: str
    box: BBox
    confidence: float


class TesseractEngine(RegionReader):
    name = "tesseract"

    def __init__(self, options: OcrOptions) -> None:
        super().__init__(options)
        if shutil.which("tesseract") is None:
            raise RuntimeError("tesseract is not installed: apt-get install -y tesseract-ocr tesseract-ocr-chi-sim")

    def _read_lines(self, image: np.ndarray) -> list[PixelLine]:
        lines = [_join_words(words) for words in self._words_by_line(image, self.options.tesseract_page_mode)]
        # The mean, like the line scores other engines filter on: tesseract's
        # word confidences are low for single CJK characters it reads right.
        return [line for line in lines if line.text and np.mean(line.char_conf) >= self.options.min_confidence]

    def read_cell(self, image_crop: np.ndarray) -> tuple[str, float]:
        lines = [_join_words(words) for words in self._words_by_line(image_crop, self.options.tesseract_cell_mode)]
        lines = [line for line in lines if line.text]
        if not lines:
            return "", 1.0
        return "".join(line.text for line in lines), min(min(line.char_conf) for line in lines)

    def _words_by_line(self, image: np.ndarray, page_mode: int) -> list[list[_Word]]:
        """Words from tesseract's TSV, grouped into its lines in reading order."""
        grouped: dict[tuple[str, str, str], list[_Word]] = defaultdict(list)
        for row in csv.DictReader(io.StringIO(self._tsv(image, page_mode)), delimiter="\t", quoting=csv.QUOTE_NONE):
            text = (row["text"] or "").strip()
            if row["level"] != _WORD_LEVEL or not text:
                continue
            left, top = float(row["left"]), float(row["top"])
            box = (left, top, left + float(row["width"]), top + float(row["height"]))
            grouped[(row["block_num"], row["par_num"], row["line_num"])].append(
                _Word(text, box, max(0.0, float(row["conf"])) / 100.0)
            )
        return list(grouped.values())

    def _tsv(self, image: np.ndarray, page_mode: int) -> str:
        ok, png = cv2.imencode(".png", image)
        if not ok:
            raise ValueError("could not encode the image for tesseract")
        command = [
            "tesseract", "stdin", "stdout",
            "-l", self.options.tesseract_lang,
            "--psm", str(page_mode),
            "--dpi", str(self.options.tesseract_dpi),
            "tsv",
        ]  # fmt: skip
        completed = subprocess.run(
            command,
            input=png.tobytes(),
            capture_output=True,
            check=True,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
        return completed.stdout.decode("utf-8")


def _join_words(words: list[_Word]) -> PixelLine:
    """One line from tesseract's words.

    chi_sim reports most CJK characters as separate words; a space is kept
    only between two non-CJK words (``2024 年`` reads ``2024年``, as the
    contract's normalisation would make it anyway, while ``A 1`` keeps it).
    """
    text, boxes, confidences = "", [], []
    previous: _Word | None = None
    for word in words:
        if previous is not None and not (_is_wide(previous.text[-1]) or _is_wide(word.text[0])):
            text += " "
            boxes.append((previous.box[2], previous.box[1], max(previous.box[2], word.box[0]), previous.box[3]))
            confidences.append(min(previous.confidence, word.confidence))
        text += word.text
        boxes += split_box(word.text, word.box)
        confidences += [word.confidence] * len(word.text)
        previous = word
    return PixelLine(text, boxes, confidences)


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"

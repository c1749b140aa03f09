"""Seconds per page and character error rate for each OCR engine and strategy.

    .venv/bin/python -m benchmarks.ocr_engines [--pages N]
    .venv-paddle/bin/python -m benchmarks.ocr_engines [--pages N]   # with paddleocr

Pages are rendered 部门决算 pages at 200 dpi (title, paragraphs, ruled table),
each once as printed and once as a poor scan (tilted, red seal, uneven light).
Strategies: whole page as given ("raw"), after ``preprocess.clean`` ("clean"),
and per layout region after cleaning ("regions"); the baseline for the speed
ratio is raw whole-page rapidocr.  ``read_cell`` is timed on the table's cells
(recognition only) against the cost of the whole page.
Engines that cannot be built here are reported and skipped: paddleocr runs
only from ``.venv-paddle``, with the models ``scripts/setup.sh --paddle`` lays
out in ``models/paddle`` (all engines are timed in the same process there).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

from pipeline import layout, preprocess
from pipeline.model import BBox, Line
from pipeline.ocr import ENGINES, OcrEngine, OcrOptions, get_engine
from tests.scanned import DrawnPage, character_error_rate, report_page, rotated, with_red_seal, with_uneven_light

Strategy = Callable[[OcrEngine, np.ndarray], list[Line]]
PADDLE_MODELS = Path(__file__).resolve().parents[1] / "models" / "paddle"


@dataclass
class Sample:
    name: str
    image: np.ndarray
    truth: str


def raw_page(engine: OcrEngine, image: np.ndarray) -> list[Line]:
    return engine.read(image)


def cleaned_page(engine: OcrEngine, image: np.ndarray) -> list[Line]:
    return engine.read(preprocess.clean(image).image)


def cleaned_regions(engine: OcrEngine, image: np.ndarray) -> list[Line]:
    cleaned = preprocess.clean(image).image
    return engine.read(cleaned, layout.detect(cleaned))


STRATEGIES: dict[str, Strategy] = {"raw": raw_page, "clean": cleaned_page, "regions": cleaned_regions}


def reading_order_text(boxed: list[tuple[str, BBox]]) -> str:
    """Texts top to bottom, and left to right within a visual row."""
    rows: list[list[tuple[str, BBox]]] = []
    for text, box in sorted(boxed, key=lambda item: (item[1][1] + item[1][3]) / 2):
        centre, height = (box[1] + box[3]) / 2, box[3] - box[1]
        if rows and abs(centre - (rows[-1][0][1][1] + rows[-1][0][1][3]) / 2) < height / 2:
            rows[-1].append((text, box))
        else:
            rows.append([(text, box)])
    return "".join(text for row in rows for text, _ in sorted(row, key=lambda item: item[1][0]))


def samples(count: int) -> list[tuple[Sample, DrawnPage]]:
    page = report_page()
    truth = reading_order_text([(line.text, line.bbox) for line in page.lines])
    seal_centre = (1250, 420)
    scan = with_uneven_light(with_red_seal(rotated(page.image, 1.5), seal_centre, 130), darkest=0.6)
    pages = [Sample("printed", page.image, truth), Sample("scan", scan, truth)]
    return [(sample, page) for sample in pages[:count]]


def engine_options(name: str) -> OcrOptions:
    """Default options; paddleocr also needs its local models."""
    return OcrOptions(paddle_model_dir=str(PADDLE_MODELS)) if name == "paddleocr" else OcrOptions()


def time_call(function: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def table_cell_crops(page: DrawnPage) -> list[np.ndarray]:
    """The printed page's table cells, cut just inside their rules."""
    xs = sorted({r.x0 for r in page.rules if not r.horizontal})
    ys = sorted({r.y0 for r in page.rules if r.horizontal})
    return [
        page.image[int(top) + 3 : int(bottom) - 2, int(left) + 3 : int(right) - 2]
        for top, bottom in pairwise(ys)
        for left, right in pairwise(xs)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2, help="how many sample pages (1: printed, 2: + scan)")
    args = parser.parse_args()
    pages = samples(args.pages)

    engines: list[OcrEngine] = []
    for name in ENGINES:
        try:
            engine = get_engine(name, engine_options(name))
        except (ImportError, ValueError, FileNotFoundError, RuntimeError) as error:
            print(f"{name}: skipped ({error})")
            continue
        engine.read(pages[0][0].image[:200])  # load models outside the timings
        engines.append(engine)

    print(f"\n{'engine':<10} {'strategy':<8} {'page':<8} {'s/page':>7} {'CER':>6} {'vs raw rapidocr':>16}")
    baseline: dict[str, float] = {}
    for engine in engines:
        for strategy_name, strategy in STRATEGIES.items():
            for sample, _ in pages:
                seconds, lines = time_call(lambda e=engine, s=strategy, i=sample.image: s(e, i))
                text = reading_order_text([(line.text, line.bbox) for line in lines])
                cer = character_error_rate(text, sample.truth)
                if engine.name == "rapidocr" and strategy_name == "raw":
                    baseline[sample.name] = seconds
                ratio = seconds / baseline[sample.name] if sample.name in baseline else float("nan")
                print(f"{engine.name:<10} {strategy_name:<8} {sample.name:<8} {seconds:7.2f} {cer:6.3f} {ratio:15.2f}x")

    _, printed = pages[0]
    cells = table_cell_crops(printed)
    for engine in engines:
        seconds, _ = time_call(lambda e=engine: [e.read_cell(crop) for crop in cells])
        print(
            f"{engine.name}: read_cell on {len(cells)} table cells {seconds:.2f} s "
            f"({seconds / len(cells) * 1000:.0f} ms/cell)"
        )


if __name__ == "__main__":
    main()

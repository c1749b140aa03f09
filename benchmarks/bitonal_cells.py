"""Does smoothing a bitonal scan's cells before recognition help?  Measured.

Scans reports bitonally at fixed points (thin, Otsu and bold thresholds;
300 and 400 dpi) with each page drawn inside the 300 dpi bitonal test
point's ranges, and reads each with ``scan.bitonal_cells`` set to ``none``,
``close`` and ``smooth`` in turn, in the same process.  Prints F1 of the
table sections, fields wrong at confidence >= 0.95, and seconds.

    .venv/bin/python benchmarks/bitonal_cells.py [--seeds 61450 61451]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.evaluate import evaluate, summarise
from pipeline.flow import Pipeline
from pipeline.scan.options import BITONAL_CELLS
from tests.corpus.degrade import scan_point
from tests.corpus.generate import generate
from tests.corpus.space import HELD_OUT_SEEDS, TEST_POINTS, Scanner, fixed_scan

SETTINGS = {"thin (-25)": (300, -25.0), "Otsu": (300, 0.0), "bold (+25)": (300, 25.0), "400 dpi": (400, 0.0)}
TABLE_SECTIONS = ("performance", "performance_indicators")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[HELD_OUT_SEEDS[450]])
    args = parser.parse_args()
    _, ranges, _ = TEST_POINTS["300dpi-bitonal"]
    base = Pipeline.from_config()
    print("| setting | bitonal_cells | performance F1 | indicators F1 | wrong at >= 0.95 | s |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        pdfs = generate(Path(tmp), args.seeds, statements=False)
        for name, (dpi, offset) in SETTINGS.items():
            scans = []
            for pdf in pdfs:
                truth = json.loads(pdf.with_suffix(".truth.json").read_text(encoding="utf-8"))
                point = fixed_scan(Scanner(dpi, "bitonal", threshold_offset=offset), truth["pages"], 0, **ranges)
                scans.append((scan_point(pdf, Path(tmp) / f"{pdf.stem}-{dpi}-{offset}.pdf", point), truth))
            for how in BITONAL_CELLS:
                pipeline = replace(base, scan=replace(base.scan, bitonal_cells=how))
                started = time.perf_counter()
                total = summarise(evaluate(pipeline.run(scanned), truth) for scanned, truth in scans)
                seconds = time.perf_counter() - started
                scores = total.scores()
                sure = [r for r in total.results if r.predicted is not None and (r.confidence or 0) >= 0.95]
                wrong = sum(not r.correct for r in sure)
                print(f"| {name} | {how} | {scores[TABLE_SECTIONS[0]].f1:.4f} | {scores[TABLE_SECTIONS[1]].f1:.4f} "
                      f"| {wrong} of {len(sure)} | {seconds:.0f} |", flush=True)


if __name__ == "__main__":
    main()

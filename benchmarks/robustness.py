"""Hostile files: what the product does with each, and what it costs.

    .venv/bin/python -m benchmarks.robustness [--seeds 5 6101] [--skip-ocr]

For each report seed (5 is where the hostile cases were built and the
thresholds checked; pass others never looked at), every hostile copy of
``tests/hostile.py`` is read and scored against the clean report's own
reading: status, page errors, notes, figure F1, seconds.  Then costs, as
ratios measured in the same run:

* a blank page (born-digital, and scanned paper) against an ordinary
  scanned page;
* orientation (``scan.orient``) against the whole scanned page it serves;
* ingest with the text-layer checks against pypdfium2's own read of the
  same characters and boxes.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium

from pipeline.flow import Pipeline
from pipeline.ingest import open_pdf
from pipeline.ocr import get_engine
from pipeline.preprocess import render_page
from pipeline.scan.orient import quarter_turns
from tests import hostile
from tests.corpus.degrade import scan
from tests.corpus.generate import generate


def figure_f1(found: dict[str, object], truth: dict[str, object]) -> float:
    right = sum(found.get(key) == value for key, value in truth.items())
    precision = right / len(found) if found else 0.0
    recall = right / len(truth) if truth else 1.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def cases(good: Path, other: Path, work: Path, with_ocr: bool) -> dict[str, Path]:
    excerpt = hostile.first_pages(good, work / "excerpt.pdf", 1)
    made = {
        "radical code points": hostile.kangxi_text_layer(good, work / "kangxi.pdf"),
        "/Rotate 90, content counter-rotated": hostile.rotated_upright(good, work / "rotate.pdf"),
        "padding after %%EOF": hostile.padded_after_eof(good, work / "padded.pdf"),
        "blank page inserted": hostile.with_blank_page(good, work / "blank.pdf"),
        "60 KB damaged mid-file": hostile.damaged_middle(good, work / "damaged.pdf"),
    }
    if with_ocr:
        one_scan = scan(good, work / "scan-1.pdf", dpi=200, pages=[0])
        made |= {
            "shifted code points (page 1)": hostile.shifted_text_layer(excerpt, work / "shifted.pdf"),
            "private-use glyphs (page 1)": hostile.private_use_text_layer(excerpt, work / "pua.pdf"),
            "invisible text of another report": hostile.sandwich(one_scan, other, work / "sandwich.pdf"),
            "invisible text of its own page": hostile.sandwich(one_scan, good, work / "sandwich-own.pdf"),
            "scan fed sideways (page 1)": hostile.turned_scan(excerpt, work / "turned-1.pdf", 1),
            "scan upside down (page 1)": hostile.turned_scan(excerpt, work / "turned-2.pdf", 2),
            "14400 pt page": hostile.with_huge_page(scan(excerpt, work / "s100.pdf", dpi=100), work / "huge.pdf"),
            "page 2's scan image damaged (page 1)": hostile.undecodable_image(
                scan(good, work / "scan-2.pdf", dpi=200, pages=[0, 1]), work / "damaged-image.pdf", page=2
            ),
        }
    return made


def report_cases(seed: int, pipeline: Pipeline, work: Path, with_ocr: bool) -> None:
    good, other = generate(work, [seed, seed + 1])
    clean = pipeline.run(good)
    truth = {f.key: f.value for f in clean.figures}
    page_one = {f.key: f.value for f in clean.figures if f.page == 1}
    print(f"\nseed {seed}: {good.name}, {clean.document.pages} pages, {len(truth)} figures read from the clean file")
    print(f"{'case':38s} {'status':8s} {'errors':>6s} {'notes':34s} {'fig F1':>7s} {'s':>6s}")
    for name, path in cases(good, other, work, with_ocr).items():
        started = time.perf_counter()
        document = pipeline.run(path)
        seconds = time.perf_counter() - started
        found = {f.key: f.value for f in document.figures}
        expected = page_one if "(page 1)" in name or "invisible" in name or "14400" in name else truth
        notes = ",".join(sorted({n.kind for n in document.document.page_notes})) or "-"
        print(
            f"{name:38s} {document.document.status:8s} {len(document.page_errors):6d} {notes:34s} "
            f"{figure_f1(found, expected):7.3f} {seconds:6.1f}"
        )


def costs(pipeline: Pipeline, work: Path) -> None:
    good = generate(work, [7])[0]
    scanned = scan(good, work / "cost-scan.pdf", dpi=200, pages=[0, 1])
    engine = get_engine(pipeline.scan.engine, pipeline.scan.ocr)
    pipeline.run(scanned)  # warm the models

    started = time.perf_counter()
    pipeline.run(scanned)
    page_s = (time.perf_counter() - started) / 2

    blank_digital = hostile.with_blank_page(good, work / "b.pdf", after=0)
    blanks = hostile.first_pages(blank_digital, work / "b1.pdf", 1)
    paper = hostile.blank_scan(work / "paper.pdf")
    timings = {}
    for name, path in (("blank born-digital page", blanks), ("blank scanned page", paper)):
        started = time.perf_counter()
        document = pipeline.run(path)
        timings[name] = time.perf_counter() - started
        assert document.document.page_notes[0].kind == "blank", name

    image = render_page(scanned, 0, pipeline.scan.dpi)
    started = time.perf_counter()
    for _ in range(3):
        quarter_turns(image, engine)
    orient_s = (time.perf_counter() - started) / 3

    started = time.perf_counter()
    for _ in range(5):
        open_pdf(good)
    ingest_s = (time.perf_counter() - started) / 5
    started = time.perf_counter()
    for _ in range(5):
        document = pdfium.PdfDocument(str(good))
        for page in document:
            text = page.get_textpage()
            for index in range(text.count_chars()):
                text.get_charbox(index, loose=True)
        document.close()
    pdfium_s = (time.perf_counter() - started) / 5

    print("\ncosts (same run)")
    print(f"  ordinary scanned page            {page_s:7.3f} s")
    for name, seconds in timings.items():
        print(f"  {name:32s} {seconds:7.3f} s   ratio to a scanned page {seconds / page_s:.4f}")
    print(f"  orientation of an upright page   {orient_s:7.3f} s   ratio to its scanned page {orient_s / page_s:.3f}")
    print(
        f"  ingest with text-layer checks    {ingest_s:7.3f} s   "
        f"ratio to pypdfium2 chars+boxes {ingest_s / pdfium_s:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[5, 6101])
    parser.add_argument("--skip-ocr", action="store_true", help="only the cases that need no OCR")
    args = parser.parse_args()
    pipeline = Pipeline.from_config()
    with tempfile.TemporaryDirectory() as folder:
        for seed in args.seeds:
            work = Path(folder) / str(seed)
            work.mkdir()
            report_cases(seed, pipeline, work, not args.skip_ocr)
        costs(pipeline, Path(folder))


if __name__ == "__main__":
    main()

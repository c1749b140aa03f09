"""Field accuracy across the space of scan damage: run, and dump every field.

Generates reports from seeds of one split (``tuning`` or ``held-out``,
``tests/corpus/space.py``), scans each at a point of the damage space drawn
for that split (a held-out scan lies in one of the held-out regions), runs
the full pipeline with calibration off and writes one JSON line per field:
its section, kind, raw confidence, whether it was right, its page, the
page's bin for every damage factor, and the share of the page's characters
read with doubt (``confidence.doubtful_share``: what grades a poor scan).
One more line per document says which of the truth's tables were found (as
a record or sent to review).

``benchmarks/space_report.py`` reads these dumps: F1 per factor bin, the
calibration fitted on the tuning split and judged on the held-out one.

    .venv/bin/python benchmarks/scan_space.py --split tuning --n 8 --out /tmp/space/tuning.jsonl
    .venv/bin/python benchmarks/scan_space.py --split held-out --n 8 --out /tmp/space/held-out.jsonl
    .venv/bin/python benchmarks/scan_space.py --split held-out --points 150dpi-q40 --engine tesseract --out ...

``--points`` scans at the tests' fixed points (``space.TEST_POINTS``)
instead of sampling; ``--engine`` reads with another OCR engine (paddleocr
from ``.venv-paddle``), so engines are compared on the same scans.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.confidence import PageGrade, doubtful_share, field_kind
from pipeline.config import load_config
from pipeline.evaluate import FieldResult, evaluate
from pipeline.flow import Pipeline
from pipeline.model import Document
from pipeline.stages import Timings
from tests.corpus.degrade import scan_point
from tests.corpus.generate import generate
from tests.corpus.space import (
    FACTORS,
    HELD_OUT_SEEDS,
    TEST_POINTS,
    TUNING_SEEDS,
    ScanPoint,
    factor_bin,
    fixed_scan,
    sample_scan,
)

KINDS = ("final_account", "overall_performance_report")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=["tuning", "held-out"], required=True)
    parser.add_argument("--n", type=int, default=8, help="reports (the first N seeds of the split)")
    parser.add_argument("--seeds", type=int, nargs="*", help="explicit seeds of the split instead")
    parser.add_argument("--out", type=Path, required=True, help="JSON lines, appended")
    parser.add_argument("--threads", type=int, default=-1, help="OCR threads (1 to run two splits side by side)")
    parser.add_argument("--engine", help="OCR engine instead of the configured one (rapidocr, tesseract, paddleocr)")
    parser.add_argument("--points", nargs="*", choices=sorted(TEST_POINTS), help="fixed test points, not samples")
    parser.add_argument("--config", help="YAML overriding configs/default.yaml (e.g. another rec model)")
    args = parser.parse_args()
    held_out = args.split == "held-out"
    pool = HELD_OUT_SEEDS if held_out else TUNING_SEEDS
    seeds = args.seeds or list(pool[: args.n])
    if any(seed not in pool for seed in seeds):
        parser.error(f"seeds of the {args.split} split lie in {pool}")
    config = load_config(args.config)
    config["scan"].setdefault("ocr", {})["threads"] = args.threads
    if args.engine:
        config["scan"]["engine"] = args.engine
        if args.engine == "paddleocr":
            config["scan"]["ocr"]["paddle_model_dir"] = "models/paddle"
    pipeline = Pipeline.from_config(config)
    pipeline.confidence = dataclasses.replace(pipeline.confidence, calibration=None, failed_check_factor=1.0)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, args.out.open("a", encoding="utf-8") as out:
        for seed in seeds:
            kind = KINDS[seed % 4 == 3]  # one report in four is a 整体支出绩效自评报告
            [pdf] = generate(Path(tmp), [seed], kinds=(kind,), statements=False)
            truth = json.loads(pdf.with_suffix(".truth.json").read_text(encoding="utf-8"))
            for point in _points(args.points, seed, truth["pages"], held_out):
                scanned = scan_point(pdf, Path(tmp) / f"{pdf.stem}-scan.pdf", point, seed=seed)
                started = time.perf_counter()
                timings = Timings()
                source, errors = pipeline.read_pages(scanned, timings=timings)
                document = pipeline.assemble(scanned, source, errors, timings)
                seconds = time.perf_counter() - started
                doubtful = [doubtful_share(page.chars) for page in source.pages]
                lines = list(_lines(args.split, seed, point, document, truth, seconds, doubtful))
                for line in lines:
                    out.write(json.dumps({**line, "engine": pipeline.scan.engine}, ensure_ascii=False) + "\n")
                out.flush()
                fields = [line for line in lines if line["type"] == "field"]
                f1 = _f1(fields)
                print(f"{args.split} seed {seed} {pipeline.scan.engine}: {point.region}, {point.scanner}, "
                      f"{len(point.pages)} pages, {seconds:.0f} s, F1 {f1:.4f}", flush=True)


def _points(names: list[str] | None, seed: int, pages: int, held_out: bool) -> list[ScanPoint]:
    if not names:
        return [sample_scan(seed, pages, held_out)]
    points = []
    for name in names:
        scanner, ranges, _ = TEST_POINTS[name]
        points.append(replace(fixed_scan(scanner, pages, seed, **ranges), region=name))
    return points


def _f1(fields: list[dict]) -> float:
    tp = sum(1 for f in fields if f["correct"])
    fp = sum(1 for f in fields if not f["correct"] and f["predicted"] is not None)
    fn = sum(1 for f in fields if not f["correct"] and f["truth"] is not None)
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def _lines(split: str, seed: int, point: ScanPoint, document: Document, truth: dict, seconds: float,
           doubtful: list[float | None]):
    evaluation = evaluate(document, truth)
    failed = {path for check in document.checks if not check.passed for path in check.fields}
    common = {"split": split, "seed": seed, "region": point.region, "dpi": point.scanner.dpi,
              "mode": point.scanner.mode}
    yield {**common, "type": "document", "pages": len(point.pages), "seconds": round(seconds, 1),
           "tables": _tables_found(document, truth), "page_errors": len(document.page_errors)}
    for result in _located(evaluation.results):
        page = point.pages[result.page - 1] if result.page and result.page <= len(point.pages) else None
        bins = {f.name: factor_bin(f, point.scanner, page) for f in FACTORS} if page is not None else {}
        yield {**common, "type": "field", "section": result.section, "path": result.path,
               "kind": field_kind(result.path, result.truth if result.predicted is None else result.predicted),
               "predicted": result.predicted, "truth": result.truth, "correct": result.correct,
               "confidence": result.confidence, "page": result.page, "page_source": result.page_source,
               "in_failed_check": result.path in failed, "bins": bins,
               "doubtful": doubtful[result.page - 1] if result.page and result.page <= len(doubtful) else None,
               "doubtful_below": PageGrade.below}


def _located(results: list[FieldResult]) -> list[FieldResult]:
    """Results with a page each: a missed field takes the page of the field
    before it in document order (the same record, as a rule), so misses are
    binned by the damage of the page they were lost on."""
    page = None
    located = []
    for result in results:
        if result.page is None and page is not None:
            result = dataclasses.replace(result, page=page)
        page = result.page or page
        located.append(result)
    return located


def _tables_found(document: Document, truth: dict) -> dict[str, int]:
    """How many of the truth's tables some output table covers the first page of,
    and how many output tables went to review rather than into a record."""
    covered = {page for table in document.tables for page in table.pages}
    found = sum(1 for pages in truth["table_pages"] if pages[0] in covered)
    review = sum(1 for table in document.tables if table.status == "review")
    return {"truth": len(truth["table_pages"]), "found": found, "review": review,
            "records": len(document.performance), "truth_records": len(truth.get("performance", []))}


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Command line: budget-report PDFs to budgetdoc/1 JSON.

    python run.py extract a.pdf b.pdf --out out/
    python run.py extract scans/ --out out/          # every PDF in a folder
    python run.py evaluate out/ truth/              # field F1 against truth files

A PDF that cannot be read gets one line on stderr naming the file and the
reason; the rest of the batch goes on.  The exit status is 1 when any file
failed, else 0.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from pipeline.config import ConfigError, load_config
from pipeline.evaluate import evaluate, summarise
from pipeline.export import write_json
from pipeline.flow import Pipeline
from pipeline.model import Document


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.verbose:
        # The OCR and layout packages log every model load and empty cell at
        # INFO/WARNING on their own handlers; the CLI's output is its own lines.
        logging.disable(logging.WARNING)
    return args.command(args)


def extract_command(args: argparse.Namespace) -> int:
    try:
        pipeline = Pipeline.from_config(load_config(args.config))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    paths = list(_pdf_paths(args.inputs))
    failures = 0
    used_stems: set[str] = set()
    for path in paths:
        started = time.perf_counter()
        try:
            document = pipeline.run(path)
        except Exception as exc:  # one broken PDF never stops a batch
            failures += 1
            print(f"error: {path}: {_reason(exc, path)}", file=sys.stderr)
            continue
        target = write_json(document, args.out, _unique_stem(path, used_stems))
        print(_summary(path, target, document, time.perf_counter() - started))
    return 1 if failures else 0


def evaluate_command(args: argparse.Namespace) -> int:
    evaluations = []
    for truth_path in sorted(Path(args.truth).glob("*.truth.json")):
        stem = truth_path.name.removesuffix(".truth.json")
        output = Path(args.outputs) / f"{stem}.json"
        if not output.exists():
            print(f"error: {output}: no output for truth file {truth_path.name}", file=sys.stderr)
            return 1
        document = Document.model_validate_json(output.read_text(encoding="utf-8"))
        evaluations.append(evaluate(document, json.loads(truth_path.read_text(encoding="utf-8"))))
    for section, score in summarise(evaluations).scores().items():
        print(f"{section:24s} P={score.precision:.4f} R={score.recall:.4f} F1={score.f1:.4f}  (tp={score.tp})")
    return 0


def _pdf_paths(inputs: list[str]):
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.suffix.lower() == ".pdf")
        else:
            yield path


def _unique_stem(path: Path, used: set[str]) -> str:
    stem, n = path.stem, 2
    while stem in used:
        stem, n = f"{path.stem}-{n}", n + 1
    used.add(stem)
    return stem


def _summary(path: Path, target: Path, document: Document, seconds: float) -> str:
    review = sum(1 for check in document.checks if not check.passed)
    return (
        f"ok: {path} -> {target} ({document.document.pages} pages, {len(document.figures)} figures, "
        f"{len(document.expenditure_items)} items, {len(document.performance)} performance tables, "
        f"{review} failed checks, {seconds:.2f}s)"
    )


def _reason(exc: Exception, path: Path) -> str:
    """The first line of the error, without the file name the error may already carry."""
    lines = str(exc).strip().splitlines()
    message = lines[0].removeprefix(f"{path}: ") if lines else ""
    return message or type(exc).__name__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true", help="show the engines' own log messages")
    commands = parser.add_subparsers(required=True)
    extract = commands.add_parser("extract", help="PDFs (or folders of PDFs) to JSON")
    extract.add_argument("inputs", nargs="+", help="PDF files or folders")
    extract.add_argument("--out", default="out", help="output folder (default: out/)")
    extract.add_argument("--config", help="YAML overriding configs/default.yaml")
    extract.set_defaults(command=extract_command)
    score = commands.add_parser("evaluate", help="field F1 of JSON outputs against *.truth.json files")
    score.add_argument("outputs", help="folder of JSON outputs")
    score.add_argument("truth", help="folder of NAME.truth.json files")
    score.set_defaults(command=evaluate_command)
    return parser


if __name__ == "__main__":
    sys.exit(main())

"""Command line: budget-report PDFs to budgetdoc/1 JSON (the budgetdoc command; run.py wraps it).

    budgetdoc extract a.pdf b.pdf --out out/
    budgetdoc extract archive/ --recursive --out out/   # every PDF under a folder
    budgetdoc evaluate out/ truth/                      # field F1 against truth files
    budgetdoc batch archive/ --db sqlite:///archive.db --workers 2   # into the store (cli_store.py)
    budgetdoc export --db sqlite:///archive.db --format xlsx --out tables.xlsx

Each input gets one line: ``ok:`` or ``partial:`` on stdout with where its
JSON went, or ``error: FILE: reason`` on stderr; a page that failed adds
``partial: FILE: page N: stage: reason``.  The batch always goes on.  The
exit status is an ``ExitCode``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
import traceback
from pathlib import Path

from pipeline.batch.plan import expand_inputs
from pipeline.cli_store import add_store_commands
from pipeline.outcome import (
    ExitCode,
    document_status,
    internal_reason,
    page_error_lines,
    reason,
    summary,
    worst,
)
from pipeline.progress import Bar, PageProgress, say
from pipeline.review.cli import add_review_commands
from pipeline.stages import printable_path


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _configure_logging(args.verbose)
    try:
        return int(args.command(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return int(ExitCode.interrupted)


def extract_command(args: argparse.Namespace) -> ExitCode:
    from pipeline.config import ConfigError, load_config
    from pipeline.flow import Pipeline

    try:
        pipeline = Pipeline.from_config(load_config(args.config))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.usage
    out = Path(args.out)
    problem = output_folder_problem(out) if args.out.strip() else "an empty path"
    if problem:
        print(f"error: --out {args.out if args.out.strip() else repr(args.out)}: {problem}", file=sys.stderr)
        return ExitCode.usage
    status = ExitCode.ok
    paths: list[Path] = []
    for item, found, problem in expand_inputs(args.inputs, recursive=args.recursive):
        if problem:
            print(f"error: {printable_path(item)}: {problem}", file=sys.stderr)
            status = worst(status, ExitCode.input_failed)
        paths += found
    used_stems: set[str] = set()
    progress = Bar(len(paths), "file")
    for path in paths:
        status = worst(status, _extract_one(pipeline, path, out, used_stems, args.verbose))
        progress.update()
    progress.close()
    return status


def _extract_one(pipeline, path: Path, out: Path, used_stems: set[str], verbose: bool) -> ExitCode:
    from pipeline.export import unique_stem, write_json
    from pipeline.stages import InputError

    started = time.perf_counter()
    pages = PageProgress(path)
    try:
        document = pipeline.run(path, on_page=pages.update)
    except InputError as exc:
        say(f"error: {printable_path(path)}: {reason(exc, path)}", file=sys.stderr)
        return ExitCode.input_failed
    except Exception as exc:  # a bug must not stop the batch either
        return _internal_error(path, exc, verbose)
    finally:
        pages.close()
    try:
        target = write_json(document, out, unique_stem(path.stem, used_stems))
    except OSError as exc:
        say(f"error: {printable_path(path)}: cannot write its JSON into {out}: {exc.strerror or exc}", file=sys.stderr)
        return ExitCode.input_failed
    except Exception as exc:  # a bug in building the JSON must not stop the batch either
        return _internal_error(path, exc, verbose)
    for line in page_error_lines(path, document):
        say(line, file=sys.stderr)
    label = "partial" if document.page_errors else "ok"
    say(f"{label}: {summary(path, target, document, time.perf_counter() - started)}")
    if verbose:
        timings = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in document.document.timings.items())
        say(f"timings: {printable_path(path)}: {timings}", file=sys.stderr)
    return document_status(document)


def _internal_error(path: Path, exc: Exception, verbose: bool) -> ExitCode:
    """A bug met on ``path``: one line that says so, the traceback with --verbose."""
    say(f"error: {printable_path(path)}: {internal_reason(exc, path)}", file=sys.stderr)
    if verbose:
        traceback.print_exc()
    return ExitCode.internal_error


def evaluate_command(args: argparse.Namespace) -> ExitCode:
    from pipeline.evaluate import evaluate, summarise
    from pipeline.model import Document

    evaluations = []
    for truth_path in sorted(Path(args.truth).glob("*.truth.json")):
        stem = truth_path.name.removesuffix(".truth.json")
        output = Path(args.outputs) / f"{stem}.json"
        if not output.exists():
            print(f"error: {output}: no output for truth file {truth_path.name}", file=sys.stderr)
            return ExitCode.input_failed
        try:
            document = Document.model_validate_json(output.read_text(encoding="utf-8"))
        except ValueError as exc:  # pydantic's ValidationError: not (or no longer) budgetdoc/1
            first = str(exc).splitlines()[:3]
            print(f"error: {output}: not a budgetdoc/1 document: {' '.join(first)}", file=sys.stderr)
            return ExitCode.input_failed
        evaluations.append(evaluate(document, json.loads(truth_path.read_text(encoding="utf-8"))))
    for section, score in summarise(evaluations).scores().items():
        print(f"{section:24s} P={score.precision:.4f} R={score.recall:.4f} F1={score.f1:.4f}  (tp={score.tp})")
    return ExitCode.ok


def output_folder_problem(out: Path) -> str | None:
    """Why JSON cannot be written into ``out`` (created if missing), else None."""
    if out.exists() and not out.is_dir():
        return "exists and is not a folder"
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".budgetdoc-probe-"):
            pass
    except OSError as exc:
        return f"not writable ({exc.strerror or exc})"
    return None


def _configure_logging(verbose: bool) -> None:
    if verbose:
        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
        for noisy in ("PIL", "matplotlib", "urllib3"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    else:
        # The OCR and layout packages log every model load and empty cell at
        # INFO/WARNING on their own handlers; the CLI's output is its own lines.
        logging.disable(logging.WARNING)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="budgetdoc", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="log each stage with its time, the engines' own messages, and tracebacks of bugs",
    )
    commands = parser.add_subparsers(required=True)
    extract = commands.add_parser("extract", help="PDFs (or folders of PDFs) to JSON")
    extract.add_argument("inputs", nargs="+", help="PDF files or folders")
    extract.add_argument("--out", default="out", help="output folder (default: out/), checked before any work")
    extract.add_argument("--config", help="YAML overriding configs/default.yaml")
    extract.add_argument("-r", "--recursive", action="store_true", help="read folders' subfolders too")
    extract.set_defaults(command=extract_command)
    score = commands.add_parser("evaluate", help="field F1 of JSON outputs against *.truth.json files")
    score.add_argument("outputs", help="folder of JSON outputs")
    score.add_argument("truth", help="folder of NAME.truth.json files")
    score.set_defaults(command=evaluate_command)
    add_store_commands(commands)
    add_review_commands(commands)
    return parser

"""The commands that work with the store: ``batch`` and ``export``.

    budgetdoc batch archive/ 'more/**/*.pdf' --db sqlite:///archive.db --workers 2
    budgetdoc export --db sqlite:///archive.db --format xlsx --out tables.xlsx
    budgetdoc export --db sqlite:///archive.db --format json --out out/ --include-unreviewed

``batch`` prints the lines of ``extract`` (without a JSON path: the
document is in the store), a progress bar with pages/min and the ETA on a
terminal, and a summary; its exit status is the same ``ExitCode``.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.outcome import ExitCode

if TYPE_CHECKING:
    from pipeline.store import Store

DEFAULT_DB = "sqlite:///archive.db"


def batch_command(args: argparse.Namespace) -> ExitCode:
    from pipeline.batch import BatchError, Limits, run_batch
    from pipeline.config import ConfigError
    from pipeline.store import StoreError

    if args.workers < 1:
        print(f"error: --workers {args.workers}: at least 1", file=sys.stderr)
        return ExitCode.usage
    limits = Limits(seconds=args.time_limit or None, memory_mb=args.memory_mb or None)
    try:
        summary = run_batch(
            args.inputs,
            args.db,
            workers=args.workers,
            engine=args.engine,
            address=args.address,
            config=args.config,
            limits=limits,
            retry_failed=args.retry_failed,
            command=" ".join(sys.argv[1:]),
        )
    except (ConfigError, StoreError, BatchError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.usage
    return summary.status


def with_store(command: Callable[[argparse.Namespace, Store], ExitCode]) -> Callable[[argparse.Namespace], ExitCode]:
    """The command run with the store of ``--db`` open; a store that cannot be opened is one error line."""

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> ExitCode:
        from pipeline.store import Store, StoreError

        try:
            store = Store(args.db)
        except StoreError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return ExitCode.usage
        with store:
            return command(args, store)

    return run


@with_store
def export_command(args: argparse.Namespace, store: Store) -> ExitCode:
    from pipeline.export import data_frames, write_json, write_tables

    count = 0

    def counted():
        nonlocal count
        for entry in store.entries(include_unreviewed=args.include_unreviewed):
            count += 1
            yield entry

    try:
        if args.format == "json":
            written = _json_files(counted(), Path(args.out), write_json)
        else:
            written = write_tables(data_frames(counted()), args.format, args.out)
    except (OSError, ValueError) as exc:  # a folder that cannot be written, a sheet past Excel's rows
        print(f"error: --out {args.out}: {exc}", file=sys.stderr)
        return ExitCode.usage
    for path in written:
        print(f"wrote: {path}")
    print(f"export: {count} documents as {args.format} into {args.out}", file=sys.stderr)
    return ExitCode.ok


def _json_files(entries, out: Path, write_json) -> list[Path]:
    """One contract file per document, named after the first name it was seen under."""
    from pipeline.export import unique_stem

    used: set[str] = set()
    written = []
    for document, _, extra in entries:
        if extra.get("status") == "failed":
            continue  # nothing was read: there is no contract document to write
        stem = Path(document.document.file).stem or document.document.doc_id.removeprefix("sha256:")[:16]
        written.append(write_json(document, out, unique_stem(stem, used)))
    return written


def add_store_commands(commands) -> None:
    from pipeline.export import FORMATS

    batch = commands.add_parser("batch", help="PDFs, folders (recursive) and globs into the store, in parallel")
    batch.add_argument("inputs", nargs="+", help="PDF files, folders or glob patterns")
    batch.add_argument("--db", default=DEFAULT_DB, help=f"store URL (default {DEFAULT_DB}; postgresql+psycopg://…)")
    batch.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    batch.add_argument("--engine", choices=["local", "ray"], default="local", help="where the workers run")
    batch.add_argument("--address", help="the Ray cluster's address (--engine ray; default: start one here)")
    batch.add_argument("--config", help="YAML overriding configs/default.yaml")
    batch.add_argument("--time-limit", type=float, default=900, help="seconds per document (default 900; 0: none)")
    batch.add_argument("--memory-mb", type=float, default=4096, help="memory cap per worker (default 4096; 0: none)")
    batch.add_argument("--retry-failed", action="store_true", help="read again the files that failed before")
    batch.set_defaults(command=batch_command)
    export = commands.add_parser("export", help="the store's documents as tables (csv, xlsx, parquet, jsonl) or JSON")
    export.add_argument("--db", default=DEFAULT_DB, help=f"store URL (default {DEFAULT_DB})")
    export.add_argument("--format", choices=FORMATS, required=True)
    export.add_argument("--out", required=True, help="folder (an .xlsx file name for xlsx)")
    export.add_argument(
        "--include-unreviewed",
        action="store_true",
        help="also documents with fields waiting in the correction queue, and files that failed",
    )
    export.set_defaults(command=export_command)

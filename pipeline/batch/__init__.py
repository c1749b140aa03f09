"""Batches over an archive: every PDF the inputs name, read by parallel
workers into the store, each document committed on its own.

    run_batch(["archive/"], "sqlite:///archive.db", workers=2)

A rerun skips what the store holds (by doc_id) and reads the rest, so a
batch killed at any moment is finished by running it again.  The same file
under two names is read once and both names are recorded.  A file that
cannot be read is named with its reason and the batch goes on.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.batch.plan import Job, plan
from pipeline.batch.pool import Limits, Outcome, WorkersFailed, run_local
from pipeline.outcome import ExitCode, document_status, internal_reason, page_error_lines, summary, worst
from pipeline.progress import Bar, say
from pipeline.stages import printable_path

__all__ = ["BatchError", "BatchSummary", "Limits", "run_batch"]


class BatchError(RuntimeError):
    """Nothing can be read (the workers cannot load the pipeline, Ray is not installed):
    the batch stops at once, with the store as it was."""


@dataclass
class BatchSummary:
    done: int = 0
    partial: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    pages: int = 0
    seconds: float = 0.0
    status: ExitCode = ExitCode.ok

    def line(self) -> str:
        rate = self.pages / self.seconds * 60 if self.seconds else 0.0
        return (
            f"batch: {self.done} done ({self.partial} partial), {self.skipped} skipped (already in the store), "
            f"{len(self.failed)} failed; {self.pages} pages in {self.seconds:.1f} s ({rate:.0f} pages/min)"
        )


def run_batch(
    inputs: list[str],
    store_url: str,
    *,
    workers: int = 1,
    engine: str = "local",
    address: str | None = None,
    config: str | Path | Mapping[str, Any] | None = None,
    limits: Limits | None = None,
    retry_failed: bool = False,
    command: str = "",
) -> BatchSummary:
    """Read every PDF the inputs name into the store; prints one line per
    file, a progress bar on a terminal and the summary."""
    from pipeline.store import Store

    started = time.perf_counter()
    result = BatchSummary()
    runner = _engine(engine, address)
    worker_config = _worker_config(config, workers)  # a bad option or engine: ConfigError before any work
    store = Store(store_url)
    work = plan(inputs)
    for item, problem in work.problems:
        say(f"error: {item}: {problem}", file=sys.stderr)
        result.failed.append((item, problem))
        result.status = worst(result.status, ExitCode.input_failed)
    # Largest first: a long scan handed out last would keep one worker busy
    # while the others sit idle (bytes stand for the work: scans are images).
    todo = sorted(_unfinished(store, work.jobs, retry_failed, result), key=lambda job: job.size, reverse=True)
    run_id = store.start_run(command or "batch " + " ".join(inputs))
    bar = Bar(len(todo), "doc")
    try:
        for outcome in runner(todo, workers, worker_config, limits or Limits()):
            _record(store, outcome, run_id, result)
            bar.update()
            if bar.bar is not None:
                bar.bar.set_postfix_str(f"{result.pages / (time.perf_counter() - started) * 60:.0f} pages/min")
    except WorkersFailed as exc:
        raise BatchError(str(exc)) from None
    finally:
        bar.close()
        result.seconds = time.perf_counter() - started
        store.finish_run(run_id, _counts(result))
        store.close()
    say(result.line(), file=sys.stderr)
    for path, problem in result.failed:
        say(f"failed: {path}: {problem}", file=sys.stderr)
    return result


def _unfinished(store, jobs: list[Job], retry_failed: bool, result: BatchSummary) -> list[Job]:
    """The jobs the store does not hold yet; the others get their new names recorded."""
    finished = store.finished()
    todo = []
    for job in jobs:
        known = job.doc_id in finished and not (retry_failed and store.status(job.doc_id) == "failed")
        if known:
            store.add_paths(job.doc_id, job.paths)
            result.skipped += 1
        else:
            todo.append(job)
    return todo


def _record(store, outcome: Outcome, run_id: int, result: BatchSummary) -> None:
    """Write one outcome; a document the store cannot take is a failed file, not a stopped batch."""
    try:
        _write(store, outcome, run_id, result)
    except Exception as exc:  # a bug in building or writing the records
        why = internal_reason(exc, outcome.job.path)
        say(f"error: {printable_path(outcome.job.path)}: {why}", file=sys.stderr)
        result.failed.append((printable_path(outcome.job.path), why))
        result.status = worst(result.status, ExitCode.internal_error)


def _write(store, outcome: Outcome, run_id: int, result: BatchSummary) -> None:
    from pipeline.model import Document

    job = outcome.job
    if outcome.payload is None:
        store.add_failure(job.doc_id, job.paths, outcome.reason or "failed", run_id)
        say(f"error: {printable_path(job.path)}: {outcome.reason}", file=sys.stderr)
        result.failed.append((printable_path(job.path), outcome.reason or "failed"))
        result.status = worst(result.status, outcome.exit_code)
        return
    document = Document.model_validate_json(outcome.payload)
    store.add(document, job.paths, run_id, outcome.seconds)
    for line in page_error_lines(job.path, document):
        say(line, file=sys.stderr)
    result.done += 1
    result.partial += bool(document.page_errors)
    result.pages += document.document.pages
    result.status = worst(result.status, document_status(document))
    names = f" (also {', '.join(map(printable_path, job.paths[1:]))})" if job.paths[1:] else ""
    label = "partial" if document.page_errors else "ok"
    say(f"{label}: {summary(job.path, None, document, outcome.seconds)}{names}")


def _engine(name: str, address: str | None) -> Callable[..., Any]:
    if name == "local":
        return run_local
    if name != "ray":
        raise BatchError(f"unknown engine {name!r} (local or ray)")
    try:
        import ray  # noqa: F401  (only to say now, before any work, that it is missing)
    except ImportError:
        raise BatchError("--engine ray: the ray package is not installed (pip install 'budgetdoc[ray]')") from None
    from pipeline.batch.ray_engine import ray_runner

    return ray_runner(address)


def _worker_config(config: str | Path | Mapping[str, Any] | None, workers: int) -> dict[str, Any]:
    """The config each worker loads: the user's, with the OCR engine's threads
    shared out among the workers unless the user set them (more threads than
    cores only make the workers wait for each other)."""
    from pipeline.config import load_config
    from pipeline.flow import Pipeline

    resolved = load_config(config)
    ocr = resolved.setdefault("scan", {}).setdefault("ocr", {})
    if ocr.get("threads", -1) == -1:
        ocr["threads"] = max(1, (os.cpu_count() or 1) // max(1, workers))
    Pipeline.from_config(resolved)  # options, engine names and files checked here, once
    return resolved


def _counts(result: BatchSummary) -> dict[str, int]:
    return {
        "done": result.done,
        "partial": result.partial,
        "skipped": result.skipped,
        "failed": len(result.failed),
        "pages": result.pages,
    }

"""The batch on a Ray cluster (``--engine ray [--address ADDR]``).

Each document is a task; a document longer than ``PAGES_PER_TASK`` pages is
split into page tasks (ingest and per-page reading, the costly half: OCR)
and one task that assembles their pages into the document.  Results come
back to the driver, which writes them into the store as the local engine
does, so a cluster needs no connection to the database.

Without ``--address`` a Ray instance is started on this machine (what the
tests do).  On a cluster every node needs this package installed with the
same pins (``pip install .`` in the same Python) and read access to the
input files under the same paths; see the README.  The memory cap of the
local engine is not applied here: a cluster's memory is Ray's to guard
(its memory monitor kills and reports a task over the node's limit).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pipeline.batch.parts import assemble_parts, page_count, read_some_pages
from pipeline.batch.plan import Job
from pipeline.batch.pool import Limits, Outcome
from pipeline.batch.worker import load_pipeline, read_document
from pipeline.outcome import ExitCode

PAGES_PER_TASK = 24
_POLL = 0.5

# One pipeline per Ray worker process, keyed by its config: models load once.
_PIPELINES: dict[str, Any] = {}


def _pipeline(config: Mapping[str, Any]):
    import json

    key = json.dumps(config, sort_keys=True, default=str)
    if key not in _PIPELINES:
        _PIPELINES[key] = load_pipeline(config)
    return _PIPELINES[key]


def _read_whole(config: Mapping[str, Any], doc_id: str, path: str) -> tuple:
    return read_document(_pipeline(config), doc_id, path)


def _read_some_pages(config: Mapping[str, Any], doc_id: str, path: str, first: int, last: int) -> tuple:
    return read_some_pages(_pipeline(config), doc_id, path, first, last)


def _assemble(config: Mapping[str, Any], doc_id: str, path: str, *parts: tuple) -> tuple:
    return assemble_parts(_pipeline(config), doc_id, path, parts)


def ray_runner(address: str | None) -> Callable[..., Iterator[Outcome]]:
    def run(jobs: list[Job], workers: int, config: Mapping[str, Any], limits: Limits) -> Iterator[Outcome]:
        import ray

        started_here = not ray.is_initialized()
        if started_here:
            ray.init(
                address=address,
                num_cpus=None if address else workers,
                include_dashboard=False,
                log_to_driver=False,
                configure_logging=False,
            )
        try:
            yield from _run_on_ray(ray, jobs, config, limits)
        finally:
            if started_here:
                ray.shutdown()

    return run


def _run_on_ray(ray, jobs: list[Job], config: Mapping[str, Any], limits: Limits) -> Iterator[Outcome]:
    """Documents in flight are kept to the cluster's CPUs, so that a
    document's time limit counts from about when it starts, not from when
    it was queued."""
    tasks = _Tasks(ray, config)
    capacity = max(1, int(ray.cluster_resources().get("CPU", 1)))
    pending = deque(jobs)
    running: dict[Any, tuple[Job, float, list]] = {}
    while pending or running:
        while pending and len(running) < capacity:
            job = pending.popleft()
            reference, parts = tasks.submit(job)
            running[reference] = (job, time.monotonic(), parts)
        ready, _ = ray.wait(list(running), num_returns=1, timeout=_POLL)
        for reference in ready:
            job, since, _ = running.pop(reference)
            yield _outcome(ray, reference, job, since)
        if limits.seconds is not None:
            yield from _cancel_overdue(ray, running, limits.seconds)


class _Tasks:
    def __init__(self, ray, config: Mapping[str, Any]) -> None:
        self.config = config
        self.whole = ray.remote(num_cpus=1, max_retries=0)(_read_whole)
        self.some = ray.remote(num_cpus=1, max_retries=0)(_read_some_pages)
        self.assemble = ray.remote(num_cpus=1, max_retries=0)(_assemble)

    def submit(self, job: Job) -> tuple[Any, list]:
        """One task for the document, or page tasks and the task that
        assembles them: the reference of the result, and of the page tasks."""
        count = page_count(job.path)
        if count <= PAGES_PER_TASK:
            return self.whole.remote(self.config, job.doc_id, job.path), []
        parts = [
            self.some.remote(self.config, job.doc_id, job.path, first, min(first + PAGES_PER_TASK - 1, count))
            for first in range(1, count + 1, PAGES_PER_TASK)
        ]
        return self.assemble.remote(self.config, job.doc_id, job.path, *parts), parts


def _outcome(ray, reference, job: Job, since: float) -> Outcome:
    try:
        message = ray.get(reference)
    except Exception as exc:  # the task's process died, or Ray itself failed
        return Outcome(job, None, f"the Ray task failed: {type(exc).__name__}", ExitCode.input_failed, 0.0)
    if message[0] == "done":
        return Outcome(job, message[2], None, ExitCode.ok, message[3])
    return Outcome(job, None, message[2], ExitCode(message[3]), time.monotonic() - since)


def _cancel_overdue(ray, running: dict, seconds: float) -> Iterator[Outcome]:
    """Documents past the time limit (counted from submission: Ray queues
    tasks itself) are cancelled, their worker process killed."""
    now = time.monotonic()
    for reference, (job, since, parts) in list(running.items()):
        if now - since > seconds:
            for task in [*parts, reference]:
                ray.cancel(task, force=True)
            del running[reference]
            why = f"took longer than the time limit of {seconds:g} s"
            yield Outcome(job, None, why, ExitCode.input_failed, now - since)

"""Worker processes on this machine, watched by the driver.

Each worker reads one task at a time (``worker.py``): a document, or with
more than one worker a large file's page count, then a scan's page range or
the assembly of its ranges (``tasks.py``).  Workers start as tasks wait for
them, up to the number asked for.  The driver watches each one's time on its task and its
resident memory; a worker over either limit, or one that dies, is killed
and replaced, and its document is reported failed with the reason.
Engines are never shared between threads: each process has its own.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any

from pipeline.batch.plan import Job
from pipeline.batch.tasks import Assemblies, Outcome, Task, tasks_of
from pipeline.batch.worker import worker_main
from pipeline.outcome import ExitCode

_POLL = 0.25  # seconds between looks at the workers' clocks and memory
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True, slots=True)
class Limits:
    seconds: float | None = None  # per task: a document, or a range or the assembly of a shared scan
    memory_mb: float | None = None  # resident memory of one worker


class WorkersFailed(RuntimeError):
    """The workers cannot start (a config or model they cannot load): no document can be read."""


class _Worker:
    def __init__(self, context, config: Mapping[str, Any] | None) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=worker_main, args=(child, config), daemon=True)
        self.process.start()
        child.close()
        self.task: Task | None = None
        self.started: float | None = None  # when the worker began the task
        self.broken = False  # over a limit, or dead: to be replaced

    def assign(self, task: Task) -> bool:
        """Hand the worker a task; False when it is gone (killed from outside while idle)."""
        self.task, self.started = task, None
        try:
            self.connection.send(task.message())
        except OSError:
            return False
        return True

    def resident_mb(self) -> float:
        try:
            with open(f"/proc/{self.process.pid}/statm") as handle:
                return int(handle.read().split()[1]) * _PAGE / 2**20
        except (OSError, ValueError, IndexError):
            return 0.0

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()


def run_local(
    jobs: list[Job],
    workers: int,
    config: Mapping[str, Any] | None = None,
    limits: Limits | None = None,
) -> Iterator[Outcome]:
    """Outcomes of ``jobs`` as they finish, read by ``workers`` processes."""
    if not jobs:
        return
    limits = limits or Limits()
    context = multiprocessing.get_context("spawn")  # no engine state copied from the driver
    pending = deque(task for job in jobs for task in tasks_of(job, workers))
    assemblies = Assemblies(workers)
    pool = [_Worker(context, config) for _ in range(max(1, min(workers, len(pending))))]
    try:
        while pending or any(w.task for w in pool):
            _grow(pool, workers, len(pending), context, config)
            for i, worker in enumerate(pool):
                if worker.task is None and pending and not worker.assign(task := pending.popleft()):
                    pending.appendleft(task)
                    worker.kill()
                    pool[i] = _Worker(context, config)
            busy = [w for w in pool if w.task is not None]
            wait([w.connection for w in busy], timeout=_POLL)
            for worker in busy:
                # Asked again now: the store may have taken a while over the last outcome.
                message = _receive(worker) if _has_message(worker) else _over_limit(worker, limits)
                if message is None:
                    continue
                task = worker.task
                if worker.broken or _grown(worker, limits):
                    worker.kill()
                    pool[pool.index(worker)] = _Worker(context, config)
                else:
                    worker.task = None
                outcome = assemblies.settle(task, message, _elapsed(worker), pending)
                if outcome is not None:
                    yield outcome
            _stop_ranges_of_failed(pool, assemblies.failed, context, config)
    finally:
        for worker in pool:
            _stop(worker)


def _grow(pool: list[_Worker], workers: int, pending: int, context, config) -> None:
    """Up to ``workers``, a worker for each task that would wait: a scan
    counted into ranges makes more tasks than the batch began with."""
    idle = sum(worker.task is None for worker in pool)
    for _ in range(min(workers - len(pool), pending - idle)):
        pool.append(_Worker(context, config))


def _stop_ranges_of_failed(pool: list[_Worker], failed: set[str], context, config) -> None:
    """A range of a document another range failed is of no use: its worker
    is replaced rather than left to read on, up to the time limit."""
    for i, worker in enumerate(pool):
        if worker.task is not None and worker.task.kind == "pages" and worker.task.job.doc_id in failed:
            worker.kill()
            pool[i] = _Worker(context, config)


def _has_message(worker: _Worker) -> bool:
    try:
        return worker.connection.poll(0)
    except OSError:
        return True  # a closed pipe: _receive says the worker died


def _grown(worker: _Worker, limits: Limits) -> bool:
    """A worker whose memory stayed near the cap after a heavy document is
    replaced, so the next document is not charged for it."""
    return limits.memory_mb is not None and worker.resident_mb() > 0.8 * limits.memory_mb


def _receive(worker: _Worker) -> tuple | None:
    """The worker's message about its task; None when it only says it started."""
    try:
        message = worker.connection.recv()
    except (EOFError, OSError):
        worker.process.join(5)
        return _failed(worker, f"the worker died while reading it (exit status {worker.process.exitcode})")
    if message[0] == "fatal":
        raise WorkersFailed(message[1])
    if message[0] == "started":
        worker.started = time.monotonic()
        return None
    return message


def _over_limit(worker: _Worker, limits: Limits) -> tuple | None:
    if worker.started is None:
        return None
    if limits.seconds is not None and _elapsed(worker) > limits.seconds:
        return _failed(worker, f"took longer than the time limit of {limits.seconds:g} s")
    if limits.memory_mb is not None and (used := worker.resident_mb()) > limits.memory_mb:
        return _failed(worker, f"used {used:.0f} MB, over the memory cap of {limits.memory_mb:g} MB")
    return None


def _failed(worker: _Worker, reason: str) -> tuple:
    worker.broken = True
    return ("failed", worker.task.job.doc_id if worker.task else "", reason, int(ExitCode.input_failed))


def _elapsed(worker: _Worker) -> float:
    return time.monotonic() - worker.started if worker.started is not None else 0.0


def _stop(worker: _Worker) -> None:
    with contextlib.suppress(OSError, ValueError):  # a worker already gone
        worker.connection.send(None)
    worker.process.join(2)
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join(2)

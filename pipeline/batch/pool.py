"""Worker processes on this machine, watched by the driver.

Each worker reads one document at a time (``worker.py``).  The driver
watches each one's time on its document and its resident memory; a worker
over either limit, or one that dies, is killed and replaced, and its
document is reported failed with the reason.  Engines are never shared
between threads: each process has its own.
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
from pipeline.batch.worker import worker_main
from pipeline.outcome import ExitCode

_POLL = 0.25  # seconds between looks at the workers' clocks and memory
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True, slots=True)
class Limits:
    seconds: float | None = None  # per document
    memory_mb: float | None = None  # resident memory of one worker


@dataclass(frozen=True, slots=True)
class Outcome:
    """A document's result as the driver receives it."""

    job: Job
    payload: str | None  # the document's JSON when it was read
    reason: str | None  # why it failed
    exit_code: ExitCode
    seconds: float


class WorkersFailed(RuntimeError):
    """The workers cannot start (a config or model they cannot load): no document can be read."""


class _Worker:
    def __init__(self, context, config: Mapping[str, Any] | None) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=worker_main, args=(child, config), daemon=True)
        self.process.start()
        child.close()
        self.job: Job | None = None
        self.started: float | None = None  # when the worker began the job
        self.broken = False  # over a limit, or dead: to be replaced

    def assign(self, job: Job) -> bool:
        """Hand the worker a job; False when it is gone (killed from outside while idle)."""
        self.job, self.started = job, None
        try:
            self.connection.send((job.doc_id, job.path))
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
    pending = deque(jobs)
    pool = [_Worker(context, config) for _ in range(max(1, min(workers, len(jobs))))]
    try:
        while pending or any(w.job for w in pool):
            for i, worker in enumerate(pool):
                if worker.job is None and pending and not worker.assign(job := pending.popleft()):
                    pending.appendleft(job)
                    worker.kill()
                    pool[i] = _Worker(context, config)
            busy = [w for w in pool if w.job is not None]
            wait([w.connection for w in busy], timeout=_POLL)
            for worker in busy:
                # Asked again now: the store may have taken a while over the last outcome.
                outcome = _receive(worker) if _has_message(worker) else _over_limit(worker, limits)
                if outcome is None:
                    continue
                if worker.broken or _grown(worker, limits):
                    worker.kill()
                    pool[pool.index(worker)] = _Worker(context, config)
                else:
                    worker.job = None
                yield outcome
    finally:
        for worker in pool:
            _stop(worker)


def _has_message(worker: _Worker) -> bool:
    try:
        return worker.connection.poll(0)
    except OSError:
        return True  # a closed pipe: _receive says the worker died


def _grown(worker: _Worker, limits: Limits) -> bool:
    """A worker whose memory stayed near the cap after a heavy document is
    replaced, so the next document is not charged for it."""
    return limits.memory_mb is not None and worker.resident_mb() > 0.8 * limits.memory_mb


def _receive(worker: _Worker) -> Outcome | None:
    job = worker.job
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
    if message[0] == "done":
        return Outcome(job, message[2], None, ExitCode.ok, message[3])
    return Outcome(job, None, message[2], ExitCode(message[3]), _elapsed(worker))


def _over_limit(worker: _Worker, limits: Limits) -> Outcome | None:
    if worker.started is None:
        return None
    if limits.seconds is not None and _elapsed(worker) > limits.seconds:
        return _failed(worker, f"took longer than the time limit of {limits.seconds:g} s")
    if limits.memory_mb is not None and (used := worker.resident_mb()) > limits.memory_mb:
        return _failed(worker, f"used {used:.0f} MB, over the memory cap of {limits.memory_mb:g} MB")
    return None


def _failed(worker: _Worker, reason: str) -> Outcome:
    worker.broken = True
    return Outcome(worker.job, None, reason, ExitCode.input_failed, _elapsed(worker))


def _elapsed(worker: _Worker) -> float:
    return time.monotonic() - worker.started if worker.started is not None else 0.0


def _stop(worker: _Worker) -> None:
    with contextlib.suppress(OSError, ValueError):  # a worker already gone
        worker.connection.send(None)
    worker.process.join(2)
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join(2)

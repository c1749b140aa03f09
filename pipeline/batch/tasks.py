"""The local pool's tasks: a whole document, or for a large file its page
count, then (a scan) its page ranges and their assembly, so that one long
scan keeps every worker busy instead of one while the rest of the batch is
done (``parts.py`` reads them)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from pipeline.batch.parts import SCAN_BYTES_PER_PAGE, page_ranges
from pipeline.batch.plan import Job
from pipeline.outcome import ExitCode


@dataclass(frozen=True, slots=True)
class Outcome:
    """A document's result as the driver receives it."""

    job: Job
    payload: str | None  # the document's JSON when it was read
    reason: str | None  # why it failed
    exit_code: ExitCode
    seconds: float


@dataclass(frozen=True, slots=True)
class Task:
    job: Job
    kind: str = "whole"  # whole | count | pages | assemble
    first: int = 0  # a range's pages, 1-based
    last: int = 0
    parts: tuple = ()  # an assembly's ranges, as they were read

    def message(self) -> tuple:
        """What the worker is sent (``worker.perform``)."""
        if self.kind == "pages":
            return ("pages", self.job.doc_id, self.job.path, self.first, self.last)
        if self.kind == "assemble":
            return ("assemble", self.job.doc_id, self.job.path, self.parts)
        return (self.kind, self.job.doc_id, self.job.path)


def tasks_of(job: Job, workers: int) -> list[Task]:
    """The document as one task; a file large enough to be a scan of
    several pages, with workers to share it, first has its pages counted
    (by a worker: the driver opens no PDF, which could hang or crash it)."""
    if workers < 2 or job.size < 2 * SCAN_BYTES_PER_PAGE:
        return [Task(job)]
    return [Task(job, "count")]


class Assemblies:
    """The documents shared out by page range, as their messages come back:
    a count becomes one range per worker (or the whole document), the last
    range in becomes the assembly, at the front of the queue; the first
    range that fails fails the document, once, and its other ranges are
    dropped (``failed``: the pool stops the ones running)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.expected: dict[str, int] = {}
        self.parts: dict[str, list[tuple]] = {}
        self.failed: set[str] = set()

    def settle(self, task: Task, message: tuple, elapsed: float, pending: deque[Task]) -> Outcome | None:
        """The document's outcome once this message decides it, else None."""
        if task.kind == "count" and message[0] == "count":
            self._share_out(task.job, message[2], pending)
            return None
        if task.kind != "pages":
            if message[0] == "done":
                return Outcome(task.job, message[2], None, ExitCode.ok, message[3])
            return Outcome(task.job, None, message[2], ExitCode(message[3]), elapsed)
        doc_id = task.job.doc_id
        if doc_id in self.failed:
            return None  # another range failed it already
        if message[0] == "failed":
            self.failed.add(doc_id)
            self.parts.pop(doc_id, None)
            others = [waiting for waiting in pending if waiting.job.doc_id != doc_id]
            pending.clear()
            pending.extend(others)
            return Outcome(task.job, None, message[2], ExitCode(message[3]), elapsed)
        self.parts[doc_id].append(message)
        if len(self.parts[doc_id]) == self.expected[doc_id]:
            parts = sorted(self.parts.pop(doc_id), key=lambda part: min((p.number for p in part[2]), default=0))
            pending.appendleft(Task(task.job, "assemble", parts=tuple(parts)))
        return None

    def _share_out(self, job: Job, count: int, pending: deque[Task]) -> None:
        """A file of at least ``SCAN_BYTES_PER_PAGE`` a page is taken for a
        scan and read in ranges; anything else (a PDF that cannot be counted
        is 0 pages) is read whole, which says why it cannot be."""
        if count < 2 or job.size < SCAN_BYTES_PER_PAGE * count:
            pending.appendleft(Task(job))
            return
        ranges = [Task(job, "pages", first, last) for first, last in page_ranges(count, self.workers)]
        self.expected[job.doc_id], self.parts[job.doc_id] = len(ranges), []
        pending.extendleft(reversed(ranges))

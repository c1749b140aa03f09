"""The local pool's tasks: a whole document, or a scan's page ranges and then
their assembly, so that one long scan keeps every worker busy instead of
one while the rest of the batch is done (``parts.py`` reads them)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from pipeline.batch.parts import SCAN_BYTES_PER_PAGE, page_count, page_ranges
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
    kind: str = "whole"  # whole | pages | assemble
    first: int = 0  # a range's pages, 1-based
    last: int = 0
    parts: tuple = ()  # an assembly's ranges, as they were read

    def message(self) -> tuple:
        """What the worker is sent (``worker.perform``)."""
        if self.kind == "pages":
            return ("pages", self.job.doc_id, self.job.path, self.first, self.last)
        if self.kind == "assemble":
            return ("assemble", self.job.doc_id, self.job.path, self.parts)
        return ("whole", self.job.doc_id, self.job.path)


def tasks_of(job: Job, workers: int) -> list[Task]:
    """The document as one task; a scan of several pages, with workers to
    share it, as one page range per worker (the assembly follows them)."""
    if workers < 2 or job.size < 2 * SCAN_BYTES_PER_PAGE:
        return [Task(job)]
    count = page_count(job.path)
    if count < 2 or job.size < SCAN_BYTES_PER_PAGE * count:
        return [Task(job)]
    return [Task(job, "pages", first, last) for first, last in page_ranges(count, workers)]


class Assemblies:
    """The ranges of the documents read in parts, collected as they come
    back: when a document's last range is in, its assembly goes to the
    front of the queue; the first range that fails fails the document, once."""

    def __init__(self, tasks: list[Task]) -> None:
        self.expected: dict[str, int] = {}
        for task in tasks:
            if task.kind == "pages":
                self.expected[task.job.doc_id] = self.expected.get(task.job.doc_id, 0) + 1
        self.parts: dict[str, list[tuple]] = {doc_id: [] for doc_id in self.expected}
        self.failed: set[str] = set()

    def settle(self, task: Task, message: tuple, elapsed: float, pending: deque[Task]) -> Outcome | None:
        """The document's outcome once this message decides it, else None."""
        if task.kind != "pages":
            if message[0] == "done":
                return Outcome(task.job, message[2], None, ExitCode.ok, message[3])
            return Outcome(task.job, None, message[2], ExitCode(message[3]), elapsed)
        doc_id = task.job.doc_id
        if doc_id in self.failed:
            return None  # another range failed it already
        if message[0] == "failed":
            self.failed.add(doc_id)
            others = [waiting for waiting in pending if waiting.job.doc_id != doc_id]
            pending.clear()
            pending.extend(others)
            return Outcome(task.job, None, message[2], ExitCode(message[3]), elapsed)
        self.parts[doc_id].append(message)
        if len(self.parts[doc_id]) == self.expected[doc_id]:
            parts = sorted(self.parts.pop(doc_id), key=lambda part: min((p.number for p in part[2]), default=0))
            pending.appendleft(Task(task.job, "assemble", parts=tuple(parts)))
        return None
